//! Heartbeats: every node tells the leader it is alive every `heartbeat_interval`, and
//! renews its [`Lease`](super::lease::Lease) from the acknowledgement.
//!
//! The leader acknowledges only while it has confirmed its leadership with a quorum within
//! [`FleetTiming::confirm_max_age`](super::FleetTiming::confirm_max_age); it confirms in its
//! own heartbeat tick (which also renews its own lease) and, single-flight, when a heartbeat
//! finds no recent confirmation. A confirmation is Raft's read-index check (a heartbeat
//! round to a quorum); it does *not* wait for the local apply. Why: right after an
//! election the read index is the new term's first entry, and waiting for it to commit
//! made every node's lease depend on the first replication of the term — under load that
//! stalled for seconds and fenced the whole fleet after every leader change.
//!
//! The acknowledgement carries the read index (at least the leader's applied index): after
//! (re)acquiring its lease a node — the leader too — starts runners only once its state
//! machine has applied that index, so it has seen every ownership change committed before
//! the confirmation.

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
        let Some(read_index) = self.recently_confirmed(term).await else {
            return HeartbeatReply::NotConfirmed;
        };
        if !self.is_member(node) {
            return HeartbeatReply::NotMember;
        }
        self.liveness.record(node);
        HeartbeatReply::Ack {
            leader: self.id,
            term,
            applied: read_index.max(*self.raft.applied().borrow()),
        }
    }
}

impl FleetCore {
    /// Confirms leadership in `term` with a quorum (bounded by half the lease), one
    /// confirmation at a time, and records it; returns the read index on success.
    pub async fn confirm_leadership(&self, term: u64) -> Option<u64> {
        let _gate = self.liveness.confirm_gate().await;
        self.confirm_now(term).await
    }

    async fn confirm_now(&self, term: u64) -> Option<u64> {
        let started = Instant::now();
        let raft = self.raft.raft();
        let check = raft.get_read_log_id();
        match tokio::time::timeout(self.timing.lease / 2, check).await {
            Ok(Ok((read, _))) => {
                let read_index = read.map_or(0, |id| id.index);
                self.liveness.set_confirmed(term, started, read_index);
                Some(read_index)
            }
            Ok(Err(e)) => {
                tracing::debug!(node = self.id, error = %e, "Leadership not confirmed.");
                None
            }
            Err(_) => {
                tracing::debug!(node = self.id, "Leadership confirmation timed out.");
                None
            }
        }
    }

    /// The read index of a confirmation of `term` within `confirm_max_age`, confirming now
    /// if needed (after waiting for a confirmation already under way, which may do).
    async fn recently_confirmed(&self, term: u64) -> Option<u64> {
        let max_age = self.timing.confirm_max_age();
        if let Some(read) = self.liveness.confirmed_read_index(term, max_age) {
            return Some(read);
        }
        let _gate = self.liveness.confirm_gate().await;
        if let Some(read) = self.liveness.confirmed_read_index(term, max_age) {
            return Some(read);
        }
        self.confirm_now(term).await?;
        self.liveness.confirmed_read_index(term, max_age)
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
        Some(id) if id == core.id => confirm_self(core, term, sent, cancel).await,
        Some(_) => heartbeat_leader(core, sent, cancel).await,
        None => {}
    }
}

/// The leader's own tick: confirm leadership with a quorum, which renews its own lease;
/// after a lapse its runners wait until it applied the read index, like any node's.
async fn confirm_self(core: &Arc<FleetCore>, term: u64, sent: Instant, cancel: &CancellationToken) {
    core.liveness.on_leader_term(term);
    let Some(read_index) = core.confirm_leadership(term).await else {
        return;
    };
    core.liveness.record(core.id);
    if let Renewal::Reacquired { generation } = core.lease.renew(sent) {
        tracing::info!(
            node = core.id,
            term,
            read_index,
            "Lease acquired as leader; catching up."
        );
        tokio::spawn(catch_up(
            core.clone(),
            generation,
            read_index,
            cancel.clone(),
        ));
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
