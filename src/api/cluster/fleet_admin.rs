//! [`FleetAdmin`]: the [`ClusterAdmin`] of a real node, over its fleet core.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use openraft::ServerState;
use syncer_raft::model::JobState;
use syncer_raft::{NodeId, NodeInfo};

use super::{ClusterAdmin, JobPlacement, NodeStatusView};
use crate::api::forward::root_cause;
use crate::fleet::admin::{AdminError, AdminOp, MemberView};
use crate::fleet::internal::{InternalState, MEMBERS_PATH};

/// Time limit for asking the leader for its member view (last contact lives there).
const LEADER_VIEW_TIMEOUT: Duration = Duration::from_secs(2);
/// Longest `add_member` waits for the new learner to catch up before giving up (the
/// learner stays; promote or remove it later).
const CATCH_UP_WAIT: Duration = Duration::from_secs(60);
/// Time limit for asking a node about to be added who it is.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);
/// The status endpoint of a node.
const STATUS_PATH: &str = "/cluster/status";
/// Most directory entries visited to size the data dir (keeps `/cluster/status` cheap).
const MAX_DIR_ENTRIES: usize = 10_000;

/// The admin operations of a node.
#[derive(Clone)]
pub struct FleetAdmin {
    internal: InternalState,
    data_dir: Option<PathBuf>,
}

impl FleetAdmin {
    /// Admin over `internal`; `data_dir` is reported (and sized) by `/cluster/status`.
    pub fn new(internal: InternalState, data_dir: Option<PathBuf>) -> Self {
        Self { internal, data_dir }
    }

    /// This node's status without the data dir size (cheap, synchronous).
    fn view(&self) -> NodeStatusView {
        let s = self.internal.status();
        let metrics = self.internal.core.raft.metrics().borrow().clone();
        let in_group = metrics
            .membership_config
            .membership()
            .get_node(&s.id)
            .is_some();
        let leader_http_addr = self.leader().map(|(_, info)| info.http_addr);
        NodeStatusView {
            id: s.id,
            role: role(metrics.state, in_group).to_string(),
            in_group,
            term: s.term,
            leader: s.leader,
            leader_http_addr,
            last_log_index: metrics.last_log_index,
            applied_index: s.applied,
            lease_ok: s.lease_valid,
            last_quorum_contact_ms: s.last_quorum_contact_ms,
            jobs_owned: s.owned,
            runners: s.runners.len(),
            raft_port: Some(self.internal.core.raft.local_addr().port()),
            data_dir: self.data_dir.as_ref().map(|d| d.display().to_string()),
            data_dir_bytes: None,
        }
    }

    /// The leader's member view (with last contact), if another node leads and answers.
    async fn leader_view(&self) -> Option<Vec<MemberView>> {
        let core = &self.internal.core;
        let (id, info) = core.raft.leader_info()?;
        if id == core.id {
            return None;
        }
        let call = core
            .client
            .post(&info.http_addr, MEMBERS_PATH, &(), LEADER_VIEW_TIMEOUT);
        match call.await {
            Ok(view) => Some(view),
            Err(e) => {
                tracing::debug!(leader = id, error = %e, "Leader member view unavailable.");
                None
            }
        }
    }
}

fn role(state: ServerState, in_group: bool) -> &'static str {
    match state {
        _ if !in_group => "none",
        ServerState::Leader => "leader",
        ServerState::Follower => "follower",
        ServerState::Candidate => "candidate",
        ServerState::Learner => "learner",
        ServerState::Shutdown => "shutdown",
    }
}

fn state_name(s: &JobState) -> (&'static str, Option<String>) {
    match s {
        JobState::Running => ("running", None),
        JobState::Paused => ("paused", None),
        JobState::Blocked { reason } => ("blocked", Some(reason.clone())),
        JobState::Failed { reason } => ("failed", Some(reason.clone())),
    }
}

/// Total size of the files under `dir`, or `None` when unreadable or too many entries.
fn dir_size(dir: &Path) -> Option<u64> {
    let mut total = 0u64;
    let mut seen = 0usize;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).ok()? {
            seen += 1;
            if seen > MAX_DIR_ENTRIES {
                return None;
            }
            let entry = entry.ok()?;
            let meta = entry.metadata().ok()?;
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                total = total.saturating_add(meta.len());
            }
        }
    }
    Some(total)
}

#[async_trait]
impl ClusterAdmin for FleetAdmin {
    fn node_id(&self) -> NodeId {
        self.internal.core.id
    }

    async fn members(&self) -> Vec<MemberView> {
        match self.leader_view().await {
            Some(view) => view,
            None => self.internal.core.members_view(),
        }
    }

    fn leader(&self) -> Option<(NodeId, NodeInfo)> {
        self.internal.core.raft.leader_info()
    }

    async fn status(&self) -> NodeStatusView {
        let dir = self.data_dir.clone();
        let size = match dir {
            Some(d) => tokio::task::spawn_blocking(move || dir_size(&d))
                .await
                .ok()
                .flatten(),
            None => None,
        };
        NodeStatusView {
            data_dir_bytes: size,
            ..self.view()
        }
    }

    async fn readiness(&self) -> NodeStatusView {
        self.view()
    }

    async fn admin(&self, op: AdminOp) -> Result<String, AdminError> {
        let AdminOp::AddMember { id, .. } = &op else {
            return self.internal.core.admin(op).await;
        };
        let id = *id;
        match tokio::time::timeout(CATCH_UP_WAIT, self.internal.core.admin(op)).await {
            Ok(r) => r,
            Err(_) => Err(AdminError::Failed(format!(
                "node {id} did not catch up within {CATCH_UP_WAIT:?} (it may stay a learner): \
                 check that its Raft address is reachable from the leader, then run \
                 `syncerctl member promote {id}` or `syncerctl member remove {id}`"
            ))),
        }
    }

    fn jobs(&self) -> Vec<JobPlacement> {
        self.internal.core.raft.read_state(|sm| {
            let st = &sm.state;
            st.jobs
                .iter()
                .map(|(name, rec)| {
                    let (state, reason) = state_name(&rec.state);
                    let own = st.owner(name);
                    JobPlacement {
                        name: name.clone(),
                        state: state.to_string(),
                        reason,
                        owner: own.and_then(|o| o.node),
                        epoch: own.map_or(0, |o| o.epoch),
                    }
                })
                .collect()
        })
    }

    async fn probe(&self, http_addr: &str) -> Result<NodeStatusView, String> {
        let client = &self.internal.core.client;
        let mut req = client
            .http()
            .post(client.url(http_addr, STATUS_PATH))
            .timeout(PROBE_TIMEOUT);
        if let Some(token) = &self.internal.token {
            req = req.bearer_auth(token.expose());
        }
        let resp = req.send().await.map_err(|e| root_cause(&e))?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(|e| root_cause(&e))?;
        match serde_json::from_slice::<StatusReply>(&body) {
            Ok(r) => Ok(r.status),
            Err(_) => Err(format!("HTTP {status}: not a syncer node status")),
        }
    }
}

/// The answer of `/cluster/status`.
#[derive(serde::Deserialize)]
struct StatusReply {
    status: NodeStatusView,
}
