//! Restore jobs created by restoreSnapshot (protocol §3.8, §6): PENDING → SNAPSHOTING →
//! DOWNLOAD → DOWNLOADING → COMMIT → COMMITTING → FINISHED (or CANCELLED). The tablet files
//! are pulled from the source BEs over HTTP (extra_info), then installed atomically in one
//! journaled [`RestoreOp::Commit`] that carries the data, so a restarted target has it.

mod clean;
mod driver;
mod plan;
mod sql;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use driver::drive_restores;
pub use sql::{cancel_restore, show_restore, RESTORE_COLUMNS};

use super::backup::SnapshotMeta;
use super::catalog_ops::{self, CatalogOp};
use super::journal::EntryMeta;
use super::State;

/// Restore job states (Doris names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RestoreJobState {
    /// Created.
    Pending,
    /// Metadata checked, preparing.
    Snapshoting,
    /// About to download.
    Download,
    /// Pulling files from the source BEs.
    Downloading,
    /// About to install.
    Commit,
    /// Installing.
    Committing,
    /// Done.
    Finished,
    /// Failed or cancelled.
    Cancelled,
}

impl RestoreJobState {
    /// Doris name.
    pub fn name(self) -> &'static str {
        match self {
            RestoreJobState::Pending => "PENDING",
            RestoreJobState::Snapshoting => "SNAPSHOTING",
            RestoreJobState::Download => "DOWNLOAD",
            RestoreJobState::Downloading => "DOWNLOADING",
            RestoreJobState::Commit => "COMMIT",
            RestoreJobState::Committing => "COMMITTING",
            RestoreJobState::Finished => "FINISHED",
            RestoreJobState::Cancelled => "CANCELLED",
        }
    }

    /// FINISHED or CANCELLED.
    pub fn is_final(self) -> bool {
        matches!(self, RestoreJobState::Finished | RestoreJobState::Cancelled)
    }
}

/// What a restore restores (parsed from the request; journaled as text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RestoreSpec {
    /// Snapshot meta bytes (JSON [`SnapshotMeta`]).
    pub meta: String,
    /// job_info JSON text (with extra_info).
    pub job_info: String,
    /// Table refs: (snapshot table name, local alias or same name). Empty = everything.
    pub table_refs: Vec<(String, String)>,
    /// Properties (reserve_replica, ...).
    pub properties: BTreeMap<String, String>,
    /// Drop local tables not in the snapshot.
    pub clean_tables: bool,
    /// Drop local partitions not in the snapshot.
    pub clean_partitions: bool,
    /// Swap in at the end (always the case here: install is one entry).
    pub atomic_restore: bool,
}

impl RestoreSpec {
    /// The parsed snapshot meta.
    pub fn snapshot_meta(&self) -> Result<SnapshotMeta, String> {
        serde_json::from_str(&self.meta).map_err(|e| format!("invalid snapshot meta: {e}"))
    }

    /// The snapshot name (job_info `name`).
    pub fn snapshot_name(&self) -> String {
        let info: serde_json::Value = serde_json::from_str(&self.job_info).unwrap_or_default();
        info.get("name")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    }

    /// Local name for snapshot object `name`, or None when table refs exclude it.
    pub fn local_name(&self, name: &str) -> Option<String> {
        if self.table_refs.is_empty() {
            return Some(name.to_string());
        }
        self.table_refs
            .iter()
            .find(|(t, _)| t == name)
            .map(|(_, a)| a.clone())
    }
}

/// A restore job.
#[derive(Debug, Clone)]
pub struct RestoreJob {
    /// Job id.
    pub job_id: i64,
    /// Db id.
    pub db_id: i64,
    /// Db name.
    pub db_name: String,
    /// Label.
    pub label: String,
    /// State.
    pub state: RestoreJobState,
    /// Status ("[OK]" or the error).
    pub status: String,
    /// Times (ms; -1 unset).
    pub create_ms: i64,
    /// Meta prepared.
    pub meta_prepared_ms: i64,
    /// Snapshot finished.
    pub snapshot_ms: i64,
    /// Download finished.
    pub download_ms: i64,
    /// Finished.
    pub finished_ms: i64,
    /// The request.
    pub spec: Arc<RestoreSpec>,
}

/// A journaled restore step.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "restore_op")]
pub enum RestoreOp {
    /// restoreSnapshot accepted.
    Create {
        /// Job id.
        job_id: i64,
        /// Db.
        db_id: i64,
        /// Label.
        label: String,
        /// Request.
        spec: Box<RestoreSpec>,
    },
    /// Plain transition.
    State {
        /// Job.
        job_id: i64,
        /// New state.
        state: RestoreJobState,
    },
    /// Install (tables, partitions, tablets with data) and finish.
    Commit {
        /// Job.
        job_id: i64,
        /// The catalog changes, data included.
        catalog: CatalogOp,
    },
    /// Cancelled with a status text.
    Cancel {
        /// Job.
        job_id: i64,
        /// Status.
        status: String,
    },
}

/// All restore jobs.
#[derive(Debug, Clone, Default)]
pub struct RestoreState {
    /// Jobs in creation order.
    pub jobs: Vec<RestoreJob>,
    /// Jobs a driver task is working on (run time only).
    pub driving: std::collections::BTreeSet<i64>,
}

impl RestoreState {
    /// The unfinished job of `db_id`.
    pub fn running(&self, db_id: i64) -> Option<&RestoreJob> {
        self.jobs
            .iter()
            .find(|j| j.db_id == db_id && !j.state.is_final())
    }

    /// A job by id.
    pub fn job(&self, job_id: i64) -> Option<&RestoreJob> {
        self.jobs.iter().find(|j| j.job_id == job_id)
    }

    fn job_mut(&mut self, job_id: i64) -> Option<&mut RestoreJob> {
        self.jobs.iter_mut().find(|j| j.job_id == job_id)
    }
}

/// Applies a journaled restore step.
pub fn apply(state: &mut State, op: RestoreOp, meta: EntryMeta) {
    match op {
        RestoreOp::Create {
            job_id,
            db_id,
            label,
            spec,
        } => {
            let db_name = state
                .dbs
                .get(&db_id)
                .map(|d| d.name.clone())
                .unwrap_or_default();
            let job = RestoreJob::new(job_id, db_id, db_name, label, *spec, meta.ts_ms);
            state.restores.jobs.push(job);
        }
        RestoreOp::State { job_id, state: st } => {
            if let Some(j) = state.restores.job_mut(job_id) {
                j.set_state(st, meta.ts_ms);
            }
        }
        RestoreOp::Commit { job_id, catalog } => {
            catalog_ops::apply(state, catalog, meta);
            if let Some(j) = state.restores.job_mut(job_id) {
                j.set_state(RestoreJobState::Finished, meta.ts_ms);
            }
        }
        RestoreOp::Cancel { job_id, status } => {
            if let Some(j) = state.restores.job_mut(job_id) {
                j.set_state(RestoreJobState::Cancelled, meta.ts_ms);
                j.status = status;
            }
        }
    }
}

impl RestoreJob {
    fn new(
        job_id: i64,
        db_id: i64,
        db_name: String,
        label: String,
        spec: RestoreSpec,
        now: i64,
    ) -> Self {
        RestoreJob {
            job_id,
            db_id,
            db_name,
            label,
            state: RestoreJobState::Pending,
            status: "[OK]".into(),
            create_ms: now,
            meta_prepared_ms: -1,
            snapshot_ms: -1,
            download_ms: -1,
            finished_ms: -1,
            spec: Arc::new(spec),
        }
    }

    fn set_state(&mut self, st: RestoreJobState, now: i64) {
        self.state = st;
        match st {
            RestoreJobState::Snapshoting => self.meta_prepared_ms = now,
            RestoreJobState::Download => self.snapshot_ms = now,
            RestoreJobState::Commit => self.download_ms = now,
            RestoreJobState::Finished | RestoreJobState::Cancelled => self.finished_ms = now,
            _ => {}
        }
    }
}
