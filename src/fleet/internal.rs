//! The node-to-node HTTP endpoints, served on the API port next to the public API:
//!
//! - `POST /internal/raft_write` (a JSON `Command`) → [`WireWrite`]: leader-local write;
//! - `POST /internal/heartbeat` → [`HeartbeatReply`];
//! - `POST /internal/admin` (an [`AdminOp`]) → [`AdminReply`]: membership operations,
//!   forwarded one hop to the leader unless the request was already forwarded;
//! - `GET /internal/status` → [`NodeStatus`]; `GET /internal/members` → [`MemberView`]s.
//!
//! When an API token is configured every internal request must carry it
//! (`Authorization: Bearer <token>`); the token itself is never logged.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::middleware;
use axum::routing::{any, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use syncer_raft::command::Command;
use syncer_raft::NodeId;

use super::admin::{AdminOp, AdminReply, MemberView, ADMIN_PATH};
use super::client::FORWARDED_HEADER;
use super::heartbeat::{HeartbeatReply, HeartbeatRequest, HEARTBEAT_PATH};
use super::reconciler::Reconciler;
use super::writer::{WireWrite, RAFT_WRITE_PATH};
use super::FleetCore;
use crate::doris::Secret;

/// Path of the node status endpoint.
pub const STATUS_PATH: &str = "/internal/status";
/// Path of the member list endpoint.
pub const MEMBERS_PATH: &str = "/internal/members";
/// Path of the applied-index endpoint (read-your-writes after a forwarded write).
pub const APPLIED_PATH: &str = "/internal/applied";

/// The answer of `/internal/applied`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedReply {
    /// The answering node's last applied log index.
    pub applied: u64,
}

/// State of the internal endpoints.
#[derive(Clone)]
pub struct InternalState {
    /// The fleet core of this node.
    pub core: Arc<FleetCore>,
    /// The reconciler (for the runners this node holds).
    pub reconciler: Arc<Reconciler>,
    /// Required bearer token, if configured.
    pub token: Option<Secret>,
}

/// One node's view of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeStatus {
    /// This node.
    pub id: NodeId,
    /// The leader it knows of.
    pub leader: Option<NodeId>,
    /// Current term.
    pub term: u64,
    /// Last applied log index.
    pub applied: u64,
    /// `true` while the lease allows running jobs.
    pub lease_valid: bool,
    /// Milliseconds since the last confirmed quorum contact.
    pub last_quorum_contact_ms: Option<u64>,
    /// Jobs the replicated state says this node owns.
    pub owned: Vec<String>,
    /// Runners this node holds: job → epoch.
    pub runners: BTreeMap<String, u64>,
}

impl InternalState {
    /// This node's status.
    pub fn status(&self) -> NodeStatus {
        let core = &self.core;
        let (leader, term) = core.leader_and_term();
        let owned = core.raft.read_state(|sm| {
            let names = sm.state.jobs_owned_by(core.id);
            names.into_iter().map(str::to_string).collect()
        });
        NodeStatus {
            id: core.id,
            leader,
            term,
            applied: *core.raft.applied().borrow(),
            lease_valid: core.lease.may_run(),
            last_quorum_contact_ms: core
                .lease
                .last_contact_age()
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            owned,
            runners: self.reconciler.held(),
        }
    }
}

/// The internal routes (with token check).
pub fn router(state: InternalState) -> Router {
    Router::new()
        .route(RAFT_WRITE_PATH, post(raft_write))
        .route(HEARTBEAT_PATH, post(heartbeat))
        .route(ADMIN_PATH, post(admin))
        .route(STATUS_PATH, any(status))
        .route(MEMBERS_PATH, any(members))
        .route(APPLIED_PATH, any(applied))
        .layer(middleware::from_fn_with_state(
            state.token.clone(),
            crate::api::guard::require_token,
        ))
        .with_state(state)
}

/// `true` if `headers` carry the bearer `token` (always when none is configured).
pub use crate::api::guard::authorized;

async fn raft_write(State(s): State<InternalState>, Json(cmd): Json<Command>) -> Json<WireWrite> {
    Json(s.core.writer.write_local(cmd).await)
}

async fn heartbeat(
    State(s): State<InternalState>,
    Json(req): Json<HeartbeatRequest>,
) -> Json<HeartbeatReply> {
    Json(s.core.answer_heartbeat(req.node).await)
}

async fn admin(
    State(s): State<InternalState>,
    headers: HeaderMap,
    Json(op): Json<AdminOp>,
) -> Json<AdminReply> {
    if headers.contains_key(FORWARDED_HEADER) {
        return Json(s.core.admin_local(op).await);
    }
    Json(match s.core.admin(op).await {
        Ok(message) => AdminReply::Done { message },
        Err(e) => AdminReply::Failed {
            error: e.to_string(),
        },
    })
}

async fn applied(State(s): State<InternalState>) -> Json<AppliedReply> {
    Json(AppliedReply {
        applied: *s.core.raft.applied().borrow(),
    })
}

async fn status(State(s): State<InternalState>) -> Json<NodeStatus> {
    Json(s.status())
}

/// The member list; a follower asks the leader (which alone knows last contacts) and
/// falls back to its own view.
async fn members(State(s): State<InternalState>, headers: HeaderMap) -> Json<Vec<MemberView>> {
    let core = &s.core;
    let leader = core.raft.leader_info().filter(|(id, _)| *id != core.id);
    if let (Some((_, info)), false) = (leader, headers.contains_key(FORWARDED_HEADER)) {
        let timeout = std::time::Duration::from_secs(2);
        let call = core
            .client
            .post_forwarded(&info.http_addr, MEMBERS_PATH, &(), timeout);
        if let Ok(list) = call.await {
            return Json(list);
        }
    }
    Json(core.members_view())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_required_when_configured() {
        let token = Secret::new("t0ken");
        let mut headers = HeaderMap::new();
        assert!(authorized(None, &headers));
        assert!(!authorized(Some(&token), &headers));
        headers.insert("authorization", "Bearer wrong".parse().expect("header"));
        assert!(!authorized(Some(&token), &headers));
        headers.insert("authorization", "Bearer t0ken".parse().expect("header"));
        assert!(authorized(Some(&token), &headers));
    }
}
