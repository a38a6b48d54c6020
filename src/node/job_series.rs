//! The `ccr_job_state` and `ccr_job_owner` series of a node, reconciled with the
//! replicated state on every metrics update, so that no node exports a stale owner:
//!
//! - a job this node owns: state and `owner = <this node>`;
//! - an unassigned job (paused, blocked, nowhere to go): the leader alone exports its
//!   state, without an owner series;
//! - any other job: no state, owner or lag series here (its owner exports them; counters
//!   this node accumulated while it owned the job stay, as counters should);
//! - a deleted job: every series removed.

use std::collections::BTreeMap;

use syncer_raft::model::JobState;
use syncer_raft::NodeId;

use crate::fleet::FleetCore;
use crate::telemetry::Metrics;

/// What the replicated state says about one job: its state name and owner.
struct Placement {
    state: &'static str,
    owner: Option<NodeId>,
}

fn state_name(s: &JobState) -> &'static str {
    match s {
        JobState::Running => "running",
        JobState::Paused => "paused",
        JobState::Blocked { .. } => "blocked",
        JobState::Failed { .. } => "failed",
    }
}

fn placements(core: &FleetCore) -> BTreeMap<String, Placement> {
    core.raft.read_state(|sm| {
        let st = &sm.state;
        st.jobs
            .iter()
            .map(|(name, rec)| {
                let owner = st.owner(name).and_then(|o| o.node);
                let p = Placement {
                    state: state_name(&rec.state),
                    owner,
                };
                (name.clone(), p)
            })
            .collect()
    })
}

/// Brings the job series in line with the replicated state (see the module doc).
pub(super) fn update(core: &FleetCore, metrics: &Metrics, leader: bool) {
    let jobs = placements(core);
    for name in metrics.job_names() {
        if !jobs.contains_key(&name) {
            metrics.remove_job(&name);
        }
    }
    for (name, p) in &jobs {
        let m = metrics.job(name);
        match p.owner {
            Some(owner) if owner == core.id => {
                m.set_state(p.state);
                m.set_owner(owner);
            }
            None if leader => {
                m.set_state(p.state);
                m.clear_owner();
                m.clear_lag();
            }
            _ => {
                m.clear_state();
                m.clear_owner();
                m.clear_lag();
            }
        }
    }
}
