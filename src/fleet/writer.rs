//! [`RaftWriter`]: proposes commands from any node. On the leader it writes locally;
//! elsewhere it forwards the command server-side to the leader's `/internal/raft_write`
//! (one hop: the leader never forwards again), so API clients never see a redirect.
//!
//! Retries are blind only when the command surely was not applied (no leader known, the
//! peer was not the leader, the request never left this node). A timeout after sending
//! means "outcome unknown" and is returned as [`WriteError::Unknown`].

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde::Serialize;
use syncer_raft::command::Command;
use syncer_raft::command::CommandResponse;
use syncer_raft::errors::RaftNodeError;
use syncer_raft::node::RaftNode;
use syncer_raft::NodeId;
use tokio::time::Instant;

use super::client::ClientError;
use super::client::InternalClient;

/// Path of the leader-side write endpoint.
pub const RAFT_WRITE_PATH: &str = "/internal/raft_write";

/// Pause between attempts while no leader is usable (an election takes ~0.5 s).
const RETRY_PAUSE: Duration = Duration::from_millis(50);

/// A write that did not (knowingly) succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// Not applied: no usable leader before the deadline. Retry later.
    #[error("raft group unavailable: {0}")]
    Unavailable(String),
    /// The command may or may not have been applied.
    #[error("raft write outcome unknown: {0}")]
    Unknown(String),
    /// This node's Raft has stopped.
    #[error("raft stopped: {0}")]
    Fatal(String),
}

/// The answer of `/internal/raft_write`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum WireWrite {
    /// Committed and applied on the leader; `index` is the leader's applied index after it.
    Applied {
        /// The command's result.
        response: CommandResponse,
        /// Leader's applied log index after the write (for read-your-writes).
        index: u64,
    },
    /// The peer is not the leader (any more).
    NotLeader {
        /// The leader the peer knows of.
        leader: Option<NodeId>,
    },
    /// Not applied (e.g. leadership not confirmed); retry.
    Unavailable {
        /// Cause.
        msg: String,
    },
    /// Outcome unknown.
    Unknown {
        /// Cause.
        msg: String,
    },
}

enum Step {
    Done(Result<CommandResponse, WriteError>),
    Retry(String),
}

/// Proposes commands to the group from this node. Cheap to share behind an `Arc`.
pub struct RaftWriter {
    raft: Arc<RaftNode>,
    client: InternalClient,
    deadline: Duration,
    forward_timeout: Duration,
}

impl RaftWriter {
    /// A writer that keeps trying to find a leader for up to `deadline` per write.
    pub fn new(raft: Arc<RaftNode>, client: InternalClient, deadline: Duration) -> Self {
        Self {
            raft,
            client,
            deadline,
            forward_timeout: Duration::from_secs(6),
        }
    }

    /// Writes `cmd` and, when it was forwarded, waits (bounded) until this node has applied
    /// it too, so a read on this node right after sees the change.
    pub async fn write(&self, cmd: Command) -> Result<CommandResponse, WriteError> {
        self.write_with(cmd, true).await
    }

    /// Writes `cmd` without waiting for the local state machine (hot paths: checkpoints).
    pub async fn write_fast(&self, cmd: Command) -> Result<CommandResponse, WriteError> {
        self.write_with(cmd, false).await
    }

    async fn write_with(&self, cmd: Command, wait: bool) -> Result<CommandResponse, WriteError> {
        let until = Instant::now() + self.deadline;
        loop {
            let why = match self.attempt(&cmd, wait).await {
                Step::Done(result) => return result,
                Step::Retry(why) => why,
            };
            if Instant::now() >= until {
                return Err(WriteError::Unavailable(why));
            }
            tracing::debug!(node = self.raft.id(), reason = %why, "Raft write retried.");
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    }

    async fn attempt(&self, cmd: &Command, wait: bool) -> Step {
        match self.raft.write(cmd.clone()).await {
            Ok(resp) => Step::Done(Ok(resp)),
            Err(RaftNodeError::ForwardToLeader {
                leader_id: Some(id),
                leader_node: Some(node),
            }) if id != self.raft.id() => self.forward(&node.http_addr, cmd, wait).await,
            Err(RaftNodeError::ForwardToLeader { .. }) => Step::Retry("no leader known".into()),
            Err(RaftNodeError::QuorumNotEnough(m)) => Step::Retry(m),
            Err(RaftNodeError::Timeout(m)) => Step::Done(Err(WriteError::Unknown(m))),
            Err(RaftNodeError::Rejected(m)) | Err(RaftNodeError::Fatal(m)) => {
                Step::Done(Err(WriteError::Fatal(m)))
            }
        }
    }

    async fn forward(&self, addr: &str, cmd: &Command, wait: bool) -> Step {
        let reply = self
            .client
            .post::<_, WireWrite>(addr, RAFT_WRITE_PATH, cmd, self.forward_timeout)
            .await;
        match reply {
            Ok(WireWrite::Applied { response, index }) => {
                if wait {
                    self.wait_local(index).await;
                }
                Step::Done(Ok(response))
            }
            Ok(WireWrite::NotLeader { leader }) => {
                Step::Retry(format!("{addr} is not the leader (it knows {leader:?})"))
            }
            Ok(WireWrite::Unavailable { msg }) => Step::Retry(msg),
            Ok(WireWrite::Unknown { msg }) => Step::Done(Err(WriteError::Unknown(msg))),
            Err(ClientError::NotSent { msg, .. }) => Step::Retry(msg),
            Err(e @ ClientError::Failed { .. }) => {
                Step::Done(Err(WriteError::Unknown(e.to_string())))
            }
        }
    }

    async fn wait_local(&self, index: u64) {
        let bound = self.deadline.min(Duration::from_secs(2));
        if let Err(e) = self.raft.wait_applied(index, bound).await {
            tracing::warn!(node = self.raft.id(), index, error = %e, "Forwarded write not yet applied locally.");
        }
    }

    /// Executes `cmd` on this node only: the leader side of `/internal/raft_write`.
    pub async fn write_local(&self, cmd: Command) -> WireWrite {
        match self.raft.write(cmd).await {
            Ok(response) => WireWrite::Applied {
                response,
                index: *self.raft.applied().borrow(),
            },
            Err(RaftNodeError::ForwardToLeader { leader_id, .. }) => {
                WireWrite::NotLeader { leader: leader_id }
            }
            Err(RaftNodeError::QuorumNotEnough(msg)) => WireWrite::Unavailable { msg },
            Err(RaftNodeError::Timeout(msg)) => WireWrite::Unknown { msg },
            Err(RaftNodeError::Rejected(msg)) | Err(RaftNodeError::Fatal(msg)) => {
                WireWrite::Unavailable { msg }
            }
        }
    }
}
