//! `[raft]`: timing of the Raft group and of job ownership.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::duration::{format_duration, serde_human};

/// The `[raft]` section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RaftConfig {
    /// Leader heartbeat period. Must be < `election_timeout_min`. Default: 50ms.
    #[serde(with = "serde_human")]
    pub heartbeat_interval: Duration,
    /// Lower bound of the randomized election timeout. Default: 150ms (a dead leader is
    /// replaced in about 0.2–0.5 s).
    #[serde(with = "serde_human")]
    pub election_timeout_min: Duration,
    /// Upper bound of the randomized election timeout; must be > `election_timeout_min`.
    /// Default: 300ms.
    #[serde(with = "serde_human")]
    pub election_timeout_max: Duration,
    /// A node cut off from the quorum this long stops its job runners. Must exceed a
    /// worst-case election plus a fleet heartbeat, so a leader failover does not fence
    /// healthy nodes: openraft 0.9 followers start an election only after
    /// `election_timeout_max` (their leader lease) plus a random election timeout, so an
    /// election takes up to ~2 × `election_timeout_max`; validated as greater than that.
    /// Default: 900ms.
    #[serde(with = "serde_human")]
    pub lease: Duration,
    /// The leader reassigns a silent node's jobs after this long; must be > `lease`, so
    /// the old owner has stopped before a new one starts. Default: 1.2s.
    #[serde(with = "serde_human")]
    pub reassign_after: Duration,
    /// Build a snapshot after this many log entries since the last one. Must be > 0.
    /// Default: 5000.
    pub snapshot_logs_since_last: u64,
}

impl Default for RaftConfig {
    fn default() -> Self {
        RaftConfig {
            heartbeat_interval: Duration::from_millis(50),
            election_timeout_min: Duration::from_millis(150),
            election_timeout_max: Duration::from_millis(300),
            lease: Duration::from_millis(900),
            reassign_after: Duration::from_millis(1200),
            snapshot_logs_since_last: 5000,
        }
    }
}

impl RaftConfig {
    /// Checks the ordering constraints between the timers.
    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        if self.heartbeat_interval.is_zero() {
            return Err(("raft.heartbeat_interval", "must be > 0".into()));
        }
        let order = [
            (
                "raft.heartbeat_interval",
                self.heartbeat_interval < self.election_timeout_min,
                "raft.election_timeout_min",
                self.election_timeout_min,
                "<",
            ),
            (
                "raft.election_timeout_max",
                self.election_timeout_max > self.election_timeout_min,
                "raft.election_timeout_min",
                self.election_timeout_min,
                ">",
            ),
            (
                // A failover takes one to two election timeouts: a shorter lease would
                // fence every healthy node during each leader change.
                "raft.lease",
                self.lease > self.election_timeout_max * 2,
                "2 x raft.election_timeout_max",
                self.election_timeout_max * 2,
                ">",
            ),
            (
                "raft.reassign_after",
                self.reassign_after > self.lease,
                "raft.lease",
                self.lease,
                ">",
            ),
        ];
        if let Some((key, _, other, bound, op)) = order.iter().find(|(_, ok, ..)| !ok) {
            let bound = format_duration(*bound);
            return Err((key, format!("must be {op} {other} ({bound})")));
        }
        if self.lease.is_zero() {
            return Err(("raft.lease", "must be > 0".into()));
        }
        if self.snapshot_logs_since_last == 0 {
            return Err(("raft.snapshot_logs_since_last", "must be > 0".into()));
        }
        Ok(())
    }
}
