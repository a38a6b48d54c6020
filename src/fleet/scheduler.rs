//! The balancing decision of the leader: a pure function from (jobs, cluster) to moves.
//!
//! Rules:
//! - every running job is owned by exactly one *eligible* node (a live member that is not
//!   draining), when there is one;
//! - running jobs per eligible node differ by at most one; nodes that already hold the most
//!   keep the larger quotas, so only the jobs needed for balance move (a join moves about
//!   1/N of the jobs, a failure moves only the dead node's jobs);
//! - paused and blocked jobs keep their owner, except on draining or removed nodes, which
//!   must end up owning nothing: there they are unassigned;
//! - moves are compare-and-set on the job's current epoch, so a plan computed from a stale
//!   view can never overwrite a newer assignment.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use syncer_raft::NodeId;

/// What the scheduler needs to know about one job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobView {
    /// Job name.
    pub name: String,
    /// `true` if the job should have a runner (state Running).
    pub running: bool,
    /// Current owner.
    pub owner: Option<NodeId>,
    /// Current ownership epoch.
    pub epoch: u64,
}

/// The nodes as the leader sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cluster {
    /// Group members (voters and learners).
    pub members: BTreeSet<NodeId>,
    /// Members heard from within `reassign_after`.
    pub live: BTreeSet<NodeId>,
    /// Nodes marked draining.
    pub draining: BTreeSet<NodeId>,
}

impl Cluster {
    /// Live members that are not draining.
    pub fn eligible(&self) -> BTreeSet<NodeId> {
        self.members
            .iter()
            .filter(|n| self.live.contains(n) && !self.draining.contains(n))
            .copied()
            .collect()
    }

    fn must_empty(&self, node: NodeId) -> bool {
        !self.members.contains(&node) || self.draining.contains(&node)
    }
}

/// One ownership change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// Give `job` to `to`, if its epoch is still `expect_epoch`.
    Assign {
        /// Job name.
        job: String,
        /// New owner.
        to: NodeId,
        /// Epoch the plan was computed from.
        expect_epoch: u64,
    },
    /// Take `job` from its owner, if its epoch is still `expect_epoch`.
    Unassign {
        /// Job name.
        job: String,
        /// Epoch the plan was computed from.
        expect_epoch: u64,
    },
}

/// The moves that bring `jobs` to a balanced, valid assignment on `cluster`.
pub fn plan(jobs: &[JobView], cluster: &Cluster) -> Vec<Move> {
    let eligible = cluster.eligible();
    let mut moves = Vec::new();
    let unassign = |j: &JobView| Move::Unassign {
        job: j.name.clone(),
        expect_epoch: j.epoch,
    };
    for job in jobs.iter().filter(|j| !j.running) {
        if job.owner.is_some_and(|o| cluster.must_empty(o)) {
            moves.push(unassign(job));
        }
    }
    let running: Vec<&JobView> = jobs.iter().filter(|j| j.running).collect();
    if eligible.is_empty() {
        // Nowhere to go: at least empty draining / removed nodes.
        let stranded = running
            .iter()
            .filter(|j| j.owner.is_some_and(|o| cluster.must_empty(o)));
        moves.extend(stranded.map(|j| unassign(j)));
        return moves;
    }
    moves.extend(balance(&running, &eligible));
    moves
}

/// Assigns orphans and trims overloaded nodes so counts differ by at most one.
fn balance(running: &[&JobView], eligible: &BTreeSet<NodeId>) -> Vec<Move> {
    let mut by_node: BTreeMap<NodeId, Vec<&JobView>> =
        eligible.iter().map(|n| (*n, Vec::new())).collect();
    let mut movers: Vec<&JobView> = Vec::new();
    for job in running {
        match job.owner.and_then(|o| by_node.get_mut(&o)) {
            Some(list) => list.push(job),
            None => movers.push(job),
        }
    }
    let quotas = quotas(&by_node, running.len());
    for (node, list) in by_node.iter_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
        let quota = quotas.get(node).copied().unwrap_or(0);
        while list.len() > quota {
            if let Some(job) = list.pop() {
                movers.push(job);
            }
        }
    }
    movers.sort_by(|a, b| a.name.cmp(&b.name));
    let mut counts: BTreeMap<NodeId, usize> = by_node.iter().map(|(n, l)| (*n, l.len())).collect();
    let mut moves = Vec::new();
    for job in movers {
        let Some(to) = most_room(&counts, &quotas) else {
            break;
        };
        *counts.entry(to).or_default() += 1;
        moves.push(Move::Assign {
            job: job.name.clone(),
            to,
            expect_epoch: job.epoch,
        });
    }
    moves
}

/// `total / n` per node, plus one for the `total % n` nodes that hold the most now.
fn quotas(by_node: &BTreeMap<NodeId, Vec<&JobView>>, total: usize) -> BTreeMap<NodeId, usize> {
    let n = by_node.len().max(1);
    let (base, extra) = (total / n, total % n);
    let mut order: Vec<(usize, NodeId)> = by_node.iter().map(|(id, l)| (l.len(), *id)).collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    order
        .iter()
        .enumerate()
        .map(|(i, (_, id))| (*id, base + usize::from(i < extra)))
        .collect()
}

/// The node with the most free quota (lowest id on ties), if any has room.
fn most_room(counts: &BTreeMap<NodeId, usize>, quotas: &BTreeMap<NodeId, usize>) -> Option<NodeId> {
    counts
        .iter()
        .filter_map(|(id, c)| {
            let room = quotas.get(id).copied().unwrap_or(0).checked_sub(*c)?;
            (room > 0).then_some((room, *id))
        })
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, id)| id)
}

#[cfg(test)]
mod tests;
