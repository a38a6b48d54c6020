//! A stand-in runner for fleet tests and dry runs: no Doris at all. Every `interval` it
//! "applies" the next sequence number (appending `job node seq` to a log file when one is
//! configured, the way a real runner writes to the target) and then checkpoints it, so
//! ownership, fencing and failover can be observed from outside the process.
//!
//! Enabled by `CCR_FLEET_DRY_RUN=1` (optional `CCR_FLEET_DRY_RUN_LOG=<file>`,
//! `CCR_FLEET_DRY_RUN_INTERVAL_MS=<ms>`, default 20); then job creation skips the Doris
//! checks too.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use syncer_raft::NodeId;

use crate::engine::checkpoint::{RunnerContext, RunnerExit};
use crate::job::Progress;
use crate::manager::{FnRunnerFactory, RunnerFactory};

/// Environment switch of the dry-run mode.
pub const DRY_RUN_ENV: &str = "CCR_FLEET_DRY_RUN";
/// Environment variable naming the apply log file.
pub const DRY_RUN_LOG_ENV: &str = "CCR_FLEET_DRY_RUN_LOG";
/// Environment variable with the apply interval in milliseconds.
pub const DRY_RUN_INTERVAL_ENV: &str = "CCR_FLEET_DRY_RUN_INTERVAL_MS";

/// Settings of the dry runner.
#[derive(Debug, Clone)]
pub struct DryRun {
    /// Where "applied" sequence numbers are appended (`None`: nowhere).
    pub log: Option<PathBuf>,
    /// Time between two applies.
    pub interval: Duration,
}

impl DryRun {
    /// The dry-run settings from the environment, if dry-run mode is on.
    pub fn from_env() -> Option<Self> {
        let on = std::env::var(DRY_RUN_ENV).is_ok_and(|v| v == "1" || v == "true");
        if !on {
            return None;
        }
        let ms = std::env::var(DRY_RUN_INTERVAL_ENV)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(20);
        Some(Self {
            log: std::env::var_os(DRY_RUN_LOG_ENV).map(PathBuf::from),
            interval: Duration::from_millis(ms.max(1)),
        })
    }

    /// A runner factory running [`DryRun::run`] for node `node`.
    pub fn factory(self, node: NodeId) -> Arc<dyn RunnerFactory> {
        let this = Arc::new(self);
        Arc::new(FnRunnerFactory(move |ctx: RunnerContext| {
            let this = this.clone();
            async move { this.run(node, ctx).await }
        }))
    }

    /// Applies and checkpoints one sequence number per interval until cancelled or fenced.
    pub async fn run(&self, node: NodeId, ctx: RunnerContext) -> RunnerExit {
        let name = ctx.spec.name.clone();
        let table = ctx.spec.sync_type() == crate::job::SyncType::Table;
        let mut progress = ctx
            .progress
            .clone()
            .unwrap_or_else(|| Progress::new(&name, table));
        tracing::info!(job = %name, node, seq = progress.commit_seq, "Dry runner started.");
        loop {
            tokio::select! {
                _ = ctx.cancel.cancelled() => return RunnerExit::Cancelled,
                _ = tokio::time::sleep(self.interval) => {}
            }
            let seq = progress.commit_seq + 1;
            if let Err(e) = self.apply(&name, node, seq) {
                tracing::warn!(job = %name, node, error = %e, "Dry apply failed.");
                continue;
            }
            let mut next = progress.clone();
            next.commit_seq = seq;
            // Advance only once checkpointed: a failed save re-applies `seq`, like a replay.
            match ctx.checkpoint.save(&next).await {
                Ok(()) => progress = next,
                Err(e) if e.is_terminal() => {
                    tracing::info!(job = %name, node, seq, error = %e, "Dry runner fenced.");
                    return RunnerExit::Fenced;
                }
                Err(e) => tracing::debug!(job = %name, node, error = %e, "Checkpoint retry."),
            }
        }
    }

    fn apply(&self, job: &str, node: NodeId, seq: i64) -> std::io::Result<()> {
        let Some(path) = &self.log else {
            return Ok(());
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        // One write per line: O_APPEND keeps concurrent writers' lines whole.
        file.write_all(format!("{job} {node} {seq}\n").as_bytes())
    }
}
