//! Leader-side failure detector and leadership confirmation.
//!
//! [`Liveness`] records when the leader last heard each node's heartbeat (its own monotonic
//! clock only). A node heard from in the current term is dead after `reassign_after` of
//! silence. A node not heard from since this node started leading is dead once
//! `new_leader_grace` (lease + confirmation age, see `super::FleetTiming`) has passed since
//! then: its last acknowledged heartbeat was sent before that, so it has self-fenced.
//!
//! [`Liveness::confirmed`] tracks the last time the leader confirmed its leadership with a
//! quorum; heartbeats are acknowledged only while that is recent (see `super::heartbeat`).

use std::collections::HashMap;
use std::time::Duration;

use parking_lot::Mutex;
use syncer_raft::NodeId;
use tokio::time::Instant;

#[derive(Debug)]
struct Inner {
    term: u64,
    since: Instant,
    last: HashMap<NodeId, Instant>,
    /// `(term, start of the check, read index)` of the last quorum confirmation.
    confirmed: Option<(u64, Instant, u64)>,
}

/// Heartbeat bookkeeping of the leader.
#[derive(Debug)]
pub struct Liveness {
    inner: Mutex<Inner>,
    /// Single flight of leadership confirmations: heartbeats arriving while one is under
    /// way wait for it instead of starting their own (each costs an RPC per follower, and
    /// under load piles of them time out together).
    confirm_gate: tokio::sync::Mutex<()>,
}

impl Default for Liveness {
    fn default() -> Self {
        Self::new()
    }
}

impl Liveness {
    /// Empty: no term seen yet.
    pub fn new() -> Self {
        Self {
            inner: Mutex::new(Inner {
                term: 0,
                since: Instant::now(),
                last: HashMap::new(),
                confirmed: None,
            }),
            confirm_gate: tokio::sync::Mutex::new(()),
        }
    }

    /// Held while a leadership confirmation runs (see the field's doc).
    pub async fn confirm_gate(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.confirm_gate.lock().await
    }

    /// Notes that this node leads in `term`; a new term restarts every node's grace period.
    pub fn on_leader_term(&self, term: u64) {
        let mut g = self.inner.lock();
        if g.term != term {
            tracing::info!(
                term,
                "Leading a new term: every node gets a fresh grace period."
            );
            g.term = term;
            g.since = Instant::now();
            g.last.clear();
            g.confirmed = None;
        }
    }

    /// Records a heartbeat of `node` received now.
    pub fn record(&self, node: NodeId) {
        self.inner.lock().last.insert(node, Instant::now());
    }

    /// `true` unless `node` has been silent for `reassign_after` since its last heartbeat in
    /// this term, or — never heard from in this term — for `grace` since the term began.
    pub fn is_alive(&self, node: NodeId, reassign_after: Duration, grace: Duration) -> bool {
        let g = self.inner.lock();
        match g.last.get(&node) {
            Some(last) => last.elapsed() < reassign_after,
            None => g.since.elapsed() < grace,
        }
    }

    /// Time since `node`'s last heartbeat, if one was received in this term.
    pub fn last_heard(&self, node: NodeId) -> Option<Duration> {
        self.inner.lock().last.get(&node).map(|t| t.elapsed())
    }

    /// Records that leadership in `term` was confirmed by a quorum for a check started
    /// at `started`; `read_index` is the log index a reader must have applied to see
    /// everything committed before the check (Raft's read index).
    pub fn set_confirmed(&self, term: u64, started: Instant, read_index: u64) {
        let mut g = self.inner.lock();
        if g.term == term {
            g.confirmed = Some((term, started, read_index));
        }
    }

    /// `true` if leadership in `term` was confirmed less than `max_age` ago.
    pub fn confirmed_within(&self, term: u64, max_age: Duration) -> bool {
        self.confirmed_read_index(term, max_age).is_some()
    }

    /// The read index of a confirmation of `term` less than `max_age` old, if any.
    pub fn confirmed_read_index(&self, term: u64, max_age: Duration) -> Option<u64> {
        let g = self.inner.lock();
        g.confirmed
            .filter(|(t, at, _)| *t == term && at.elapsed() < max_age)
            .map(|(_, _, read)| read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn new_term_gives_grace_then_silent_nodes_die() {
        let live = Liveness::new();
        let (after, grace) = (Duration::from_millis(1300), Duration::from_millis(1150));
        live.on_leader_term(3);
        assert!(live.is_alive(7, after, grace), "grace period");
        tokio::time::advance(Duration::from_millis(1000)).await;
        live.record(8);
        tokio::time::advance(Duration::from_millis(200)).await;
        assert!(
            !live.is_alive(7, after, grace),
            "never heard: dead after the grace"
        );
        assert!(live.is_alive(8, after, grace));
        tokio::time::advance(Duration::from_millis(1200)).await;
        assert!(!live.is_alive(8, after, grace), "silent for reassign_after");
        live.on_leader_term(4);
        assert!(
            live.is_alive(7, after, grace),
            "new term resets the grace period"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn confirmation_expires_and_is_per_term() {
        let live = Liveness::new();
        live.on_leader_term(2);
        live.set_confirmed(2, Instant::now(), 17);
        assert!(live.confirmed_within(2, Duration::from_millis(250)));
        assert_eq!(
            live.confirmed_read_index(2, Duration::from_millis(250)),
            Some(17)
        );
        assert!(!live.confirmed_within(3, Duration::from_millis(250)));
        tokio::time::advance(Duration::from_millis(300)).await;
        assert!(!live.confirmed_within(2, Duration::from_millis(250)));
    }
}
