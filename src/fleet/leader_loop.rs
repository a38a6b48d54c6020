//! The leader's scheduling loop: while this node leads (with a recently confirmed quorum),
//! it compares the replicated ownership with the live members and applies the
//! [`scheduler::plan`] as compare-and-set `Assign` / `Unassign` commands.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use syncer_raft::command::Command;
use syncer_raft::command::CommandResponse;
use syncer_raft::model::JobState;
use syncer_raft::model::StateMachineData;
use syncer_raft::NodeId;
use tokio_util::sync::CancellationToken;

use super::scheduler::{self, Cluster, JobView, Move};
use super::FleetCore;

/// How often the leader re-plans (also the reaction time to a dead node, on top of
/// `reassign_after` or the new-leader grace).
const TICK: Duration = Duration::from_millis(50);
/// Ownership commands in flight at once.
const PARALLEL_MOVES: usize = 64;

/// Runs until `cancel` fires; does nothing while this node is not the leader.
pub async fn run(core: Arc<FleetCore>, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tick.tick() => step(&core).await,
        }
    }
}

/// The members of the group (voters and learners) as this node knows them.
pub fn members(core: &FleetCore) -> BTreeSet<NodeId> {
    let metrics = core.raft.metrics();
    let m = metrics.borrow();
    m.membership_config
        .membership()
        .nodes()
        .map(|(id, _)| *id)
        .collect()
}

/// The scheduler's view of the jobs and the draining marks.
pub fn job_views(sm: &StateMachineData) -> (Vec<JobView>, BTreeSet<NodeId>) {
    let jobs = sm
        .state
        .jobs
        .iter()
        .map(|(name, job)| {
            let own = sm.state.owner(name).cloned().unwrap_or_default();
            JobView {
                name: name.clone(),
                running: job.state == JobState::Running,
                owner: own.node,
                epoch: own.epoch,
            }
        })
        .collect();
    (jobs, sm.state.draining.clone())
}

async fn step(core: &FleetCore) {
    let (leader, term) = core.leader_and_term();
    if leader != Some(core.id) {
        return;
    }
    core.liveness.on_leader_term(term);
    // Plan only while still leading and from a state known to be current: applied up to
    // the read index of a recent confirmation.
    let max_age = core.timing.confirm_max_age();
    let Some(read_index) = core.liveness.confirmed_read_index(term, max_age) else {
        return;
    };
    if *core.raft.applied().borrow() < read_index {
        return;
    }
    let members = members(core);
    let (after, grace) = (core.timing.reassign_after, core.timing.new_leader_grace());
    let live = members
        .iter()
        .filter(|n| **n == core.id || core.liveness.is_alive(**n, after, grace))
        .copied()
        .collect();
    let (jobs, draining) = core.raft.read_state(job_views);
    let cluster = Cluster {
        members,
        live,
        draining,
    };
    let moves = scheduler::plan(&jobs, &cluster);
    if moves.is_empty() {
        return;
    }
    tracing::info!(node = core.id, term, moves = moves.len(), live = ?cluster.live,
        "Applying ownership moves.");
    futures::stream::iter(moves)
        .map(|m| apply_move(core, m))
        .buffer_unordered(PARALLEL_MOVES)
        .collect::<Vec<()>>()
        .await;
}

async fn apply_move(core: &FleetCore, m: Move) {
    let (job, to, cmd) = match m {
        Move::Assign {
            job,
            to,
            expect_epoch,
        } => {
            let cmd = Command::Assign {
                job: job.clone(),
                node: to,
                expect_epoch: Some(expect_epoch),
            };
            (job, Some(to), cmd)
        }
        Move::Unassign { job, expect_epoch } => {
            let cmd = Command::Unassign {
                job: job.clone(),
                expect_epoch: Some(expect_epoch),
            };
            (job, None, cmd)
        }
    };
    match core.raft.write(cmd).await {
        Ok(CommandResponse::Assigned { epoch }) => {
            tracing::info!(job = %job, node = ?to, epoch, "Job ownership changed.");
        }
        Ok(other) => tracing::debug!(job = %job, ?other, "Ownership move not applied."),
        Err(e) => tracing::warn!(job = %job, error = %e, "Ownership move failed."),
    }
}
