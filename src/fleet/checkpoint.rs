//! [`RaftCheckpoint`]: the runner seam ([`CheckpointHandle`]) for one runner holding
//! `(job, epoch)` on this node.
//!
//! `save` is a `SaveProgress{job, epoch, data}` through the [`ProgressBatcher`] (forwarded
//! to the leader when needed). The state machine rejects it unless `epoch` is the job's
//! current ownership epoch; a rejection means another node owns the job now (or it was
//! deleted), so the runner is told to stop at once. The checkpoint also refuses locally —
//! without a round trip — once it was revoked by the reconciler or the node's lease ran out.

use std::sync::Arc;

use async_trait::async_trait;
use syncer_raft::command::Command;
use syncer_raft::command::CommandResponse;
use syncer_raft::command::ProgressWrite;
use syncer_raft::command::Rejection;
use syncer_raft::model::Ownership;
use syncer_raft::node::RaftNode;
use syncer_raft::NodeId;
use tokio_util::sync::CancellationToken;

use super::batcher::ProgressBatcher;
use super::lease::Lease;
use super::store::to_raft_state;
use super::writer::RaftWriter;
use crate::engine::checkpoint::{CheckpointError, CheckpointHandle};
use crate::engine::status::JobStatus;
use crate::job::{JobState, Progress};

/// What every checkpoint of this node shares.
#[derive(Clone)]
pub struct CheckpointDeps {
    /// This node.
    pub node: NodeId,
    /// The local Raft node (ownership reads).
    pub raft: Arc<RaftNode>,
    /// Writes to the leader.
    pub writer: Arc<RaftWriter>,
    /// Batches progress saves.
    pub batcher: ProgressBatcher,
    /// The node's quorum lease.
    pub lease: Arc<Lease>,
}

/// Checkpoint of one runner holding `(job, epoch)`.
pub struct RaftCheckpoint {
    deps: CheckpointDeps,
    job: String,
    epoch: u64,
    revoked: CancellationToken,
    status: Arc<JobStatus>,
}

impl RaftCheckpoint {
    /// A checkpoint for `job` at `epoch`; `revoked` fences it locally when cancelled.
    pub fn new(
        deps: CheckpointDeps,
        job: String,
        epoch: u64,
        revoked: CancellationToken,
        status: Arc<JobStatus>,
    ) -> Self {
        Self {
            deps,
            job,
            epoch,
            revoked,
            status,
        }
    }

    /// Local fence: revoked, or no valid lease.
    fn gate(&self) -> Result<(), CheckpointError> {
        if self.revoked.is_cancelled() || !self.deps.lease.may_run() {
            return Err(CheckpointError::Fenced);
        }
        Ok(())
    }

    fn rejected(&self, reason: Rejection) -> CheckpointError {
        self.revoked.cancel();
        tracing::warn!(job = %self.job, epoch = self.epoch, node = self.deps.node, %reason,
            "Checkpoint rejected: this runner is fenced.");
        match reason {
            Rejection::JobNotFound { .. } => CheckpointError::Deleted,
            _ => CheckpointError::Fenced,
        }
    }

    fn still_owner(&self) -> bool {
        let expected = Ownership {
            node: Some(self.deps.node),
            epoch: self.epoch,
        };
        self.deps
            .raft
            .read_state(|sm| sm.state.owner(&self.job) == Some(&expected))
    }
}

#[async_trait]
impl CheckpointHandle for RaftCheckpoint {
    async fn save(&self, progress: &Progress) -> Result<(), CheckpointError> {
        self.gate()?;
        let data = serde_json::to_value(progress)
            .map_err(|e| CheckpointError::Unavailable(format!("encode progress: {e}")))?;
        let write = ProgressWrite {
            job: self.job.clone(),
            epoch: self.epoch,
            data,
        };
        match self.deps.batcher.save(write).await {
            Ok(CommandResponse::ProgressSaved { .. }) => {
                // Audit trail for the chaos checker: one line per committed progress, so it
                // can prove no two runners of a job ever committed at the same epoch.
                tracing::info!(target: "audit", job = %self.job, epoch = self.epoch,
                    node = self.deps.node, commit_seq = progress.commit_seq, "progress committed");
                self.status.set_progress(progress);
                Ok(())
            }
            Ok(CommandResponse::Rejected { reason }) => Err(self.rejected(reason)),
            Ok(other) => Err(CheckpointError::Unavailable(format!(
                "unexpected reply {other:?}"
            ))),
            Err(e) => Err(CheckpointError::Unavailable(e.to_string())),
        }
    }

    /// State changes are not epoch-checked by the state machine, so the ownership is
    /// checked locally first: a fenced runner cannot block or unblock a job.
    async fn set_state(&self, state: JobState) -> Result<(), CheckpointError> {
        self.gate()?;
        if !self.still_owner() {
            self.revoked.cancel();
            return Err(CheckpointError::Fenced);
        }
        let cmd = Command::SetJobState {
            name: self.job.clone(),
            state: to_raft_state(&state),
            at_ms: super::now_ms(),
        };
        match self.deps.writer.write(cmd).await {
            Ok(CommandResponse::Rejected { reason }) => Err(self.rejected(reason)),
            Ok(_) => {
                self.status
                    .set_blocked(state.blocked_reason().map(str::to_string));
                Ok(())
            }
            Err(e) => Err(CheckpointError::Unavailable(e.to_string())),
        }
    }
}
