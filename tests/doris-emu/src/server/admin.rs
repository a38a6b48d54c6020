//! The emulator's admin HTTP endpoint (`--admin-port`), for tests:
//!
//! - `GET  /health` → `{"status":"OK"}`
//! - `GET  /fault` → the installed rules (JSON array of [`FaultSpec`])
//! - `POST /fault` with a [`FaultSpec`] JSON body → the normalized rule
//! - `POST /fault/clear` with optional `{"target": "..."}` → `{"cleared": n}`
//! - `POST /gc_binlog` with optional `{"db": "x", "until_seq": n}` → forced binlog GC

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::backend;
use super::fault::FaultSpec;
use super::Shared;

/// The admin router.
pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/health", get(|| async { Json(json!({"status": "OK"})) }))
        .route("/fault", get(list_faults).post(set_fault))
        .route("/fault/clear", post(clear_faults))
        .route("/gc_binlog", post(gc_binlog))
        .with_state(shared)
}

fn bad_request(msg: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": msg}))).into_response()
}

/// Parses an optional JSON body (empty body = `T::default()`); the error is the message.
fn body<T: for<'de> Deserialize<'de> + Default>(bytes: &Bytes) -> Result<T, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| format!("bad JSON body: {e}"))
}

async fn list_faults(State(s): State<Shared>) -> Response {
    Json(s.faults.list()).into_response()
}

async fn set_fault(State(s): State<Shared>, bytes: Bytes) -> Response {
    let spec: FaultSpec = match serde_json::from_slice(&bytes) {
        Ok(spec) => spec,
        Err(e) => return bad_request(format!("bad fault spec: {e}")),
    };
    match s.faults.set(spec) {
        Ok(spec) => Json(spec).into_response(),
        Err(e) => bad_request(e.to_string()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClearRequest {
    target: Option<String>,
}

async fn clear_faults(State(s): State<Shared>, bytes: Bytes) -> Response {
    match body::<ClearRequest>(&bytes) {
        Ok(req) => Json(json!({"cleared": s.faults.clear(req.target.as_deref())})).into_response(),
        Err(e) => bad_request(e),
    }
}

/// Body of `POST /gc_binlog`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GcRequest {
    /// Database name; all databases when absent.
    pub db: Option<String>,
    /// Drop binlogs up to this commit seq; the newest one when absent.
    pub until_seq: Option<i64>,
}

async fn gc_binlog(State(s): State<Shared>, bytes: Bytes) -> Response {
    let req = match body::<GcRequest>(&bytes) {
        Ok(r) => r,
        Err(e) => return bad_request(e),
    };
    let cluster = s.cluster.clone();
    let done = tokio::task::spawn_blocking(move || backend::force_gc(&cluster, &req)).await;
    match done {
        Ok(Ok(info)) => Json(json!({"status": "OK", "info": info})).into_response(),
        Ok(Err(e)) => bad_request(e),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
