//! Shared helpers of the fleet tests: real `ccr-syncer` node processes on loopback (free
//! ports, own data dirs, dry-run runners that log every "applied" sequence number to one
//! shared file), HTTP helpers, polling, and the apply-log checks.
#![allow(dead_code)]

pub mod grow;
// Shared with `support` (a test may load both, on purpose: each stays usable alone).
#[allow(clippy::duplicate_mod)]
#[path = "../support/poll.rs"]
mod poll_impl;
#[allow(clippy::duplicate_mod)]
#[path = "../support/ports.rs"]
mod ports;
#[allow(clippy::duplicate_mod)]
#[path = "../support/process.rs"]
mod process;
pub mod proxy;

pub use poll_impl::poll;
pub use ports::free_port;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use serde_json::{json, Value};

/// The node binary built by cargo for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_ccr-syncer");

/// One node process.
pub struct NodeProc {
    pub id: u64,
    pub http_port: u16,
    pub raft_port: u16,
    pub dir: PathBuf,
    pub join: Vec<String>,
    /// Extra environment (e.g. the address map through proxies).
    pub env: Vec<(String, String)>,
    /// Run the dry-run stand-in runner (default) instead of the replication engine.
    pub dry_run: bool,
    child: Option<Child>,
    starts: u32,
}

impl NodeProc {
    /// `127.0.0.1:<http_port>`.
    pub fn http_addr(&self) -> String {
        format!("127.0.0.1:{}", self.http_port)
    }

    /// `127.0.0.1:<raft_port>`.
    pub fn raft_addr(&self) -> String {
        format!("127.0.0.1:{}", self.raft_port)
    }

    /// Process id, while running.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn spawn(&mut self, apply_log: &Path) {
        self.starts += 1;
        let log = std::fs::File::create(self.dir.join(format!("node-{}.log", self.starts)))
            .expect("create node log");
        let ports = (self.http_port, self.raft_port);
        let mut cmd = process::node_command(self.id, ports, &self.dir.join("data"), log);
        cmd.env("RUST_LOG", "info");
        if self.dry_run {
            cmd.env("CCR_FLEET_DRY_RUN", "1")
                .env("CCR_FLEET_DRY_RUN_LOG", apply_log);
        }
        if !self.join.is_empty() {
            cmd.args(["--join", &self.join.join(",")]);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.child = Some(cmd.spawn().expect("spawn ccr-syncer"));
    }

    /// SIGKILL (no cleanup at all) and reap.
    pub fn kill9(&mut self) {
        process::kill9(&mut self.child);
    }
}

impl Drop for NodeProc {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A fleet of node processes sharing one apply log.
pub struct Fleet {
    pub tmp: tempfile::TempDir,
    pub nodes: BTreeMap<u64, NodeProc>,
    pub apply_log: PathBuf,
    pub http: reqwest::Client,
}

impl Fleet {
    /// An empty fleet in a fresh temp dir.
    pub fn new() -> Fleet {
        let tmp = tempfile::tempdir().expect("temp dir");
        let apply_log = tmp.path().join("apply.log");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("http client");
        Fleet {
            tmp,
            nodes: BTreeMap::new(),
            apply_log,
            http,
        }
    }

    /// Adds node `id` (not started); `join` lists member HTTP addresses.
    pub fn add(&mut self, id: u64, join: Vec<String>) -> &mut NodeProc {
        let dir = self.tmp.path().join(format!("node{id}"));
        std::fs::create_dir_all(&dir).expect("node dir");
        let node = NodeProc {
            id,
            http_port: free_port(),
            raft_port: free_port(),
            dir,
            join,
            env: Vec::new(),
            dry_run: true,
            child: None,
            starts: 0,
        };
        self.nodes.insert(id, node);
        self.nodes.get_mut(&id).expect("just inserted")
    }

    /// Starts (or restarts, with its data) node `id`.
    pub fn start(&mut self, id: u64) {
        let log = self.apply_log.clone();
        self.node(id).spawn(&log);
    }

    /// Node `id`.
    pub fn node(&mut self, id: u64) -> &mut NodeProc {
        self.nodes.get_mut(&id).expect("no such node")
    }

    /// HTTP address of node `id`.
    pub fn addr(&self, id: u64) -> String {
        self.nodes[&id].http_addr()
    }

    /// POST `body` to `path` on node `id`; `None` on any transport or decode error.
    pub async fn post(&self, id: u64, path: &str, body: &Value) -> Option<Value> {
        let url = format!("http://{}{path}", self.addr(id));
        let resp = self.http.post(url).json(body).send().await.ok()?;
        resp.json().await.ok()
    }

    /// `/internal/status` of node `id`.
    pub async fn status(&self, id: u64) -> Option<Value> {
        self.post(id, "/internal/status", &json!({})).await
    }

    /// Waits until node `id` answers and reports a leader and a valid lease.
    pub async fn wait_ready(&self, id: u64) -> Value {
        poll(
            &format!("node {id} ready"),
            Duration::from_secs(20),
            || async {
                let s = self.status(id).await?;
                (s["lease_valid"] == json!(true) && !s["leader"].is_null()).then_some(s)
            },
        )
        .await
    }

    /// Creates a dry-run job `name` through node `id`.
    pub async fn create_job(&self, id: u64, name: &str) {
        let reply = self.post(id, "/create_ccr", &job_body(name)).await;
        assert_eq!(
            reply.as_ref().map(|r| r["success"].clone()),
            Some(json!(true)),
            "create {name} via node {id}: {reply:?}"
        );
    }

    /// Job → owner, from node `id`'s view of the members' `jobs_owned` is not enough, so
    /// this asks every running node for its `owned` list.
    pub async fn owners(&self) -> BTreeMap<String, u64> {
        let ids: Vec<u64> = self.nodes.keys().copied().collect();
        self.owners_seen_by(&ids).await
    }

    /// Job → owner as the nodes in `ids` see it (e.g. leaving out a cut-off node).
    pub async fn owners_seen_by(&self, ids: &[u64]) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for id in ids {
            if let Some(s) = self.status(*id).await {
                for job in s["owned"].as_array().into_iter().flatten() {
                    out.insert(job.as_str().unwrap_or_default().to_string(), *id);
                }
            }
        }
        out
    }

    /// `full_sync_start_at` of each job in `names`, read through node `id`.
    pub async fn full_sync_marks(
        &self,
        id: u64,
        names: &[String],
    ) -> Option<BTreeMap<String, i64>> {
        let mut out = BTreeMap::new();
        for name in names {
            let reply = self
                .post(id, "/job_progress", &json!({ "name": name }))
                .await?;
            let progress: Value = serde_json::from_str(reply["job_progress"].as_str()?).ok()?;
            out.insert(name.clone(), progress["full_sync_start_at"].as_i64()?);
        }
        Some(out)
    }

    /// Asserts (through node `id`) that every job of `marks` still has that
    /// `full_sync_start_at`: no job redid a full sync.
    pub async fn assert_no_new_full_sync(&self, id: u64, marks: &BTreeMap<String, i64>) {
        let names: Vec<String> = marks.keys().cloned().collect();
        let after = self.full_sync_marks(id, &names).await;
        let after = after.expect("progress readable");
        assert_eq!(&after, marks, "no job redid a full sync");
    }

    /// The current leader as node `id` sees it.
    pub async fn leader_seen_by(&self, id: u64) -> Option<u64> {
        self.status(id).await?["leader"].as_u64()
    }

    /// Keeps the temp dir (node logs, data, apply log) when the test failed.
    pub fn keep_on_failure(&mut self) {
        if std::thread::panicking() {
            let tmp = std::mem::replace(&mut self.tmp, tempfile::tempdir().expect("temp dir"));
            eprintln!("fleet test failed; logs kept in {}", tmp.keep().display());
        }
    }

    /// The apply log as `(job, node, seq)` lines, in file order.
    pub fn applied(&self) -> Vec<(String, u64, i64)> {
        read_apply_log(&self.apply_log)
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for node in self.nodes.values_mut() {
            node.kill9();
        }
        self.keep_on_failure();
    }
}

/// A `/create_ccr` body for a dry-run job.
pub fn job_body(name: &str) -> Value {
    let cluster = |db: &str| {
        json!({"host": "127.0.0.1", "port": "9030", "thrift_port": "9020", "user": "root",
               "password": "secret-pw", "database": db, "table": "t"})
    };
    json!({ "name": name, "src": cluster("src_db"), "dest": cluster("dest_db") })
}

/// Parses the dry runners' apply log.
pub fn read_apply_log(path: &Path) -> Vec<(String, u64, i64)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let job = it.next()?.to_string();
            let node = it.next()?.parse().ok()?;
            let seq = it.next()?.parse().ok()?;
            Some((job, node, seq))
        })
        .collect()
}

/// Checks exactly-once up to replays: per job, each applied sequence number is the previous
/// one plus one, or the previous one again (a replay after a failover or crash between
/// apply and checkpoint: the one deduplicated retry the design allows). A stale owner
/// applying after the job moved shows up as a number going back. Returns the first
/// violation.
pub fn check_no_stale_apply(lines: &[(String, u64, i64)]) -> Result<(), String> {
    let mut last: BTreeMap<&str, (u64, i64)> = BTreeMap::new();
    for (i, (job, node, seq)) in lines.iter().enumerate() {
        if let Some((prev_node, prev_seq)) = last.get(job.as_str()) {
            let ok = *seq == prev_seq + 1 || *seq == *prev_seq;
            if !ok {
                return Err(format!(
                    "line {i}: job {job} node {node} applied seq {seq} after node {prev_node} \
                     applied {prev_seq}"
                ));
            }
        }
        last.insert(job.as_str(), (*node, *seq));
    }
    Ok(())
}
