//! A job definition as the Raft group sees it.

use serde::Deserialize;
use serde::Serialize;

/// Lifecycle state of a job, set by commands (never by the state machine itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JobState {
    /// The job should be running on its owner.
    Running,
    /// An operator paused the job.
    Paused,
    /// The job cannot proceed until an operator acts.
    Blocked {
        /// Human-readable cause.
        reason: String,
    },
    /// The job failed permanently.
    Failed {
        /// Human-readable cause.
        reason: String,
    },
}

/// A replicated job definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    /// Opaque job spec (the syncer interprets it; Raft does not).
    pub spec: serde_json::Value,
    /// Lifecycle state.
    pub state: JobState,
    /// Leader-provided creation time, milliseconds since the Unix epoch.
    pub created_at_ms: u64,
    /// Leader-provided time of the last change, milliseconds since the Unix epoch.
    pub updated_at_ms: u64,
    /// Incremented on every change to this record; starts at 1.
    pub version: u64,
}
