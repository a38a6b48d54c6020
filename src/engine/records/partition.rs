//! Partition payloads: ADD (1), DROP (3), MODIFY (11), REPLACE (12), RENAME (22).

use super::{decode, require, BinlogType, RecordError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One distribution column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DistributionColumn {
    /// Column name.
    pub name: String,
}

/// Distribution of a partition (`HASH` with columns, or `RANDOM`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DistributionInfo {
    /// `HASH` or `RANDOM`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Bucket count.
    pub bucket_num: i64,
    /// Hash columns.
    pub distribution_columns: Vec<DistributionColumn>,
}

/// The parts of the partition object we read (old `distributionInfo`, new `di`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PartitionObject {
    /// Older FEs.
    pub distribution_info: Option<DistributionInfo>,
    /// Newer FEs.
    pub di: Option<DistributionInfo>,
}

/// ADD [TEMPORARY] PARTITION.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AddPartitionRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub table_id: i64,
    /// `ADD PARTITION ...` clause (without `ALTER TABLE t`).
    pub sql: String,
    /// Temporary partitions are skipped.
    pub is_temp_partition: bool,
    /// Partition object (distribution).
    pub partition: PartitionObject,
}

impl AddPartitionRecord {
    /// Decodes; `sql` and `tableId` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let r: Self = decode(BinlogType::AddPartition, data)?;
        require(BinlogType::AddPartition, !r.sql.trim().is_empty(), "sql")?;
        require(BinlogType::AddPartition, r.table_id != 0, "tableId")?;
        Ok(r)
    }

    /// Distribution from whichever field the FE filled.
    pub fn distribution(&self) -> Option<&DistributionInfo> {
        self.partition
            .distribution_info
            .as_ref()
            .or(self.partition.di.as_ref())
    }
}

/// DROP PARTITION.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DropPartitionRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub table_id: i64,
    /// Partition id (newer FEs).
    pub pid: i64,
    /// Partition name.
    pub partition_name: String,
    /// Temp partition flag.
    pub is_temp_partition: bool,
    /// `FORCE` drop.
    pub force_drop: bool,
    /// `DROP PARTITION ...` clause.
    pub sql: String,
}

impl DropPartitionRecord {
    /// Decodes; `tableId` and `sql` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let r: Self = decode(BinlogType::DropPartition, data)?;
        require(BinlogType::DropPartition, r.table_id != 0, "tableId")?;
        require(BinlogType::DropPartition, !r.sql.trim().is_empty(), "sql")?;
        Ok(r)
    }
}

/// Storage properties of a partition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DataProperty {
    /// `HDD` / `SSD`.
    pub storage_medium: String,
    /// Cooldown time (ms).
    pub cooldown_time_ms: i64,
    /// Storage policy name.
    pub storage_policy: String,
    /// Mutable flag.
    pub is_mutable: bool,
}

/// One partition's property change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ModifyPartitionInfo {
    /// Source db id.
    pub db_id: i64,
    /// Source table id.
    pub table_id: i64,
    /// Partition id.
    pub partition_id: i64,
    /// Partition name (newer FEs).
    pub partition_name: String,
    /// Temp partition flag.
    pub is_temp_partition: bool,
    /// Storage properties.
    pub data_property: Option<DataProperty>,
    /// Replication number (-1/0 = unchanged).
    pub replication_num: i64,
    /// In-memory flag.
    pub is_in_memory: bool,
    /// Storage policy.
    pub storage_policy: String,
    /// Extra table-level properties that were set.
    #[serde(rename = "tableProperties")]
    pub table_properties: BTreeMap<String, String>,
}

/// ALTER TABLE ... MODIFY PARTITION(s) ... SET (...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModifyPartitionsRecord {
    /// Per-partition changes.
    pub infos: Vec<ModifyPartitionInfo>,
}

impl ModifyPartitionsRecord {
    /// Decodes (an empty list is accepted: nothing to do).
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        decode(BinlogType::ModifyPartitions, data)
    }
}

/// REPLACE PARTITION / INSERT OVERWRITE.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplacePartitionsRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source db name.
    pub db_name: String,
    /// Source table id.
    pub tbl_id: i64,
    /// Source table name.
    pub tbl_name: String,
    /// Replaced partitions.
    pub partitions: Vec<String>,
    /// Temp partitions that replaced them.
    pub temp_partitions: Vec<String>,
    /// Strict range check.
    pub strict_range: bool,
    /// Temp partitions keep their names.
    pub use_temp_partition_name: bool,
    /// Force flag.
    pub force: bool,
}

impl ReplacePartitionsRecord {
    /// Decodes; `tblId`, `tblName` and non-empty `tempPartitions` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let t = BinlogType::ReplacePartitions;
        let r: Self = decode(t, data)?;
        require(t, r.tbl_id != 0, "tblId")?;
        require(t, !r.tbl_name.is_empty(), "tblName")?;
        require(t, !r.temp_partitions.is_empty(), "tempPartitions")?;
        Ok(r)
    }
}

/// RENAME PARTITION (master; short keys).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RenamePartitionRecord {
    /// Source db id.
    #[serde(rename = "db")]
    pub db_id: i64,
    /// Source table id.
    #[serde(rename = "tb")]
    pub table_id: i64,
    /// Partition id.
    #[serde(rename = "p")]
    pub partition_id: i64,
    /// New name.
    #[serde(rename = "nP")]
    pub new_partition_name: String,
    /// Old name.
    #[serde(rename = "oP")]
    pub old_partition_name: String,
}

impl RenamePartitionRecord {
    /// Decodes; `tb`, `nP` and `oP` are required.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        let t = BinlogType::RenamePartition;
        let r: Self = decode(t, data)?;
        require(t, r.table_id != 0, "tb")?;
        require(t, !r.new_partition_name.is_empty(), "nP")?;
        require(t, !r.old_partition_name.is_empty(), "oP")?;
        Ok(r)
    }
}
