//! Helpers of the observability tests: node processes started with explicit flags
//! (log format and file, no-bootstrap), plain HTTP GETs that keep the status code, and
//! lookups in a `/metrics` scrape parsed with `prometheus-parse`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use prometheus_parse::{Sample, Scrape, Value};

use crate::fleet_common::{free_port, BIN};

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
        let mut cmd = Command::new(BIN);
        cmd.args(["--node-id", &id.to_string()])
            .args(["--host", "127.0.0.1", "--listen-host", "127.0.0.1"])
            .args(["--http-port", &http_port.to_string()])
            .args(["--raft-port", &raft_port.to_string()])
            .arg("--data-dir")
            .arg(dir.join(format!("data{id}")))
            .args(["--log-level", "info", "--log-format", "json", "--log-file"])
            .arg(&log)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("clone out"))
            .stderr(out);
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
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
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
