//! [`RaftNode`]: the facade the syncer uses. It opens the data dir, starts openraft and the
//! Raft gRPC server, and offers writes, local and linearizable reads, membership changes and
//! change notification.
//!
//! Reads after a restart: a restarted node rebuilds its state from its snapshot and re-applies
//! what it knew to be committed, which may be older than the cluster. Callers that act on
//! ownership must first call [`RaftNode::ensure_linearizable`] (leader) or wait for
//! [`RaftNode::applied`] to reach the leader's commit.

mod config;
mod error_map;
mod server;

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use config::RaftNodeConfig;
pub use config::SnapshotPolicy;
use parking_lot::Mutex;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::command::Command;
use crate::command::CommandResponse;
use crate::errors::RaftNodeError;
use crate::errors::StartError;
use crate::log_store::LogStore;
use crate::model::StateMachineData;
use crate::network::NetworkFactory;
use crate::node::server::GrpcServer;
use crate::sled_store::SledStore;
use crate::state_machine::SharedData;
use crate::state_machine::StateMachineStore;
use crate::typ::Raft;
use crate::typ::RaftMetrics;
use crate::type_config::NodeId;
use crate::type_config::NodeInfo;

/// How long `start` waits for the data dir lock held by a just-stopped node of this process.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// A running Raft node. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct RaftNode {
    id: NodeId,
    raft: Raft,
    data: SharedData,
    applied: watch::Receiver<u64>,
    api_timeout: Duration,
    local_addr: SocketAddr,
    /// Taken by `shutdown`, so shutting down twice is harmless.
    server: Mutex<Option<GrpcServer>>,
}

impl RaftNode {
    /// Binds `config.raft_listen` and starts the node.
    pub async fn start(config: RaftNodeConfig) -> Result<Self, StartError> {
        let listener = TcpListener::bind(&config.raft_listen)
            .await
            .map_err(|source| StartError::Listen {
                addr: config.raft_listen.clone(),
                source,
            })?;
        Self::start_with_listener(config, listener).await
    }

    /// Starts the node serving Raft gRPC on an already bound listener (tests bind port 0).
    pub async fn start_with_listener(
        config: RaftNodeConfig,
        listener: TcpListener,
    ) -> Result<Self, StartError> {
        let raft_config = Arc::new(config.to_openraft()?);
        let local_addr = listener.local_addr().map_err(|source| StartError::Listen {
            addr: config.raft_listen.clone(),
            source,
        })?;
        let store = SledStore::open_waiting(&config.data_dir, LOCK_WAIT).await?;
        let log_store = LogStore::new(store.clone())?;
        let sm = StateMachineStore::new(store)?;
        let (data, applied) = (sm.data(), sm.subscribe_applied());
        let network = NetworkFactory::new(config.network.clone());
        let raft = Raft::new(config.node_id, raft_config, network, log_store, sm)
            .await
            .map_err(|e| StartError::Raft(e.to_string()))?;
        let server = GrpcServer::spawn(
            raft.clone(),
            listener,
            config.network.max_message_size,
            config.network.tls.as_ref(),
        )?;
        tracing::info!(node_id = config.node_id, %local_addr, "Raft node started.");
        Ok(Self {
            id: config.node_id,
            raft,
            data,
            applied,
            api_timeout: config.api_timeout,
            local_addr,
            server: Mutex::new(Some(server)),
        })
    }

    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The address the Raft gRPC server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The underlying openraft handle, for what this facade does not cover.
    pub fn raft(&self) -> &Raft {
        &self.raft
    }

    /// Bootstraps a one-node group made of this node. Does nothing (returns `false`) if the
    /// store already holds a vote, log or membership, so it is safe to call on every start.
    pub async fn initialize_single(&self, info: NodeInfo) -> Result<bool, RaftNodeError> {
        let fatal = |e: openraft::error::Fatal<NodeId>| RaftNodeError::Fatal(e.to_string());
        if self.raft.is_initialized().await.map_err(fatal)? {
            return Ok(false);
        }
        let members = BTreeMap::from([(self.id, info)]);
        match self.raft.initialize(members).await {
            Ok(()) => Ok(true),
            Err(openraft::error::RaftError::APIError(e)) => {
                tracing::info!(error = %e, "Raft group already initialized.");
                Ok(false)
            }
            Err(openraft::error::RaftError::Fatal(f)) => Err(fatal(f)),
        }
    }

    /// Adds a non-voting member and waits until it has caught up. Leader only.
    pub async fn add_learner(&self, id: NodeId, info: NodeInfo) -> Result<(), RaftNodeError> {
        self.raft
            .add_learner(id, info, true)
            .await
            .map_err(error_map::from_write)?;
        Ok(())
    }

    /// Makes `voters` the exact voter set (members must be learners or voters already); nodes
    /// dropped from it leave the group. Leader only; returns when the change is committed.
    pub async fn change_membership(&self, voters: BTreeSet<NodeId>) -> Result<(), RaftNodeError> {
        self.raft
            .change_membership(voters, false)
            .await
            .map_err(error_map::from_write)?;
        Ok(())
    }

    /// Proposes a command and returns its result once committed and applied. Leader only:
    /// elsewhere it fails with [`RaftNodeError::ForwardToLeader`]. After `api_timeout` it
    /// fails with [`RaftNodeError::Timeout`]: the outcome is then unknown (the command may
    /// still commit), so callers must rely on epochs / idempotent commands when retrying.
    pub async fn write(&self, cmd: Command) -> Result<CommandResponse, RaftNodeError> {
        let write = self.raft.client_write(cmd);
        match tokio::time::timeout(self.api_timeout, write).await {
            Ok(Ok(resp)) => Ok(resp.data),
            Ok(Err(e)) => Err(error_map::from_write(e)),
            Err(_) => Err(RaftNodeError::Timeout(format!(
                "write not committed within {:?}; outcome unknown",
                self.api_timeout
            ))),
        }
    }

    /// Runs `f` on the local state (may lag the leader; see the module docs).
    pub fn read_state<T>(&self, f: impl FnOnce(&StateMachineData) -> T) -> T {
        f(&self.data.read())
    }

    /// Confirms leadership with a quorum and waits until the local state machine has applied
    /// everything committed before the call: local reads afterwards are linearizable.
    pub async fn ensure_linearizable(&self) -> Result<(), RaftNodeError> {
        let check = self.raft.ensure_linearizable();
        match tokio::time::timeout(self.api_timeout, check).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(error_map::from_check_leader(e)),
            Err(_) => Err(RaftNodeError::Timeout(format!(
                "leadership not confirmed within {:?}",
                self.api_timeout
            ))),
        }
    }

    /// Raft metrics (role, term, leader, log indexes, membership) as a watch channel.
    pub fn metrics(&self) -> watch::Receiver<RaftMetrics> {
        self.raft.metrics()
    }

    /// The leader this node currently knows of.
    pub fn current_leader(&self) -> Option<NodeId> {
        self.raft.metrics().borrow().current_leader
    }

    /// The known leader with its advertised addresses (for forwarding clients).
    pub fn leader_info(&self) -> Option<(NodeId, NodeInfo)> {
        let metrics = self.raft.metrics();
        let m = metrics.borrow();
        let leader = m.current_leader?;
        let info = m.membership_config.membership().get_node(&leader)?.clone();
        Some((leader, info))
    }

    /// `true` if this node is the leader (as far as it knows; not quorum-checked).
    pub fn is_leader(&self) -> bool {
        self.current_leader() == Some(self.id)
    }

    /// Last applied log index, updated after every applied batch and installed snapshot.
    pub fn applied(&self) -> watch::Receiver<u64> {
        self.applied.clone()
    }

    /// Waits until the local state machine applied at least `index`; returns the applied index.
    pub async fn wait_applied(&self, index: u64, timeout: Duration) -> Result<u64, RaftNodeError> {
        let mut rx = self.applied.clone();
        let wait = async move { rx.wait_for(|applied| *applied >= index).await.map(|v| *v) };
        match tokio::time::timeout(timeout, wait).await {
            Ok(Ok(applied)) => Ok(applied),
            Ok(Err(_)) => Err(RaftNodeError::Fatal("state machine stopped".to_string())),
            Err(_) => Err(RaftNodeError::Timeout(format!(
                "applied index {} < {index} after {timeout:?}",
                *self.applied.borrow()
            ))),
        }
    }

    /// Asks openraft to build a snapshot now (completes in the background).
    pub async fn trigger_snapshot(&self) -> Result<(), RaftNodeError> {
        self.raft
            .trigger()
            .snapshot()
            .await
            .map_err(|e| RaftNodeError::Fatal(e.to_string()))
    }

    /// Asks openraft to purge the log up to `upto` (inclusive; never past the last snapshot).
    pub async fn purge_log(&self, upto: u64) -> Result<(), RaftNodeError> {
        self.raft
            .trigger()
            .purge_log(upto)
            .await
            .map_err(|e| RaftNodeError::Fatal(e.to_string()))
    }

    /// Stops the gRPC server and Raft. The data dir can be reopened afterwards.
    pub async fn shutdown(&self) {
        let server = self.server.lock().take();
        if let Some(server) = server {
            server.stop(Duration::from_secs(2)).await;
        }
        if let Err(e) = self.raft.shutdown().await {
            tracing::warn!(node_id = self.id, error = %e, "Raft shutdown task failed.");
        }
        tracing::info!(node_id = self.id, "Raft node stopped.");
    }
}
