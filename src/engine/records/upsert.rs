//! UPSERT (0) payload.

use super::{decode, BinlogType, RecordError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A committed load transaction on the source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UpsertRecord {
    /// Commit seq of the VISIBLE txn state.
    pub commit_seq: i64,
    /// Source txn id.
    pub txn_id: i64,
    /// Commit time (ms).
    pub time_stamp: i64,
    /// Source load label.
    pub label: String,
    /// Source db id.
    pub db_id: i64,
    /// Source table id → what the txn wrote in it.
    pub table_records: BTreeMap<i64, TableRecord>,
    /// Sub-txn ids (txn insert, master).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stids: Vec<i64>,
}

/// What one txn wrote in one table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TableRecord {
    /// Partitions written.
    pub partition_records: Vec<PartitionRecord>,
    /// Index ids loaded.
    pub index_ids: Vec<i64>,
}

/// One partition written by a txn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PartitionRecord {
    /// Source partition id.
    pub partition_id: i64,
    /// Range string (same as getMeta's), used to map partitions across clusters.
    pub range: String,
    /// Partition version produced by this txn.
    pub version: i64,
    /// Temporary partitions are not replicated.
    pub is_temp_partition: bool,
    /// Sub-txn id (master).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stid: Option<i64>,
}

impl UpsertRecord {
    /// Decodes an UPSERT payload.
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        decode(BinlogType::Upsert, data)
    }
}
