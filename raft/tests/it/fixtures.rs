//! In-process cluster over real gRPC on 127.0.0.1, with wait helpers (never sleep to wait).

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Once;
use std::time::Duration;
use std::time::Instant;

use anyhow::bail;
use anyhow::Context;
use syncer_raft::model::StateMachineData;
use syncer_raft::node::RaftNode;
use syncer_raft::node::RaftNodeConfig;
use syncer_raft::typ::RaftMetrics;
use syncer_raft::NodeId;
use syncer_raft::NodeInfo;
use tempfile::TempDir;
use tokio::net::TcpListener;

/// Default wait for a condition in tests.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Installs a tracing subscriber once (filter with `RUST_LOG`).
pub fn init_tracing() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    });
}

/// A cluster of nodes, each with its own data dir under one temp dir.
pub struct Cluster {
    root: TempDir,
    /// Running nodes by id.
    pub nodes: BTreeMap<NodeId, Arc<RaftNode>>,
    /// Advertised info by id (kept across restarts so the address is reused).
    pub infos: BTreeMap<NodeId, NodeInfo>,
    tweak: fn(&mut RaftNodeConfig),
}

impl Cluster {
    /// An empty cluster; `tweak` adjusts every node's config.
    pub fn new(tweak: fn(&mut RaftNodeConfig)) -> anyhow::Result<Self> {
        init_tracing();
        Ok(Self {
            root: tempfile::tempdir()?,
            nodes: BTreeMap::new(),
            infos: BTreeMap::new(),
            tweak,
        })
    }

    fn data_dir(&self, id: NodeId) -> PathBuf {
        self.root.path().join(format!("node-{id}"))
    }

    /// Starts node `id` (new: on a fresh port 0; restarted: on its previous address).
    pub async fn start(&mut self, id: NodeId) -> anyhow::Result<Arc<RaftNode>> {
        let listener = match self.infos.get(&id) {
            Some(info) => rebind(&info.raft_addr).await?,
            None => TcpListener::bind("127.0.0.1:0").await?,
        };
        let addr = listener.local_addr()?.to_string();
        let info = NodeInfo::new(addr, format!("127.0.0.1:{}", 10_000 + id));
        let mut config = RaftNodeConfig::new(id, info.clone(), self.data_dir(id));
        (self.tweak)(&mut config);
        let node = Arc::new(RaftNode::start_with_listener(config, listener).await?);
        self.infos.insert(id, info);
        self.nodes.insert(id, node.clone());
        Ok(node)
    }

    /// The running node `id`.
    pub fn node(&self, id: NodeId) -> anyhow::Result<Arc<RaftNode>> {
        self.nodes
            .get(&id)
            .cloned()
            .with_context(|| format!("node {id} is not running"))
    }

    /// Shuts node `id` down and forgets its handle (its data dir stays).
    pub async fn stop(&mut self, id: NodeId) -> anyhow::Result<()> {
        let node = self
            .nodes
            .remove(&id)
            .with_context(|| format!("node {id} is not running"))?;
        node.shutdown().await;
        Ok(())
    }

    /// Starts nodes `1..=n`, bootstraps node 1 and makes all of them voters.
    pub async fn start_voters(&mut self, n: u64) -> anyhow::Result<()> {
        for id in 1..=n {
            self.start(id).await?;
        }
        let leader = self.node(1)?;
        let info = self.infos[&1].clone();
        assert!(
            leader.initialize_single(info).await?,
            "a fresh store must initialize"
        );
        wait_metrics(&leader, "node 1 becomes leader", |m| {
            m.current_leader == Some(1)
        })
        .await?;
        for id in 2..=n {
            leader.add_learner(id, self.infos[&id].clone()).await?;
        }
        leader
            .change_membership((1..=n).collect::<BTreeSet<_>>())
            .await?;
        Ok(())
    }

    /// Waits until some running node other than `not` is leader and all running nodes agree.
    pub async fn wait_for_leader(&self, not: Option<NodeId>) -> anyhow::Result<NodeId> {
        let deadline = Instant::now() + TIMEOUT;
        let any = self
            .nodes
            .values()
            .next()
            .context("no running node")?
            .clone();
        let mut rx = any.metrics();
        loop {
            let leaders: BTreeSet<Option<NodeId>> =
                self.nodes.values().map(|n| n.current_leader()).collect();
            if let Some(&Some(l)) = leaders.iter().next() {
                if leaders.len() == 1 && Some(l) != not && self.nodes.contains_key(&l) {
                    return Ok(l);
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!("no agreed leader (excluding {not:?}) within {TIMEOUT:?}: {leaders:?}");
            }
            // Wake on any metrics change of one node, or re-check every 20 ms for the others.
            let _ = tokio::time::timeout(left.min(Duration::from_millis(20)), rx.changed()).await;
        }
    }

    /// Waits until every running node applied at least `index`.
    pub async fn wait_applied(&self, index: u64) -> anyhow::Result<()> {
        for node in self.nodes.values() {
            wait_applied(node, index).await?;
        }
        Ok(())
    }

    /// The replicated state of every running node.
    pub fn states(&self) -> BTreeMap<NodeId, syncer_raft::model::ReplicatedState> {
        self.nodes
            .iter()
            .map(|(id, n)| (*id, n.read_state(|d: &StateMachineData| d.state.clone())))
            .collect()
    }
}

/// Binds a specific address again after its node stopped.
async fn rebind(addr: &str) -> anyhow::Result<TcpListener> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match TcpListener::bind(addr).await {
            Ok(l) => return Ok(l),
            Err(e) if Instant::now() > deadline => bail!("rebind {addr}: {e}"),
            // Retry backoff (bounded by the deadline), not a wait for a condition.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Waits on the node's metrics channel until `pred` holds.
pub async fn wait_metrics(
    node: &RaftNode,
    msg: &str,
    pred: impl Fn(&RaftMetrics) -> bool + Send,
) -> anyhow::Result<RaftMetrics> {
    let metrics = node.raft().wait(Some(TIMEOUT)).metrics(pred, msg).await;
    metrics.with_context(|| format!("node {}: {msg}", node.id()))
}

/// Waits on the node's applied-index watch until it reaches `index`.
pub async fn wait_applied(node: &RaftNode, index: u64) -> anyhow::Result<()> {
    node.wait_applied(index, TIMEOUT)
        .await
        .with_context(|| format!("node {}", node.id()))?;
    Ok(())
}
