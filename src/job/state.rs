//! Job run state (running / paused / blocked).

use serde::{Deserialize, Serialize};

/// Whether a job's runner should be working.
///
/// `Blocked` is decided by the runner when a binlog cannot be applied automatically
/// (e.g. a table job whose source table was renamed); the job stays stopped until an
/// operator resolves it (resume, force_fullsync or delete) instead of spinning on retries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JobState {
    /// The runner is (or should be) applying changes.
    #[default]
    Running,
    /// Paused by an operator.
    Paused,
    /// Stopped by the runner because it cannot proceed on its own.
    Blocked {
        /// Human readable explanation including what to do about it.
        reason: String,
    },
}

impl JobState {
    /// Name used by `/job_status` (`running`, `paused`, `blocked`).
    pub fn name(&self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Paused => "paused",
            JobState::Blocked { .. } => "blocked",
        }
    }

    /// Numeric value used in the original's job JSON (0 running, 1 paused); blocked is 2.
    pub fn code(&self) -> i32 {
        match self {
            JobState::Running => 0,
            JobState::Paused => 1,
            JobState::Blocked { .. } => 2,
        }
    }

    /// The reason when blocked.
    pub fn blocked_reason(&self) -> Option<&str> {
        match self {
            JobState::Blocked { reason } => Some(reason),
            _ => None,
        }
    }

    /// True when a runner should be started for this state.
    pub fn is_running(&self) -> bool {
        matches!(self, JobState::Running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        assert_eq!(JobState::Running.name(), "running");
        assert_eq!(JobState::Paused.code(), 1);
        let b = JobState::Blocked { reason: "x".into() };
        assert_eq!(b.name(), "blocked");
        assert_eq!(b.blocked_reason(), Some("x"));
        assert!(!b.is_running());
    }

    #[test]
    fn serde_round_trip() {
        let b = JobState::Blocked {
            reason: "renamed".into(),
        };
        let s = serde_json::to_string(&b).unwrap();
        assert_eq!(s, r#"{"state":"blocked","reason":"renamed"}"#);
        assert_eq!(serde_json::from_str::<JobState>(&s).unwrap(), b);
    }
}
