//! The openraft type configuration of the syncer Raft group.

use std::fmt;
use std::io::Cursor;

use serde::Deserialize;
use serde::Serialize;

use crate::command::Command;
use crate::command::CommandResponse;

/// Raft node id. Stable for the lifetime of a node's data dir.
pub type NodeId = u64;

/// Addresses a member advertises to the group; stored in openraft's membership.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeInfo {
    /// `host:port` of the node's Raft gRPC service (node-to-node traffic only).
    pub raft_addr: String,
    /// `host:port` of the node's admin HTTP API (for forwarding clients to the leader).
    pub http_addr: String,
}

impl NodeInfo {
    /// Builds a `NodeInfo` from the two addresses.
    pub fn new(raft_addr: impl Into<String>, http_addr: impl Into<String>) -> Self {
        Self {
            raft_addr: raft_addr.into(),
            http_addr: http_addr.into(),
        }
    }
}

impl fmt::Display for NodeInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "raft={} http={}", self.raft_addr, self.http_addr)
    }
}

openraft::declare_raft_types!(
    /// Type config of the syncer Raft group: `u64` ids, [`NodeInfo`] members, [`Command`] log
    /// payloads and in-memory (`Cursor<Vec<u8>>`) snapshot data.
    pub TypeConfig:
        D = Command,
        R = CommandResponse,
        NodeId = NodeId,
        Node = NodeInfo,
        Entry = openraft::Entry<TypeConfig>,
        SnapshotData = Cursor<Vec<u8>>,
        AsyncRuntime = openraft::TokioRuntime,
);
