//! The HTTP API served in-process (no node process): a router over a memory job store
//! with the real creation checks, and JSON POSTs to it.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ccr_syncer::api::{router, ApiState};
use ccr_syncer::doris::SqlClient;
use ccr_syncer::engine::create::DorisClusterOps;
use ccr_syncer::manager::{JobManager, MemoryJobStore, RunnerFactory};
use serde_json::{json, Value};
use tower::ServiceExt;

use super::rows::wait_pairs_equal;

/// A router over a fresh memory job store, the Doris creation checks and `runners`.
pub fn app(runners: Arc<dyn RunnerFactory>) -> axum::Router {
    let manager = JobManager::new(
        Arc::new(MemoryJobStore::new()),
        Arc::new(DorisClusterOps::default()),
        runners,
    );
    router(ApiState::new(Arc::new(manager)))
}

/// POSTs `body` to `path`: the status and the JSON reply.
pub async fn post_status(app: &axum::Router, path: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::post(path)
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    (status, serde_json::from_slice(&bytes).expect("json reply"))
}

/// POSTs `body` to `path`: the JSON reply, whatever the status.
pub async fn post(app: &axum::Router, path: &str, body: Value) -> Value {
    post_status(app, path, body).await.1
}

/// Waits up to 60 s until every `(source query, target query)` pair matches (see
/// [`wait_pairs_equal`]); else panics naming `what`, with the difference and the
/// `/job_status` of `job`.
pub async fn wait_job_equal<A, B>(
    app: &axum::Router,
    job: &str,
    (src, dst): (&SqlClient, &SqlClient),
    pairs: &[(A, B)],
    what: &str,
) where
    A: AsRef<str>,
    B: AsRef<str>,
{
    if let Err(diff) = wait_pairs_equal(src, dst, pairs, Duration::from_secs(60)).await {
        let st = post(app, "/job_status", json!({ "name": job })).await;
        panic!("{what}: target never matched source: {diff}; status {st}");
    }
}
