//! The syncer fleet under test: nodes 1..=3 whose node-to-node traffic goes through
//! per-pair [`Links`] proxies, plus fresh nodes added and removed by the membership fault.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde_json::{json, Value};

use crate::node::NodeProc;
use crate::proxy::Links;

/// The fleet: node processes, the proxies between nodes 1..=3, an HTTP client.
pub struct Fleet {
    root: PathBuf,
    bin: PathBuf,
    nodes: Mutex<BTreeMap<u64, NodeProc>>,
    /// Proxies between the three base nodes.
    pub links: Links,
    http: reqwest::Client,
}

/// The three base nodes.
pub const BASE: [u64; 3] = [1, 2, 3];

impl Fleet {
    /// Starts nodes 1..=3 (2 and 3 join 1) with proxied peer traffic; waits until ready.
    pub async fn start(root: &Path, bin: &Path) -> anyhow::Result<Fleet> {
        let mut nodes = BTreeMap::new();
        for id in BASE {
            let join = if id == 1 { vec![] } else { vec![String::new()] };
            nodes.insert(id, NodeProc::new(id, root.join(format!("node{id}")), join)?);
        }
        let seed = nodes[&1].http_addr();
        let mut links = Links::default();
        for from in BASE {
            let mut map = Vec::new();
            for to in BASE.into_iter().filter(|t| *t != from) {
                let (raft, http) = (nodes[&to].raft_addr(), nodes[&to].http_addr());
                map.push(links.add(from, to, &raft, &http).await?);
            }
            let node = nodes
                .get_mut(&from)
                .ok_or_else(|| anyhow::anyhow!("node"))?;
            node.env.push(("CCR_FLEET_ADDR_MAP".into(), map.join(",")));
            if from != 1 {
                node.join = vec![seed.clone()];
            }
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()?;
        let fleet = Fleet {
            root: root.to_path_buf(),
            bin: bin.to_path_buf(),
            nodes: Mutex::new(nodes),
            links,
            http,
        };
        fleet.spawn(1)?;
        fleet.wait_ready(1, Duration::from_secs(30)).await?;
        fleet.spawn(2)?;
        fleet.spawn(3)?;
        for id in BASE {
            fleet.wait_ready(id, Duration::from_secs(30)).await?;
        }
        Ok(fleet)
    }

    /// Starts (or restarts with its data) node `id`.
    pub fn spawn(&self, id: u64) -> anyhow::Result<()> {
        let mut nodes = self.nodes.lock();
        let node = nodes
            .get_mut(&id)
            .ok_or_else(|| anyhow::anyhow!("no node {id}"))?;
        node.spawn(&self.bin)?;
        Ok(())
    }

    /// Runs `f` on node `id`.
    pub fn with<R>(&self, id: u64, f: impl FnOnce(&mut NodeProc) -> R) -> Option<R> {
        self.nodes.lock().get_mut(&id).map(f)
    }

    /// Adds a fresh node `id` that waits outside any group (direct peer traffic).
    pub fn add_waiting(&self, id: u64) -> anyhow::Result<(String, String)> {
        let mut node = NodeProc::new(id, self.root.join(format!("node{id}")), vec![])?;
        node.env.push(("CCR_FLEET_NO_BOOTSTRAP".into(), "1".into()));
        node.spawn(&self.bin)?;
        let addrs = (node.raft_addr(), node.http_addr());
        self.nodes.lock().insert(id, node);
        Ok(addrs)
    }

    /// Ids of nodes whose process runs and is not stopped.
    pub fn live(&self) -> Vec<u64> {
        let nodes = self.nodes.lock();
        nodes
            .values()
            .filter(|n| n.is_running() && !n.is_stopped())
            .map(|n| n.id)
            .collect()
    }

    /// Every log file of every node, for the audit checks.
    pub fn log_files(&self) -> Vec<PathBuf> {
        let nodes = self.nodes.lock();
        nodes.values().flat_map(NodeProc::log_files).collect()
    }

    /// HTTP address of node `id`.
    pub fn addr(&self, id: u64) -> Option<String> {
        self.nodes.lock().get(&id).map(NodeProc::http_addr)
    }

    /// POST `body` to `path` on node `id`; `None` on any transport or decode error.
    pub async fn post(&self, id: u64, path: &str, body: &Value) -> Option<Value> {
        let url = format!("http://{}{path}", self.addr(id)?);
        let resp = self.http.post(url).json(body).send().await.ok()?;
        resp.json().await.ok()
    }

    /// `/internal/status` of node `id`.
    pub async fn status(&self, id: u64) -> Option<Value> {
        self.post(id, "/internal/status", &json!({})).await
    }

    /// `/internal/status` of node `id`, `None` unless it answers within `timeout`.
    pub async fn status_within(&self, id: u64, timeout: Duration) -> Option<Value> {
        let url = format!("http://{}/internal/status", self.addr(id)?);
        let req = self.http.post(url).timeout(timeout).json(&json!({}));
        req.send().await.ok()?.json().await.ok()
    }

    /// Waits until node `id` holds a lease and knows a leader.
    pub async fn wait_ready(&self, id: u64, timeout: Duration) -> anyhow::Result<()> {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if let Some(s) = self.status(id).await {
                if s["lease_valid"] == json!(true) && !s["leader"].is_null() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("node {id} not ready after {timeout:?}")
    }

    /// The leader as the first answering live node sees it.
    pub async fn leader(&self) -> Option<u64> {
        for id in self.live() {
            if let Some(l) = self.status(id).await.and_then(|s| s["leader"].as_u64()) {
                return Some(l);
            }
        }
        None
    }

    /// Job → owner, from the `owned` lists of the live nodes holding a valid lease.
    pub async fn owners(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for id in self.live() {
            let Some(s) = self.status(id).await else {
                continue;
            };
            if s["lease_valid"] != json!(true) {
                continue;
            }
            for job in s["owned"].as_array().into_iter().flatten() {
                out.insert(job.as_str().unwrap_or_default().to_string(), id);
            }
        }
        out
    }
}
