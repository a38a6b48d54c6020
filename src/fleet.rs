//! The syncer fleet: job ownership over the Raft group (`syncer-raft`).
//!
//! - [`store`]: the manager's `JobStore` on the replicated state; [`writer`]: writes from
//!   any node, forwarded server-side to the leader; [`client`]: node-to-node HTTP.
//! - [`checkpoint`] + [`batcher`]: the runner seam, fenced by the ownership epoch.
//! - [`heartbeat`] + [`lease`]: every node heartbeats the leader; a node without quorum
//!   contact for `lease` stops all its runners by itself.
//! - [`liveness`] + [`scheduler`] + [`leader_loop`]: the leader's failure detector and
//!   balancing; [`reconciler`]: runs exactly the runners this node owns.
//! - [`internal`]: the `/internal/...` HTTP endpoints; [`admin`]: membership operations.
//!
//! Timing invariant (why a crashed or partitioned owner never overlaps a new owner for
//! long): an owner stops at most `lease` after the *send* time of its last acknowledged
//! heartbeat; the leader reassigns only after `reassign_after` > `lease` of silence,
//! counted from *receipt*; heartbeats are acknowledged only by a leader that confirmed its
//! quorum less than [`FleetTiming::confirm_max_age`] ago, so a deposed leader's
//! acknowledgements cannot outlive the grace period the next leader grants.

pub mod admin;
pub mod batcher;
pub mod checkpoint;
pub mod client;
pub mod heartbeat;
pub mod internal;
pub mod leader_loop;
pub mod lease;
pub mod liveness;
pub mod reconciler;
pub mod scheduler;
pub mod store;
pub mod writer;

use std::sync::Arc;
use std::time::Duration;

use syncer_raft::node::RaftNode;
use syncer_raft::NodeId;

use self::client::InternalClient;
use self::lease::Lease;
use self::liveness::Liveness;
use self::writer::RaftWriter;

/// Ownership timing of the fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetTiming {
    /// How often a node heartbeats the leader. Default: 200 ms.
    pub heartbeat_interval: Duration,
    /// A node without quorum contact this long stops its runners. Default: 1 s.
    pub lease: Duration,
    /// The leader reassigns a node's jobs after this long without a heartbeat; must be
    /// greater than `lease`. Default: 1.5 s.
    pub reassign_after: Duration,
}

impl Default for FleetTiming {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(200),
            lease: Duration::from_secs(1),
            reassign_after: Duration::from_millis(1500),
        }
    }
}

impl FleetTiming {
    /// Oldest leadership confirmation with which the leader still acknowledges heartbeats:
    /// half the margin between `reassign_after` and `lease`, and at most half the lease.
    pub fn confirm_max_age(&self) -> Duration {
        (self.reassign_after.saturating_sub(self.lease) / 2).min(self.lease / 2)
    }
}

/// What the fleet tasks of one node share.
pub struct FleetCore {
    /// This node's id.
    pub id: NodeId,
    /// The local Raft node.
    pub raft: Arc<RaftNode>,
    /// Writes from this node (forwarded to the leader when needed).
    pub writer: Arc<RaftWriter>,
    /// Node-to-node HTTP client.
    pub client: InternalClient,
    /// This node's quorum lease.
    pub lease: Arc<Lease>,
    /// The failure detector (meaningful while this node leads).
    pub liveness: Liveness,
    /// Timing.
    pub timing: FleetTiming,
    /// Serializes membership operations on the leader (Raft allows one change at a time).
    pub(crate) membership_lock: tokio::sync::Mutex<()>,
}

impl FleetCore {
    /// Builds the shared state of the fleet tasks.
    pub fn new(raft: Arc<RaftNode>, client: InternalClient, timing: FleetTiming) -> Arc<Self> {
        let writer = Arc::new(RaftWriter::new(
            raft.clone(),
            client.clone(),
            Duration::from_secs(5),
        ));
        Arc::new(Self {
            id: raft.id(),
            raft,
            writer,
            client,
            lease: Lease::new(timing.lease),
            liveness: Liveness::new(),
            timing,
            membership_lock: tokio::sync::Mutex::new(()),
        })
    }

    /// Waits (up to `bound`) until this node has applied everything the leader had applied
    /// when asked: after a write that another node executed, local reads see it.
    pub async fn catch_up_with_leader(&self, bound: Duration) {
        let Some((leader, info)) = self.raft.leader_info() else {
            return;
        };
        if leader == self.id {
            return;
        }
        let path = internal::APPLIED_PATH;
        let call = self
            .client
            .post::<_, internal::AppliedReply>(&info.http_addr, path, &(), bound);
        let index = match call.await {
            Ok(reply) => reply.applied,
            Err(e) => {
                tracing::debug!(node = self.id, leader, error = %e, "Leader applied index unknown.");
                return;
            }
        };
        if let Err(e) = self.raft.wait_applied(index, bound).await {
            tracing::debug!(node = self.id, index, error = %e, "Not caught up with the leader.");
        }
    }

    /// `(leader, term)` as this node currently knows them.
    pub fn leader_and_term(&self) -> (Option<NodeId>, u64) {
        let metrics = self.raft.metrics();
        let m = metrics.borrow();
        (m.current_leader, m.current_term)
    }
}

/// Milliseconds since the Unix epoch, for timestamps carried in commands (display only).
pub(crate) fn now_ms() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
