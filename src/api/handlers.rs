//! One handler per endpoint. Handlers never wait for a sync step: they only touch the
//! store and the manager's channels.

use super::reply::{err, name, ok, parse, result};
use super::ApiState;
use crate::job::CreateCcrRequest;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

const NAME_EMPTY: &str = "name is empty";

/// Runs `$op(name)` for a name-based endpoint with a plain success reply.
macro_rules! by_name {
    ($state:expr, $body:expr, $op:ident) => {
        match name(&$body, NAME_EMPTY) {
            Err(e) => err(e, json!({})),
            Ok(n) => result($state.manager.$op(&n).await),
        }
    };
}

/// `/version` → `{"version": "..."}`.
pub(crate) async fn version(State(s): State<ApiState>) -> Response {
    Json(json!({ "version": s.version })).into_response()
}

/// `/create_ccr`: undecodable JSON (incl. numeric ports) → HTTP 400 plain text.
pub(crate) async fn create_ccr(State(s): State<ApiState>, body: Bytes) -> Response {
    let req: CreateCcrRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let spec = match req.into_spec() {
        Ok(s) => s,
        Err(e) => return err(e, json!({})),
    };
    result(s.manager.create(spec).await)
}

/// `/get_lag` → `lag` always present; on success also `lag_seconds` (-1 = unknown).
pub(crate) async fn get_lag(State(s): State<ApiState>, body: Bytes) -> Response {
    let n = match name(&body, NAME_EMPTY) {
        Ok(n) => n,
        Err(e) => return err(e, json!({ "lag": 0 })),
    };
    match s.manager.lag(&n).await {
        Ok((lag, secs)) => ok(json!({ "lag": lag, "lag_seconds": secs })),
        Err(e) => err(e, json!({ "lag": 0 })),
    }
}

/// `/pause`.
pub(crate) async fn pause(State(s): State<ApiState>, body: Bytes) -> Response {
    by_name!(s, body, pause)
}

/// `/resume`.
pub(crate) async fn resume(State(s): State<ApiState>, body: Bytes) -> Response {
    by_name!(s, body, resume)
}

/// `/delete`.
pub(crate) async fn delete(State(s): State<ApiState>, body: Bytes) -> Response {
    by_name!(s, body, delete)
}

/// `/desync`.
pub(crate) async fn desync(State(s): State<ApiState>, body: Bytes) -> Response {
    by_name!(s, body, desync)
}

/// `/force_fullsync` (its own empty-name text, like the original).
pub(crate) async fn force_fullsync(State(s): State<ApiState>, body: Bytes) -> Response {
    match name(&body, "job name is empty") {
        Err(e) => err(e, json!({})),
        Ok(n) => result(s.manager.force_fullsync(&n).await),
    }
}

/// `/job_status` → `status: {name, state, progress_state}` plus `last_error`,
/// `retries`, `blocked_reason`, `sub_state`, `last_applied_commit_seq`.
pub(crate) async fn job_status(State(s): State<ApiState>, body: Bytes) -> Response {
    let n = match name(&body, NAME_EMPTY) {
        Ok(n) => n,
        Err(e) => return err(e, json!({})),
    };
    match s.manager.status(&n).await {
        Ok(v) => ok(json!({ "status": {
            "name": v.name,
            "state": v.state.name(),
            "progress_state": v.live.progress_state,
            "sub_state": v.live.sub_state,
            "last_error": v.live.last_error,
            "retries": v.live.retries,
            "blocked_reason": v.live.blocked_reason,
            "last_applied_commit_seq": v.live.last_applied_seq,
        }})),
        Err(e) => err(e, json!({})),
    }
}

#[derive(Deserialize)]
struct UpdateJobBody {
    #[serde(default)]
    skip_error: bool,
}

/// `/update_job` `{"name", "skip_error"}` (missing `skip_error` = false).
pub(crate) async fn update_job(State(s): State<ApiState>, body: Bytes) -> Response {
    let n = match name(&body, NAME_EMPTY) {
        Ok(n) => n,
        Err(e) => return err(e, json!({})),
    };
    match parse::<UpdateJobBody>(&body) {
        Ok(b) => result(s.manager.update_skip_error(&n, b.skip_error).await),
        Err(e) => err(e, json!({})),
    }
}

/// `/list_jobs` → `jobs` omitted when empty.
pub(crate) async fn list_jobs(State(s): State<ApiState>) -> Response {
    match s.manager.list().await {
        Ok(jobs) if jobs.is_empty() => ok(json!({})),
        Ok(jobs) => ok(json!({ "jobs": jobs })),
        Err(e) => err(e, json!({})),
    }
}

/// `/job_detail` → the job JSON as a string, passwords masked; `""` on error.
pub(crate) async fn job_detail(State(s): State<ApiState>, body: Bytes) -> Response {
    let n = match name(&body, NAME_EMPTY) {
        Ok(n) => n,
        Err(e) => return err(e, json!({ "job_detail": "" })),
    };
    match s.manager.job(&n).await {
        Ok(rec) => ok(json!({ "job_detail": rec.spec.to_masked_json(Some(rec.state.code())) })),
        Err(e) => err(e, json!({ "job_detail": "" })),
    }
}

/// `/job_progress` → the progress JSON as a string; `""` on error.
pub(crate) async fn job_progress(State(s): State<ApiState>, body: Bytes) -> Response {
    let n = match name(&body, NAME_EMPTY) {
        Ok(n) => n,
        Err(e) => return err(e, json!({ "job_progress": "" })),
    };
    match s.manager.progress(&n).await {
        Ok(p) => ok(json!({ "job_progress": p.to_json() })),
        Err(e) => err(e, json!({ "job_progress": "" })),
    }
}

/// `/features` → `flags` list.
pub(crate) async fn features(State(s): State<ApiState>) -> Response {
    ok(json!({ "flags": s.features }))
}
