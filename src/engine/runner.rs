//! The job runner: dispatches on `progress.sync_state`, retries with backoff, blocks the
//! job on what cannot be fixed automatically, stops at once when fenced or cancelled.

use tokio::sync::mpsc;

use crate::engine::backoff::Backoff;
use crate::engine::checkpoint::{CheckpointHandle, RunnerCommand, RunnerContext, RunnerExit};
use crate::engine::context::{EngineOptions, JobCtx};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::{full_sync, incremental};
use crate::job::{JobState, Progress, SyncState};

/// Operator commands, drained between steps.
pub struct Commands {
    rx: mpsc::UnboundedReceiver<RunnerCommand>,
    force_full_sync: bool,
    skip_error: bool,
}

impl Commands {
    /// Wraps the runner's command channel.
    pub fn new(rx: mpsc::UnboundedReceiver<RunnerCommand>, skip_error: bool) -> Self {
        Commands {
            rx,
            force_full_sync: false,
            skip_error,
        }
    }

    /// Applies every pending command.
    pub fn poll(&mut self) {
        while let Ok(cmd) = self.rx.try_recv() {
            match cmd {
                RunnerCommand::ForceFullSync => self.force_full_sync = true,
                RunnerCommand::SetSkipError(v) => self.skip_error = v,
            }
        }
    }

    /// True (once) if a full sync was requested.
    pub fn take_force_full_sync(&mut self) -> bool {
        std::mem::take(&mut self.force_full_sync)
    }

    /// Current `skip_error`.
    pub fn skip_error(&self) -> bool {
        self.skip_error
    }
}

/// Runs a job until cancelled, fenced or blocked, with default options.
pub async fn run(ctx: RunnerContext) -> RunnerExit {
    run_with(ctx, EngineOptions::default()).await
}

/// [`run`] with explicit options.
pub async fn run_with(rc: RunnerContext, options: EngineOptions) -> RunnerExit {
    let fresh = rc.progress.is_none();
    let name = rc.spec.name.clone();
    let mut p = rc
        .progress
        .unwrap_or_else(|| Progress::new(&name, !rc.spec.src.table.is_empty()));
    rc.status.set_progress(&p);
    let mut cmds = Commands::new(rc.commands, rc.spec.skip_error);
    let checkpoint = rc.checkpoint.clone();
    let job = match JobCtx::new(rc.spec, rc.checkpoint, rc.status, rc.cancel, options) {
        Ok(job) => job,
        Err(e) => return blocked_early(checkpoint.as_ref(), e.to_string()).await,
    };
    tracing::info!(job = %name, state = %p.sync_state, "runner started");
    let mut looper = Looper {
        backoff: Backoff::for_errors(),
        fatal: 0,
        pending_save: fresh,
    };
    loop {
        if job.cancel.is_cancelled() {
            return RunnerExit::Cancelled;
        }
        let before = p.prev_commit_seq;
        let res = looper.step(&job, &mut p, &mut cmds).await;
        if p.prev_commit_seq > before {
            // Binlogs were applied before this step ended: earlier failures are history.
            looper.backoff.reset();
            looper.fatal = 0;
        }
        if let Some(exit) = looper.handle(&job, &mut p, &cmds, res).await {
            tracing::info!(job = %name, ?exit, "runner stopped");
            return exit;
        }
    }
}

struct Looper {
    backoff: Backoff,
    fatal: u32,
    pending_save: bool,
}

impl Looper {
    async fn step(
        &mut self,
        job: &JobCtx,
        p: &mut Progress,
        cmds: &mut Commands,
    ) -> EngineResult<()> {
        cmds.poll();
        if p.sync_state.is_full_sync() {
            // A full sync is already running: the request is fulfilled by it.
            cmds.take_force_full_sync();
        }
        if self.pending_save {
            job.save(p).await?;
            self.pending_save = false;
        }
        match p.sync_state {
            s if s.is_incremental() => incremental::run(job, p, cmds).await,
            SyncState::DbSpecificTableFullSync => {
                p.new_full_sync(p.commit_seq, job.is_table());
                job.save(p).await
            }
            _ => full_sync::step(job, p).await,
        }
    }

    /// Reacts to a step result; `Some(exit)` ends the runner.
    async fn handle(
        &mut self,
        job: &JobCtx,
        p: &mut Progress,
        cmds: &Commands,
        res: EngineResult<()>,
    ) -> Option<RunnerExit> {
        let err = match res {
            Ok(()) => {
                self.backoff.reset();
                self.fatal = 0;
                job.status.record_success();
                return None;
            }
            Err(e) => e,
        };
        if let Some(m) = job.status.metrics() {
            error_kind(&err).into_iter().for_each(|k| m.error(k));
        }
        match err {
            EngineError::Cancelled => Some(RunnerExit::Cancelled),
            EngineError::Fenced(_) => Some(RunnerExit::Fenced),
            EngineError::Block(reason) => Some(stop(job, reason).await),
            EngineError::Fatal(msg) => self.on_fatal(job, p, cmds, msg).await,
            EngineError::Retryable(msg) => self.retry_later(job, msg).await,
        }
    }

    async fn on_fatal(
        &mut self,
        job: &JobCtx,
        p: &mut Progress,
        cmds: &Commands,
        msg: String,
    ) -> Option<RunnerExit> {
        self.fatal += 1;
        if self.fatal < job.options.fatal_attempts {
            return self.retry_later(job, msg).await;
        }
        if cmds.skip_error() && p.sync_state.is_incremental() && p.commit_seq > p.prev_commit_seq {
            tracing::warn!(job = %job.spec.name, seq = p.commit_seq, error = %msg, "skip_error: skipping binlog");
            p.rollback(true);
            self.fatal = 0;
            job.status.record_success();
            return match job.save(p).await {
                Err(EngineError::Fenced(_)) => Some(RunnerExit::Fenced),
                _ => None,
            };
        }
        Some(stop(job, msg).await)
    }

    async fn retry_later(&mut self, job: &JobCtx, msg: String) -> Option<RunnerExit> {
        let n = job.status.record_error(msg.clone());
        let delay = self.backoff.next_delay();
        tracing::warn!(job = %job.spec.name, retries = n, ?delay, error = %msg, "step failed; retrying");
        match job.sleep(delay).await {
            Ok(()) => None,
            Err(_) => Some(RunnerExit::Cancelled),
        }
    }
}

/// The `kind` label of `ccr_job_errors_total` (cancellation is not an error).
fn error_kind(e: &EngineError) -> Option<&'static str> {
    match e {
        EngineError::Retryable(_) => Some("retryable"),
        EngineError::Fatal(_) => Some("fatal"),
        EngineError::Block(_) => Some("blocked"),
        EngineError::Fenced(_) => Some("fenced"),
        EngineError::Cancelled => None,
    }
}

/// Blocks a job whose context cannot even be built (e.g. an invalid spec).
async fn blocked_early(checkpoint: &dyn CheckpointHandle, reason: String) -> RunnerExit {
    match checkpoint
        .set_state(JobState::Blocked {
            reason: reason.clone(),
        })
        .await
    {
        Err(e) if e.is_terminal() => RunnerExit::Fenced,
        _ => RunnerExit::Blocked(reason),
    }
}

/// Blocks the job with `reason` (persisted through the checkpoint seam).
async fn stop(job: &JobCtx, reason: String) -> RunnerExit {
    tracing::error!(job = %job.spec.name, %reason, "job blocked");
    job.status.record_error(reason.clone());
    job.status.set_blocked(Some(reason.clone()));
    match job
        .checkpoint
        .set_state(JobState::Blocked {
            reason: reason.clone(),
        })
        .await
    {
        Err(e) if e.is_terminal() => RunnerExit::Fenced,
        _ => RunnerExit::Blocked(reason),
    }
}
