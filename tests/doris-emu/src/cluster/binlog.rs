//! The FE binlog manager (protocol §4): per-db and per-table ordered binlog sets with DUMMY
//! sentinels, getBinlog / getBinlogLag lookups, GC, the "dropped resources" lists getMeta
//! reports, and the BE-side retention floor of rowset binlogs.
//!
//! Core calls [`BinlogStore::append`] while applying a journal entry (so replay rebuilds the
//! store); GC is decided by [`BinlogStore::plan_gc`] at run time, journaled as
//! [`BinlogGcOp`]s and applied by [`BinlogStore::apply_gc`] (again on replay).

mod gc;
mod sequence;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use gc::BinlogGcOp;
use sequence::Sequence;

use super::fe_api::status::{code, FeError, FeResult};

/// `TBinlogType` values.
pub mod kind {
    /// Data load made visible.
    pub const UPSERT: i32 = 0;
    /// ADD PARTITION.
    pub const ADD_PARTITION: i32 = 1;
    /// CREATE TABLE / VIEW (db set only).
    pub const CREATE_TABLE: i32 = 2;
    /// DROP PARTITION.
    pub const DROP_PARTITION: i32 = 3;
    /// DROP TABLE / VIEW (db set only).
    pub const DROP_TABLE: i32 = 4;
    /// Schema change / rollup job state change.
    pub const ALTER_JOB: i32 = 5;
    /// The GC sentinel.
    pub const DUMMY: i32 = 7;
    /// Written per table when a backup snapshot is prepared.
    pub const BARRIER: i32 = 10;
}

/// One binlog record as core appends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinlogEntry {
    /// Journal id of the operation.
    pub commit_seq: i64,
    /// Milliseconds; UPSERT = txn finish time.
    pub timestamp_ms: i64,
    /// `TBinlogType` value (see [`kind`]).
    pub kind: i32,
    /// Database id.
    pub db_id: i64,
    /// Related tables (empty = none).
    pub table_ids: Vec<i64>,
    /// JSON payload (protocol §5).
    pub data: String,
}

/// A binlog as returned to getBinlog: the entry plus `belong` (set on DUMMYs only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GotBinlog {
    /// The record.
    pub entry: BinlogEntry,
    /// DUMMY only: -1 for the db dummy, the table id for a table dummy.
    pub belong: Option<i64>,
}

/// The binlog properties of a db or table (`binlog.*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinlogConfig {
    /// `binlog.enable`.
    pub enable: bool,
    /// `binlog.ttl_seconds` (default 86400).
    pub ttl_seconds: i64,
    /// `binlog.max_bytes` (default i64::MAX).
    pub max_bytes: i64,
    /// `binlog.max_history_nums` (default i64::MAX).
    pub max_history_nums: i64,
}

impl Default for BinlogConfig {
    fn default() -> Self {
        BinlogConfig {
            enable: false,
            ttl_seconds: 86400,
            max_bytes: i64::MAX,
            max_history_nums: i64::MAX,
        }
    }
}

impl BinlogConfig {
    /// Reads `binlog.*` keys through `get` (a property lookup); bad numbers keep defaults.
    pub fn from_properties<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let d = BinlogConfig::default();
        let num = |k: &str, dflt: i64| get(k).and_then(|v| v.trim().parse().ok()).unwrap_or(dflt);
        BinlogConfig {
            enable: get("binlog.enable").is_some_and(|v| v.eq_ignore_ascii_case("true")),
            ttl_seconds: num("binlog.ttl_seconds", d.ttl_seconds),
            max_bytes: num("binlog.max_bytes", d.max_bytes),
            max_history_nums: num("binlog.max_history_nums", d.max_history_nums),
        }
    }
}

/// getBinlogLag answer (protocol §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BinlogLag {
    /// Entries newer than prev (dummy counted when prev is older than it).
    pub lag: i64,
    /// Oldest retained seq (dummy's when empty).
    pub first_commit_seq: i64,
    /// Newest seq.
    pub last_commit_seq: i64,
    /// Timestamp of the oldest.
    pub first_binlog_timestamp: i64,
    /// Timestamp of the newest.
    pub last_binlog_timestamp: i64,
    /// First seq > prev.
    pub next_commit_seq: Option<i64>,
    /// Its timestamp.
    pub next_binlog_timestamp: Option<i64>,
}

/// Resources dropped since the last GC, per kind: id → commit seq of the drop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dropped {
    /// Dropped partition ids.
    pub partitions: BTreeMap<i64, i64>,
    /// Dropped table ids.
    pub tables: BTreeMap<i64, i64>,
    /// Dropped index ids.
    pub indexes: BTreeMap<i64, i64>,
}

#[derive(Debug, Clone, Default)]
struct DbBinlog {
    /// Present once the db itself had binlog enabled for some append.
    db_set: Option<Sequence>,
    tables: BTreeMap<i64, Sequence>,
    dropped: Dropped,
}

/// All binlogs of the FE plus the BE rowset-binlog retention floor.
#[derive(Debug, Clone, Default)]
pub struct BinlogStore {
    dbs: BTreeMap<i64, DbBinlog>,
    /// partition id → highest GC'd version: rowset binlogs ≤ it are gone on every BE.
    rowset_floor: BTreeMap<i64, i64>,
}

impl BinlogStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `entry` (protocol §4 placement): db set when `db_enabled`; per-table sets of
    /// the tables for which `table_enabled` is true, except CREATE_TABLE / DROP_TABLE.
    /// Deterministic: call it while applying the journal entry that produced the change.
    pub fn append(
        &mut self,
        entry: BinlogEntry,
        db_enabled: bool,
        table_enabled: &dyn Fn(i64) -> bool,
    ) {
        let per_table = !matches!(entry.kind, kind::CREATE_TABLE | kind::DROP_TABLE);
        let tables: Vec<i64> = if per_table {
            entry
                .table_ids
                .iter()
                .copied()
                .filter(|t| table_enabled(*t))
                .collect()
        } else {
            Vec::new()
        };
        if !db_enabled && tables.is_empty() {
            return;
        }
        let (db_id, ts) = (entry.db_id, entry.timestamp_ms);
        let db = self.dbs.entry(db_id).or_default();
        gc::track_dropped(&mut db.dropped, &entry);
        let entry = Arc::new(entry);
        if db_enabled {
            db.db_set
                .get_or_insert_with(|| Sequence::new(db_id, -1, ts))
                .push(entry.clone());
        }
        for t in tables {
            db.tables
                .entry(t)
                .or_insert_with(|| Sequence::new(db_id, t, ts))
                .push(entry.clone());
        }
    }

    /// getBinlog on a db (`table_id` None) or table set: `(status code, binlogs)`, status
    /// OK / TOO_OLD (with the DUMMY) / TOO_NEW; `num_acquired` None → exactly one binlog.
    pub fn get(
        &self,
        db_id: i64,
        table_id: Option<i64>,
        prev: i64,
        num_acquired: Option<i64>,
    ) -> FeResult<(i32, Vec<GotBinlog>)> {
        let max = num_acquired.map_or(1, |n| n.clamp(1, 255)) as usize;
        Ok(self.set(db_id, table_id)?.get(prev, max))
    }

    /// getBinlogLag on a db or table set.
    pub fn lag(&self, db_id: i64, table_id: Option<i64>, prev: i64) -> FeResult<BinlogLag> {
        Ok(self.set(db_id, table_id)?.lag(prev))
    }

    fn set(&self, db_id: i64, table_id: Option<i64>) -> FeResult<&Sequence> {
        let not_db = || {
            FeError::new(
                code::BINLOG_NOT_FOUND_DB,
                format!("db binlog not found, dbId={db_id}"),
            )
        };
        let db = self.dbs.get(&db_id).ok_or_else(not_db)?;
        match table_id {
            None => db.db_set.as_ref().ok_or_else(not_db),
            Some(t) => db.tables.get(&t).ok_or_else(|| {
                FeError::new(
                    code::BINLOG_NOT_FOUND_TABLE,
                    format!("table binlog not found, dbId={db_id}, tableId={t}"),
                )
            }),
        }
    }

    /// Resources dropped in `db_id` since its last GC (for getMeta).
    pub fn dropped(&self, db_id: i64) -> Dropped {
        self.dbs
            .get(&db_id)
            .map(|d| d.dropped.clone())
            .unwrap_or_default()
    }

    /// Whether the BE still holds the rowset binlog of `version` for `partition_id`.
    pub fn rowset_binlog_retained(&self, partition_id: i64, version: i64) -> bool {
        self.rowset_floor
            .get(&partition_id)
            .is_none_or(|floor| version > *floor)
    }

    /// Newest seq of a db's set (db set, else the newest table set entry); None if absent.
    pub fn last_seq(&self, db_id: i64) -> Option<i64> {
        let db = self.dbs.get(&db_id)?;
        let tables = db.tables.values().map(Sequence::last_seq);
        db.db_set.iter().map(Sequence::last_seq).chain(tables).max()
    }
}
