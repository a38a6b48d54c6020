//! The ownership reconciler: runs exactly the runners this node should run.
//!
//! Desired = jobs whose owner is this node and whose state is Running, but only while the
//! node's lease allows running (quorum contact and caught up); otherwise nothing. On every
//! applied-state change and every lease change it starts runners for desired jobs (with the
//! current epoch and a [`RaftCheckpoint`]) and stops runners whose job is no longer desired,
//! whose epoch changed, or whose spec changed.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use syncer_raft::model::JobState;
use syncer_raft::model::StateMachineData;
use syncer_raft::NodeId;
use tokio_util::sync::CancellationToken;

use super::checkpoint::{CheckpointDeps, RaftCheckpoint};
use super::sealing::SecretsKey;
use super::store::decode_spec;
use crate::engine::checkpoint::CheckpointHandle;
use crate::engine::status::JobStatus;
use crate::job::JobSpec;

/// Builds the checkpoint of a runner from its live status.
pub type MakeCheckpoint = Box<dyn FnOnce(Arc<JobStatus>) -> Arc<dyn CheckpointHandle> + Send>;

/// Where runners live (the job manager in fleet mode).
pub trait RunnerHost: Send + Sync {
    /// Starts a runner for `spec` with the checkpoint `make` builds (after any previous
    /// runner of the job has stopped).
    fn start_owned(&self, spec: JobSpec, make: MakeCheckpoint);
    /// Cancels the runner of `name` (does not wait).
    fn stop_owned(&self, name: &str);
}

/// What this node should run: job → (ownership epoch, job record version). A new version
/// (e.g. `/update_job` changed the spec, or a resume) restarts the runner with the new spec.
pub type Desired = BTreeMap<String, (u64, u64)>;

/// The desired runners of `node` in `sm`.
pub fn desired(sm: &StateMachineData, node: NodeId) -> Desired {
    sm.state
        .ownership
        .iter()
        .filter(|(_, own)| own.node == Some(node))
        .filter_map(|(name, own)| {
            let job = sm.state.job(name)?;
            (job.state == JobState::Running).then(|| (name.clone(), (own.epoch, job.version)))
        })
        .collect()
}

struct Held {
    epoch: u64,
    version: u64,
    /// Lease generation it was started under: a runner may have been fenced by a lease
    /// lapse the reconciler did not observe, so a new generation restarts it.
    generation: u64,
    revoke: CancellationToken,
}

/// Reconciles this node's runners with the replicated ownership.
pub struct Reconciler {
    deps: CheckpointDeps,
    host: Arc<dyn RunnerHost>,
    /// Opens the sealed passwords of the specs the runners get.
    key: Option<Arc<SecretsKey>>,
    held: Mutex<HashMap<String, Held>>,
    /// `(state changes counter, may run, lease generation)` of the last pass: progress
    /// saves do not move the counter, so checkpoint traffic costs no reconciliation work.
    last: Mutex<Option<(u64, bool, u64)>>,
}

impl Reconciler {
    /// A reconciler starting runners on `host`; `key` is the node's secrets key, if any.
    pub fn new(
        deps: CheckpointDeps,
        host: Arc<dyn RunnerHost>,
        key: Option<Arc<SecretsKey>>,
    ) -> Arc<Self> {
        Arc::new(Self {
            deps,
            host,
            key,
            held: Mutex::new(HashMap::new()),
            last: Mutex::new(None),
        })
    }

    /// Names and epochs of the runners this node holds now.
    pub fn held(&self) -> BTreeMap<String, u64> {
        let held = self.held.lock();
        held.iter().map(|(n, h)| (n.clone(), h.epoch)).collect()
    }

    /// Reacts to applied-state and lease changes until `cancel` fires, then stops all.
    pub async fn run(self: Arc<Self>, cancel: CancellationToken) {
        let mut applied = self.deps.raft.applied();
        let mut may_run = self.deps.lease.subscribe();
        loop {
            self.reconcile();
            tokio::select! {
                _ = cancel.cancelled() => break,
                r = applied.changed() => if r.is_err() { break },
                r = may_run.changed() => if r.is_err() { break },
            }
            // Coalesce bursts of applies (checkpoints) into one pass.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.apply(Desired::new(), 0);
    }

    /// One reconciliation pass (skipped when neither the jobs, the ownership nor the lease
    /// changed since the last one).
    pub fn reconcile(&self) {
        let (may_run, generation) = (self.deps.lease.may_run(), self.deps.lease.generation());
        let changes = self.deps.raft.read_state(|sm| sm.state.changes);
        let key = (changes, may_run, generation);
        if *self.last.lock() == Some(key) {
            return;
        }
        let want = if may_run {
            let node = self.deps.node;
            self.deps.raft.read_state(|sm| desired(sm, node))
        } else {
            Desired::new()
        };
        self.apply(want, generation);
        *self.last.lock() = Some(key);
    }

    fn apply(&self, want: Desired, generation: u64) {
        let mut held = self.held.lock();
        let stale: Vec<String> = held
            .iter()
            .filter(|(name, h)| {
                h.generation != generation
                    || want
                        .get(*name)
                        .is_none_or(|(epoch, version)| *epoch != h.epoch || *version != h.version)
            })
            .map(|(name, _)| name.clone())
            .collect();
        for name in stale {
            if let Some(h) = held.remove(&name) {
                h.revoke.cancel();
                self.host.stop_owned(&name);
                tracing::info!(job = %name, epoch = h.epoch, node = self.deps.node, "Runner stopped: no longer owned here.");
            }
        }
        for (name, (epoch, version)) in want {
            if held.contains_key(&name) {
                continue;
            }
            if let Some(h) = self.start(&name, epoch, version, generation) {
                held.insert(name, h);
            }
        }
    }

    fn start(&self, name: &str, epoch: u64, version: u64, generation: u64) -> Option<Held> {
        let spec_json = self
            .deps
            .raft
            .read_state(|sm| sm.state.job(name).map(|j| j.spec.clone()))?;
        let spec = match decode_spec(name, &spec_json, self.key.as_deref()) {
            Ok(spec) => spec,
            Err(e) => {
                tracing::error!(job = %name, error = %e, "Cannot start runner.");
                return None;
            }
        };
        let revoke = CancellationToken::new();
        let (deps, job, token) = (self.deps.clone(), name.to_string(), revoke.clone());
        let make: MakeCheckpoint =
            Box::new(move |status| Arc::new(RaftCheckpoint::new(deps, job, epoch, token, status)));
        self.host.start_owned(spec, make);
        tracing::info!(job = %name, epoch, node = self.deps.node, "Runner started: job owned here.");
        Some(Held {
            epoch,
            version,
            generation,
            revoke,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syncer_raft::command::Command;

    fn apply(sm: &mut StateMachineData, cmd: Command) {
        let resp = sm.state.apply(&cmd);
        assert!(resp.is_ok(), "{cmd:?}: {resp:?}");
    }

    fn job(sm: &mut StateMachineData, name: &str, state: JobState, owner: NodeId) {
        let create = Command::CreateJob {
            name: name.into(),
            spec: serde_json::json!({}),
            state,
            at_ms: 0,
        };
        apply(sm, create);
        let assign = Command::Assign {
            job: name.into(),
            node: owner,
            expect_epoch: None,
        };
        apply(sm, assign);
    }

    #[test]
    fn desired_is_running_jobs_owned_here() {
        let mut sm = StateMachineData::default();
        job(&mut sm, "mine", JobState::Running, 1);
        job(&mut sm, "paused", JobState::Paused, 1);
        job(&mut sm, "theirs", JobState::Running, 2);
        let want = desired(&sm, 1);
        assert_eq!(want.keys().collect::<Vec<_>>(), vec!["mine"]);
        let before = want["mine"];
        let reassign = Command::Assign {
            job: "mine".into(),
            node: 1,
            expect_epoch: None,
        };
        apply(&mut sm, reassign);
        let after = desired(&sm, 1)["mine"];
        assert_eq!(after.0, before.0 + 1, "a new epoch restarts the runner");
    }
}
