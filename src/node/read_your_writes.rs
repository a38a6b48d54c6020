//! Read-your-writes across nodes: a write that this node forwarded to the leader (job and
//! cluster writes) returns only once this node has applied it too, so the client's next
//! read on this node sees it.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::api::forward::{FORWARDED_HEADER, LEADER_PATHS};
use crate::fleet::FleetCore;

/// Longest a forwarded write's reply is held back waiting for the local apply.
const BOUND: Duration = Duration::from_secs(2);

/// Middleware (outside the forwarding layer): after a leader-bound write handled through
/// another node, catch up with the leader before answering.
pub async fn layer(State(core): State<Arc<FleetCore>>, req: Request, next: Next) -> Response {
    let write = LEADER_PATHS.contains(&req.uri().path())
        && !req.headers().contains_key(FORWARDED_HEADER)
        && !core.raft.is_leader();
    let resp = next.run(req).await;
    if write && resp.status().is_success() {
        core.catch_up_with_leader(BOUND).await;
    }
    resp
}
