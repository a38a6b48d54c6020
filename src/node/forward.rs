//! Forwards the job actions that need the job's runner (`/get_lag`, `/force_fullsync`) to
//! the node that owns the job, server-side: the client never sees a redirect. A request
//! that was already forwarded is always handled locally (one hop at most); if the owner is
//! unknown or unreachable the local node answers from the replicated state.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::fleet::client::FORWARDED_HEADER;
use crate::fleet::FleetCore;

/// Paths answered by the owner of the job.
const OWNER_PATHS: [&str; 2] = ["/get_lag", "/force_fullsync"];
/// Largest body read for forwarding.
const MAX_BODY: usize = 1024 * 1024;
/// Time limit of a forwarded call.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// The `name` field of a JSON body, if any.
fn job_name(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v.get("name")?.as_str().map(str::to_string)
}

/// The HTTP address of the job's owner when it is another node.
fn remote_owner(core: &FleetCore, job: &str) -> Option<String> {
    let owner = core
        .raft
        .read_state(|sm| sm.state.owner(job).and_then(|o| o.node))?;
    if owner == core.id {
        return None;
    }
    let metrics = core.raft.metrics();
    let m = metrics.borrow();
    let node = m.membership_config.membership().get_node(&owner)?;
    Some(node.http_addr.clone())
}

/// Middleware: sends owner-bound requests to the owner, everything else through.
pub async fn to_owner(State(core): State<Arc<FleetCore>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !OWNER_PATHS.contains(&path.as_str()) || req.headers().contains_key(FORWARDED_HEADER) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    };
    let owner = job_name(&bytes).and_then(|job| remote_owner(&core, &job));
    if let Some(addr) = owner {
        let call = core
            .client
            .forward_raw(&addr, &path, bytes.clone(), FORWARD_TIMEOUT);
        match call.await {
            Ok((status, body)) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                let json = [(axum::http::header::CONTENT_TYPE, "application/json")];
                return (status, json, body).into_response();
            }
            Err(e) => {
                tracing::warn!(node = core.id, owner = %addr, %path, error = %e,
                    "Owner unreachable; answering locally.");
            }
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
