//! JobManager: the node-local registry of jobs and their runners, over a [`JobStore`].
//!
//! No operation waits for a sync step: pause/delete cancel the runner (it stops after
//! its current atomic step) and fence its checkpoints; resume starts a new runner that
//! begins once the old one has stopped; commands reach a running runner by channel.

mod entry;
mod runner;
mod store;

pub use runner::{
    engine_runner_factory, engine_runner_factory_with, idle_runner_factory, FnRunnerFactory,
    RunnerFactory,
};
pub use store::{JobRecord, JobStore, MemoryJobStore, StoreError};

use crate::engine::checkpoint::{CheckpointHandle, RunnerCommand};
use crate::engine::create::{ClusterOps, CreateError};
use crate::engine::status::{JobStatus, JobStatusSnapshot};
use crate::job::{JobSpec, JobState, Progress, SpecError, SyncType};
use crate::telemetry::Metrics;
use entry::Entries;
use std::sync::Arc;

/// Errors of manager operations; `Display` is what the API shows.
#[derive(Debug, thiserror::Error)]
pub enum ManagerError {
    /// No such job.
    #[error("job not exist: {0}")]
    NotFound(String),
    /// Name taken.
    #[error("job {0} already exist")]
    AlreadyExists(String),
    /// Bad spec.
    #[error(transparent)]
    InvalidSpec(#[from] SpecError),
    /// Creation check or cluster operation failed.
    #[error(transparent)]
    Cluster(#[from] CreateError),
    /// Store failure.
    #[error(transparent)]
    Store(StoreError),
    /// The job has no progress yet.
    #[error("job progress not found: {0}")]
    NoProgress(String),
}

impl From<StoreError> for ManagerError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(n) => ManagerError::NotFound(n),
            StoreError::AlreadyExists(n) => ManagerError::AlreadyExists(n),
            other => ManagerError::Store(other),
        }
    }
}

/// Status of one job as `/job_status` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobStatusView {
    /// Job name.
    pub name: String,
    /// Stored run state.
    pub state: JobState,
    /// Live runner status.
    pub live: JobStatusSnapshot,
}

/// Creates, controls and inspects jobs.
pub struct JobManager {
    store: Arc<dyn JobStore>,
    ops: Arc<dyn ClusterOps>,
    entries: Entries,
    /// Fleet mode: runners are started only through [`JobManager::start_owned`] (by the
    /// ownership reconciler), never by create/resume/recover.
    external_runners: bool,
}

/// Builds the checkpoint of an externally owned runner from its live status.
pub type MakeCheckpoint = Box<dyn FnOnce(Arc<JobStatus>) -> Arc<dyn CheckpointHandle> + Send>;

impl JobManager {
    /// A manager over `store`, checking clusters with `ops`, starting runners with
    /// `factory`. Call [`JobManager::recover`] to start the stored running jobs.
    pub fn new(
        store: Arc<dyn JobStore>,
        ops: Arc<dyn ClusterOps>,
        factory: Arc<dyn RunnerFactory>,
    ) -> Self {
        JobManager {
            entries: Entries::new(store.clone(), factory),
            store,
            ops,
            external_runners: false,
        }
    }

    /// Fleet mode: create/resume/recover only write the store; runners are started and
    /// stopped by the owner of the job through [`JobManager::start_owned`] /
    /// [`JobManager::stop_owned`]. Pause/delete still stop a local runner at once.
    pub fn with_external_runners(mut self) -> Self {
        self.external_runners = true;
        self
    }

    /// Exports the figures of every job this manager runs to `metrics` (lag, binlogs,
    /// errors, syncs), and tags the runners' log lines with the node id.
    pub fn with_metrics(self, metrics: Metrics) -> Self {
        self.entries.set_metrics(metrics);
        self
    }

    /// Starts the runner of `spec` with the checkpoint `make` builds (after any previous
    /// runner of the job has stopped). Does not wait.
    pub fn start_owned(&self, spec: JobSpec, make: MakeCheckpoint) {
        self.entries
            .start_with(spec, move |status, _epoch, _current| make(status));
    }

    /// Cancels the runner of `name` (does not wait).
    pub fn stop_owned(&self, name: &str) {
        self.entries.stop(name);
    }

    fn start_local(&self, spec: JobSpec) {
        if !self.external_runners {
            self.entries.start(spec);
        }
    }

    async fn record(&self, name: &str) -> Result<JobRecord, ManagerError> {
        if name.is_empty() {
            return Err(SpecError::Name("name is empty".into()).into());
        }
        self.store
            .get(name)
            .await?
            .ok_or_else(|| ManagerError::NotFound(name.to_string()))
    }

    /// Validates, runs the creation checks, stores the job and starts its runner.
    pub async fn create(&self, mut spec: JobSpec) -> Result<(), ManagerError> {
        spec.validate()?;
        let _reservation = self
            .entries
            .reserve(&spec.name)
            .ok_or_else(|| ManagerError::AlreadyExists(spec.name.clone()))?;
        if self.store.get(&spec.name).await?.is_some() {
            return Err(ManagerError::AlreadyExists(spec.name));
        }
        self.ops.prepare(&mut spec).await?;
        let record = JobRecord {
            spec: spec.clone(),
            state: JobState::Running,
        };
        self.store.create(record).await?;
        let progress = Progress::new(&spec.name, spec.sync_type() == SyncType::Table);
        self.store.save_progress(&progress).await?;
        tracing::info!(job = %spec.name, "job created");
        self.start_local(spec);
        Ok(())
    }

    /// Starts runners for all stored running jobs not yet running here.
    pub async fn recover(&self) -> Result<usize, ManagerError> {
        let mut started = 0;
        for name in self.store.list().await? {
            let Some(rec) = self.store.get(&name).await? else {
                continue;
            };
            if rec.state.is_running() && !self.entries.is_running(&name) && !self.external_runners {
                self.entries.start(rec.spec);
                started += 1;
            }
        }
        Ok(started)
    }

    /// Persists `Paused` and cancels the runner (it stops after its current step).
    pub async fn pause(&self, name: &str) -> Result<(), ManagerError> {
        self.record(name).await?;
        self.store.set_state(name, JobState::Paused).await?;
        self.entries.stop(name);
        Ok(())
    }

    /// Persists `Running` and starts a runner from the stored progress (also clears a
    /// `Blocked` state). No-op for a job that is already running.
    pub async fn resume(&self, name: &str) -> Result<(), ManagerError> {
        let rec = self.record(name).await?;
        if rec.state.is_running() && self.entries.is_running(name) {
            return Ok(());
        }
        self.store.set_state(name, JobState::Running).await?;
        self.start_local(rec.spec);
        Ok(())
    }

    /// Stops the runner and removes the job and its progress.
    pub async fn delete(&self, name: &str) -> Result<(), ManagerError> {
        self.record(name).await?;
        self.entries.stop(name);
        self.store.delete(name).await?;
        self.entries.remove(name);
        tracing::info!(job = %name, "job deleted");
        Ok(())
    }

    /// Asks the runner to start a new full sync (delivered when it next runs).
    pub async fn force_fullsync(&self, name: &str) -> Result<(), ManagerError> {
        self.record(name).await?;
        self.entries.send(name, RunnerCommand::ForceFullSync);
        Ok(())
    }

    /// Updates `skip_error` (persisted, and sent to the runner).
    pub async fn update_skip_error(&self, name: &str, skip: bool) -> Result<(), ManagerError> {
        let mut rec = self.record(name).await?;
        rec.spec.skip_error = skip;
        self.store.update_spec(&rec.spec).await?;
        self.entries.send(name, RunnerCommand::SetSkipError(skip));
        Ok(())
    }

    /// Sets `is_being_synced = false` on the target tables (job keeps its state).
    pub async fn desync(&self, name: &str) -> Result<(), ManagerError> {
        let rec = self.record(name).await?;
        self.ops.desync(&rec.spec).await?;
        Ok(())
    }

    /// Source binlogs not yet applied and their age in seconds (-1 = unknown): the
    /// runner's last measurement, else asked live from the source FE.
    pub async fn lag(&self, name: &str) -> Result<(i64, i64), ManagerError> {
        let rec = self.record(name).await?;
        let live = self.entries.status(name).snapshot();
        if live.lag >= 0 {
            return Ok((live.lag, live.lag_seconds));
        }
        let seq = match self.store.load_progress(name).await? {
            Some(p) => p.commit_seq,
            None => 0,
        };
        let lag = self.ops.binlog_lag(&rec.spec, seq).await?;
        Ok((lag.binlogs, lag.seconds.unwrap_or(-1)))
    }

    /// Stored state plus live status.
    pub async fn status(&self, name: &str) -> Result<JobStatusView, ManagerError> {
        let rec = self.record(name).await?;
        let status = self.entries.status(name);
        if let (true, Ok(Some(p))) = (
            status.snapshot().last_applied_seq == 0,
            self.store.load_progress(name).await,
        ) {
            status.set_progress(&p);
        }
        let mut live = status.snapshot();
        if live.blocked_reason.is_none() {
            live.blocked_reason = rec.state.blocked_reason().map(str::to_string);
        }
        Ok(JobStatusView {
            name: name.to_string(),
            state: rec.state,
            live,
        })
    }

    /// All job names (sorted).
    pub async fn list(&self) -> Result<Vec<String>, ManagerError> {
        Ok(self.store.list().await?)
    }

    /// Stored job (spec + state).
    pub async fn job(&self, name: &str) -> Result<JobRecord, ManagerError> {
        self.record(name).await
    }

    /// Stored progress.
    pub async fn progress(&self, name: &str) -> Result<Progress, ManagerError> {
        self.record(name).await?;
        self.store
            .load_progress(name)
            .await?
            .ok_or_else(|| ManagerError::NoProgress(name.to_string()))
    }

    /// Live status of every job known to this node (for metrics).
    pub fn live_statuses(&self) -> Vec<(String, JobStatusSnapshot)> {
        self.entries.snapshots()
    }

    /// Cancels every runner and waits (bounded) for them to stop.
    pub async fn shutdown(&self, timeout: std::time::Duration) {
        self.entries.shutdown(timeout).await;
    }
}

#[cfg(test)]
mod tests;
