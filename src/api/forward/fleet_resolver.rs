//! [`FleetResolver`]: the [`ForwardResolver`] of a real node, over its Raft state.

use std::sync::Arc;

use syncer_raft::NodeId;

use super::{ForwardResolver, Peer};
use crate::fleet::FleetCore;

/// Resolves leader and owners from this node's Raft metrics and replicated state.
#[derive(Clone)]
pub struct FleetResolver {
    core: Arc<FleetCore>,
}

impl FleetResolver {
    /// A resolver over `core`.
    pub fn new(core: Arc<FleetCore>) -> Self {
        Self { core }
    }

    fn peer(&self, id: NodeId, http_addr: String) -> Peer {
        let dial_addr = self.core.client.dial_addr(&http_addr).to_string();
        Peer {
            id,
            http_addr,
            dial_addr,
        }
    }
}

impl ForwardResolver for FleetResolver {
    fn my_id(&self) -> NodeId {
        self.core.id
    }

    fn leader(&self) -> Option<Peer> {
        let (id, info) = self.core.raft.leader_info()?;
        Some(self.peer(id, info.http_addr))
    }

    fn owner(&self, name: &str) -> Option<Peer> {
        let owner = self
            .core
            .raft
            .read_state(|sm| sm.state.owner(name).and_then(|o| o.node))?;
        let http_addr = {
            let metrics = self.core.raft.metrics();
            let m = metrics.borrow();
            m.membership_config
                .membership()
                .get_node(&owner)?
                .http_addr
                .clone()
        };
        Some(self.peer(owner, http_addr))
    }
}
