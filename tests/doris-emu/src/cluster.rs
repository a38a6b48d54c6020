//! The emulated cluster state and its semantics.
//!
//! [`Cluster`] is a cheap handle (`Arc` inside) over one mutex-protected [`State`] and the
//! journal. Every mutation is a [`journal::JournalEntry`] committed through a [`Writer`]
//! (journal id = Doris commit seq), so a cluster opened on the same data dir replays to the
//! same catalog, data and binlogs.
//!
//! Using it from other modules:
//! - read: [`Cluster::with_state`]; SQL: [`Cluster::execute`] / [`Cluster::execute_statement`].
//! - mutate: [`Cluster::write`] gives a [`Writer`]; validate against `w.state`, allocate ids
//!   with `w.state.alloc_id()`, then `w.commit(JournalEntry::X(op))` (the journal id it returns
//!   is the commit seq of the binlog the op writes). A new kind of op = a `JournalEntry`
//!   variant holding the module's op struct plus a match arm in `journal::apply`.
//! - loads: [`Writer::publish_load`] (remote txns) bumps partition versions, stores one
//!   rowset per tablet of each touched partition and writes the UPSERT binlog.
//! - data: `State::rowset(tablet, version)`; `rowset::Rowset::{to_segment_bytes,
//!   to_meta_bytes, from_segment_bytes, remap_columns}` are the bytes served and ingested.

// ---- replication (owned by "repl"): binlog, transactions, backup/restore, FE/BE APIs ----
pub mod backup;
pub mod be_api;
pub mod binlog;
pub mod fe_api;
pub mod remote_be;
pub mod restore;
pub mod txn;

// ---- core (catalog, data, journal, SQL executor) ----
pub mod catalog;
pub mod catalog_ops;
mod config;
pub mod exec;
pub mod journal;
pub mod load;
pub mod partition;
pub mod read;
pub mod records;
pub mod rowset;
pub mod state;
pub mod types;

pub use config::{BackendConfig, ClusterConfig, Session};
pub use journal::{EntryMeta, JournalEntry, JournalError};
pub use load::{LoadError, LoadRequest};
pub use state::State;

use crate::result::{QueryResult, SqlError};
use journal::{Journal, JournalRecord};
use parking_lot::Mutex;
use std::sync::Arc;

/// Errors opening a cluster or committing an entry.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Journal file problem.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A load could not be prepared.
    #[error(transparent)]
    Load(#[from] LoadError),
}

impl From<ClusterError> for SqlError {
    fn from(e: ClusterError) -> Self {
        SqlError::new(e.to_string())
    }
}

struct Core {
    state: State,
    journal: Journal,
}

/// A handle to the emulated cluster (clone freely).
#[derive(Clone)]
pub struct Cluster {
    core: Arc<Mutex<Core>>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").finish_non_exhaustive()
    }
}

/// Mutable access to the state plus the ability to commit journal entries.
pub struct Writer<'a> {
    /// The state (read it freely; mutate it only through [`Writer::commit`], except
    /// run-time-only fields).
    pub state: &'a mut State,
    journal: &'a mut Journal,
}

impl Writer<'_> {
    /// Logs `entry` with the next journal id and the current time, then applies it.
    pub fn commit(&mut self, entry: JournalEntry) -> Result<EntryMeta, ClusterError> {
        let meta = EntryMeta {
            journal_id: self.state.last_journal_id + 1,
            ts_ms: now_ms(),
        };
        let record = JournalRecord {
            id: meta.journal_id,
            ts_ms: meta.ts_ms,
            next_id: self.state.next_id,
            entry,
        };
        self.journal.append(&record)?;
        journal::apply(self.state, record.entry, meta);
        Ok(meta)
    }

    /// Publishes a finished load atomically (versions, rowsets, UPSERT binlog); returns
    /// the commit seq.
    pub fn publish_load(&mut self, req: LoadRequest) -> Result<i64, ClusterError> {
        let op = load::prepare(self.state, req, false)?;
        Ok(self.commit(JournalEntry::Load(op))?.journal_id)
    }

    /// Like [`Writer::publish_load`] for a load run by the FE itself (INSERT / DELETE /
    /// UPDATE): the txn is also recorded in the txn history (PREPARE → VISIBLE).
    pub fn publish_local_load(&mut self, req: LoadRequest) -> Result<i64, ClusterError> {
        let op = load::prepare(self.state, req, true)?;
        Ok(self.commit(JournalEntry::Load(op))?.journal_id)
    }
}

/// Current wall-clock time in ms.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Cluster {
    /// Opens a cluster: replays `<data_dir>/journal.jsonl` when a data dir is configured.
    pub fn open(config: ClusterConfig) -> Result<Cluster, ClusterError> {
        let mut state = config.initial_state();
        let journal = match &config.data_dir {
            None => Journal::memory(),
            Some(dir) => {
                let (journal, records) = Journal::open(dir)?;
                for r in records {
                    state.next_id = state.next_id.max(r.next_id);
                    journal::apply(
                        &mut state,
                        r.entry,
                        EntryMeta {
                            journal_id: r.id,
                            ts_ms: r.ts_ms,
                        },
                    );
                }
                journal
            }
        };
        Ok(Cluster {
            core: Arc::new(Mutex::new(Core { state, journal })),
        })
    }

    /// Parses and executes one SQL statement for `session`.
    pub fn execute(&self, session: &mut Session, sql: &str) -> Result<QueryResult, SqlError> {
        let stmt = crate::sql::parse(sql).map_err(exec::parse_error)?;
        self.write(|w| exec::run(w, session, stmt))
    }

    /// Executes an already parsed statement (for callers that split batches themselves).
    pub fn execute_statement(
        &self,
        session: &mut Session,
        stmt: crate::sql::Statement,
    ) -> Result<QueryResult, SqlError> {
        self.write(|w| exec::run(w, session, stmt))
    }

    /// Reads the state.
    pub fn with_state<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.core.lock().state)
    }

    /// Mutates the state directly (NOT journaled: only for run-time fields such as ports
    /// and alive flags).
    pub fn with_state_mut<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.core.lock().state)
    }

    /// Runs `f` with a [`Writer`] (state + journal) under the cluster lock.
    pub fn write<R>(&self, f: impl FnOnce(&mut Writer<'_>) -> R) -> R {
        let mut core = self.core.lock();
        let Core { state, journal } = &mut *core;
        f(&mut Writer { state, journal })
    }

    /// Checks a login: only `root` with the configured password (Doris' message otherwise).
    pub fn check_password(&self, user: &str, password: &str) -> Result<(), SqlError> {
        let ok = self.with_state(|s| user == "root" && password == s.root_password);
        if ok {
            Ok(())
        } else {
            Err(SqlError::with_code(
                SqlError::ACCESS_DENIED,
                format!(
                    "Access denied for user '{user}' (using password: {})",
                    if password.is_empty() { "NO" } else { "YES" }
                ),
            ))
        }
    }

    /// Segment file bytes of tablet `tablet_id` at `version` (binlog download).
    pub fn segment_bytes(&self, tablet_id: i64, version: i64) -> Option<Vec<u8>> {
        self.with_state(|s| {
            s.rowset(tablet_id, version)
                .map(rowset::Rowset::to_segment_bytes)
        })
    }

    /// `(rowset_id, num_segments, meta bytes)` of tablet `tablet_id` at `version`.
    pub fn rowset_info(&self, tablet_id: i64, version: i64) -> Option<(String, u32, Vec<u8>)> {
        self.with_state(|s| {
            s.rowset(tablet_id, version)
                .map(|r| (r.rowset_id.clone(), r.served_segments(), r.to_meta_bytes()))
        })
    }
}
