//! THE SEAM between a job runner and whatever persists its progress (in-memory now,
//! the Raft-replicated store in the fleet).

use crate::engine::status::JobStatus;
use crate::job::{JobSpec, JobState, Progress};
use async_trait::async_trait;
use parking_lot::Mutex;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Why a checkpoint could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// Another node owns the job now: the runner must stop at once, applying nothing more.
    #[error("job ownership lost (fenced)")]
    Fenced,
    /// The job was deleted meanwhile: the runner must stop.
    #[error("job was deleted")]
    Deleted,
    /// Transient store failure; retry with backoff.
    #[error("checkpoint store unavailable: {0}")]
    Unavailable(String),
}

impl CheckpointError {
    /// True when the runner must stop instead of retrying.
    pub fn is_terminal(&self) -> bool {
        matches!(self, CheckpointError::Fenced | CheckpointError::Deleted)
    }
}

/// Persists a runner's progress and state decisions.
#[async_trait]
pub trait CheckpointHandle: Send + Sync {
    /// Persist progress. `Err(Fenced)` ⇒ the runner must stop at once (another node owns
    /// the job now). Other errors are retryable.
    async fn save(&self, progress: &Progress) -> Result<(), CheckpointError>;
    /// Persist a job state change decided by the runner (e.g. `Blocked{reason}`).
    async fn set_state(&self, state: JobState) -> Result<(), CheckpointError>;
}

/// Operator commands delivered to a running runner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunnerCommand {
    /// `/force_fullsync`: start a new full sync at the next opportunity.
    ForceFullSync,
    /// `/update_job`: new `skip_error` value.
    SetSkipError(bool),
}

/// Everything a runner needs. Built by the job manager for each runner start.
pub struct RunnerContext {
    /// The job (ids may be updated by the runner and saved via the store).
    pub spec: JobSpec,
    /// Stored progress; `None` = new job (start with a full sync).
    pub progress: Option<Progress>,
    /// Where to persist progress.
    pub checkpoint: Arc<dyn CheckpointHandle>,
    /// Cancelled on pause/delete/shutdown/ownership loss: stop after the current atomic
    /// step, at the next await point.
    pub cancel: CancellationToken,
    /// Live status read by the API.
    pub status: Arc<JobStatus>,
    /// Operator commands (force full sync, skip_error changes).
    pub commands: mpsc::UnboundedReceiver<RunnerCommand>,
}

/// How a runner ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunnerExit {
    /// The cancel token fired (pause, delete, shutdown).
    Cancelled,
    /// A checkpoint said the job is owned elsewhere or deleted.
    Fenced,
    /// The runner decided the job cannot proceed; state was set to `Blocked{reason}`.
    Blocked(String),
}

/// In-process checkpoint: keeps the last saved progress and state. Used by tests and by
/// the single-node default until the Raft store plugs in.
#[derive(Default)]
pub struct MemoryCheckpoint {
    inner: Mutex<MemoryInner>,
}

#[derive(Default)]
struct MemoryInner {
    progress: Option<Progress>,
    state: Option<JobState>,
    saves: u64,
    fenced: bool,
}

impl MemoryCheckpoint {
    /// Empty checkpoint.
    pub fn new() -> Self {
        Self::default()
    }

    /// Last saved progress.
    pub fn progress(&self) -> Option<Progress> {
        self.inner.lock().progress.clone()
    }

    /// Last state set by the runner.
    pub fn state(&self) -> Option<JobState> {
        self.inner.lock().state.clone()
    }

    /// Number of successful saves.
    pub fn saves(&self) -> u64 {
        self.inner.lock().saves
    }

    /// Makes every later call fail with `Fenced` (tests of ownership loss).
    pub fn fence(&self) {
        self.inner.lock().fenced = true;
    }
}

#[async_trait]
impl CheckpointHandle for MemoryCheckpoint {
    async fn save(&self, progress: &Progress) -> Result<(), CheckpointError> {
        let mut g = self.inner.lock();
        if g.fenced {
            return Err(CheckpointError::Fenced);
        }
        g.progress = Some(progress.clone());
        g.saves += 1;
        Ok(())
    }

    async fn set_state(&self, state: JobState) -> Result<(), CheckpointError> {
        let mut g = self.inner.lock();
        if g.fenced {
            return Err(CheckpointError::Fenced);
        }
        g.state = Some(state);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_checkpoint_saves_and_fences() {
        let cp = MemoryCheckpoint::new();
        let p = Progress::new("j", true);
        cp.save(&p).await.unwrap();
        assert_eq!(cp.progress(), Some(p.clone()));
        assert_eq!(cp.saves(), 1);
        cp.set_state(JobState::Paused).await.unwrap();
        assert_eq!(cp.state(), Some(JobState::Paused));
        cp.fence();
        assert_eq!(cp.save(&p).await, Err(CheckpointError::Fenced));
        assert!(CheckpointError::Fenced.is_terminal());
        assert!(!CheckpointError::Unavailable("x".into()).is_terminal());
    }
}
