//! Publishing a finished load: bump the partition versions, store one rowset per tablet of
//! every touched partition, and write the UPSERT binlog (protocol §5).

use super::binlog::kind;
use super::catalog_ops::{write_binlog, PendingBinlog};
use super::journal::EntryMeta;
use super::partition::partition_range;
use super::rowset::Rowset;
use super::state::State;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, HashSet};

/// One partition's part of a load.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PartitionLoad {
    /// Partition id.
    pub partition_id: i64,
    /// The new visible version.
    pub version: i64,
    /// One rowset per tablet of every index of the partition.
    pub rowsets: Vec<Rowset>,
}

/// One table's part of a load.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableLoad {
    /// Table id.
    pub table_id: i64,
    /// Touched partitions.
    pub partitions: Vec<PartitionLoad>,
}

/// A published transaction (journaled).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadOp {
    /// Db id.
    pub db_id: i64,
    /// Txn id.
    pub txn_id: i64,
    /// Label.
    pub label: String,
    /// Per table.
    pub tables: Vec<TableLoad>,
    /// A local load (INSERT/DELETE/UPDATE): also recorded in the txn history so SHOW
    /// TRANSACTION finds it.
    #[serde(default)]
    pub local: bool,
}

/// What a caller hands to `Writer::publish_load`: rowsets for some tablets (any version;
/// it is assigned here) and partitions to bump even without rows.
#[derive(Debug, Clone, Default)]
pub struct LoadRequest {
    /// Db id.
    pub db_id: i64,
    /// Txn id.
    pub txn_id: i64,
    /// Label.
    pub label: String,
    /// Rowsets by tablet (at most one per tablet).
    pub rowsets: Vec<Rowset>,
    /// Extra partitions (ids) to publish with empty rowsets.
    pub partitions: Vec<i64>,
}

/// Errors preparing a load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// A tablet id is unknown (dropped).
    #[error("tablet {0} not found")]
    TabletMissing(i64),
    /// A partition id is unknown (dropped).
    #[error("partition {0} not found")]
    PartitionMissing(i64),
    /// The table was dropped.
    #[error("table {0} not found")]
    TableMissing(i64),
}

/// Resolves a [`LoadRequest`] against the current state: versions and empty rowsets for
/// tablets without data.
pub fn prepare(state: &State, req: LoadRequest, local: bool) -> Result<LoadOp, LoadError> {
    let mut by_tablet: BTreeMap<i64, Rowset> = BTreeMap::new();
    let mut parts: BTreeMap<(i64, i64), ()> = BTreeMap::new();
    for r in req.rowsets {
        let t = state
            .tablets
            .get(&r.tablet_id)
            .ok_or(LoadError::TabletMissing(r.tablet_id))?;
        parts.insert((t.table_id, t.partition_id), ());
        by_tablet.insert(r.tablet_id, r);
    }
    let db = state.dbs.get(&req.db_id);
    for pid in req.partitions {
        let table = db
            .and_then(|d| d.tables.values().find(|t| t.partition_by_id(pid).is_some()))
            .ok_or(LoadError::PartitionMissing(pid))?;
        parts.insert((table.id, pid), ());
    }
    let mut tables: Vec<TableLoad> = Vec::new();
    for (table_id, pid) in parts.into_keys() {
        let table = db
            .and_then(|d| d.tables.get(&table_id))
            .ok_or(LoadError::TableMissing(table_id))?;
        let p = table
            .partition_by_id(pid)
            .ok_or(LoadError::PartitionMissing(pid))?;
        let version = p.visible_version + 1;
        let mut rowsets = Vec::new();
        for tablet in p.indexes.iter().flat_map(|i| &i.tablets) {
            let mut r = by_tablet
                .remove(&tablet.id)
                .unwrap_or_else(|| Rowset::empty(tablet.id, version, req.txn_id));
            r.version = version;
            r.txn_id = req.txn_id;
            rowsets.push(r);
        }
        let pl = PartitionLoad {
            partition_id: pid,
            version,
            rowsets,
        };
        match tables.iter_mut().find(|t| t.table_id == table_id) {
            Some(t) => t.partitions.push(pl),
            None => tables.push(TableLoad {
                table_id,
                partitions: vec![pl],
            }),
        }
    }
    Ok(LoadOp {
        db_id: req.db_id,
        txn_id: req.txn_id,
        label: req.label,
        tables,
        local,
    })
}

/// Applies a published load and writes its UPSERT binlog.
pub fn apply(state: &mut State, op: LoadOp, meta: EntryMeta) {
    if op.local {
        record_local_txn(state, &op, meta);
    }
    let table_ids: Vec<i64> = op.tables.iter().map(|t| t.table_id).collect();
    let wanted = state.binlog_wanted(op.db_id, &table_ids);
    let mut records = Map::new();
    for tl in op.tables {
        let mut part_records = Vec::new();
        for pl in tl.partitions {
            if let Some(rec) = apply_partition(state, op.db_id, tl.table_id, pl, meta.ts_ms, wanted)
            {
                part_records.push(rec);
            }
        }
        let index_ids: Vec<i64> = state
            .table_by_id(op.db_id, tl.table_id)
            .map(|t| t.indexes.iter().map(|i| i.id).collect())
            .unwrap_or_default();
        records.insert(
            tl.table_id.to_string(),
            json!({"partitionRecords": part_records, "indexIds": index_ids}),
        );
    }
    if !wanted {
        // No binlog would be kept: skip building the UPSERT payload (hot path).
        return;
    }
    let data = json!({
        "commitSeq": meta.journal_id,
        "txnId": op.txn_id,
        "timeStamp": meta.ts_ms,
        "label": op.label,
        "dbId": op.db_id,
        "tableRecords": Json::Object(records),
    });
    let b = PendingBinlog {
        kind: kind::UPSERT,
        db_id: op.db_id,
        table_ids,
        data,
    };
    write_binlog(state, b, meta, &HashSet::new());
}

/// Local loads go through PREPARE → COMMITTED here; the journal's load hook makes them
/// VISIBLE together with the data.
fn record_local_txn(state: &mut State, op: &LoadOp, meta: EntryMeta) {
    use super::txn::TxnOp;
    let begin = TxnOp::Begin {
        txn_id: op.txn_id,
        db_id: op.db_id,
        label: op.label.clone(),
        table_ids: op.tables.iter().map(|t| t.table_id).collect(),
        request_id: None,
        timeout_ms: 14_400_000,
        coordinator: format!("FE: {}", state.frontend.host),
        time_ms: meta.ts_ms,
    };
    state.txns.apply(&begin);
    state.txns.apply(&TxnOp::Commit {
        txn_id: op.txn_id,
        commit_infos: Vec::new(),
        time_ms: meta.ts_ms,
    });
}

/// Keeps `auto_inc_next` above every loaded AUTO_INCREMENT value (replay-safe).
fn bump_auto_increment(state: &mut State, db_id: i64, table_id: i64, rowsets: &[Rowset]) {
    let Some(t) = state
        .dbs
        .get_mut(&db_id)
        .and_then(|d| d.tables.get_mut(&table_id))
    else {
        return;
    };
    let uids: Vec<u32> = t
        .columns
        .iter()
        .filter(|c| c.auto_increment)
        .map(|c| c.unique_id)
        .collect();
    for uid in uids {
        for r in rowsets {
            let Some(pos) = r.columns.iter().position(|c| c.uid == uid) else {
                continue;
            };
            for row in &r.rows {
                if let Some(super::types::Value::Int(v)) = row.get(pos) {
                    t.auto_inc_next = t.auto_inc_next.max(*v as i64 + 1);
                }
            }
        }
    }
}

fn apply_partition(
    state: &mut State,
    db_id: i64,
    table_id: i64,
    pl: PartitionLoad,
    ts: i64,
    wanted: bool,
) -> Option<Json> {
    let table = state.dbs.get_mut(&db_id)?.tables.get_mut(&table_id)?;
    let p = table.partition_by_id_mut(pl.partition_id)?;
    p.visible_version = pl.version;
    p.visible_version_time = ts;
    let is_temp = p.is_temp;
    bump_auto_increment(state, db_id, table_id, &pl.rowsets);
    for r in pl.rowsets {
        if let Some(t) = state.tablets.get_mut(&r.tablet_id) {
            t.put_rowset(r);
        }
    }
    if !wanted {
        return None;
    }
    let table = state.dbs.get(&db_id)?.tables.get(&table_id)?;
    let range = partition_range(table, table.partition_by_id(pl.partition_id)?);
    Some(json!({
        "partitionId": pl.partition_id,
        "range": range,
        "version": pl.version,
        "isTempPartition": is_temp,
    }))
}
