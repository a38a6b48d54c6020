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
//!
//! New-leader grace (why a node never heard from in a new term may be declared dead
//! [`FleetTiming::new_leader_grace`] = `lease` + `confirm_max_age` after the election
//! instead of a full `reassign_after`): let `E` be the moment the new leader of term `T'`
//! starts its grace period; it does so only after it won the votes of a quorum, so every
//! voter had already left the older terms before `E`. An old leader of term `T` < `T'`
//! acknowledges a heartbeat only within `confirm_max_age` of the *start* `c` of a
//! leadership check that a quorum answered in term `T`; that quorum overlaps the voters,
//! and a voter answers a term-`T` check only before it votes for `T'`, so `c` < `E`. The
//! node's heartbeat was sent before the acknowledgement, hence before
//! `c + confirm_max_age` < `E + confirm_max_age`, and its lease ended before
//! `E + confirm_max_age + lease`. A node that did heartbeat the new leader falls under the
//! ordinary `reassign_after` rule. Monotonic clocks of the hosts are only assumed to run at
//! the same rate (drift of ppm against a margin of `confirm_max_age`). So the new leader
//! moves a dead leader's jobs about `election + lease + confirm_max_age` after the crash.
//!
//! Failover budget with the defaults (Raft heartbeat 50 ms, election timeout 150–300 ms,
//! lease 900 ms, `reassign_after` 1.2 s so `confirm_max_age` 150 ms, fleet heartbeat
//! 90 ms, leader tick 50 ms): a dead follower's jobs move ~1.1–1.3 s after the crash. A
//! dead leader's move after the election (openraft 0.9 followers wait their leader lease,
//! `election_timeout_max`, plus a random election timeout: ~0.45–0.65 s; one round, because
//! a follower that refuses a shorter-log candidate campaigns at once, see
//! `syncer_raft::vote_assist`), plus the 1.05 s grace, plus one tick. The lease must
//! exceed a worst-case election plus a fleet heartbeat and a confirmation round trip
//! (~0.6 + 0.09 + 0.02 s), otherwise every node self-fences during each leader change; the
//! config validates `lease` greater than 2 × `election_timeout_max`. (An election slowed further by CPU starvation or a split
//! vote still costs the followers a brief self-fence: safe, and undone by the first
//! acknowledgement of the new leader.)

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
pub mod sealing;
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
    /// How often a node heartbeats the leader. Default: 90 ms (`lease` / 10, at most 100 ms).
    pub heartbeat_interval: Duration,
    /// A node without quorum contact this long stops its runners. Default: 900 ms.
    pub lease: Duration,
    /// The leader reassigns a node's jobs after this long without a heartbeat; must be
    /// greater than `lease`. Default: 1.2 s.
    pub reassign_after: Duration,
}

impl Default for FleetTiming {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_millis(90),
            lease: Duration::from_millis(900),
            reassign_after: Duration::from_millis(1200),
        }
    }
}

impl FleetTiming {
    /// Oldest leadership confirmation with which the leader still acknowledges heartbeats:
    /// half the margin between `reassign_after` and `lease`, and at most half the lease.
    pub fn confirm_max_age(&self) -> Duration {
        (self.reassign_after.saturating_sub(self.lease) / 2).min(self.lease / 2)
    }

    /// How long a new leader waits, from the start of its term, before it declares dead a
    /// node it has not heard from in that term: `lease + confirm_max_age` (< `reassign_after`;
    /// see the module doc for why that node has self-fenced by then).
    pub fn new_leader_grace(&self) -> Duration {
        self.lease + self.confirm_max_age()
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
