//! BACKUP SNAPSHOT to `__keep_on_local__` (protocol §6): jobs advancing PENDING →
//! SNAPSHOTING → UPLOAD_INFO → FINISHED, one BARRIER binlog per backed-up table, frozen
//! tablet files served to other BEs by token, `meta` + `job_info` for getSnapshot.
//!
//! Every step is a journaled [`BackupOp`]; the snapshot content is rebuilt from the state
//! at the same journal position on replay, so it is deterministic.

mod snapshot;
mod sql;
/// Helpers shared with restore's SQL.
pub(crate) mod sql_support {
    pub(crate) use super::sql::{check_no_running_job, resolve_db};
}
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use snapshot::{schema_hash, Snapshot, SnapshotMeta, TabletFile};
pub use sql::{advance_backups, cancel_backup, show_backup, start_backup, BACKUP_COLUMNS};

use super::journal::EntryMeta;
use super::State;

/// How long a local snapshot is kept (ms).
pub const SNAPSHOT_KEEP_MS: i64 = 86_400_000;
/// Minimum time between two job state transitions (so SHOW can observe progress).
pub const STEP_MS: i64 = 100;
/// The only repository this emulator supports.
pub const LOCAL_REPO: &str = "__keep_on_local__";

/// Backup job states (Doris names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BackupJobState {
    /// Created.
    Pending,
    /// Snapshot taken (barriers written).
    Snapshoting,
    /// Meta saved.
    UploadInfo,
    /// Done.
    Finished,
    /// Cancelled.
    Cancelled,
}

impl BackupJobState {
    /// Doris name.
    pub fn name(self) -> &'static str {
        match self {
            BackupJobState::Pending => "PENDING",
            BackupJobState::Snapshoting => "SNAPSHOTING",
            BackupJobState::UploadInfo => "UPLOAD_INFO",
            BackupJobState::Finished => "FINISHED",
            BackupJobState::Cancelled => "CANCELLED",
        }
    }

    /// FINISHED or CANCELLED.
    pub fn is_final(self) -> bool {
        matches!(self, BackupJobState::Finished | BackupJobState::Cancelled)
    }
}

/// One table (or view) of a backup: id and the partitions (empty = all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupObject {
    /// Table id.
    pub table_id: i64,
    /// Partition names; empty = all.
    pub partitions: Vec<String>,
}

/// A backup job.
#[derive(Debug, Clone)]
pub struct BackupJob {
    /// Job id.
    pub job_id: i64,
    /// Db id.
    pub db_id: i64,
    /// Db name at creation.
    pub db_name: String,
    /// Snapshot name (label).
    pub name: String,
    /// Objects.
    pub objects: Vec<BackupObject>,
    /// State.
    pub state: BackupJobState,
    /// Times (ms; -1 unset).
    pub create_ms: i64,
    /// Snapshot finished.
    pub snapshot_ms: i64,
    /// Upload (meta) finished.
    pub upload_ms: i64,
    /// Finished.
    pub finished_ms: i64,
    /// Last transition.
    pub last_step_ms: i64,
    /// Error status text ("[OK]" when fine).
    pub status: String,
    /// {table id: BARRIER commit seq}.
    pub table_commit_seq_map: BTreeMap<i64, i64>,
    /// The frozen snapshot (after SNAPSHOTING).
    pub snapshot: Option<Arc<Snapshot>>,
}

/// A journaled backup step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "backup_op")]
pub enum BackupOp {
    /// BACKUP accepted.
    Create {
        /// Job id.
        job_id: i64,
        /// Db.
        db_id: i64,
        /// Snapshot name.
        name: String,
        /// Objects.
        objects: Vec<BackupObject>,
    },
    /// One BARRIER binlog for a table (its journal id is the table's commit seq).
    Barrier {
        /// Job.
        job_id: i64,
        /// Table.
        table_id: i64,
    },
    /// Freeze the data and metadata.
    Snapshot {
        /// Job.
        job_id: i64,
    },
    /// Plain state transition.
    State {
        /// Job.
        job_id: i64,
        /// New state.
        state: BackupJobState,
    },
    /// Cancelled.
    Cancel {
        /// Job.
        job_id: i64,
        /// Status text.
        msg: String,
    },
}

/// All backup jobs of the FE.
#[derive(Debug, Clone, Default)]
pub struct BackupState {
    /// Jobs in creation order.
    pub jobs: Vec<BackupJob>,
}

impl BackupState {
    /// The job by id.
    pub fn job(&self, job_id: i64) -> Option<&BackupJob> {
        self.jobs.iter().find(|j| j.job_id == job_id)
    }

    fn job_mut(&mut self, job_id: i64) -> Option<&mut BackupJob> {
        self.jobs.iter_mut().find(|j| j.job_id == job_id)
    }

    /// The unfinished job of `db_id`, if any.
    pub fn running(&self, db_id: i64) -> Option<&BackupJob> {
        self.jobs
            .iter()
            .find(|j| j.db_id == db_id && !j.state.is_final())
    }

    /// The newest FINISHED, unexpired snapshot named `name` in `db_id`.
    pub fn snapshot(&self, db_id: i64, name: &str, now_ms: i64) -> Option<Arc<Snapshot>> {
        self.jobs
            .iter()
            .rev()
            .filter(|j| j.db_id == db_id && j.name == name && j.state == BackupJobState::Finished)
            .find_map(|j| j.snapshot.clone())
            .filter(|s| s.expire_at_ms > now_ms)
    }

    /// A snapshot file by path (for `/api/_tablet/_download`).
    pub fn file(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        self.jobs
            .iter()
            .filter_map(|j| j.snapshot.as_ref())
            .find_map(|s| s.files.get(path).cloned())
    }
}

/// Applies a journaled backup step.
pub fn apply(state: &mut State, op: BackupOp, meta: EntryMeta) {
    match op {
        BackupOp::Create {
            job_id,
            db_id,
            name,
            objects,
        } => {
            let db_name = state
                .dbs
                .get(&db_id)
                .map(|d| d.name.clone())
                .unwrap_or_default();
            let job = BackupJob::new(job_id, db_id, db_name, name, objects, meta.ts_ms);
            state.backups.jobs.push(job);
        }
        BackupOp::Barrier { job_id, table_id } => {
            snapshot::write_barrier(state, job_id, table_id, meta)
        }
        BackupOp::Snapshot { job_id } => {
            let snap = state
                .backups
                .job(job_id)
                .map(|j| snapshot::take(state, j, meta.ts_ms));
            if let Some(j) = state.backups.job_mut(job_id) {
                j.snapshot = snap.map(Arc::new);
                j.set_state(BackupJobState::Snapshoting, meta.ts_ms);
            }
        }
        BackupOp::State { job_id, state: st } => {
            if let Some(j) = state.backups.job_mut(job_id) {
                j.set_state(st, meta.ts_ms);
            }
        }
        BackupOp::Cancel { job_id, msg } => {
            if let Some(j) = state.backups.job_mut(job_id) {
                j.set_state(BackupJobState::Cancelled, meta.ts_ms);
                j.status = msg;
                j.snapshot = None;
            }
        }
    }
}

impl BackupJob {
    fn new(
        job_id: i64,
        db_id: i64,
        db_name: String,
        name: String,
        objects: Vec<BackupObject>,
        now: i64,
    ) -> Self {
        BackupJob {
            job_id,
            db_id,
            db_name,
            name,
            objects,
            state: BackupJobState::Pending,
            create_ms: now,
            snapshot_ms: -1,
            upload_ms: -1,
            finished_ms: -1,
            last_step_ms: now,
            status: "[OK]".into(),
            table_commit_seq_map: BTreeMap::new(),
            snapshot: None,
        }
    }

    fn set_state(&mut self, st: BackupJobState, now: i64) {
        self.state = st;
        self.last_step_ms = now;
        match st {
            BackupJobState::Snapshoting => self.snapshot_ms = now,
            BackupJobState::UploadInfo => self.upload_ms = now,
            BackupJobState::Finished | BackupJobState::Cancelled => self.finished_ms = now,
            BackupJobState::Pending => {}
        }
    }
}
