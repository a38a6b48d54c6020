//! Membership operations (add / promote / remove / drain) and the member list.
//!
//! They run on the leader; [`FleetCore::admin`] called on any node forwards the operation
//! one hop to the leader's `/internal/admin`, so callers (the admin API, syncerctl, a
//! joining node) can use any member.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Deserialize;
use serde::Serialize;
use syncer_raft::command::Command;
use syncer_raft::errors::RaftNodeError;
use syncer_raft::NodeId;
use syncer_raft::NodeInfo;

use super::client::ClientError;
use super::FleetCore;

/// Path of the leader-side admin endpoint.
pub const ADMIN_PATH: &str = "/internal/admin";
/// Longest a drain (or a remove, which drains first) waits for the node to own nothing.
const DRAIN_WAIT: Duration = Duration::from_secs(30);

/// A membership operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AdminOp {
    /// Add a node: learner, wait for it to catch up, promote to voter. Idempotent.
    AddMember {
        /// New node's id.
        id: NodeId,
        /// Its Raft gRPC address.
        raft_addr: String,
        /// Its HTTP API address.
        http_addr: String,
    },
    /// Make a learner a voter.
    Promote {
        /// The learner.
        id: NodeId,
    },
    /// Drain a node, then remove it from the group.
    RemoveMember {
        /// The node.
        id: NodeId,
    },
    /// Set (and wait until the node owns nothing) or clear the draining mark.
    Drain {
        /// The node.
        id: NodeId,
        /// `true` to drain, `false` to undrain.
        draining: bool,
    },
}

/// The answer of `/internal/admin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AdminReply {
    /// Done; a human-readable summary.
    Done {
        /// Summary.
        message: String,
    },
    /// The receiver is not the leader.
    NotLeader {
        /// The leader it knows of.
        leader: Option<NodeId>,
    },
    /// The operation failed.
    Failed {
        /// Why.
        error: String,
    },
}

/// Why an admin operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// No leader could be reached.
    #[error("no reachable leader: {0}")]
    NoLeader(String),
    /// The leader refused or failed the operation.
    #[error("{0}")]
    Failed(String),
}

/// One member as `member list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    /// Node id.
    pub id: NodeId,
    /// Raft gRPC address.
    pub raft_addr: String,
    /// HTTP API address.
    pub http_addr: String,
    /// Voter (else learner).
    pub voter: bool,
    /// Current leader.
    pub leader: bool,
    /// Milliseconds since the leader last heard its heartbeat (only known on the leader).
    pub last_contact_ms: Option<u64>,
    /// Jobs it owns.
    pub jobs_owned: usize,
    /// Marked draining.
    pub draining: bool,
}

fn err_text(e: RaftNodeError) -> String {
    e.to_string()
}

impl FleetCore {
    /// Runs `op` on the leader (forwarding one hop when this node is not the leader).
    pub async fn admin(&self, op: AdminOp) -> Result<String, AdminError> {
        let (leader, _) = self.leader_and_term();
        let reply = if leader == Some(self.id) {
            self.admin_local(op).await
        } else {
            let Some((_, info)) = self.raft.leader_info() else {
                return Err(AdminError::NoLeader("no leader known".into()));
            };
            let timeout = DRAIN_WAIT + Duration::from_secs(30);
            let call = self
                .client
                .post_forwarded(&info.http_addr, ADMIN_PATH, &op, timeout);
            call.await
                .map_err(|e: ClientError| AdminError::NoLeader(e.to_string()))?
        };
        match reply {
            AdminReply::Done { message } => Ok(message),
            AdminReply::NotLeader { leader } => Err(AdminError::NoLeader(format!(
                "leadership moved (now {leader:?}); retry"
            ))),
            AdminReply::Failed { error } => Err(AdminError::Failed(error)),
        }
    }

    /// Runs `op` here; answers [`AdminReply::NotLeader`] if this node does not lead.
    pub async fn admin_local(&self, op: AdminOp) -> AdminReply {
        let (leader, _) = self.leader_and_term();
        if leader != Some(self.id) {
            return AdminReply::NotLeader { leader };
        }
        let _serial = self.membership_lock.lock().await;
        tracing::info!(node = self.id, ?op, "Membership operation.");
        let result = match op {
            AdminOp::AddMember {
                id,
                raft_addr,
                http_addr,
            } => {
                self.add_member(id, NodeInfo::new(raft_addr, http_addr))
                    .await
            }
            AdminOp::Promote { id } => self.promote(id).await,
            AdminOp::RemoveMember { id } => self.remove_member(id).await,
            AdminOp::Drain { id, draining } => self.drain(id, draining).await,
        };
        match result {
            Ok(message) => AdminReply::Done { message },
            Err(error) => AdminReply::Failed { error },
        }
    }

    fn voters(&self) -> BTreeSet<NodeId> {
        let metrics = self.raft.metrics();
        let m = metrics.borrow();
        m.membership_config.membership().voter_ids().collect()
    }

    async fn add_member(&self, id: NodeId, info: NodeInfo) -> Result<String, String> {
        if self.voters().contains(&id) {
            return Ok(format!("node {id} is already a voter"));
        }
        if self.raft.read_state(|sm| sm.state.draining.contains(&id)) {
            // A re-added node (drained when it was removed) takes jobs again.
            self.drain(id, false).await?;
        }
        self.raft.add_learner(id, info).await.map_err(err_text)?;
        self.promote(id).await?;
        Ok(format!("node {id} added as a voter"))
    }

    async fn promote(&self, id: NodeId) -> Result<String, String> {
        let mut voters = self.voters();
        if !voters.insert(id) {
            return Ok(format!("node {id} is already a voter"));
        }
        self.raft
            .change_membership(voters)
            .await
            .map_err(err_text)?;
        Ok(format!("node {id} promoted to voter"))
    }

    async fn remove_member(&self, id: NodeId) -> Result<String, String> {
        self.drain(id, true).await?;
        let mut voters = self.voters();
        if voters.remove(&id) {
            if voters.is_empty() {
                return Err("cannot remove the last voter".into());
            }
            self.raft
                .change_membership(voters)
                .await
                .map_err(err_text)?;
        } else {
            let change = openraft::ChangeMembers::RemoveNodes(BTreeSet::from([id]));
            let removed = self.raft.raft().change_membership(change, false).await;
            removed.map_err(|e| e.to_string())?;
        }
        // The draining mark stays (harmless for a non-member); a later add clears it.
        Ok(format!("node {id} removed"))
    }

    async fn drain(&self, id: NodeId, draining: bool) -> Result<String, String> {
        let mark = Command::SetNodeDraining { node: id, draining };
        self.writer.write(mark).await.map_err(|e| e.to_string())?;
        if !draining {
            return Ok(format!("node {id} accepts jobs again"));
        }
        let mut applied = self.raft.applied();
        let wait = async {
            loop {
                let owned = self.raft.read_state(|sm| sm.state.jobs_owned_by(id).len());
                if owned == 0 {
                    return;
                }
                if applied.changed().await.is_err() {
                    return;
                }
            }
        };
        tokio::time::timeout(DRAIN_WAIT, wait)
            .await
            .map_err(|_| format!("node {id} still owns jobs after {DRAIN_WAIT:?}"))?;
        Ok(format!("node {id} drained"))
    }

    /// The members with their roles, jobs and (on the leader) last contact.
    pub fn members_view(&self) -> Vec<MemberView> {
        let metrics = self.raft.metrics();
        let m = metrics.borrow().clone();
        let membership = m.membership_config.membership();
        let voters: BTreeSet<NodeId> = membership.voter_ids().collect();
        let leading = m.current_leader == Some(self.id);
        let (owned, draining) = self.raft.read_state(|sm| {
            let mut owned = std::collections::BTreeMap::<NodeId, usize>::new();
            for own in sm.state.ownership.values() {
                if let Some(n) = own.node {
                    *owned.entry(n).or_default() += 1;
                }
            }
            (owned, sm.state.draining.clone())
        });
        membership
            .nodes()
            .map(|(id, info)| MemberView {
                id: *id,
                raft_addr: info.raft_addr.clone(),
                http_addr: info.http_addr.clone(),
                voter: voters.contains(id),
                leader: m.current_leader == Some(*id),
                last_contact_ms: leading
                    .then(|| self.liveness.last_heard(*id))
                    .flatten()
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                jobs_owned: owned.get(id).copied().unwrap_or(0),
                draining: draining.contains(id),
            })
            .collect()
    }
}
