//! The journaled form of DDL: a list of resolved catalog changes plus the binlog it writes.
//!
//! DDL is rare and catalog objects are small, so changes carry whole objects (a table's full
//! metadata after the change); this keeps one generic, deterministic apply path.

use super::binlog::BinlogEntry;
use super::catalog::{Database, Props, Table};
use super::journal::EntryMeta;
use super::rowset::TabletData;
use super::state::State;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// New tablets with their (initial) data, by tablet id.
pub type NewTablets = Vec<(i64, TabletData)>;

/// One primitive catalog change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Change {
    /// Create a database, or set its name/properties (tables are kept).
    PutDb {
        /// Db id.
        id: i64,
        /// Name.
        name: String,
        /// Properties.
        properties: Props,
    },
    /// Drop a database with its tables and tablets.
    DropDb {
        /// Db id.
        id: i64,
    },
    /// Create or replace a table's metadata.
    PutTable {
        /// Db id.
        db_id: i64,
        /// Full table metadata.
        table: Box<Table>,
    },
    /// Drop a table (its tablets are dropped too).
    DropTable {
        /// Db id.
        db_id: i64,
        /// Table id.
        table_id: i64,
    },
    /// Register tablets (new partitions/indexes), with their initial rowsets.
    PutTablets(Vec<(i64, TabletData)>),
    /// Forget tablets (dropped partitions/indexes).
    DropTablets(Vec<i64>),
    /// Record (or update, by job id) a schema change / rollup job for SHOW ALTER TABLE.
    AlterJob(AlterJob),
}

/// A finished (synchronous) schema change or rollup job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlterJob {
    /// Job id.
    pub job_id: i64,
    /// `SCHEMA_CHANGE` or `ROLLUP`.
    pub kind: String,
    /// Db id.
    pub db_id: i64,
    /// Table name.
    pub table_name: String,
    /// New index name (schema change: base index name; rollup: rollup name).
    pub index_name: String,
    /// New index id.
    pub index_id: i64,
    /// Origin (base) index id / name.
    pub origin_index_id: i64,
    /// Base index name.
    pub base_index_name: String,
    /// Schema version after the change.
    pub schema_version: i32,
    /// Create / finish time (ms).
    pub create_ms: i64,
    /// Finish time (ms).
    pub finish_ms: i64,
    /// `FINISHED` / `CANCELLED`.
    pub state: String,
}

/// A binlog to write with the entry; `commitSeq` is filled in from the journal id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingBinlog {
    /// `TBinlogType`.
    pub kind: i32,
    /// Db id.
    pub db_id: i64,
    /// Related tables.
    pub table_ids: Vec<i64>,
    /// JSON payload; when it is an object, `commitSeq` is set to the journal id.
    pub data: serde_json::Value,
}

/// A DDL operation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CatalogOp {
    /// Changes, applied in order.
    pub changes: Vec<Change>,
    /// The binlog of the operation, if any.
    pub binlog: Option<PendingBinlog>,
}

/// Applies a [`CatalogOp`].
pub fn apply(state: &mut State, op: CatalogOp, meta: EntryMeta) {
    // A binlog about a table that this op drops still counts the table's own setting.
    let enabled_before = op
        .binlog
        .as_ref()
        .map(|b| enabled_tables(state, b))
        .unwrap_or_default();
    for change in op.changes {
        apply_change(state, change);
    }
    if let Some(b) = op.binlog {
        write_binlog(state, b, meta, &enabled_before);
    }
}

fn enabled_tables(state: &State, b: &PendingBinlog) -> HashSet<i64> {
    let Some(db) = state.dbs.get(&b.db_id) else {
        return HashSet::new();
    };
    b.table_ids
        .iter()
        .copied()
        .filter(|t| db.tables.get(t).is_some_and(Table::binlog_enabled))
        .collect()
}

/// Appends a pending binlog through the binlog store (also used by loads).
pub fn write_binlog(state: &mut State, b: PendingBinlog, meta: EntryMeta, extra: &HashSet<i64>) {
    let now = enabled_tables(state, &b);
    let mut data = b.data;
    if let Some(obj) = data.as_object_mut() {
        obj.insert("commitSeq".into(), meta.journal_id.into());
    }
    let db_enabled = state
        .dbs
        .get(&b.db_id)
        .is_some_and(Database::binlog_enabled);
    let entry = BinlogEntry {
        commit_seq: meta.journal_id,
        timestamp_ms: meta.ts_ms,
        kind: b.kind,
        db_id: b.db_id,
        table_ids: b.table_ids,
        data: data.to_string(),
    };
    let enabled = |t: i64| now.contains(&t) || extra.contains(&t);
    state.binlog.append(entry, db_enabled, &enabled);
}

fn apply_change(state: &mut State, change: Change) {
    match change {
        Change::PutDb {
            id,
            name,
            properties,
        } => {
            let db = state.dbs.entry(id).or_insert_with(|| Database {
                id,
                ..Default::default()
            });
            if db.name != name {
                state.db_names.remove(&db.name);
            }
            db.name = name.clone();
            db.properties = properties;
            state.db_names.insert(name, id);
        }
        Change::DropDb { id } => {
            if let Some(db) = state.dbs.remove(&id) {
                state.db_names.remove(&db.name);
                for t in db.tables.values() {
                    drop_tablets(state, &t.tablet_ids());
                }
            }
        }
        Change::PutTable { db_id, table } => {
            if let Some(db) = state.dbs.get_mut(&db_id) {
                db.put_table(*table);
            }
        }
        Change::DropTable { db_id, table_id } => {
            let dropped = state
                .dbs
                .get_mut(&db_id)
                .and_then(|db| db.remove_table(table_id));
            if let Some(t) = dropped {
                drop_tablets(state, &t.tablet_ids());
            }
        }
        Change::PutTablets(tablets) => state.tablets.extend(tablets),
        Change::DropTablets(ids) => drop_tablets(state, &ids),
        Change::AlterJob(job) => {
            state.alter_jobs.retain(|j| j.job_id != job.job_id);
            state.alter_jobs.push(job);
        }
    }
}

fn drop_tablets(state: &mut State, ids: &[i64]) {
    for id in ids {
        state.tablets.remove(id);
    }
}
