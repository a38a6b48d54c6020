//! Helpers of the observability tests: node processes started with explicit flags
//! (log format and file, no-bootstrap), plain HTTP GETs that keep the status code, and
//! lookups in a `/metrics` scrape parsed with `prometheus-parse`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use prometheus_parse::{Sample, Scrape, Value};
use serde_json::json;

use crate::fleet_common::{free_port, poll};

// Shared with `support` (a test may load both, on purpose: each stays usable alone).
#[allow(clippy::duplicate_mod)]
#[path = "../support/process.rs"]
mod process;

/// How long a node may take to turn ready.
const READY_WAIT: Duration = Duration::from_secs(30);

/// How a node is started.
#[derive(Default)]
pub struct NodeOpts {
    /// Run the replication engine (else the dry-run stand-in runner).
    pub engine: bool,
    /// `CCR_FLEET_NO_BOOTSTRAP=1`: wait to be added to a group.
    pub no_bootstrap: bool,
    /// `--join` member HTTP addresses.
    pub join: Vec<String>,
}

/// One `ccr-syncer` process; killed on drop.
pub struct Node {
    pub id: u64,
    pub http_port: u16,
    pub raft_port: u16,
    /// The JSON log file (`--log-format json --log-file <path>`).
    pub log: PathBuf,
    child: Option<Child>,
}

impl Node {
    /// Starts node `id` with its data and log under `dir`.
    pub fn start(dir: &Path, id: u64, opts: NodeOpts) -> Node {
        let (http_port, raft_port) = (free_port(), free_port());
        let log = dir.join(format!("node{id}.json.log"));
        let out = std::fs::File::create(dir.join(format!("node{id}.out"))).expect("out file");
        let ports = (http_port, raft_port);
        let mut cmd = process::node_command(id, ports, &dir.join(format!("data{id}")), out);
        cmd.args(["--log-level", "info", "--log-format", "json", "--log-file"])
            .arg(&log)
            .env_remove("RUST_LOG");
        if !opts.engine {
            cmd.env("CCR_FLEET_DRY_RUN", "1");
        }
        if opts.no_bootstrap {
            cmd.env("CCR_FLEET_NO_BOOTSTRAP", "1");
        }
        if !opts.join.is_empty() {
            cmd.args(["--join", &opts.join.join(",")]);
        }
        let child = cmd.spawn().expect("spawn ccr-syncer");
        Node {
            id,
            http_port,
            raft_port,
            log,
            child: Some(child),
        }
    }

    /// `127.0.0.1:<http port>`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.http_port)
    }

    /// `127.0.0.1:<raft port>`.
    pub fn raft_addr(&self) -> String {
        format!("127.0.0.1:{}", self.raft_port)
    }

    /// SIGKILL and reap.
    pub fn kill9(&mut self) {
        process::kill9(&mut self.child);
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// An HTTP client with a short timeout.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client")
}

/// GET `path` on `addr`: `(status, body)`, `None` on a transport error.
pub async fn get(http: &reqwest::Client, addr: &str, path: &str) -> Option<(u16, String)> {
    let resp = http.get(format!("http://{addr}{path}")).send().await.ok()?;
    let status = resp.status().as_u16();
    Some((status, resp.text().await.ok()?))
}

/// `/ready` of `addr`: `(status, JSON body)`.
pub async fn ready(http: &reqwest::Client, addr: &str) -> Option<(u16, serde_json::Value)> {
    let (status, body) = get(http, addr, "/ready").await?;
    Some((status, serde_json::from_str(&body).ok()?))
}

/// Waits until `/ready` of `node` answers `want`; returns its JSON body.
pub async fn wait_ready(http: &reqwest::Client, node: &Node, want: u16) -> serde_json::Value {
    let what = format!("node {} /ready answering {want}", node.id);
    poll(&what, READY_WAIT, || async {
        let (status, body) = ready(http, &node.addr()).await?;
        (status == want).then_some(body)
    })
    .await
}

/// Starts node 1 under `dir` with the replication engine and waits until it is ready.
pub async fn start_engine_node(dir: &Path, http: &reqwest::Client) -> Node {
    let opts = NodeOpts {
        engine: true,
        ..NodeOpts::default()
    };
    let node = Node::start(dir, 1, opts);
    wait_ready(http, &node, 200).await;
    node
}

/// POSTs `body` to `path` on `addr`: the JSON reply (panics if none).
pub async fn post_json(
    http: &reqwest::Client,
    addr: &str,
    path: &str,
    body: &serde_json::Value,
) -> serde_json::Value {
    let url = format!("http://{addr}{path}");
    let resp = http.post(&url).json(body).send().await;
    let resp = resp.unwrap_or_else(|e| panic!("{url} answers: {e}"));
    let reply = resp.json().await;
    reply.unwrap_or_else(|e| panic!("{url} JSON: {e}"))
}

/// Creates job `name` (`/create_ccr` `body`) through `node`; it must succeed.
pub async fn create_job(http: &reqwest::Client, node: &Node, name: &str, body: &serde_json::Value) {
    let reply = post_json(http, &node.addr(), "/create_ccr", body).await;
    assert_eq!(reply, json!({"success": true}), "create {name}");
}

/// Scrapes and parses `/metrics` of `addr`.
pub async fn scrape(http: &reqwest::Client, addr: &str) -> Option<Vec<Sample>> {
    let (status, body) = get(http, addr, "/metrics").await?;
    if status != 200 {
        return None;
    }
    let lines = body.lines().map(|l| Ok(l.to_string()));
    Some(Scrape::parse(lines).ok()?.samples)
}

/// The numeric value of a sample.
pub fn number(s: &Sample) -> Option<f64> {
    match s.value {
        Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => Some(v),
        _ => None,
    }
}

/// Samples of `metric` whose labels include every `(name, value)` of `labels`.
pub fn find<'a>(samples: &'a [Sample], metric: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    samples
        .iter()
        .filter(|s| s.metric == metric)
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .collect()
}

/// The value of the one sample `find` yields, if exactly one.
pub fn value(samples: &[Sample], metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    match find(samples, metric, labels).as_slice() {
        [one] => number(one),
        _ => None,
    }
}
