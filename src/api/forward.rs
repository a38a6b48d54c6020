//! Server-side forwarding: any node answers every API call, the client never sees a
//! redirect (original-syncer.md §1.3 redirects; we forward instead).
//!
//! - Job writes (`/create_ccr`, `/pause`, `/resume`, `/delete`, `/update_job`, `/desync`)
//!   and cluster writes (`/cluster/add_member|promote|remove|drain`) go to the leader.
//! - Runner-bound calls (`/get_lag`, `/job_status`, `/force_fullsync`) go to the job's owner.
//! - Everything else, and anything when the target is this node or unknown, is local
//!   (with no leader known a write is handled locally: the Raft writer waits for one).
//!
//! One hop at most: a forwarded request carries [`FORWARDED_HEADER`] (the sender's id) and
//! is never forwarded again. The client's `Authorization` header is passed on. A target
//! that cannot be reached → HTTP 503 with a JSON error naming it; reads that the replicated
//! state can answer (`/get_lag`, `/job_status`) fall back to the local answer instead.
//! Every forwarded call has a time limit: never a hang.

mod fleet_resolver;

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use syncer_raft::NodeId;

pub use crate::fleet::client::FORWARDED_HEADER;
pub use fleet_resolver::FleetResolver;

/// Paths handled by the leader.
pub const LEADER_PATHS: [&str; 10] = [
    "/create_ccr",
    "/pause",
    "/resume",
    "/delete",
    "/update_job",
    "/desync",
    "/cluster/add_member",
    "/cluster/promote",
    "/cluster/remove",
    "/cluster/drain",
];
/// Paths handled by the job's owner.
pub const OWNER_PATHS: [&str; 3] = ["/get_lag", "/job_status", "/force_fullsync"];
/// Owner-bound paths answered locally (from the replicated state) when the owner is down.
const LOCAL_FALLBACK_PATHS: [&str; 2] = ["/get_lag", "/job_status"];
/// Time limit of forwarded membership changes: they wait for a learner's catch-up and for
/// drains (bounded on the leader), so they get longer than the other calls.
pub const CLUSTER_WRITE_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a write whose leader just died waits for the next one (elections take well
/// under a second with the default timings).
pub const LEADER_WAIT: Duration = Duration::from_secs(3);

/// Another node a request can be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// Its id.
    pub id: NodeId,
    /// Its advertised HTTP address (for messages).
    pub http_addr: String,
    /// The address actually dialed (after NAT / test proxy rewrites).
    pub dial_addr: String,
}

/// Who handles what: the node implements it over its Raft state, tests with a fake.
pub trait ForwardResolver: Send + Sync + 'static {
    /// This node's id.
    fn my_id(&self) -> NodeId;
    /// The current leader, if known.
    fn leader(&self) -> Option<Peer>;
    /// The node owning job `name`, if any.
    fn owner(&self, name: &str) -> Option<Peer>;
}

/// The forwarding layer's state.
#[derive(Clone)]
pub struct Forwarder {
    resolver: Arc<dyn ForwardResolver>,
    http: reqwest::Client,
    timeout: Duration,
    max_body: usize,
    /// `http`, or `https` when the peers serve HTTPS.
    scheme: &'static str,
}

impl Forwarder {
    /// A forwarder with a per-call `timeout`, reading bodies up to `max_body` bytes.
    pub fn new(resolver: Arc<dyn ForwardResolver>, timeout: Duration, max_body: usize) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(1).min(timeout))
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            resolver,
            http,
            timeout,
            max_body,
            scheme: "http",
        }
    }

    /// The same forwarder calling peers over HTTPS, trusting only the PEM CA `ca_pem`.
    pub fn with_tls(mut self, ca_pem: &[u8]) -> Result<Self, crate::tls::TlsError> {
        self.http = crate::tls::https_client(ca_pem)?
            .connect_timeout(Duration::from_secs(1).min(self.timeout))
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| crate::tls::TlsError::Invalid {
                what: "forwarding HTTPS client".into(),
                msg: e.to_string(),
            })?;
        self.scheme = "https";
        Ok(self)
    }
}

/// Where a path goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Leader,
    Owner,
    Local,
}

fn route_of(path: &str) -> Route {
    if LEADER_PATHS.contains(&path) {
        Route::Leader
    } else if OWNER_PATHS.contains(&path) {
        Route::Owner
    } else {
        Route::Local
    }
}

/// The `name` field of a JSON body, if any.
fn job_name(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v.get("name")?.as_str().map(str::to_string)
}

/// A JSON error reply with an HTTP status.
fn json_error(status: StatusCode, msg: String) -> Response {
    let body = json!({ "success": false, "error_msg": msg });
    (status, axum::Json(body)).into_response()
}

/// What became of a request sent on.
enum Outcome {
    /// The target's answer.
    Reply(Response),
    /// Handle it here (this node is, or became, the target; or nobody is).
    Local,
    /// The target could not be had.
    Failed {
        /// The last target tried.
        peer: Peer,
        /// Why.
        msg: String,
    },
}

/// Middleware: sends leader- and owner-bound requests on, the rest through.
pub async fn forward(State(f): State<Forwarder>, req: Request, next: Next) -> Response {
    let route = route_of(req.uri().path());
    if route == Route::Local || req.headers().contains_key(FORWARDED_HEADER) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, f.max_body).await {
        Ok(b) => b,
        Err(e) => return json_error(StatusCode::PAYLOAD_TOO_LARGE, format!("request body: {e}")),
    };
    let target = match route {
        Route::Leader => f.resolver.leader(),
        _ => job_name(&bytes).and_then(|n| f.resolver.owner(&n)),
    };
    let outcome = match target.filter(|p| p.id != f.resolver.my_id()) {
        None => Outcome::Local,
        Some(peer) => relay(&f, route, &parts, peer, &bytes).await,
    };
    let path = parts.uri.path().to_string();
    let local = || next.run(Request::from_parts(parts, Body::from(bytes.clone())));
    match outcome {
        Outcome::Reply(resp) => resp,
        Outcome::Local => local().await,
        Outcome::Failed { peer, msg } if LOCAL_FALLBACK_PATHS.contains(&path.as_str()) => {
            tracing::warn!(owner = peer.id, %path, error = %msg,
                "Owner unreachable; answering from the local state.");
            local().await
        }
        Outcome::Failed { peer, msg } => {
            let what = if route == Route::Leader {
                "leader"
            } else {
                "owner"
            };
            let text = format!("{what} node {} ({}) {msg}", peer.id, peer.http_addr);
            json_error(StatusCode::SERVICE_UNAVAILABLE, text)
        }
    }
}

/// Sends the request to `peer`. A leader that surely did not get it (connection refused:
/// it just died) is looked up again once, after waiting for the election, so a write
/// during a leader change is answered instead of failed.
async fn relay(
    f: &Forwarder,
    route: Route,
    parts: &axum::http::request::Parts,
    mut peer: Peer,
    bytes: &Bytes,
) -> Outcome {
    let mut retried = false;
    loop {
        let err = match send(f, parts, &peer, bytes.clone()).await {
            Ok(resp) => return Outcome::Reply(resp),
            Err(e) => e,
        };
        if !(err.not_sent && route == Route::Leader && !retried) {
            return Outcome::Failed { peer, msg: err.msg };
        }
        retried = true;
        match next_leader(f, peer.id).await {
            Some(p) if p.id == f.resolver.my_id() => return Outcome::Local,
            Some(p) => peer = p,
            None => {
                let msg = format!("{}; no other leader within {LEADER_WAIT:?}", err.msg);
                return Outcome::Failed { peer, msg };
            }
        }
    }
}

/// A leader other than `old`, once one is known (bounded by [`LEADER_WAIT`]).
async fn next_leader(f: &Forwarder, old: NodeId) -> Option<Peer> {
    let deadline = tokio::time::Instant::now() + LEADER_WAIT;
    loop {
        if let Some(p) = f.resolver.leader().filter(|p| p.id != old) {
            return Some(p);
        }
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Why a forwarded call failed.
struct SendError {
    msg: String,
    /// The request surely did not reach the target (safe to send elsewhere).
    not_sent: bool,
}

/// Sends the request to `peer`; its reply, or why it could not be had.
async fn send(
    f: &Forwarder,
    parts: &axum::http::request::Parts,
    peer: &Peer,
    body: Bytes,
) -> Result<Response, SendError> {
    let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}://{}{pq}", f.scheme, peer.dial_addr);
    let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes())
        .unwrap_or(reqwest::Method::POST);
    let timeout = if parts.uri.path().starts_with("/cluster/") {
        f.timeout.max(CLUSTER_WRITE_TIMEOUT)
    } else {
        f.timeout
    };
    let mut req = f
        .http
        .request(method, &url)
        .timeout(timeout)
        .header(FORWARDED_HEADER, f.resolver.my_id().to_string())
        .body(body);
    for name in [header::AUTHORIZATION, header::CONTENT_TYPE] {
        if let Some(v) = parts.headers.get(&name) {
            req = req.header(name.as_str(), v.as_bytes());
        }
    }
    let resp = req.send().await.map_err(|e| describe(&e, timeout))?;
    let status = StatusCode::from_u16(resp.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let ctype = resp.headers().get(reqwest::header::CONTENT_TYPE).cloned();
    let bytes = resp.bytes().await.map_err(|e| describe(&e, timeout))?;
    let mut out = (status, bytes).into_response();
    if let Some(v) = ctype.and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok()) {
        out.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(out)
}

/// The innermost cause of a client error, worded like `connection refused`.
pub(crate) fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let text = cur.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn describe(e: &reqwest::Error, timeout: Duration) -> SendError {
    let msg = if e.is_connect() {
        format!("unreachable: {}", root_cause(e))
    } else if e.is_timeout() {
        format!("did not answer within {timeout:?} (outcome unknown)")
    } else {
        format!("call failed: {}", root_cause(e))
    };
    SendError {
        msg,
        not_sent: e.is_connect(),
    }
}

#[cfg(test)]
mod tests;
