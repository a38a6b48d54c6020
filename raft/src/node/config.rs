//! [`RaftNodeConfig`]: everything a node needs to start.

use std::path::PathBuf;
use std::time::Duration;

use crate::errors::StartError;
use crate::network::NetworkConfig;
use crate::type_config::NodeId;
use crate::type_config::NodeInfo;

/// When the state machine is snapshotted (and the log before it becomes purgeable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotPolicy {
    /// Build a snapshot every `n` applied entries since the last one.
    LogsSinceLast(u64),
    /// Only on [`RaftNode::trigger_snapshot`](crate::node::RaftNode::trigger_snapshot).
    Never,
}

/// Configuration of one Raft node.
#[derive(Debug, Clone)]
pub struct RaftNodeConfig {
    /// This node's id; stable for the life of `data_dir`.
    pub node_id: NodeId,
    /// Address the Raft gRPC server binds (`host:port`); ignored by
    /// [`RaftNode::start_with_listener`](crate::node::RaftNode::start_with_listener).
    pub raft_listen: String,
    /// Addresses advertised to peers (stored in the membership).
    pub advertise: NodeInfo,
    /// Directory of the node's sled database.
    pub data_dir: PathBuf,
    /// Name of the Raft cluster (diagnostics only). Default: `syncer`.
    pub cluster_name: String,
    /// Leader heartbeat period. Default: 50 ms. Must be < `election_timeout_min`.
    pub heartbeat_interval: Duration,
    /// Lower bound of the randomized election timeout. Default: 150 ms.
    pub election_timeout_min: Duration,
    /// Upper bound of the randomized election timeout. Default: 300 ms. With the defaults a dead
    /// leader is detected and replaced in roughly 0.2–0.5 s.
    pub election_timeout_max: Duration,
    /// Snapshot policy. Default: every 5000 entries.
    pub snapshot_policy: SnapshotPolicy,
    /// Log entries kept after a snapshot (so briefly lagging followers avoid a snapshot
    /// transfer). Default: 1000.
    pub max_in_snapshot_log_to_keep: u64,
    /// Longest [`RaftNode::write`](crate::node::RaftNode::write) or
    /// [`RaftNode::ensure_linearizable`](crate::node::RaftNode::ensure_linearizable) waits
    /// (e.g. when the leader lost its quorum). Default: 5 s.
    pub api_timeout: Duration,
    /// Raft gRPC client timeouts and message limit.
    pub network: NetworkConfig,
}

impl RaftNodeConfig {
    /// A config with the defaults above.
    pub fn new(node_id: NodeId, advertise: NodeInfo, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            node_id,
            raft_listen: advertise.raft_addr.clone(),
            advertise,
            data_dir: data_dir.into(),
            cluster_name: "syncer".to_string(),
            heartbeat_interval: Duration::from_millis(50),
            election_timeout_min: Duration::from_millis(150),
            election_timeout_max: Duration::from_millis(300),
            snapshot_policy: SnapshotPolicy::LogsSinceLast(5000),
            max_in_snapshot_log_to_keep: 1000,
            api_timeout: Duration::from_secs(5),
            network: NetworkConfig::default(),
        }
    }

    /// The validated openraft config.
    pub(crate) fn to_openraft(&self) -> Result<openraft::Config, StartError> {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let snapshot_policy = match self.snapshot_policy {
            SnapshotPolicy::LogsSinceLast(n) => openraft::SnapshotPolicy::LogsSinceLast(n),
            SnapshotPolicy::Never => openraft::SnapshotPolicy::Never,
        };
        let config = openraft::Config {
            cluster_name: self.cluster_name.clone(),
            heartbeat_interval: ms(self.heartbeat_interval),
            election_timeout_min: ms(self.election_timeout_min),
            election_timeout_max: ms(self.election_timeout_max),
            // Each snapshot chunk must fit one gRPC message, with room for the envelope.
            snapshot_max_chunk_size: (self.network.max_message_size / 2) as u64,
            install_snapshot_timeout: ms(self.network.request_timeout),
            snapshot_policy,
            max_in_snapshot_log_to_keep: self.max_in_snapshot_log_to_keep,
            ..Default::default()
        };
        config
            .validate()
            .map_err(|e| StartError::Config(e.to_string()))
    }
}
