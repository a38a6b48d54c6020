//! Membership and admin endpoints (`/cluster/...`), with the API's JSON conventions:
//! `{"success":true,...}` or `{"success":false,"error_msg":...}`.
//!
//! - `GET /cluster/members` → `members: [MemberEntry]`, `leader`, `node`;
//! - `GET /cluster/leader` → `leader: {id, raft_addr, http_addr}`;
//! - `GET /cluster/status` → `status: NodeStatusView` (answered even outside a group);
//! - `GET /cluster/jobs` → `jobs: [JobPlacement]` (state and owner of every job);
//! - `POST /cluster/add_member {id, raft_addr, http_addr}`: learner, catch-up, voter;
//! - `POST /cluster/promote {id}`; `POST /cluster/remove {id}` (drains first);
//! - `POST /cluster/drain {id, undo?}`;
//! - `GET /health` → 200 `{"success":true,"node":..,"leader":..}` while the process serves
//!   (liveness, for health checks; no token needed);
//! - `GET /ready` → 200 `{"ready":true,..}` or 503 `{"ready":false,"reason":..}`
//!   (in a group, leader known, lease held and caught up; no token needed).
//!
//! The handlers validate against this node's view of the membership (unknown id, last
//! voter, nobody left to take the jobs) and run the operation through a [`ClusterAdmin`],
//! which sends it to the leader. When an API token is configured the endpoints require it.

mod fleet_admin;
mod handlers;
mod ready;

use std::sync::Arc;

use async_trait::async_trait;
use axum::middleware;
use axum::routing::{any, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use syncer_raft::{NodeId, NodeInfo};

use crate::doris::Secret;
use crate::fleet::admin::{AdminError, AdminOp, MemberView};

pub use fleet_admin::FleetAdmin;

/// The cluster operations the admin endpoints need; the node implements it over its fleet
/// core ([`FleetAdmin`]), tests with a fake.
#[async_trait]
pub trait ClusterAdmin: Send + Sync + 'static {
    /// This node's id.
    fn node_id(&self) -> NodeId;
    /// The members, with last contact from the leader's failure detector when known.
    async fn members(&self) -> Vec<MemberView>;
    /// The leader this node knows of.
    fn leader(&self) -> Option<(NodeId, NodeInfo)>;
    /// This node's status.
    async fn status(&self) -> NodeStatusView;
    /// The figures `/ready` decides on; implementations may skip the costly fields
    /// (e.g. the data dir size). Default: [`ClusterAdmin::status`].
    async fn readiness(&self) -> NodeStatusView {
        self.status().await
    }
    /// Runs a membership operation on the leader.
    async fn admin(&self, op: AdminOp) -> Result<String, AdminError>;
    /// Every job with its state and owner, from this node's replica (no specs: no secrets).
    fn jobs(&self) -> Vec<JobPlacement>;
    /// What the node whose API is at `http_addr` says about itself (its
    /// `/cluster/status`): checked before adding it.
    async fn probe(&self, http_addr: &str) -> Result<NodeStatusView, String>;
}

/// One member as `/cluster/members` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEntry {
    /// Node id.
    pub id: NodeId,
    /// Raft gRPC address.
    pub raft_addr: String,
    /// HTTP API address.
    pub http_addr: String,
    /// `voter` or `learner`.
    pub role: String,
    /// Current leader.
    pub is_leader: bool,
    /// Milliseconds since the leader last heard the node (unknown: `null`).
    pub last_contact_ms: Option<u64>,
    /// Jobs it owns.
    pub jobs_owned: usize,
    /// Marked draining.
    pub draining: bool,
}

impl From<MemberView> for MemberEntry {
    fn from(m: MemberView) -> Self {
        MemberEntry {
            id: m.id,
            raft_addr: m.raft_addr,
            http_addr: m.http_addr,
            role: if m.voter { "voter" } else { "learner" }.to_string(),
            is_leader: m.leader,
            last_contact_ms: m.last_contact_ms,
            jobs_owned: m.jobs_owned,
            draining: m.draining,
        }
    }
}

/// Where a job runs (`/cluster/jobs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobPlacement {
    /// Job name.
    pub name: String,
    /// `running`, `paused`, `blocked` or `failed`.
    pub state: String,
    /// Why it is blocked or failed.
    pub reason: Option<String>,
    /// The node running it (`null`: unassigned, e.g. paused or nowhere to go).
    pub owner: Option<NodeId>,
    /// Fencing epoch of the current assignment.
    pub epoch: u64,
}

/// The leader as `/cluster/leader` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderEntry {
    /// Leader id.
    pub id: NodeId,
    /// Its Raft address.
    pub raft_addr: String,
    /// Its HTTP API address.
    pub http_addr: String,
}

/// One node's view of itself (`/cluster/status`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeStatusView {
    /// This node.
    pub id: NodeId,
    /// `leader`, `follower`, `learner`, `candidate`, or `none` outside a group.
    pub role: String,
    /// `false` while the node is not a member of any group (e.g. waiting to be added).
    pub in_group: bool,
    /// Current term.
    pub term: u64,
    /// The leader this node knows of.
    pub leader: Option<NodeId>,
    /// The leader's HTTP address.
    pub leader_http_addr: Option<String>,
    /// Last log index in this node's log.
    pub last_log_index: Option<u64>,
    /// Last applied log index.
    pub applied_index: u64,
    /// `true` while the lease allows running jobs.
    pub lease_ok: bool,
    /// Milliseconds since the last confirmed quorum contact.
    pub last_quorum_contact_ms: Option<u64>,
    /// Jobs the replicated state says this node owns.
    pub jobs_owned: Vec<String>,
    /// Runners this node currently holds.
    pub runners: usize,
    /// Port the Raft server listens on (checked by `add_member` against the given address).
    #[serde(default)]
    pub raft_port: Option<u16>,
    /// Data directory.
    pub data_dir: Option<String>,
    /// Bytes under the data directory (when cheap to compute).
    pub data_dir_bytes: Option<u64>,
}

/// State of the admin endpoints.
#[derive(Clone)]
pub struct ClusterApi {
    /// The operations.
    pub admin: Arc<dyn ClusterAdmin>,
    /// Required bearer token, if configured.
    pub token: Option<Secret>,
}

/// The `/cluster/...` routes.
pub fn router(state: ClusterApi) -> Router {
    use handlers as h;
    Router::new()
        .route("/cluster/members", any(h::members))
        .route("/cluster/leader", any(h::leader))
        .route("/cluster/status", any(h::status))
        .route("/cluster/jobs", any(h::jobs))
        .route("/cluster/add_member", post(h::add_member))
        .route("/cluster/promote", post(h::promote))
        .route("/cluster/remove", post(h::remove))
        .route("/cluster/drain", post(h::drain))
        .layer(middleware::from_fn_with_state(
            state.token.clone(),
            super::guard::require_token,
        ))
        // After the auth layer: health checks (compose, scripts) carry no token.
        .route("/health", any(h::health))
        .route("/ready", any(ready::ready))
        .with_state(state)
}

#[cfg(test)]
mod tests;
