//! The whole replicated state and the state-machine bookkeeping around it.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use serde::Deserialize;
use serde::Serialize;

use crate::model::JobRecord;
use crate::model::Ownership;
use crate::model::ProgressRecord;
use crate::typ::LogId;
use crate::typ::StoredMembership;

/// Jobs, progress and ownership. `BTreeMap`s keep iteration (and snapshots) deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicatedState {
    /// Job definitions by name.
    pub jobs: BTreeMap<String, JobRecord>,
    /// Last saved progress by job name.
    pub progress: BTreeMap<String, ProgressRecord>,
    /// Ownership by job name; present for every existing job.
    pub ownership: BTreeMap<String, Ownership>,
    /// Last epoch of deleted jobs, so a re-created job never reuses an epoch.
    #[serde(default)]
    pub retired_epochs: BTreeMap<String, u64>,
    /// Nodes marked draining: they keep no jobs and get none.
    #[serde(default)]
    pub draining: BTreeSet<crate::NodeId>,
    /// Counts applied commands that may change jobs, ownership or draining marks (every
    /// command except progress saves and `Noop`), so readers that only care about those
    /// can skip work when it did not move.
    #[serde(default)]
    pub changes: u64,
}

impl ReplicatedState {
    /// The job with this name, if any.
    pub fn job(&self, name: &str) -> Option<&JobRecord> {
        self.jobs.get(name)
    }

    /// Ownership of this job, if the job exists.
    pub fn owner(&self, name: &str) -> Option<&Ownership> {
        self.ownership.get(name)
    }

    /// Progress of this job, if any was saved.
    pub fn progress_of(&self, name: &str) -> Option<&ProgressRecord> {
        self.progress.get(name)
    }

    /// Names of the jobs owned by `node`, in name order.
    pub fn jobs_owned_by(&self, node: crate::NodeId) -> Vec<&str> {
        self.ownership
            .iter()
            .filter(|(_, o)| o.node == Some(node))
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// What the state machine holds: the replicated state plus the log position it reflects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateMachineData {
    /// Last applied log id.
    pub last_applied: Option<LogId>,
    /// Last membership config applied.
    pub last_membership: StoredMembership,
    /// The replicated state.
    pub state: ReplicatedState,
}
