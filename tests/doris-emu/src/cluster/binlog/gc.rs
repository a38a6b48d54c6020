//! Binlog GC: planning (ttl / max_history_nums / max_bytes, or forced), the journaled
//! [`BinlogGcOp`], and its deterministic application (dummy move, dropped-resource pruning,
//! BE rowset-binlog floor).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{kind, BinlogConfig, BinlogEntry, BinlogStore, Dropped};

/// One journaled GC step: drop every binlog with seq ≤ `upto` from a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinlogGcOp {
    /// Database.
    pub db_id: i64,
    /// None = the db set; Some(t) = table t's set.
    pub table_id: Option<i64>,
    /// New dummy seq.
    pub upto: i64,
    /// Db-level op only: also trim every table set to `upto` (db binlog enabled / forced).
    pub with_tables: bool,
}

impl BinlogStore {
    /// Periodic GC plan at `now_ms`. `config(db, None)` is the db's binlog config,
    /// `config(db, Some(t))` a table's; None = the object no longer exists.
    pub fn plan_gc(
        &self,
        now_ms: i64,
        config: &dyn Fn(i64, Option<i64>) -> Option<BinlogConfig>,
    ) -> Vec<BinlogGcOp> {
        let mut ops = Vec::new();
        for (&db_id, db) in &self.dbs {
            let db_cfg = config(db_id, None);
            let op = |table_id, upto, with_tables| BinlogGcOp {
                db_id,
                table_id,
                upto,
                with_tables,
            };
            match (&db.db_set, &db_cfg) {
                (Some(set), Some(cfg)) if cfg.enable => {
                    if let Some(upto) = set.expired_upto(cfg, now_ms) {
                        ops.push(op(None, upto, true));
                    }
                    continue;
                }
                (Some(set), _) if !set.entries.is_empty() => {
                    let with_tables = db_cfg.is_none();
                    ops.push(op(None, set.last_seq(), with_tables));
                }
                _ => {}
            }
            for (&t, set) in &db.tables {
                let upto = match config(db_id, Some(t)) {
                    Some(cfg) if cfg.enable => set.expired_upto(&cfg, now_ms),
                    _ if set.entries.is_empty() => None,
                    _ => Some(set.last_seq()),
                };
                ops.extend(upto.map(|u| op(Some(t), u, false)));
            }
        }
        ops
    }

    /// Forced GC (`ADMIN EMU GC BINLOG`): every set of `db_id` (or of every db) trimmed to
    /// `until` (default: the newest binlog, leaving only the DUMMY).
    pub fn plan_forced_gc(&self, db_id: Option<i64>, until: Option<i64>) -> Vec<BinlogGcOp> {
        let dbs = self
            .dbs
            .keys()
            .copied()
            .filter(|d| db_id.is_none_or(|x| x == *d));
        dbs.filter_map(|db_id| {
            let upto = until.or_else(|| self.last_seq(db_id))?;
            Some(BinlogGcOp {
                db_id,
                table_id: None,
                upto,
                with_tables: true,
            })
        })
        .collect()
    }

    /// Applies a journaled GC step (deterministic; also on replay).
    pub fn apply_gc(&mut self, op: &BinlogGcOp) {
        let Some(db) = self.dbs.get_mut(&op.db_id) else {
            return;
        };
        let mut removed = Vec::new();
        match op.table_id {
            None => {
                if let Some(set) = db.db_set.as_mut() {
                    removed.extend(set.trim_upto(op.upto));
                }
                if op.with_tables {
                    for set in db.tables.values_mut() {
                        removed.extend(set.trim_upto(op.upto));
                    }
                }
                prune_dropped(&mut db.dropped, op.upto);
            }
            Some(t) => {
                if let Some(set) = db.tables.get_mut(&t) {
                    removed.extend(set.trim_upto(op.upto));
                }
            }
        }
        for entry in removed.iter().filter(|e| e.kind == kind::UPSERT) {
            for (table, partition, version) in upsert_versions(&entry.data) {
                if op.table_id.is_none_or(|t| t == table) {
                    let floor = self.rowset_floor.entry(partition).or_insert(version);
                    *floor = (*floor).max(version);
                }
            }
        }
    }
}

fn prune_dropped(dropped: &mut Dropped, upto: i64) {
    for map in [
        &mut dropped.partitions,
        &mut dropped.tables,
        &mut dropped.indexes,
    ] {
        map.retain(|_, seq| *seq > upto);
    }
}

/// Remembers resources a binlog drops, for getMeta's `dropped_*` lists.
pub(super) fn track_dropped(dropped: &mut Dropped, entry: &BinlogEntry) {
    let Ok(data) = serde_json::from_str::<Value>(&entry.data) else {
        return;
    };
    let int = |k: &str| data.get(k).and_then(Value::as_i64);
    let seq = entry.commit_seq;
    match entry.kind {
        kind::DROP_PARTITION if data.get("isTempPartition") != Some(&Value::Bool(true)) => {
            if let Some(pid) = int("pid").or_else(|| int("partitionId")) {
                dropped.partitions.insert(pid, seq);
            }
        }
        kind::DROP_TABLE => {
            if let Some(t) = int("tableId") {
                dropped.tables.insert(t, seq);
            }
        }
        kind::ALTER_JOB if data.get("jobState").and_then(Value::as_str) == Some("FINISHED") => {
            // A finished schema change drops the origin indexes (values of shadow→origin).
            let origins = data
                .get("iim")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|m| m.values());
            for idx in origins.filter_map(Value::as_i64) {
                dropped.indexes.insert(idx, seq);
            }
        }
        _ => {}
    }
}

/// (table id, partition id, version) of every partition record in an UPSERT payload.
pub(crate) fn upsert_versions(data: &str) -> Vec<(i64, i64, i64)> {
    let Ok(v) = serde_json::from_str::<Value>(data) else {
        return Vec::new();
    };
    let Some(tables) = v.get("tableRecords").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (tid, rec) in tables {
        let Ok(tid) = tid.parse::<i64>() else {
            continue;
        };
        let parts = rec
            .get("partitionRecords")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for p in parts {
            let pid = p.get("partitionId").and_then(Value::as_i64);
            let ver = p.get("version").and_then(Value::as_i64);
            if let (Some(pid), Some(ver)) = (pid, ver) {
                out.push((tid, pid, ver));
            }
        }
    }
    out
}
