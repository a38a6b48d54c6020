//! Shared helpers of the engine end-to-end tests: two `doris-emu` processes (source and
//! target), SQL helpers, polling, and runner start/stop with a `MemoryCheckpoint`.
#![allow(dead_code)]

// Shared with `support` (a test may load both, on purpose: each stays usable alone).
#[allow(clippy::duplicate_mod)]
#[path = "../support/poll.rs"]
mod poll_impl;

pub use poll_impl::poll;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use ccr_syncer::doris::{ClusterSpec, Secret, SqlClient, SqlOptions, SqlRow};
use ccr_syncer::engine::checkpoint::{
    CheckpointError, CheckpointHandle, MemoryCheckpoint, RunnerCommand, RunnerContext, RunnerExit,
};
use ccr_syncer::engine::status::JobStatus;
use ccr_syncer::engine::EngineOptions;
use ccr_syncer::job::{JobSpec, JobState, Progress, SyncState};
use doris_emu::testing::{EmuOptions, EmuProcess};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Source and target emulators.
pub struct Pair {
    pub src: EmuProcess,
    pub dest: EmuProcess,
}

impl Pair {
    /// Starts both (distinct id ranges, so ids never coincide across clusters).
    pub async fn start(src_bes: usize, dest_bes: usize) -> Pair {
        init_logs();
        tokio::task::spawn_blocking(move || {
            let src = EmuProcess::start(EmuOptions {
                be_count: src_bes,
                ..Default::default()
            })
            .expect("start source doris-emu");
            let dest = EmuProcess::start(EmuOptions {
                be_count: dest_bes,
                id_base: Some(700_000),
                be_id_base: Some(20_001),
                ..Default::default()
            })
            .expect("start target doris-emu");
            Pair { src, dest }
        })
        .await
        .expect("spawn_blocking")
    }
}

/// Spec of `emu`'s database `db` (table `table`, "" for db jobs).
pub fn spec(emu: &EmuProcess, db: &str, table: &str) -> ClusterSpec {
    ClusterSpec {
        host: emu.host().to_string(),
        port: emu.query_port().to_string(),
        thrift_port: emu.rpc_port().to_string(),
        user: "root".into(),
        password: Secret::new(""),
        database: db.into(),
        table: table.into(),
        ..Default::default()
    }
}

/// A SQL client on `emu` without a default database.
pub fn sql(emu: &EmuProcess) -> SqlClient {
    SqlClient::new(&spec(emu, "x", ""), None, SqlOptions::default()).expect("sql client")
}

/// Runs statements, panicking with the statement on failure.
pub async fn exec(c: &SqlClient, stmts: &[&str]) {
    for s in stmts {
        if let Err(e) = c.exec(s).await {
            panic!("{s}: {e}");
        }
    }
}

/// Rows of `q` as text (NULL = "NULL"), in result order.
pub async fn rows(c: &SqlClient, q: &str) -> Vec<Vec<String>> {
    let rows = c.query(q).await.unwrap_or_else(|e| panic!("{q}: {e}"));
    text_rows(&rows)
}

/// Rows of `q`, or `None` if the query fails (e.g. the table does not exist yet).
pub async fn try_rows(c: &SqlClient, q: &str) -> Option<Vec<Vec<String>>> {
    Some(text_rows(&c.query(q).await.ok()?))
}

fn text_rows(rows: &[SqlRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            r.columns()
                .iter()
                .map(|col| r.get_opt(col).unwrap_or("NULL").to_string())
                .collect()
        })
        .collect()
}

/// Waits until `q` returns the same rows on both sides; returns them.
pub async fn wait_equal(
    src: &SqlClient,
    dest: &SqlClient,
    q: &str,
    timeout: Duration,
) -> Vec<Vec<String>> {
    wait_same(src, dest, q, q, timeout).await
}

/// Waits until `qs` on the source returns the same rows as `qd` on the target (which may
/// fail meanwhile, e.g. before the table exists there); returns them.
pub async fn wait_same(
    src: &SqlClient,
    dest: &SqlClient,
    qs: &str,
    qd: &str,
    timeout: Duration,
) -> Vec<Vec<String>> {
    let start = Instant::now();
    loop {
        let want = rows(src, qs).await;
        let got = try_rows(dest, qd).await;
        if got.as_ref() == Some(&want) {
            return want;
        }
        if start.elapsed() > timeout {
            panic!("target never matched for {qd}\nsource: {want:?}\ntarget: {got:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Fast options for tests.
pub fn options() -> EngineOptions {
    EngineOptions {
        fatal_attempts: 3,
        ..Default::default()
    }
}

/// A running runner.
pub struct Running {
    pub cancel: CancellationToken,
    pub commands: mpsc::UnboundedSender<RunnerCommand>,
    pub status: Arc<JobStatus>,
    pub join: JoinHandle<RunnerExit>,
}

/// Starts `engine::run_with` for `job` from `progress`.
pub fn start_runner(
    job: &JobSpec,
    progress: Option<Progress>,
    checkpoint: Arc<dyn CheckpointHandle>,
    cancel: CancellationToken,
) -> Running {
    start_runner_with(job, progress, checkpoint, cancel, options())
}

/// [`start_runner`] with explicit engine options (e.g. feature switches).
pub fn start_runner_with(
    job: &JobSpec,
    progress: Option<Progress>,
    checkpoint: Arc<dyn CheckpointHandle>,
    cancel: CancellationToken,
    engine_options: EngineOptions,
) -> Running {
    let (tx, rx) = mpsc::unbounded_channel();
    let status = Arc::new(JobStatus::new(SyncState::TableFullSync));
    let ctx = RunnerContext {
        spec: job.clone(),
        progress,
        checkpoint,
        cancel: cancel.clone(),
        status: status.clone(),
        commands: rx,
    };
    let join = tokio::spawn(ccr_syncer::engine::run_with(ctx, engine_options));
    Running {
        cancel,
        commands: tx,
        status,
        join,
    }
}

impl Running {
    /// Cancels the runner and waits for it to exit, whatever the exit.
    pub async fn stop(self) {
        self.cancel.cancel();
        let _ = self.join.await;
    }
}

/// Starts job `name` (see [`job`]) from scratch with a fresh `MemoryCheckpoint`.
pub fn run_job(
    name: &str,
    pair: &Pair,
    (src_db, dest_db): (&str, &str),
    (src_table, dest_table): (&str, &str),
) -> (Arc<MemoryCheckpoint>, Running) {
    let cp = Arc::new(MemoryCheckpoint::new());
    let job = job(name, pair, src_db, dest_db, src_table, dest_table);
    let run = start_runner(&job, None, cp.clone(), CancellationToken::new());
    (cp, run)
}

/// A table or db job from `src` to `dest`.
pub fn job(
    name: &str,
    pair: &Pair,
    src_db: &str,
    dest_db: &str,
    src_table: &str,
    dest_table: &str,
) -> JobSpec {
    JobSpec {
        name: name.into(),
        src: spec(&pair.src, src_db, src_table),
        dest: spec(&pair.dest, dest_db, dest_table),
        skip_error: false,
        allow_table_exists: false,
    }
}

/// Waits until the checkpoint shows an incremental state with every binlog applied.
pub async fn wait_incremental(cp: &MemoryCheckpoint, status: &JobStatus) -> Progress {
    poll("incremental sync", Duration::from_secs(60), || async {
        let p = cp.progress()?;
        if let Some(JobState::Blocked { reason }) = cp.state() {
            panic!("job blocked: {reason}");
        }
        let _ = status;
        (p.sync_state.is_incremental() && p.is_done()).then_some(p)
    })
    .await
}

/// Checkpoint that cancels the runner right after its `after`-th save (optionally with a
/// delay, so the cancel lands in the middle of the next step).
pub struct CrashAfter {
    pub inner: Arc<MemoryCheckpoint>,
    pub after: u64,
    pub delay: Duration,
    /// Die *before* the `after`-th save is stored instead of after it.
    pub refuse: bool,
    pub cancel: CancellationToken,
    pub saves: AtomicU64,
}

#[async_trait]
impl CheckpointHandle for CrashAfter {
    async fn save(&self, progress: &Progress) -> Result<(), CheckpointError> {
        if self.cancel.is_cancelled() {
            // A dead process persists nothing more.
            return Err(CheckpointError::Fenced);
        }
        let n = self.saves.fetch_add(1, Ordering::SeqCst) + 1;
        if n == self.after && self.refuse {
            // Dead just before this checkpoint reached the store.
            self.cancel.cancel();
            return Err(CheckpointError::Fenced);
        }
        self.inner.save(progress).await?;
        if n == self.after {
            if self.delay.is_zero() {
                // Dead right after the checkpoint: the next step never starts.
                self.cancel.cancel();
                return Ok(());
            }
            let (cancel, delay) = (self.cancel.clone(), self.delay);
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                cancel.cancel();
            });
        }
        Ok(())
    }

    async fn set_state(&self, state: JobState) -> Result<(), CheckpointError> {
        self.inner.set_state(state).await
    }
}

/// Logs to the test output (`RUST_LOG` filters; default warnings of the syncer).
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("ccr_syncer=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// `POST http://<host>:<admin_port><path>` with a JSON body; panics on failure.
pub async fn admin(emu: &EmuProcess, path: &str, body: serde_json::Value) -> serde_json::Value {
    let url = format!("http://{}:{}{path}", emu.host(), emu.admin_port());
    let resp = reqwest::Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    let status = resp.status();
    let v: serde_json::Value = resp.json().await.unwrap_or_default();
    assert!(status.is_success(), "{url}: {status} {v}");
    v
}
