//! The scenario fixture: a source and a target `doris-emu` and 1 or 3 `ccr-syncer` node
//! processes, with the SQL, API and comparison helpers the scenarios use.
//! Everything lives under one temp dir, kept (path printed) when the scenario fails.
#![allow(dead_code)]

mod api;
mod db;
mod dbjob;
mod nodes;
#[path = "../support/poll.rs"]
mod poll_impl;
#[path = "../support/ports.rs"]
mod ports;
#[path = "../support/process.rs"]
mod process;

use std::future::Future;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use ccr_syncer::doris::SqlClient;
use doris_emu::testing::{EmuOptions, EmuProcess};
use parking_lot::Mutex;
use serde_json::{json, Value};

pub use api::ProgressView;
use nodes::Node;
pub use poll_impl::poll;

/// How long API calls retry (elections, forwarding) before the scenario fails.
pub const API_TIMEOUT: Duration = Duration::from_secs(30);

/// `PROPERTIES` of every scenario table.
pub const PROPS: &str = "PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")";

/// Builds [`Scenario`]s.
pub struct Harness;

impl Harness {
    /// Two emulators and one syncer node.
    pub async fn single_node() -> Scenario {
        Scenario::start(1).await
    }

    /// Two emulators and three syncer nodes (2 and 3 join 1).
    pub async fn three_nodes() -> Scenario {
        Scenario::start(3).await
    }
}

/// A running scenario fixture. Dropping it kills every process.
pub struct Scenario {
    /// Source cluster (2 BEs).
    pub src: EmuProcess,
    /// Target cluster.
    pub dst: EmuProcess,
    /// SQL on the source.
    pub src_sql: SqlClient,
    /// SQL on the target.
    pub dst_sql: SqlClient,
    nodes: Mutex<Vec<Node>>,
    cursor: AtomicUsize,
    http: reqwest::Client,
    tmp: Option<tempfile::TempDir>,
}

fn start_emus(root: std::path::PathBuf) -> (EmuProcess, EmuProcess) {
    let src = EmuProcess::start(EmuOptions {
        be_count: 2,
        id_base: Some(100_000),
        data_dir: Some(root.join("src-emu")),
        ..Default::default()
    })
    .expect("start source doris-emu");
    let dst = EmuProcess::start(EmuOptions {
        be_count: 1,
        id_base: Some(700_000),
        be_id_base: Some(20_001),
        data_dir: Some(root.join("dst-emu")),
        ..Default::default()
    })
    .expect("start target doris-emu");
    (src, dst)
}

impl Scenario {
    async fn start(n: u64) -> Scenario {
        let tmp = tempfile::Builder::new()
            .prefix("ccr-scenario-")
            .tempdir()
            .expect("temp dir");
        let root = tmp.path().to_path_buf();
        for d in ["src-emu", "dst-emu"] {
            std::fs::create_dir_all(root.join(d)).expect("emu dir");
        }
        let (src, dst) = tokio::task::spawn_blocking(move || start_emus(root))
            .await
            .expect("spawn_blocking");
        let mut nodes = vec![Node::new(tmp.path(), 1, None)];
        let seed = nodes[0].http_addr();
        for id in 2..=n {
            nodes.push(Node::new(tmp.path(), id, Some(seed.clone())));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("http client");
        let s = Scenario {
            src_sql: db::client(&src),
            dst_sql: db::client(&dst),
            src,
            dst,
            nodes: Mutex::new(nodes),
            cursor: AtomicUsize::new(0),
            http,
            tmp: Some(tmp),
        };
        s.boot_nodes(n).await;
        s
    }

    /// Starts node 1, waits for it to lead, then the others, and waits until all are
    /// members with a leader and a valid lease.
    async fn boot_nodes(&self, n: u64) {
        self.nodes.lock()[0].start();
        self.wait_ready(1, 1).await;
        for node in self.nodes.lock().iter_mut().skip(1) {
            node.start();
        }
        for id in 1..=n {
            self.wait_ready(id, n as usize).await;
        }
    }

    fn addr(&self, id: u64) -> String {
        self.nodes.lock()[(id - 1) as usize].http_addr()
    }

    /// Waits until node `id` sees a leader, holds a valid lease and `members` members.
    async fn wait_ready(&self, id: u64, members: usize) {
        let addr = self.addr(id);
        let what = format!("node {id} ready with {members} member(s)");
        poll(&what, Duration::from_secs(30), || async {
            let url = format!("http://{addr}/internal/status");
            let s: Value = self.http.get(url).send().await.ok()?.json().await.ok()?;
            if s["lease_valid"] != json!(true) || s["leader"].is_null() {
                return None;
            }
            let url = format!("http://{addr}/cluster/members");
            let m: Value = self.http.get(url).send().await.ok()?.json().await.ok()?;
            (m["members"].as_array()?.len() == members).then_some(())
        })
        .await;
    }

    /// Number of syncer nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.lock().len()
    }

    /// kill -9 node `id` (1-based).
    pub fn kill_node(&self, id: u64) {
        self.nodes.lock()[(id - 1) as usize].kill9();
    }

    /// Starts node `id` again on its data dir and ports; waits until it is ready.
    pub async fn restart_node(&self, id: u64) {
        self.nodes.lock()[(id - 1) as usize].start();
        let n = self.node_count();
        self.wait_ready(id, n).await;
    }

    /// A `/create_ccr` body: table job `src_db.src_table` → `dst_db.dst_table`
    /// (empty tables = a db job).
    pub fn job_body(&self, name: &str, src: (&str, &str), dst: (&str, &str)) -> Value {
        let side = |emu: &EmuProcess, (db, table): (&str, &str)| {
            json!({"host": emu.host(), "port": emu.query_port().to_string(),
                   "thrift_port": emu.rpc_port().to_string(), "user": "root",
                   "password": "", "database": db, "table": table})
        };
        json!({"name": name, "src": side(&self.src, src), "dest": side(&self.dst, dst)})
    }

    /// Table job body with the same db and table names on both sides.
    pub fn table_job(&self, name: &str, db: &str, table: &str) -> Value {
        self.job_body(name, (db, table), (db, table))
    }

    /// Db job body with the same db name on both sides.
    pub fn db_job(&self, name: &str, db: &str) -> Value {
        self.job_body(name, (db, ""), (db, ""))
    }

    /// Status and progress of every job, for failure messages.
    pub async fn describe_jobs(&self) -> String {
        let list = self.post("/list_jobs", json!({})).await;
        let mut out = String::new();
        for job in list["jobs"].as_array().into_iter().flatten() {
            let name = job.as_str().unwrap_or_default();
            let status = self.post("/job_status", json!({ "name": name })).await;
            let p = self.try_job_progress(name).await.map(|p| p.raw);
            out.push_str(&format!("\n{name}: {status}\n  progress {p:?}"));
        }
        out
    }

    /// The state "no full sync" compares against: progress and BACKUPs of `db`.
    pub async fn full_sync_mark(&self, job: &str, db: &str) -> (ProgressView, Vec<String>) {
        (self.job_progress(job).await, self.source_backups(db).await)
    }

    /// "No full sync": `full_sync_start_at` unchanged and no new BACKUP on the source.
    pub async fn assert_no_full_sync(
        &self,
        job: &str,
        db: &str,
        before: &(ProgressView, Vec<String>),
    ) {
        let (p, backups) = self.full_sync_mark(job, db).await;
        assert_eq!(
            p.full_sync_start_at, before.0.full_sync_start_at,
            "job {job} ran a full sync: progress {}",
            p.raw
        );
        assert_eq!(
            backups, before.1,
            "job {job}: a new BACKUP was issued on the source"
        );
    }

    /// Like [`Scenario::assert_no_full_sync`], but partial-sync BACKUPs (`ccrp_`) are
    /// allowed; returns the new snapshot names.
    pub async fn assert_only_partial_syncs(
        &self,
        job: &str,
        db: &str,
        before: &(ProgressView, Vec<String>),
    ) -> Vec<String> {
        let (p, backups) = self.full_sync_mark(job, db).await;
        assert_eq!(
            p.full_sync_start_at, before.0.full_sync_start_at,
            "job {job} ran a full sync: progress {}",
            p.raw
        );
        let new: Vec<String> = backups
            .into_iter()
            .filter(|b| !before.1.contains(b))
            .collect();
        assert!(
            new.iter().all(|b| b.starts_with("ccrp_")),
            "job {job}: non-partial BACKUPs issued: {new:?}"
        );
        new
    }

    /// Like [`poll`], but the failure message also shows every job's status and progress.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, timeout: Duration, f: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        if let Some(v) = poll_impl::poll_until(timeout, f).await {
            return v;
        }
        let jobs = self.describe_jobs().await;
        panic!("timed out after {timeout:?} waiting for {what}; jobs: {jobs}");
    }

    /// Waits until the job's progress is an incremental state with everything applied.
    pub async fn wait_incremental(&self, job: &str) -> ProgressView {
        let what = format!("job {job} in incremental sync");
        self.wait_for(&what, db::EQUAL_TIMEOUT, || async {
            let p = self.try_job_progress(job).await?;
            // 1 / 3 = db incremental, 501 = table incremental (the original's numbers).
            matches!(p.sync_state, 1 | 3 | 501).then_some(p)
        })
        .await
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        for node in self.nodes.lock().iter_mut() {
            node.kill9();
        }
        self.src.kill();
        self.dst.kill();
        if std::thread::panicking() {
            if let Some(tmp) = self.tmp.take() {
                eprintln!("scenario failed; logs kept in {}", tmp.keep().display());
            }
        }
    }
}
