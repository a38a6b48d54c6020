//! Schema payloads: ALTER_JOB (5), light schema change (6), RENAME_COLUMN (15),
//! MODIFY_COMMENT (16), MODIFY_VIEW_DEF (17), RENAME_ROLLUP (21), DROP_ROLLUP (23).

use super::{decode, require, BinlogType, RecordError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Schema change / rollup job state change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AlterJobRecord {
    /// `SCHEMA_CHANGE` or `ROLLUP`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub table_id: i64,
    /// Source table name.
    pub table_name: String,
    /// Alter job id.
    pub job_id: i64,
    /// PENDING, WAITING_TXN, RUNNING, FINISHED, CANCELLED.
    pub job_state: String,
    /// Original statement.
    pub raw_sql: String,
    /// Shadow index id → origin index id (schema change).
    pub iim: BTreeMap<i64, i64>,
    /// Rollup index id.
    pub rollup_index_id: i64,
    /// Rollup index name.
    #[serde(rename = "rollUpIndexName")]
    pub rollup_index_name: String,
}

impl AlterJobRecord {
    /// Decodes; `tableId` and `tableName` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let t = BinlogType::AlterJob;
        let r: Self = decode(t, data)?;
        require(t, r.table_id != 0, "tableId")?;
        require(t, !r.table_name.is_empty(), "tableName")?;
        Ok(r)
    }

    /// True for a schema change job.
    pub fn is_schema_change(&self) -> bool {
        self.kind.eq_ignore_ascii_case("SCHEMA_CHANGE")
    }

    /// True for a rollup job.
    pub fn is_rollup(&self) -> bool {
        self.kind.eq_ignore_ascii_case("ROLLUP")
    }
}

/// Light schema change (ADD/DROP value columns).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModifyColumnsRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub table_id: i64,
    /// Job id.
    pub job_id: i64,
    /// e.g. ``ALTER TABLE `db`.`t` ADD COLUMN ...``.
    pub raw_sql: String,
    /// Schema details (not needed for replay; kept opaque).
    pub index_schema_map: serde_json::Value,
}

impl ModifyColumnsRecord {
    /// Decodes; `tableId` and `rawSql` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let t = BinlogType::ModifyTableAddOrDropColumns;
        let r: Self = decode(t, data)?;
        require(t, r.table_id != 0, "tableId")?;
        require(t, !r.raw_sql.trim().is_empty(), "rawSql")?;
        Ok(r)
    }
}

/// RENAME COLUMN.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RenameColumnRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub table_id: i64,
    /// Old column name.
    pub col_name: String,
    /// New column name.
    pub new_col_name: String,
    /// Newer FEs; opaque.
    pub index_id_to_schema_version: serde_json::Value,
}

impl RenameColumnRecord {
    /// Decodes; `tableId`, `colName`, `newColName` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let t = BinlogType::RenameColumn;
        let r: Self = decode(t, data)?;
        require(t, r.table_id != 0, "tableId")?;
        require(t, !r.col_name.is_empty(), "colName")?;
        require(t, !r.new_col_name.is_empty(), "newColName")?;
        Ok(r)
    }
}

/// Column or table comment change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModifyCommentRecord {
    /// `COLUMN` or `TABLE`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub tbl_id: i64,
    /// Column → new comment.
    pub col_to_comment: BTreeMap<String, String>,
    /// New table comment.
    pub tbl_comment: String,
}

impl ModifyCommentRecord {
    /// Decodes; `tblId` is required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let r: Self = decode(BinlogType::ModifyComment, data)?;
        require(BinlogType::ModifyComment, r.tbl_id != 0, "tblId")?;
        Ok(r)
    }
}

/// ALTER VIEW (master).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModifyViewDefRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source view id.
    pub table_id: i64,
    /// New view definition (the SELECT).
    pub inline_view_def: String,
    /// SQL mode.
    pub sql_mode: i64,
}

impl ModifyViewDefRecord {
    /// Decodes; `tableId` and `inlineViewDef` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let t = BinlogType::ModifyViewDef;
        let r: Self = decode(t, data)?;
        require(t, r.table_id != 0, "tableId")?;
        require(t, !r.inline_view_def.trim().is_empty(), "inlineViewDef")?;
        Ok(r)
    }
}

/// RENAME ROLLUP (master; short keys).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RenameRollupRecord {
    /// Source db id.
    #[serde(rename = "db")]
    pub db_id: i64,
    /// Source table id.
    #[serde(rename = "tb")]
    pub table_id: i64,
    /// Rollup index id.
    #[serde(rename = "ind")]
    pub index_id: i64,
    /// New name.
    #[serde(rename = "nR")]
    pub new_rollup_name: String,
    /// Old name.
    #[serde(rename = "oR")]
    pub old_rollup_name: String,
}

impl RenameRollupRecord {
    /// Decodes; `tb`, `nR`, `oR` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let t = BinlogType::RenameRollup;
        let r: Self = decode(t, data)?;
        require(t, r.table_id != 0, "tb")?;
        require(t, !r.new_rollup_name.is_empty(), "nR")?;
        require(t, !r.old_rollup_name.is_empty(), "oR")?;
        Ok(r)
    }
}

/// DROP ROLLUP (master).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DropRollupRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub table_id: i64,
    /// Source table name.
    pub table_name: String,
    /// Rollup index id.
    pub index_id: i64,
    /// Rollup name.
    pub index_name: String,
}

impl DropRollupRecord {
    /// Decodes; `tableId` and `indexName` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let t = BinlogType::DropRollup;
        let r: Self = decode(t, data)?;
        require(t, r.table_id != 0, "tableId")?;
        require(t, !r.index_name.is_empty(), "indexName")?;
        Ok(r)
    }
}
