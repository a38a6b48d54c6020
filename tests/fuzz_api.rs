//! Fuzz target: HTTP request bodies of the syncer API (`/create_ccr`'s
//! `CreateCcrRequest`, the name-based bodies, `/update_job`), sent through
//! `ccr_syncer::api::router` with `tower::ServiceExt::oneshot`.
//!
//! Inputs: valid bodies with random field values, type-confusing JSON edits, byte
//! mutations and raw bytes, on every path. Property: no panic, a 200 JSON reply or a 4xx
//! (never a 5xx); an accepted spec round-trips through its store
//! JSON and `/job_detail` never shows its password. `FUZZ_CASES=N` scales the run.

#[path = "fuzz_common/json.rs"]
mod json;
#[path = "fuzz_common/mutate.rs"]
mod mutate;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use ccr_syncer::api::{router, ApiState};
use ccr_syncer::engine::create::NoopClusterOps;
use ccr_syncer::job::{CreateCcrRequest, JobSpec};
use ccr_syncer::manager::{idle_runner_factory, JobManager, MemoryJobStore};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

const PATHS: &[&str] = &[
    "/create_ccr",
    "/get_lag",
    "/pause",
    "/resume",
    "/delete",
    "/job_status",
    "/desync",
    "/update_job",
    "/list_jobs",
    "/job_detail",
    "/job_progress",
    "/force_fullsync",
    "/features",
    "/version",
];

/// A router over an in-memory store whose jobs never run.
fn app() -> Router {
    let store = Arc::new(MemoryJobStore::new());
    let m = JobManager::new(store, Arc::new(NoopClusterOps), idle_runner_factory());
    router(ApiState::new(Arc::new(m)))
}

/// Sends `body` to `path`; checks the status and returns the reply as JSON (Null if not).
fn send(rt: &tokio::runtime::Runtime, app: &Router, path: &str, body: Vec<u8>) -> Value {
    rt.block_on(async {
        let req = Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("request");
        let resp = app.clone().oneshot(req).await.expect("infallible router");
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 22)
            .await
            .expect("reply body");
        // A bad body is a 4xx (plain text for `/create_ccr`, like the original); never a 5xx.
        assert!(
            status == StatusCode::OK || status.is_client_error(),
            "{path}: {status} {bytes:?}"
        );
        match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) if status == StatusCode::OK => panic!("{path}: {e}: {bytes:?}"),
            Err(_) => Value::Null,
        }
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn port() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u16..).prop_map(|p| p.to_string()),
        Just(" 9030 ".to_string()),
        "\\PC{0,6}",
    ]
}

fn side(table: bool) -> impl Strategy<Value = Value> {
    let text = "\\PC{0,10}";
    (
        ("[a-z0-9.-]{1,12}", port(), port()),
        ("[a-z_]{1,8}", "[ -~]{8,16}", text, text),
    )
        .prop_map(move |((host, port, tport), (user, pw, db, t))| {
            let t = if table { t } else { String::new() };
            json!({"host": host, "port": port, "thrift_port": tport, "user": user,
                   "password": pw, "database": db, "table": t})
        })
}

/// A `/create_ccr` body with random fields, mostly acceptable.
fn create_body() -> impl Strategy<Value = Value> {
    let name = prop_oneof![4 => "[a-zA-Z0-9_.-]{1,20}", 1 => "\\PC{0,140}"];
    (name, any::<bool>(), any::<bool>(), any::<bool>()).prop_flat_map(
        |(name, table, skip, allow)| {
            (side(table), side(table)).prop_map(move |(src, dest)| {
                json!({"name": name, "src": src, "dest": dest,
                   "skip_error": skip, "allow_table_exists": allow})
            })
        },
    )
}

/// Any body a client might send: a create body, or a name-based one.
fn body() -> impl Strategy<Value = Value> {
    prop_oneof![
        create_body(),
        ("\\PC{0,20}", any::<bool>()).prop_map(|(n, s)| json!({"name": n, "skip_error": s})),
    ]
}

/// Creates the job, then checks its store JSON round trip and masked detail.
fn create_and_check(rt: &tokio::runtime::Runtime, app: &Router, body: &Value) {
    let text = body.to_string();
    let decoded: Result<CreateCcrRequest, _> = serde_json::from_str(&text);
    let reply = send(rt, app, "/create_ccr", text.into_bytes());
    let Some(spec) = decoded.ok().and_then(|r| r.into_spec().ok()) else {
        return;
    };
    let stored = JobSpec::from_store_json(&spec.to_store_json()).expect("store JSON");
    assert_eq!(stored, spec);
    if reply["success"] != json!(true) {
        return; // e.g. a duplicate name
    }
    let detail = send(
        rt,
        app,
        "/job_detail",
        json!({"name": spec.name}).to_string().into_bytes(),
    );
    let shown = detail["job_detail"].as_str().unwrap_or_default();
    for pw in [&body["src"]["password"], &body["dest"]["password"]] {
        let pw = pw.as_str().unwrap_or_default();
        assert!(
            pw.len() < 8 || !shown.contains(pw),
            "password leaked: {shown}"
        );
    }
}

proptest! {
    #![proptest_config(mutate::config(96))]

    #[test]
    fn valid_bodies_are_answered(bodies in prop::collection::vec(body(), 1..4), path in prop::sample::select(PATHS)) {
        let (rt, app) = (runtime(), app());
        for b in &bodies {
            create_and_check(&rt, &app, b);
            send(&rt, &app, path, b.to_string().into_bytes());
        }
    }

    #[test]
    fn json_edits_never_panic(b in body(), edits in json::json_edits(), path in prop::sample::select(PATHS)) {
        let (rt, app) = (runtime(), app());
        let edited = json::apply_edits(&b, &edits);
        create_and_check(&rt, &app, &edited);
        send(&rt, &app, path, edited.to_string().into_bytes());
        let _ = JobSpec::from_store_json(&edited.to_string());
    }

    #[test]
    fn byte_mutations_never_panic(b in body(), donor in body(), muts in mutate::mutations(), path in prop::sample::select(PATHS)) {
        let (rt, app) = (runtime(), app());
        let bytes = mutate::apply(b.to_string().as_bytes(), donor.to_string().as_bytes(), &muts);
        send(&rt, &app, path, bytes);
    }

    #[test]
    fn raw_bytes_never_panic(
        raw in prop::collection::vec(any::<u8>(), 0..256),
        text in mutate::noisy_text(),
        depth in 0usize..3000,
        path in prop::sample::select(PATHS),
    ) {
        let (rt, app) = (runtime(), app());
        send(&rt, &app, path, raw);
        send(&rt, &app, path, text.into_bytes());
        send(&rt, &app, path, json::deep_text(depth, depth % 2 == 0).into_bytes());
    }
}
