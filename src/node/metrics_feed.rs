//! Feeds the node's Raft and ownership figures into the Prometheus [`Metrics`]: term,
//! leader, log and applied indexes, per-follower replication lag (on the leader) and the
//! number of jobs this node owns. Updated on every Raft metrics change, at most every
//! [`MIN_PERIOD`].

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::fleet::FleetCore;
use crate::telemetry::Metrics;

/// Shortest time between two updates (Raft metrics change on every write).
const MIN_PERIOD: Duration = Duration::from_millis(250);

/// Runs until `cancel` fires.
pub async fn run(core: Arc<FleetCore>, metrics: Metrics, cancel: CancellationToken) {
    let mut rx = core.raft.metrics();
    loop {
        update(&core, &metrics);
        tokio::select! {
            _ = cancel.cancelled() => return,
            r = rx.changed() => if r.is_err() { return },
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(MIN_PERIOD) => {}
        }
    }
}

fn update(core: &FleetCore, metrics: &Metrics) {
    let m = core.raft.metrics().borrow().clone();
    metrics.set_raft_term(m.current_term);
    metrics.set_raft_leader(m.current_leader);
    let last = m.last_log_index.unwrap_or(0);
    metrics.set_raft_commit_index(last);
    metrics.set_raft_applied_index(m.last_applied.map_or(0, |l| l.index));
    match &m.replication {
        Some(replication) => {
            for (follower, matched) in replication.iter() {
                let matched = matched.map_or(0, |l| l.index);
                metrics.set_follower_lag(*follower, last.saturating_sub(matched));
            }
        }
        None => metrics.clear_followers(),
    }
    let owned = core
        .raft
        .read_state(|sm| sm.state.jobs_owned_by(core.id).len());
    metrics.set_jobs_owned(owned);
}
