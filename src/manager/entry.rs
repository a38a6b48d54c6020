//! Per-job runtime entries: live status, runner handle, checkpoint epoch, pending
//! commands. All methods are synchronous and never wait for a runner.

use super::runner::{spawn_runner, RunnerFactory, RunnerHandle, StartArgs, StoreCheckpoint};
use super::store::JobStore;
use crate::engine::checkpoint::{CheckpointHandle, RunnerCommand};
use crate::engine::status::{JobStatus, JobStatusSnapshot};
use crate::job::{JobSpec, SyncState};
use crate::telemetry::Metrics;
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

struct JobEntry {
    status: Arc<JobStatus>,
    epoch: Arc<AtomicU64>,
    runner: Option<RunnerHandle>,
    pending: Vec<RunnerCommand>,
}

impl JobEntry {
    fn new(table_sync: bool) -> Self {
        let state = if table_sync {
            SyncState::TableFullSync
        } else {
            SyncState::DbFullSync
        };
        JobEntry {
            status: Arc::new(JobStatus::new(state)),
            epoch: Arc::new(AtomicU64::new(0)),
            runner: None,
            pending: Vec::new(),
        }
    }

    fn runner_alive(&self) -> bool {
        self.runner
            .as_ref()
            .is_some_and(|r| !r.cancel.is_cancelled() && !r.join.is_finished())
    }
}

/// The map of job entries plus names being created.
pub(crate) struct Entries {
    store: Arc<dyn JobStore>,
    factory: Arc<dyn RunnerFactory>,
    jobs: Mutex<HashMap<String, JobEntry>>,
    creating: Arc<Mutex<HashSet<String>>>,
    /// The node's metrics (fleet mode): attached to every job's live status.
    metrics: OnceLock<Metrics>,
}

/// Holds a job name while it is being created; released on drop.
pub(crate) struct Reservation {
    name: String,
    creating: Arc<Mutex<HashSet<String>>>,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.creating.lock().remove(&self.name);
    }
}

impl Entries {
    pub(crate) fn new(store: Arc<dyn JobStore>, factory: Arc<dyn RunnerFactory>) -> Self {
        Entries {
            store,
            factory,
            jobs: Mutex::new(HashMap::new()),
            creating: Arc::new(Mutex::new(HashSet::new())),
            metrics: OnceLock::new(),
        }
    }

    /// Exports every job's figures to `metrics` from now on (set once).
    pub(crate) fn set_metrics(&self, metrics: Metrics) {
        let _ = self.metrics.set(metrics);
    }

    /// Reserves `name` for a create in progress; `None` if another create holds it.
    pub(crate) fn reserve(&self, name: &str) -> Option<Reservation> {
        if !self.creating.lock().insert(name.to_string()) {
            return None;
        }
        Some(Reservation {
            name: name.to_string(),
            creating: self.creating.clone(),
        })
    }

    /// Starts (or restarts) the runner of `spec` with a store-backed checkpoint; a
    /// previous runner is cancelled and fenced, and the new one begins after it stopped.
    pub(crate) fn start(&self, spec: JobSpec) {
        let store = self.store.clone();
        let name = spec.name.clone();
        self.start_with(spec, move |status, epoch, current| {
            Arc::new(StoreCheckpoint {
                store,
                name,
                epoch,
                current,
                status,
            })
        });
    }

    /// Like [`Entries::start`] with a checkpoint built by `make(status, epoch, current)`.
    pub(crate) fn start_with(
        &self,
        spec: JobSpec,
        make: impl FnOnce(Arc<JobStatus>, u64, Arc<AtomicU64>) -> Arc<dyn CheckpointHandle>,
    ) {
        let mut jobs = self.jobs.lock();
        let table_sync = !spec.src.table.is_empty();
        let e = jobs
            .entry(spec.name.clone())
            .or_insert_with(|| JobEntry::new(table_sync));
        let epoch = e.epoch.fetch_add(1, Ordering::SeqCst) + 1;
        let prev = e.runner.take().map(|r| {
            r.cancel.cancel();
            r.join
        });
        e.status.set_blocked(None);
        let metrics = self.metrics.get();
        if let Some(m) = metrics {
            e.status.attach_metrics(m.job(&spec.name));
        }
        let args = StartArgs {
            node: metrics.map(Metrics::node_id),
            spec,
            store: self.store.clone(),
            status: e.status.clone(),
            checkpoint: make(e.status.clone(), epoch, e.epoch.clone()),
            pending: std::mem::take(&mut e.pending),
            after: prev,
        };
        e.runner = Some(spawn_runner(self.factory.clone(), args));
    }

    /// Cancels and fences the runner of `name` (does not wait).
    pub(crate) fn stop(&self, name: &str) {
        let mut jobs = self.jobs.lock();
        if let Some(e) = jobs.get_mut(name) {
            e.epoch.fetch_add(1, Ordering::SeqCst);
            if let Some(r) = &e.runner {
                r.cancel.cancel();
            }
        }
    }

    /// Forgets `name` (after delete).
    pub(crate) fn remove(&self, name: &str) {
        if let Some(e) = self.jobs.lock().remove(name) {
            if let Some(r) = e.runner {
                r.cancel.cancel();
            }
        }
    }

    /// True when a live runner exists for `name`.
    pub(crate) fn is_running(&self, name: &str) -> bool {
        self.jobs
            .lock()
            .get(name)
            .is_some_and(JobEntry::runner_alive)
    }

    /// Delivers a command now, or when the next runner starts.
    pub(crate) fn send(&self, name: &str, cmd: RunnerCommand) {
        let mut jobs = self.jobs.lock();
        let e = jobs
            .entry(name.to_string())
            .or_insert_with(|| JobEntry::new(false));
        let delivered = e.runner_alive()
            && e.runner
                .as_ref()
                .is_some_and(|r| r.commands.send(cmd.clone()).is_ok());
        if !delivered {
            e.pending.push(cmd);
        }
    }

    /// Live status of `name` (a fresh one if the job has no entry yet).
    pub(crate) fn status(&self, name: &str) -> Arc<JobStatus> {
        let mut jobs = self.jobs.lock();
        jobs.entry(name.to_string())
            .or_insert_with(|| JobEntry::new(false))
            .status
            .clone()
    }

    /// Snapshots of all entries.
    pub(crate) fn snapshots(&self) -> Vec<(String, JobStatusSnapshot)> {
        let jobs = self.jobs.lock();
        let mut v: Vec<_> = jobs
            .iter()
            .map(|(n, e)| (n.clone(), e.status.snapshot()))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Cancels all runners and waits up to `timeout` for them.
    pub(crate) async fn shutdown(&self, timeout: Duration) {
        let joins: Vec<_> = {
            let mut jobs = self.jobs.lock();
            jobs.values_mut()
                .filter_map(|e| {
                    e.epoch.fetch_add(1, Ordering::SeqCst);
                    e.runner.take()
                })
                .map(|r| {
                    r.cancel.cancel();
                    r.join
                })
                .collect()
        };
        let _ = tokio::time::timeout(timeout, futures::future::join_all(joins)).await;
    }
}
