//! The two systems under test, on identical emulator pairs (release `doris-emu`, one BE
//! each side, the `emu_bench` table: UNIQUE KEY, 3 buckets, binlog on):
//! - [`EnginePair`]: one table job run in-process by `engine::run_with` (default options)
//!   with a `MemoryCheckpoint`; the engine does its own full sync first;
//! - [`FloorPair`]: the table copied by BACKUP/RESTORE, then replicated by the raw RPC loop
//!   `ReplLoop` of `emu_bench` (no engine).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use ccr_syncer::doris::{ClusterSpec, Secret};
use ccr_syncer::engine::checkpoint::{MemoryCheckpoint, RunnerContext, RunnerExit};
use ccr_syncer::engine::status::JobStatus;
use ccr_syncer::engine::EngineOptions;
use ccr_syncer::job::{JobSpec, JobState, Progress, SyncState};
use doris_thrift::frontend_service::TGetBinlogRequest;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::repl::ReplLoop;
use crate::setup::{self, Side, DB, TABLE};

/// Starts a source (ids from 10,000) and a target (ids from 50,000) emulator.
pub fn start_sides(binary: &Path) -> anyhow::Result<(Arc<Side>, Arc<Side>)> {
    let (src, dst) = setup::start_pair(binary)?;
    Ok((Arc::new(src), Arc::new(dst)))
}

fn spec(side: &Side) -> ClusterSpec {
    ClusterSpec {
        host: "127.0.0.1".into(),
        port: side.emu.query_port().to_string(),
        thrift_port: side.emu.rpc_port().to_string(),
        user: "root".into(),
        password: Secret::new(""),
        database: DB.into(),
        table: TABLE.into(),
        ..Default::default()
    }
}

/// Source commit seq of the newest binlog of the table.
pub async fn last_seq(src: &Side) -> anyhow::Result<i64> {
    let res = src
        .fe
        .get_binlog_lag(TGetBinlogRequest {
            prev_commit_seq: Some(0),
            ..Default::default()
        })
        .await?;
    res.last_commit_seq
        .context("getBinlogLag without last_commit_seq")
}

/// A table job between two emulators, run by the engine.
pub struct EnginePair {
    /// Source.
    pub src: Arc<Side>,
    /// Target.
    pub dst: Arc<Side>,
    /// The job's checkpoint store.
    pub cp: Arc<MemoryCheckpoint>,
    job: JobSpec,
    runner: Option<(CancellationToken, JoinHandle<RunnerExit>)>,
}

impl EnginePair {
    /// Starts the emulators and creates the source table (the job is not started).
    pub async fn new(binary: &Path) -> anyhow::Result<EnginePair> {
        let (src, dst) = start_sides(binary)?;
        setup::create_source_table(&src).await?;
        let job = JobSpec {
            name: "bench".into(),
            src: spec(&src),
            dest: spec(&dst),
            skip_error: false,
            allow_table_exists: false,
        };
        Ok(EnginePair {
            src,
            dst,
            cp: Arc::new(MemoryCheckpoint::new()),
            job,
            runner: None,
        })
    }

    /// Starts the runner from the checkpointed progress (none: full sync first).
    pub fn start(&mut self) {
        let cancel = CancellationToken::new();
        let (_tx, rx) = tokio::sync::mpsc::unbounded_channel();
        // Metrics attached as on a node: the per-UPSERT metric work is part of the cost.
        let status = Arc::new(JobStatus::new(SyncState::TableFullSync));
        status.attach_metrics(ccr_syncer::telemetry::Metrics::new(1).job(&self.job.name));
        let ctx = RunnerContext {
            spec: self.job.clone(),
            progress: self.cp.progress(),
            checkpoint: self.cp.clone(),
            cancel: cancel.clone(),
            status,
            commands: rx,
        };
        let join = tokio::spawn(ccr_syncer::engine::run_with(ctx, EngineOptions::default()));
        self.runner = Some((cancel, join));
    }

    /// Cancels the runner (a pause) and waits for it to exit.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if let Some((cancel, join)) = self.runner.take() {
            cancel.cancel();
            join.await?;
        }
        Ok(())
    }

    /// Waits until the job is incremental with every binlog up to `seq` applied.
    pub async fn wait_applied(&self, seq: i64, timeout: Duration) -> anyhow::Result<Progress> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(JobState::Blocked { reason }) = self.cp.state() {
                bail!("job blocked: {reason}");
            }
            if let Some(p) = self.cp.progress() {
                if p.sync_state.is_incremental() && p.is_done() && p.prev_commit_seq >= seq {
                    return Ok(p);
                }
            }
            if Instant::now() > deadline {
                bail!("engine did not apply up to seq {seq} within {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    /// Waits for the engine to be incremental and caught up with the source.
    pub async fn wait_caught_up(&self) -> anyhow::Result<Progress> {
        let seq = last_seq(&self.src).await?;
        self.wait_applied(seq, Duration::from_secs(120)).await
    }
}

/// The same table replicated by the raw RPC loop (no engine).
pub struct FloorPair {
    /// Source.
    pub src: Arc<Side>,
    /// Target.
    pub dst: Arc<Side>,
    /// (src db, src table, dst db, dst table).
    pub ids: (i64, i64, i64, i64),
    /// Commit seq the target is at.
    pub prev: i64,
}

impl FloorPair {
    /// Starts the emulators, creates the source table and copies it to the target.
    pub async fn new(binary: &Path) -> anyhow::Result<FloorPair> {
        let copied = setup::CopiedPair::start(binary).await?;
        Ok(FloorPair {
            src: Arc::new(copied.src),
            dst: Arc::new(copied.dst),
            ids: copied.ids,
            prev: copied.prev,
        })
    }

    /// Runs the loop continuously (1 ms sleep when caught up) until the returned flag is set;
    /// the task yields the last applied seq.
    pub fn follow(&self) -> (Arc<AtomicBool>, JoinHandle<anyhow::Result<i64>>) {
        let stop = Arc::new(AtomicBool::new(false));
        let (src, dst, ids, mut prev) = (self.src.clone(), self.dst.clone(), self.ids, self.prev);
        let flag = stop.clone();
        let task = tokio::spawn(async move {
            let mut lp = ReplLoop::new(&src.fe, &dst.fe, ids);
            while !flag.load(Ordering::SeqCst) {
                match lp.step(prev).await? {
                    Some((seq, _)) => prev = seq,
                    None => tokio::time::sleep(Duration::from_millis(1)).await,
                }
            }
            Ok(prev)
        });
        (stop, task)
    }
}
