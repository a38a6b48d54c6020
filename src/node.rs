//! A syncer node: the Raft member, the fleet tasks, the job manager and the HTTP API,
//! composed and started by [`Node::start`].
//!
//! Start: open (or create) the data dir, start the Raft node on the raft port, bootstrap a
//! one-node group when `join` is empty (a no-op on an initialized store), or ask a member
//! to add this node; serve the API plus the `/internal/...` routes on the HTTP port; run
//! heartbeats, the lease watchdog, the leader's scheduler and the ownership reconciler.
//! Runners start only once this node holds its lease and has caught up with the leader.

mod dry_runner;
mod job_series;
mod join;
mod metrics_feed;
mod read_your_writes;
mod start;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use dry_runner::DryRun;
use parking_lot::Mutex;
use syncer_raft::node::RaftNode;
use syncer_raft::{NodeId, NodeInfo};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::NodeConfig;
use crate::engine::create::ClusterOps;
use crate::fleet::admin::{AdminError, AdminOp, MemberView};
use crate::fleet::internal::{InternalState, NodeStatus};
use crate::fleet::reconciler::{MakeCheckpoint, RunnerHost};
use crate::fleet::FleetCore;
use crate::job::JobSpec;
use crate::manager::{JobManager, RunnerFactory};
use crate::telemetry::Metrics;

/// What a node is started with.
pub struct NodeOptions {
    /// The validated configuration.
    pub config: NodeConfig,
    /// Starts job runners. Default (`None`): the replication engine.
    pub runner_factory: Option<Arc<dyn RunnerFactory>>,
    /// Doris-side job checks. Default (`None`): the real Doris clusters.
    pub cluster_ops: Option<Arc<dyn ClusterOps>>,
    /// Rewrites of peers' advertised addresses (`advertised` → `dialed`, Raft and HTTP):
    /// for NAT, or a fault-injecting proxy in tests. Default: empty.
    pub addr_map: BTreeMap<String, String>,
    /// Where the node reports its Raft and ownership figures. Default (`None`): a new
    /// registry, see [`NodeHandle::metrics`].
    pub metrics: Option<Metrics>,
    /// Bootstrap a one-node group when `join` is empty and the store is uninitialized.
    /// `false`: wait to be added by a member (`syncerctl member add`). Default: `true`.
    pub bootstrap: bool,
}

impl NodeOptions {
    /// Options with the defaults above.
    pub fn new(config: NodeConfig) -> Self {
        Self {
            config,
            runner_factory: None,
            cluster_ops: None,
            addr_map: BTreeMap::new(),
            metrics: None,
            bootstrap: true,
        }
    }
}

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// Invalid configuration.
    #[error("invalid configuration {key}: {msg}")]
    Config {
        /// `section.key`.
        key: String,
        /// What is wrong.
        msg: String,
    },
    /// A directory or listener could not be set up.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
    /// Raft failed to start.
    #[error(transparent)]
    Raft(#[from] syncer_raft::errors::StartError),
    /// Raft refused an operation during start (e.g. bootstrap).
    #[error("raft: {0}")]
    RaftApi(#[from] syncer_raft::errors::RaftNodeError),
}

/// Starts nodes.
pub struct Node;

impl Node {
    /// Starts a node; it runs until `shutdown` fires (then call
    /// [`NodeHandle::shutdown`] to wait for a clean stop).
    pub async fn start(
        opts: NodeOptions,
        shutdown: CancellationToken,
    ) -> Result<NodeHandle, NodeError> {
        start::start(opts, shutdown).await
    }
}

/// A running node: what the admin API and syncerctl need.
pub struct NodeHandle {
    info: NodeInfo,
    http_local: SocketAddr,
    core: Arc<FleetCore>,
    manager: Arc<JobManager>,
    internal: InternalState,
    metrics: Metrics,
    cancel: CancellationToken,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl NodeHandle {
    /// This node's id.
    pub fn id(&self) -> NodeId {
        self.core.id
    }

    /// The addresses this node advertises.
    pub fn info(&self) -> &NodeInfo {
        &self.info
    }

    /// The local address the HTTP API listens on.
    pub fn http_local_addr(&self) -> SocketAddr {
        self.http_local
    }

    /// The Raft node.
    pub fn raft(&self) -> &Arc<RaftNode> {
        &self.core.raft
    }

    /// The fleet core (writer, lease, failure detector).
    pub fn fleet(&self) -> &Arc<FleetCore> {
        &self.core
    }

    /// The job manager.
    pub fn manager(&self) -> &Arc<JobManager> {
        &self.manager
    }

    /// The node's Prometheus metrics (Raft term, leader, indexes, follower lag, jobs owned).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// The internal-endpoint state (fleet core + reconciler), e.g. for the admin API.
    pub fn internal(&self) -> &InternalState {
        &self.internal
    }

    /// The leader this node knows of, with its addresses.
    pub fn leader(&self) -> Option<(NodeId, NodeInfo)> {
        self.core.raft.leader_info()
    }

    /// This node's status (role, lease, owned jobs, runners).
    pub fn status(&self) -> NodeStatus {
        self.internal.status()
    }

    /// The members (last contact is known only on the leader).
    pub fn members(&self) -> Vec<MemberView> {
        self.core.members_view()
    }

    /// Runs a membership operation on the leader (forwarded from any node).
    pub async fn admin(&self, op: AdminOp) -> Result<String, AdminError> {
        self.core.admin(op).await
    }

    /// Stops everything: runners, fleet tasks, HTTP, Raft. Waits (bounded).
    pub async fn shutdown(&self) {
        self.cancel.cancel();
        let tasks: Vec<_> = std::mem::take(&mut *self.tasks.lock());
        let all = futures::future::join_all(tasks);
        if tokio::time::timeout(Duration::from_secs(5), all)
            .await
            .is_err()
        {
            tracing::warn!(node = self.id(), "Node tasks did not stop in time.");
        }
        self.manager.shutdown(Duration::from_secs(5)).await;
        self.core.raft.shutdown().await;
        tracing::info!(node = self.id(), "Node stopped.");
    }

    /// Waits until the shutdown token fires, then shuts down.
    pub async fn run_until_shutdown(&self) {
        self.cancel.cancelled().await;
        self.shutdown().await;
    }
}

impl RunnerHost for JobManager {
    fn start_owned(&self, spec: JobSpec, make: MakeCheckpoint) {
        JobManager::start_owned(self, spec, make);
    }

    fn stop_owned(&self, name: &str) {
        JobManager::stop_owned(self, name);
    }
}
