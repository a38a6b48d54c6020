//! Feeds the node's Raft and ownership figures into the Prometheus [`Metrics`]: term,
//! leader, log and applied indexes, per-follower replication lag (on the leader) and the
//! number of jobs this node owns. Updated on every Raft metrics change, at most every
//! [`MIN_PERIOD`].

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::job_series;
use crate::fleet::FleetCore;
use crate::telemetry::Metrics;

/// Shortest time between two updates (Raft metrics change on every write).
const MIN_PERIOD: Duration = Duration::from_millis(250);
/// Longest time between two updates: a follower's Raft metrics may stay still for long,
/// while job series (e.g. a late lag update of a stopped runner) must be corrected.
const MAX_PERIOD: Duration = Duration::from_secs(2);

/// Runs until `cancel` fires.
pub async fn run(core: Arc<FleetCore>, metrics: Metrics, cancel: CancellationToken) {
    let mut rx = core.raft.metrics();
    loop {
        update(&core, &metrics);
        tokio::select! {
            _ = cancel.cancelled() => return,
            r = rx.changed() => if r.is_err() { return },
            _ = tokio::time::sleep(MAX_PERIOD) => {}
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
    let applied = m.last_applied.map_or(0, |l| l.index);
    metrics.set_raft_commit_index(commit_index(&m).unwrap_or(last.max(applied)));
    metrics.set_raft_applied_index(applied);
    match &m.replication {
        Some(replication) => {
            for (follower, matched) in replication.iter() {
                if *follower == core.id {
                    continue; // the leader's own entry: not a follower
                }
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
    job_series::update(core, metrics, m.current_leader == Some(core.id));
}

/// On the leader: the highest index a majority of voters has (openraft 0.9 does not
/// publish the commit index). `None` elsewhere: followers report their last log index,
/// which the commit index trails by at most the entries in flight.
fn commit_index(m: &syncer_raft::typ::RaftMetrics) -> Option<u64> {
    let replication = m.replication.as_ref()?;
    let last = m.last_log_index.unwrap_or(0);
    let mut matched: Vec<u64> = m
        .membership_config
        .membership()
        .voter_ids()
        .map(|id| match replication.get(&id) {
            _ if id == m.id => last,
            Some(l) => l.map_or(0, |l| l.index),
            None => 0,
        })
        .collect();
    if matched.is_empty() {
        return None;
    }
    matched.sort_unstable_by(|a, b| b.cmp(a));
    matched.get(matched.len() / 2).copied()
}
