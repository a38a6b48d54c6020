//! Commands: the only way to change the replicated state, and their responses.
//!
//! Apply is deterministic: a command carries any timestamp it needs (`at_ms`, chosen by the
//! proposer), and the state machine never reads a clock or a random source.

use serde::Deserialize;
use serde::Serialize;

use crate::model::JobState;
use crate::type_config::NodeId;

/// A log payload: one change to the replicated state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Create a job; rejected with [`Rejection::JobExists`] if the name is taken.
    CreateJob {
        /// Job name (unique key).
        name: String,
        /// Opaque job spec.
        spec: serde_json::Value,
        /// Initial lifecycle state.
        state: JobState,
        /// Proposer's wall clock, ms since the Unix epoch.
        at_ms: u64,
    },
    /// Replace a job's spec.
    UpdateJobSpec {
        /// Job name.
        name: String,
        /// New opaque spec.
        spec: serde_json::Value,
        /// Proposer's wall clock, ms since the Unix epoch.
        at_ms: u64,
    },
    /// Change a job's lifecycle state.
    SetJobState {
        /// Job name.
        name: String,
        /// New state.
        state: JobState,
        /// Proposer's wall clock, ms since the Unix epoch.
        at_ms: u64,
    },
    /// Delete a job with its progress and ownership.
    DeleteJob {
        /// Job name.
        name: String,
    },
    /// Give a job to a node; answers [`CommandResponse::Assigned`] with the new epoch.
    Assign {
        /// Job name.
        job: String,
        /// The new owner.
        node: NodeId,
        /// If set, apply only if the current epoch equals it (compare-and-set).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect_epoch: Option<u64>,
    },
    /// Take a job away from its owner; answers [`CommandResponse::Assigned`] with the new epoch.
    Unassign {
        /// Job name.
        job: String,
        /// If set, apply only if the current epoch equals it (compare-and-set).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expect_epoch: Option<u64>,
    },
    /// Save a job's progress; fenced by the ownership epoch.
    SaveProgress(ProgressWrite),
    /// Many progress saves in one log entry, each checked independently; answers
    /// [`CommandResponse::Batch`] with one result per item, in order.
    SaveProgressBatch {
        /// The saves.
        items: Vec<ProgressWrite>,
    },
    /// Sets the first progress of a job that has none yet (e.g. right after `CreateJob`);
    /// not fenced because it can never overwrite a runner's checkpoint. Answers
    /// [`CommandResponse::Ok`] also when progress already exists (nothing changes then).
    SeedProgress {
        /// Job name.
        job: String,
        /// Opaque progress payload.
        data: serde_json::Value,
    },
    /// Marks a node as draining (the scheduler moves all its jobs away and gives it none)
    /// or clears the mark. The node does not have to be a member.
    SetNodeDraining {
        /// The node.
        node: NodeId,
        /// `true` to drain, `false` to accept jobs again.
        draining: bool,
    },
    /// Changes nothing; useful as a barrier or heartbeat.
    Noop,
}

/// One progress save: accepted only if `job` exists, is assigned, and `epoch` equals its
/// current ownership epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressWrite {
    /// Job name.
    pub job: String,
    /// The writer's ownership epoch.
    pub epoch: u64,
    /// Opaque progress payload.
    pub data: serde_json::Value,
}

/// The result of applying a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CommandResponse {
    /// Applied (or a membership / blank entry).
    Ok,
    /// Ownership changed; `epoch` is the new fencing epoch.
    Assigned {
        /// The new epoch.
        epoch: u64,
    },
    /// Progress saved; `seq` is the job's new write counter.
    ProgressSaved {
        /// The new write counter.
        seq: u64,
    },
    /// Per-item results of a batch, in item order.
    Batch {
        /// One response per item.
        results: Vec<CommandResponse>,
    },
    /// Not applied; the state is unchanged.
    Rejected {
        /// Why.
        reason: Rejection,
    },
}

impl CommandResponse {
    /// `true` unless this is a [`CommandResponse::Rejected`].
    pub fn is_ok(&self) -> bool {
        !matches!(self, CommandResponse::Rejected { .. })
    }

    /// The rejection reason, if rejected.
    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            CommandResponse::Rejected { reason } => Some(reason),
            _ => None,
        }
    }
}

/// Why a command was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rejection {
    /// `CreateJob` for a name that exists.
    #[error("job {job} already exists")]
    JobExists {
        /// Job name.
        job: String,
    },
    /// The job does not exist.
    #[error("job {job} not found")]
    JobNotFound {
        /// Job name.
        job: String,
    },
    /// The job has no owner, so no progress may be saved.
    #[error("job {job} is not assigned (epoch {current})")]
    NotAssigned {
        /// Job name.
        job: String,
        /// Current epoch.
        current: u64,
    },
    /// The writer's epoch (or an `expect_epoch`) is not the current epoch: fenced.
    #[error("stale epoch for job {job}: got {got}, current {current}")]
    StaleEpoch {
        /// Job name.
        job: String,
        /// The epoch the command carried.
        got: u64,
        /// The current epoch.
        current: u64,
    },
}
