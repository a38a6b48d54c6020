//! Heartbeats: every node tells the leader it is alive every `heartbeat_interval`, and
//! renews its [`Lease`](super::lease::Lease) from the acknowledgement.
//!
//! The leader acknowledges only while it has confirmed its leadership with a quorum within
//! [`FleetTiming::confirm_max_age`](super::FleetTiming::confirm_max_age); it confirms by
//! running `ensure_linearizable` in its own heartbeat tick, which also renews its own lease.
//! The acknowledgement carries the leader's applied index: after (re)acquiring its lease a
//! node starts runners only once its state machine has applied that index.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde::Serialize;
use syncer_raft::NodeId;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::lease::Renewal;
use super::FleetCore;

/// Path of the leader-side heartbeat endpoint.
pub const HEARTBEAT_PATH: &str = "/internal/heartbeat";

/// A node's heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatRequest {
    /// The sender.
    pub node: NodeId,
}

/// The leader's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum HeartbeatReply {
    /// Alive and acknowledged by a leader with a recently confirmed quorum.
    Ack {
        /// The leader.
        leader: NodeId,
        /// Its term.
        term: u64,
        /// Its applied log index.
        applied: u64,
    },
    /// The receiver is not the leader.
    NotLeader {
        /// The leader it knows of.
        leader: Option<NodeId>,
    },
    /// The receiver leads but has not confirmed its quorum recently.
    NotConfirmed,
    /// The sender is not a member of the group (e.g. removed): it must not run jobs.
    NotMember,
}

impl FleetCore {
    /// Leader side of a heartbeat from `node`. Without a recent confirmation (e.g. right
    /// after an election) the leader confirms its quorum first, so nodes get their lease
    /// back as soon as a new leader exists.
    pub async fn answer_heartbeat(&self, node: NodeId) -> HeartbeatReply {
        let (leader, term) = self.leader_and_term();
        if leader != Some(self.id) {
            return HeartbeatReply::NotLeader { leader };
        }
        self.liveness.on_leader_term(term);
        if !self.recently_confirmed(term).await {
            return HeartbeatReply::NotConfirmed;
        }
        if !self.is_member(node) {
            return HeartbeatReply::NotMember;
        }
        self.liveness.record(node);
        HeartbeatReply::Ack {
            leader: self.id,
            term,
            applied: *self.raft.applied().borrow(),
        }
    }
}

impl FleetCore {
    /// Confirms leadership in `term` with a quorum (bounded by half the lease) and records
    /// it; `true` on success. Also waits until the local state machine applied everything
    /// committed, so the leader is caught up.
    pub async fn confirm_leadership(&self, term: u64) -> bool {
        let started = Instant::now();
        let check = self.raft.ensure_linearizable();
        match tokio::time::timeout(self.timing.lease / 2, check).await {
            Ok(Ok(())) => {
                self.liveness.set_confirmed(term, started);
                true
            }
            Ok(Err(e)) => {
                tracing::debug!(node = self.id, error = %e, "Leadership not confirmed.");
                false
            }
            Err(_) => {
                tracing::debug!(node = self.id, "Leadership confirmation timed out.");
                false
            }
        }
    }

    /// `true` if leadership in `term` was confirmed within `confirm_max_age`, confirming
    /// it now if needed.
    async fn recently_confirmed(&self, term: u64) -> bool {
        let max_age = self.timing.confirm_max_age();
        if self.liveness.confirmed_within(term, max_age) {
            return true;
        }
        self.confirm_leadership(term).await && self.liveness.confirmed_within(term, max_age)
    }

    /// `true` if `node` is a voter or learner of the group as this node knows it.
    pub fn is_member(&self, node: NodeId) -> bool {
        let metrics = self.raft.metrics();
        let m = metrics.borrow();
        m.membership_config.membership().get_node(&node).is_some()
    }
}

/// Runs the heartbeat loop of this node until `cancel` fires: every
/// `heartbeat_interval`, and at once when the leader changes (so a failover costs the lease
/// as little as possible).
pub async fn run(core: Arc<FleetCore>, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(core.timing.heartbeat_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut metrics = core.raft.metrics();
    let mut leader = core.leader_and_term().0;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tick.tick() => beat(&core, &cancel).await,
            r = metrics.changed() => {
                if r.is_err() {
                    break;
                }
                let now = metrics.borrow().current_leader;
                if now != leader && now.is_some() {
                    beat(&core, &cancel).await;
                }
                leader = now;
            }
        }
    }
}

async fn beat(core: &Arc<FleetCore>, cancel: &CancellationToken) {
    let sent = Instant::now();
    let (leader, term) = core.leader_and_term();
    match leader {
        Some(id) if id == core.id => confirm_self(core, term, sent).await,
        Some(_) => heartbeat_leader(core, sent, cancel).await,
        None => {}
    }
}

/// The leader's own tick: confirm leadership with a quorum, which renews its own lease
/// (the confirmation also waits for the local apply, so the leader is caught up).
async fn confirm_self(core: &FleetCore, term: u64, sent: Instant) {
    core.liveness.on_leader_term(term);
    if !core.confirm_leadership(term).await {
        return;
    }
    core.liveness.record(core.id);
    if let Renewal::Reacquired { generation } = core.lease.renew(sent) {
        tracing::info!(node = core.id, term, "Lease acquired as leader.");
        core.lease.set_caught_up(generation);
    }
}

async fn heartbeat_leader(core: &Arc<FleetCore>, sent: Instant, cancel: &CancellationToken) {
    let Some((leader, info)) = core.raft.leader_info() else {
        return;
    };
    let timeout = (core.timing.lease / 2).min(Duration::from_millis(500));
    let body = HeartbeatRequest { node: core.id };
    let reply = core
        .client
        .post::<_, HeartbeatReply>(&info.http_addr, HEARTBEAT_PATH, &body, timeout)
        .await;
    match reply {
        Ok(HeartbeatReply::Ack {
            leader: acked,
            applied,
            ..
        }) if acked == leader => {
            if let Renewal::Reacquired { generation } = core.lease.renew(sent) {
                tracing::info!(
                    node = core.id,
                    leader,
                    applied,
                    "Lease acquired; catching up."
                );
                tokio::spawn(catch_up(core.clone(), generation, applied, cancel.clone()));
            }
        }
        Ok(other) => tracing::debug!(
            node = core.id,
            leader,
            ?other,
            "Heartbeat not acknowledged."
        ),
        Err(e) => tracing::debug!(node = core.id, leader, error = %e, "Heartbeat failed."),
    }
}

/// Marks the lease caught up once the local state machine applied `index`.
async fn catch_up(core: Arc<FleetCore>, generation: u64, index: u64, cancel: CancellationToken) {
    loop {
        let wait = core.raft.wait_applied(index, Duration::from_secs(5));
        let result = tokio::select! {
            _ = cancel.cancelled() => return,
            r = wait => r,
        };
        match result {
            Ok(_) => {
                tracing::info!(
                    node = core.id,
                    index,
                    "State machine caught up with the leader."
                );
                core.lease.set_caught_up(generation);
                return;
            }
            Err(e) if e.is_retryable() => {
                tracing::warn!(node = core.id, index, error = %e, "Still catching up.");
            }
            Err(e) => {
                tracing::error!(node = core.id, error = %e, "Catch-up stopped.");
                return;
            }
        }
    }
}
