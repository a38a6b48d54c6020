//! Errors of the crate.
//!
//! ```text
//! StartError                 RaftNode::start failed
//! ├── Store(StoreError)      the data dir could not be opened
//! ├── Listen { addr, source } the Raft gRPC listener could not be bound
//! ├── Config(String)         invalid Raft timing / snapshot settings
//! └── Raft(String)           openraft refused to start
//!
//! RaftNodeError              a RaftNode API call failed
//! ├── ForwardToLeader        not the leader: retry on `leader_id` / `leader_node`
//! ├── QuorumNotEnough        leadership could not be confirmed (linearizable read)
//! ├── Timeout(String)        a wait (e.g. for an applied index) ran out of time
//! ├── Rejected(String)       the request was refused (e.g. membership change not allowed)
//! └── Fatal(String)          Raft stopped (shutdown, storage failure): stop using this node
//!
//! StoreError                 sled or on-disk format problem (mapped to openraft StorageError)
//! ```

use crate::sled_store::CodecError;
use crate::type_config::NodeId;
use crate::type_config::NodeInfo;

/// A problem with the node's sled database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled failed.
    #[error("sled: {0}")]
    Sled(#[from] sled::Error),
    /// A stored key or value did not decode.
    #[error("codec: {0}")]
    Codec(#[from] CodecError),
    /// The data dir was written by a newer build.
    #[error(
        "unsupported on-disk format version {found}; this build supports up to {supported}: \
         upgrade the binary or restore an older data dir"
    )]
    UnsupportedFormat {
        /// Version found on disk.
        found: u64,
        /// Highest version this build reads.
        supported: u64,
    },
}

/// [`RaftNode::start`](crate::node::RaftNode::start) failed.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data dir could not be opened.
    #[error("open store: {0}")]
    Store(#[from] StoreError),
    /// The Raft gRPC listener could not be bound or inspected.
    #[error("raft listener {addr}: {source}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// The Raft configuration is invalid.
    #[error("invalid raft config: {0}")]
    Config(String),
    /// openraft failed to start.
    #[error("start raft: {0}")]
    Raft(String),
}

/// A [`RaftNode`](crate::node::RaftNode) API call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RaftNodeError {
    /// This node is not the leader; send the request to the leader, if known.
    #[error("not the leader; leader is {leader_id:?}")]
    ForwardToLeader {
        /// The leader's id, if known.
        leader_id: Option<NodeId>,
        /// The leader's addresses, if known.
        leader_node: Option<NodeInfo>,
    },
    /// Leadership could not be confirmed by a quorum; retry later.
    #[error("quorum not reached: {0}")]
    QuorumNotEnough(String),
    /// A wait did not complete in time.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The request was refused (e.g. a membership change that is not allowed now).
    #[error("rejected: {0}")]
    Rejected(String),
    /// Raft has stopped; this node can no longer serve.
    #[error("raft stopped: {0}")]
    Fatal(String),
}

impl RaftNodeError {
    /// `true` if retrying (possibly on another node) can succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::ForwardToLeader { .. } | Self::QuorumNotEnough(_) | Self::Timeout(_)
        )
    }
}
