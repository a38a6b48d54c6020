//! Starting runners: the factory seam, the store-backed checkpoint, and the supervisor
//! task that records how a runner ended.

use super::store::{JobStore, StoreError};
use crate::engine::checkpoint::{
    CheckpointError, CheckpointHandle, RunnerCommand, RunnerContext, RunnerExit,
};
use crate::engine::status::JobStatus;
use crate::job::{JobSpec, JobState, Progress};
use async_trait::async_trait;
use futures::future::BoxFuture;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// Starts the runner of a job. Production: `engine::run`; tests: a trivial runner.
pub trait RunnerFactory: Send + Sync {
    /// The runner future for `ctx` (spawned by the manager).
    fn start(&self, ctx: RunnerContext) -> BoxFuture<'static, RunnerExit>;
}

/// [`RunnerFactory`] from a closure `Fn(RunnerContext) -> impl Future<Output = RunnerExit>`.
pub struct FnRunnerFactory<F>(pub F);

impl<F, Fut> RunnerFactory for FnRunnerFactory<F>
where
    F: Fn(RunnerContext) -> Fut + Send + Sync,
    Fut: Future<Output = RunnerExit> + Send + 'static,
{
    fn start(&self, ctx: RunnerContext) -> BoxFuture<'static, RunnerExit> {
        Box::pin((self.0)(ctx))
    }
}

/// The production factory: each job runs [`crate::engine::run`].
pub fn engine_runner_factory() -> Arc<dyn RunnerFactory> {
    Arc::new(FnRunnerFactory(crate::engine::run))
}

/// [`engine_runner_factory`] with explicit engine options (e.g. the config's features).
pub fn engine_runner_factory_with(options: crate::engine::EngineOptions) -> Arc<dyn RunnerFactory> {
    Arc::new(FnRunnerFactory(move |ctx| {
        crate::engine::run_with(ctx, options.clone())
    }))
}

/// A runner that only waits for cancellation (tests, and a placeholder until the engine
/// runner is wired in).
pub fn idle_runner_factory() -> Arc<dyn RunnerFactory> {
    Arc::new(FnRunnerFactory(|ctx: RunnerContext| async move {
        ctx.cancel.cancelled().await;
        RunnerExit::Cancelled
    }))
}

/// Checkpoint backed by the [`JobStore`], fenced by a per-job epoch: once the manager has
/// started a newer runner (or stopped this one), the old runner's writes are refused.
pub(crate) struct StoreCheckpoint {
    pub(crate) store: Arc<dyn JobStore>,
    pub(crate) name: String,
    pub(crate) epoch: u64,
    pub(crate) current: Arc<AtomicU64>,
    pub(crate) status: Arc<JobStatus>,
}

fn map_store(e: StoreError) -> CheckpointError {
    match e {
        StoreError::NotFound(_) => CheckpointError::Deleted,
        StoreError::Fenced(_) => CheckpointError::Fenced,
        other => CheckpointError::Unavailable(other.to_string()),
    }
}

impl StoreCheckpoint {
    fn check_epoch(&self) -> Result<(), CheckpointError> {
        if self.current.load(Ordering::SeqCst) == self.epoch {
            Ok(())
        } else {
            Err(CheckpointError::Fenced)
        }
    }
}

#[async_trait]
impl CheckpointHandle for StoreCheckpoint {
    async fn save(&self, progress: &Progress) -> Result<(), CheckpointError> {
        self.check_epoch()?;
        self.store
            .save_progress(progress)
            .await
            .map_err(map_store)?;
        self.status.set_progress(progress);
        Ok(())
    }

    async fn set_state(&self, state: JobState) -> Result<(), CheckpointError> {
        self.check_epoch()?;
        self.store
            .set_state(&self.name, state.clone())
            .await
            .map_err(map_store)?;
        self.status
            .set_blocked(state.blocked_reason().map(str::to_string));
        Ok(())
    }
}

/// A started runner.
pub(crate) struct RunnerHandle {
    pub(crate) cancel: CancellationToken,
    pub(crate) commands: mpsc::UnboundedSender<RunnerCommand>,
    pub(crate) join: JoinHandle<()>,
}

/// What a runner start needs.
pub(crate) struct StartArgs {
    pub(crate) spec: JobSpec,
    pub(crate) store: Arc<dyn JobStore>,
    pub(crate) status: Arc<JobStatus>,
    pub(crate) checkpoint: Arc<dyn CheckpointHandle>,
    pub(crate) pending: Vec<RunnerCommand>,
    /// The previous runner of the job: the new one starts only after it has stopped,
    /// so two runners of one job never overlap on this node.
    pub(crate) after: Option<JoinHandle<()>>,
    /// This node's id, for the `node` field of the runner's log lines (fleet mode).
    pub(crate) node: Option<u64>,
}

/// The span every log line of a job's runner is emitted in (`job` and `node` fields).
/// ERROR level so it stays enabled whatever the filter: a disabled span would drop its
/// fields from the job's warnings and errors too.
fn job_span(name: &str, node: Option<u64>) -> tracing::Span {
    let span = tracing::error_span!("job", job = %name, node = tracing::field::Empty);
    if let Some(node) = node {
        span.record("node", node);
    }
    span
}

/// Spawns a supervisor that waits for the previous runner, loads the stored progress,
/// runs the new runner and records how it ended. Returns at once.
pub(crate) fn spawn_runner(factory: Arc<dyn RunnerFactory>, mut args: StartArgs) -> RunnerHandle {
    let cancel = CancellationToken::new();
    let (tx, rx) = mpsc::unbounded_channel();
    for c in args.pending.drain(..) {
        let _ = tx.send(c);
    }
    let span = job_span(&args.spec.name, args.node);
    let join = tokio::spawn(supervise(factory, args, cancel.clone(), rx).instrument(span));
    RunnerHandle {
        cancel,
        commands: tx,
        join,
    }
}

async fn supervise(
    factory: Arc<dyn RunnerFactory>,
    args: StartArgs,
    token: CancellationToken,
    rx: mpsc::UnboundedReceiver<RunnerCommand>,
) {
    if let Some(prev) = args.after {
        let _ = prev.await;
    }
    if token.is_cancelled() {
        return;
    }
    let name = args.spec.name.clone();
    let progress = match args.store.load_progress(&name).await {
        Ok(p) => p,
        Err(e) => {
            args.status
                .record_error(format!("cannot load progress: {e}"));
            return;
        }
    };
    if let Some(p) = &progress {
        args.status.set_progress(p);
    }
    let ctx = RunnerContext {
        spec: args.spec,
        progress,
        checkpoint: args.checkpoint.clone(),
        cancel: token,
        status: args.status.clone(),
        commands: rx,
    };
    // A spawned task does not inherit the span: pass the job's span on.
    let exit = tokio::spawn(factory.start(ctx).instrument(tracing::Span::current())).await;
    record_exit(&name, exit, &args.status, args.checkpoint.as_ref()).await;
}

async fn record_exit(
    name: &str,
    exit: Result<RunnerExit, tokio::task::JoinError>,
    status: &JobStatus,
    checkpoint: &dyn CheckpointHandle,
) {
    match exit {
        Ok(RunnerExit::Blocked(reason)) => {
            tracing::warn!(job = %name, %reason, "job blocked");
            status.set_blocked(Some(reason));
        }
        Ok(exit) => tracing::info!(job = %name, ?exit, "runner stopped"),
        Err(e) => {
            // A crashed runner must not look like a running job: block it visibly.
            let reason = format!("runner crashed: {e}; resume the job to restart it");
            tracing::error!(job = %name, %reason, "runner crashed");
            status.record_error(reason.clone());
            status.set_blocked(Some(reason.clone()));
            let _ = checkpoint.set_state(JobState::Blocked { reason }).await;
        }
    }
}
