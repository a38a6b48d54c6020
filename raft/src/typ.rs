//! Concrete aliases of openraft's generic types for [`TypeConfig`], so no module has to spell
//! out the associated-type path.

use crate::type_config::NodeId;
use crate::type_config::NodeInfo;
use crate::type_config::TypeConfig;

/// The Raft handle.
pub type Raft = openraft::Raft<TypeConfig>;
/// A log id (term + leader + index).
pub type LogId = openraft::LogId<NodeId>;
/// A vote.
pub type Vote = openraft::Vote<NodeId>;
/// A log entry.
pub type Entry = openraft::Entry<TypeConfig>;
/// The payload of a log entry.
pub type EntryPayload = openraft::EntryPayload<TypeConfig>;
/// A membership config.
pub type Membership = openraft::Membership<NodeId, NodeInfo>;
/// A membership config with the log id that introduced it.
pub type StoredMembership = openraft::StoredMembership<NodeId, NodeInfo>;
/// Snapshot metadata.
pub type SnapshotMeta = openraft::SnapshotMeta<NodeId, NodeInfo>;
/// A snapshot with its data.
pub type Snapshot = openraft::Snapshot<TypeConfig>;
/// A storage error.
pub type StorageError = openraft::StorageError<NodeId>;
/// A storage IO error.
pub type StorageIOError = openraft::StorageIOError<NodeId>;
/// Raft metrics.
pub type RaftMetrics = openraft::RaftMetrics<NodeId, NodeInfo>;
/// Error of an RPC to a peer.
pub type RPCError<E = openraft::error::Infallible> =
    openraft::error::RPCError<NodeId, NodeInfo, openraft::error::RaftError<NodeId, E>>;
/// Error returned by the local Raft API.
pub type RaftError<E = openraft::error::Infallible> = openraft::error::RaftError<NodeId, E>;
/// Error of `client_write`, `add_learner` and `change_membership`.
pub type ClientWriteError = openraft::error::ClientWriteError<NodeId, NodeInfo>;
/// Error of `ensure_linearizable`.
pub type CheckIsLeaderError = openraft::error::CheckIsLeaderError<NodeId, NodeInfo>;
/// Error of `initialize`.
pub type InitializeError = openraft::error::InitializeError<NodeId, NodeInfo>;
/// Error of `install_snapshot`.
pub type InstallSnapshotError = openraft::error::InstallSnapshotError;
/// A forward-to-leader hint.
pub type ForwardToLeader = openraft::error::ForwardToLeader<NodeId, NodeInfo>;
/// Vote RPC request.
pub type VoteRequest = openraft::raft::VoteRequest<NodeId>;
/// Vote RPC response.
pub type VoteResponse = openraft::raft::VoteResponse<NodeId>;
/// AppendEntries RPC request.
pub type AppendEntriesRequest = openraft::raft::AppendEntriesRequest<TypeConfig>;
/// AppendEntries RPC response.
pub type AppendEntriesResponse = openraft::raft::AppendEntriesResponse<NodeId>;
/// InstallSnapshot RPC request (one chunk).
pub type InstallSnapshotRequest = openraft::raft::InstallSnapshotRequest<TypeConfig>;
/// InstallSnapshot RPC response.
pub type InstallSnapshotResponse = openraft::raft::InstallSnapshotResponse<NodeId>;
