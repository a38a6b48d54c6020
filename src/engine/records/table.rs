//! Table / database level payloads: CREATE (2), DROP (4), ALTER_DATABASE_PROPERTY (8),
//! MODIFY_TABLE_PROPERTY (9), TRUNCATE (13), RENAME_TABLE (14).

use super::{decode, require, BinlogType, RecordError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// CREATE TABLE / VIEW.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CreateTableRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source db name (≥ 2.0.3).
    pub db_name: String,
    /// Source table id.
    pub table_id: i64,
    /// Table name (≥ 2.0.3).
    pub table_name: String,
    /// `OLAP`, `VIEW`, ...
    pub table_type: String,
    /// Full CREATE TABLE / VIEW statement.
    pub sql: String,
}

impl CreateTableRecord {
    /// Decodes; `sql` and `tableId` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let t = BinlogType::CreateTable;
        let r: Self = decode(t, data)?;
        require(t, !r.sql.trim().is_empty(), "sql")?;
        require(t, r.table_id != 0, "tableId")?;
        Ok(r)
    }

    /// True when the statement creates a view.
    pub fn is_view(&self) -> bool {
        let head: String = self.sql.trim_start().chars().take(40).collect();
        let head = head.to_ascii_uppercase();
        self.table_type.eq_ignore_ascii_case("VIEW")
            || head.starts_with("CREATE VIEW")
            || head.starts_with("CREATE OR REPLACE VIEW")
    }
}

/// DROP TABLE / VIEW.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DropTableRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub table_id: i64,
    /// Table name.
    pub table_name: String,
    /// Newer FEs: whether it was a view.
    pub is_view: bool,
    /// Original statement.
    pub raw_sql: String,
}

impl DropTableRecord {
    /// Decodes; `tableId` is required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let r: Self = decode(BinlogType::DropTable, data)?;
        require(BinlogType::DropTable, r.table_id != 0, "tableId")?;
        Ok(r)
    }
}

/// ALTER DATABASE ... SET PROPERTIES.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AlterDatabasePropertyRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source db name.
    pub db_name: String,
    /// Properties set.
    pub properties: BTreeMap<String, String>,
}

impl AlterDatabasePropertyRecord {
    /// Decodes (no required fields).
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        decode(BinlogType::AlterDatabaseProperty, data)
    }
}

/// ALTER TABLE ... SET (...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModifyTablePropertyRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub table_id: i64,
    /// Source table name.
    pub table_name: String,
    /// Properties set.
    pub properties: BTreeMap<String, String>,
    /// Original statement.
    pub sql: String,
}

impl ModifyTablePropertyRecord {
    /// Decodes; `tableId` is required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let r: Self = decode(BinlogType::ModifyTableProperty, data)?;
        require(BinlogType::ModifyTableProperty, r.table_id != 0, "tableId")?;
        Ok(r)
    }
}

/// TRUNCATE TABLE.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TruncateTableRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source db name.
    pub db: String,
    /// Source table id.
    pub tbl_id: i64,
    /// Source table name.
    pub table: String,
    /// Whole table (else `rawSql` holds the partition clause).
    pub is_entire_table: bool,
    /// Partition clause, e.g. `PARTITIONS (p1, p2)`; "" = whole table.
    pub raw_sql: String,
}

impl TruncateTableRecord {
    /// Decodes; `tblId` is required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let r: Self = decode(BinlogType::TruncateTable, data)?;
        require(BinlogType::TruncateTable, r.tbl_id != 0, "tblId")?;
        Ok(r)
    }
}

/// Table / rollup / partition rename (`TableInfo` with short keys; -1/"" when n/a).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RenameTableRecord {
    /// Source db id.
    #[serde(rename = "db")]
    pub db_id: i64,
    /// Source table id.
    #[serde(rename = "tb")]
    pub table_id: i64,
    /// Rollup index id.
    #[serde(rename = "ind")]
    pub index_id: i64,
    /// Partition id.
    #[serde(rename = "p")]
    pub partition_id: i64,
    /// New table name.
    #[serde(rename = "nT")]
    pub new_table_name: String,
    /// Old table name.
    #[serde(rename = "oT")]
    pub old_table_name: String,
    /// New rollup name.
    #[serde(rename = "nR")]
    pub new_rollup_name: String,
    /// Old rollup name.
    #[serde(rename = "oR")]
    pub old_rollup_name: String,
    /// New partition name.
    #[serde(rename = "nP")]
    pub new_partition_name: String,
    /// Old partition name.
    #[serde(rename = "oP")]
    pub old_partition_name: String,
}

impl RenameTableRecord {
    /// Decodes; `tb` is required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let r: Self = decode(BinlogType::RenameTable, data)?;
        require(BinlogType::RenameTable, r.table_id != 0, "tb")?;
        Ok(r)
    }
}
