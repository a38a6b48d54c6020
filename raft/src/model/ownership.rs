//! Per-job ownership with a fencing epoch.

use serde::Deserialize;
use serde::Serialize;

use crate::type_config::NodeId;

/// Which node runs a job, and the fencing epoch of that assignment.
///
/// The epoch increases by one on every assignment change (assign, reassign, unassign) and is
/// never reused, even across delete and re-create of a job with the same name. A progress
/// write is accepted only if it carries the current epoch, so a stale owner is fenced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ownership {
    /// The owner, `None` when unassigned.
    pub node: Option<NodeId>,
    /// Fencing epoch of the current assignment.
    pub epoch: u64,
}
