//! [`State`]: the whole emulated cluster (catalog, backends, data, ids) plus the replication
//! state owned by "repl" (binlogs, transactions, backups).

use super::binlog::BinlogStore;
use super::catalog::{Database, Table};
use super::rowset::TabletData;
use std::collections::{BTreeMap, HashMap};

/// An emulated backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backend {
    /// Backend id.
    pub id: i64,
    /// Host name or IP the BE advertises.
    pub host: String,
    /// Thrift `BackendService` port.
    pub be_port: i32,
    /// HTTP port (`/api/_binlog/_download`, ...).
    pub http_port: i32,
    /// BRPC port (advertised only).
    pub brpc_port: i32,
    /// Heartbeat port (advertised only).
    pub heartbeat_port: i32,
    /// Alive flag.
    pub alive: bool,
}

/// The FE's advertised endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frontend {
    /// Host.
    pub host: String,
    /// MySQL port.
    pub query_port: i32,
    /// Thrift port.
    pub rpc_port: i32,
    /// HTTP port.
    pub http_port: i32,
    /// Edit log port (advertised only).
    pub edit_log_port: i32,
}

impl Default for Frontend {
    fn default() -> Self {
        Frontend {
            host: "127.0.0.1".into(),
            query_port: 9030,
            rpc_port: 9020,
            http_port: 8030,
            edit_log_port: 9010,
        }
    }
}

/// Where a tablet lives in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabletLoc {
    /// Db id.
    pub db_id: i64,
    /// Table id.
    pub table_id: i64,
    /// Partition id.
    pub partition_id: i64,
    /// Index id.
    pub index_id: i64,
}

/// The whole cluster state. Mutate it only through journal entries (see `journal`), except
/// for run-time-only fields (ports, alive flags).
#[derive(Debug, Default)]
pub struct State {
    /// Backends.
    pub backends: Vec<Backend>,
    /// The FE.
    pub frontend: Frontend,
    /// Cluster token (getMasterToken, `/api/_tablet/_download?token=`).
    pub token: String,
    /// Password of `root`.
    pub root_password: String,
    /// Databases by id.
    pub dbs: BTreeMap<i64, Database>,
    /// Db name → id.
    pub db_names: HashMap<String, i64>,
    /// Tablet data (location + rowsets) by tablet id.
    pub tablets: HashMap<i64, TabletData>,
    /// Next id of the global id allocator (db/table/partition/index/tablet/replica/txn).
    pub next_id: i64,
    /// Last journal id handed out.
    pub last_journal_id: i64,
    /// FE config (`ADMIN SET FRONTEND CONFIG`).
    pub fe_config: BTreeMap<String, String>,
    /// Schema change / rollup jobs (SHOW ALTER TABLE).
    pub alter_jobs: Vec<super::catalog_ops::AlterJob>,
    /// Round-robin cursor for RANDOM distribution (run time only).
    pub random_cursor: u64,
    /// Binlog store (owned by "repl").
    pub binlog: BinlogStore,
    /// Load transactions begun over Thrift (owned by "repl").
    pub txns: super::txn::TxnManager,
    /// Backup jobs and local snapshots (owned by "repl").
    pub backups: super::backup::BackupState,
    /// Restore jobs (owned by "repl").
    pub restores: super::restore::RestoreState,
}

impl State {
    /// Allocates a fresh id from the global allocator.
    pub fn alloc_id(&mut self) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A database by name.
    pub fn db(&self, name: &str) -> Option<&Database> {
        self.db_names.get(name).and_then(|id| self.dbs.get(id))
    }

    /// A database by name, mutably.
    pub fn db_mut(&mut self, name: &str) -> Option<&mut Database> {
        let id = *self.db_names.get(name)?;
        self.dbs.get_mut(&id)
    }

    /// A table by ids.
    pub fn table_by_id(&self, db_id: i64, table_id: i64) -> Option<&Table> {
        self.dbs.get(&db_id)?.tables.get(&table_id)
    }

    /// A table by id in any database: `(db, table)`.
    pub fn find_table(&self, table_id: i64) -> Option<(&Database, &Table)> {
        self.dbs
            .values()
            .find_map(|d| d.tables.get(&table_id).map(|t| (d, t)))
    }

    /// A tablet's location.
    pub fn tablet_loc(&self, tablet_id: i64) -> Option<TabletLoc> {
        self.tablets.get(&tablet_id).map(|t| TabletLoc {
            db_id: t.db_id,
            table_id: t.table_id,
            partition_id: t.partition_id,
            index_id: t.index_id,
        })
    }

    /// The rowset of tablet `tablet_id` at `version` (for `/api/_binlog/_download`).
    pub fn rowset(&self, tablet_id: i64, version: i64) -> Option<&super::rowset::Rowset> {
        self.tablets.get(&tablet_id)?.rowset_at(version)
    }

    /// Alive backend ids in id order.
    pub fn alive_backends(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .backends
            .iter()
            .filter(|b| b.alive)
            .map(|b| b.id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Whether a binlog about `table_ids` in `db_id` would be kept (db or a table enabled).
    pub fn binlog_wanted(&self, db_id: i64, table_ids: &[i64]) -> bool {
        let Some(db) = self.dbs.get(&db_id) else {
            return false;
        };
        db.binlog_enabled()
            || table_ids
                .iter()
                .any(|t| db.tables.get(t).is_some_and(Table::binlog_enabled))
    }
}
