use super::*;
use crate::engine::create::NoopClusterOps;
use crate::manager::{idle_runner_factory, MemoryJobStore};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;

/// Body of the seed's "Launch a synchronization task" curl (verbatim).
const SEED_330: &str = r#"{
    "name": "ccr_test",
    "src": {
      "host": "localhost",
      "port": "9030",
      "thrift_port": "9020",
      "user": "root",
      "password": "",
      "database": "your_db_name",
      "table": "your_table_name"
    },
    "dest": {
      "host": "localhost",
      "port": "9030",
      "thrift_port": "9020",
      "user": "root",
      "password": "",
      "database": "your_db_name",
      "table": "your_table_name"
    }
}"#;

/// Body of the seed's "Operators / create_ccr" curl (verbatim).
const SEED_589: &str = r#"{
    "name": "ccr_test",
    "src": {
    "host": "localhost",
    "port": "9030",
    "thrift_port": "9020",
    "user": "root",
    "password": "",
    "database": "demo",
    "table": "example_tbl"
    },
    "dest": {
    "host": "localhost",
    "port": "9030",
    "thrift_port": "9020",
    "user": "root",
    "password": "",
    "database": "ccrt",
    "table": "copy"
    }
}"#;

fn app() -> Router {
    let store = Arc::new(MemoryJobStore::new());
    let m = JobManager::new(store, Arc::new(NoopClusterOps), idle_runner_factory());
    router(ApiState::new(Arc::new(m)))
}

async fn call_raw(app: &Router, method: Method, path: &str, body: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn post(app: &Router, path: &str, body: &str) -> Value {
    let (status, text) = call_raw(app, Method::POST, path, body).await;
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
}

async fn post_name(app: &Router, path: &str, name: &str) -> Value {
    post(app, path, &json!({ "name": name }).to_string()).await
}

fn assert_ok(v: &Value) {
    assert_eq!(v["success"], true, "{v}");
    assert!(v.get("error_msg").is_none(), "{v}");
}

fn assert_err(v: &Value, contains: &str) {
    assert_eq!(v["success"], false, "{v}");
    let msg = v["error_msg"].as_str().unwrap_or_default();
    assert!(msg.contains(contains), "{msg:?} lacks {contains:?}");
}

#[tokio::test]
async fn seed_bodies_create_jobs() {
    for body in [SEED_330, SEED_589] {
        let app = app();
        assert_ok(&post(&app, "/create_ccr", body).await);
        let list = post(&app, "/list_jobs", "").await;
        assert_eq!(list, json!({"success": true, "jobs": ["ccr_test"]}));
    }
}

#[tokio::test]
async fn create_rejects_bad_input_and_changes_nothing() {
    let app = app();
    let (st, text) = call_raw(&app, Method::POST, "/create_ccr", "{not json").await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{text}");
    let numeric = SEED_589.replacen("\"9030\"", "9030", 1);
    let (st, _) = call_raw(&app, Method::POST, "/create_ccr", &numeric).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_err(&post(&app, "/create_ccr", "{}").await, "name is empty");
    assert_err(
        &post(&app, "/create_ccr", r#"{"name":"x"}"#).await,
        "src.host",
    );
    for bad in ["a'b", "a`b", "a\"b", "a b"] {
        let body = SEED_589.replace("\"ccr_test\"", &json!(bad).to_string());
        assert_err(&post(&app, "/create_ccr", &body).await, "invalid character");
    }
    let mismatch = SEED_589.replace("\"copy\"", "\"\"");
    assert_err(&post(&app, "/create_ccr", &mismatch).await, "both");
    assert_eq!(post(&app, "/list_jobs", "").await, json!({"success": true}));
    assert_ok(&post(&app, "/create_ccr", SEED_589).await);
    assert_err(
        &post(&app, "/create_ccr", SEED_589).await,
        "job ccr_test already exist",
    );
}

#[tokio::test]
async fn name_based_endpoints_validate_names() {
    let app = app();
    for path in [
        "/pause",
        "/resume",
        "/delete",
        "/desync",
        "/job_status",
        "/update_job",
    ] {
        assert_err(&post(&app, path, "{}").await, "name is empty");
        assert_err(&post(&app, path, r#"{"name":""}"#).await, "name is empty");
        assert_err(
            &post_name(&app, path, "ghost").await,
            "job not exist: ghost",
        );
        let (status, text) = call_raw(&app, Method::POST, path, "{oops").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {text}");
        assert!(text.contains("invalid request body"), "{path}: {text}");
    }
    assert_err(
        &post(&app, "/force_fullsync", "{}").await,
        "job name is empty",
    );
    let lag = post(&app, "/get_lag", "{}").await;
    assert_err(&lag, "name is empty");
    assert_eq!(lag["lag"], 0);
    let lag = post_name(&app, "/get_lag", "ghost").await;
    assert_eq!(lag["lag"], 0);
    let d = post_name(&app, "/job_detail", "ghost").await;
    assert_eq!(d["job_detail"], "");
    let p = post_name(&app, "/job_progress", "ghost").await;
    assert_eq!(p["job_progress"], "");
    // A body of the wrong shape is malformed: HTTP 400 with the JSON error.
    let (status, text) = call_raw(&app, Method::POST, "/pause", r#"{"name":5}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("name must be a string"), "{text}");
}

#[tokio::test]
async fn job_lifecycle_through_the_api() {
    let app = app();
    assert_ok(&post(&app, "/create_ccr", SEED_589).await);
    let st = post_name(&app, "/job_status", "ccr_test").await;
    assert_ok(&st);
    assert_eq!(st["status"]["name"], "ccr_test");
    assert_eq!(st["status"]["state"], "running");
    assert_eq!(st["status"]["progress_state"], "TableFullSync");
    assert_eq!(st["status"]["retries"], 0);
    assert!(st["status"]["last_error"].is_null());
    assert!(st["status"]["blocked_reason"].is_null());

    assert_ok(&post_name(&app, "/pause", "ccr_test").await);
    let st = post_name(&app, "/job_status", "ccr_test").await;
    assert_eq!(st["status"]["state"], "paused");
    assert_ok(&post_name(&app, "/resume", "ccr_test").await);
    let st = post_name(&app, "/job_status", "ccr_test").await;
    assert_eq!(st["status"]["state"], "running");

    let lag = post_name(&app, "/get_lag", "ccr_test").await;
    assert_ok(&lag);
    assert_eq!(lag["lag"], 0);

    assert_ok(
        &post(
            &app,
            "/update_job",
            r#"{"name":"ccr_test","skip_error":true}"#,
        )
        .await,
    );
    let detail = post_name(&app, "/job_detail", "ccr_test").await;
    let job: Value = serde_json::from_str(detail["job_detail"].as_str().unwrap()).unwrap();
    assert_eq!(job["skip_error"], true);
    assert_eq!(job["sync_type"], 1);
    assert_eq!(job["state"], 0);
    assert_eq!(job["src"]["port"], "9030");
    assert_eq!(job["dest"]["table"], "copy");

    let prog = post_name(&app, "/job_progress", "ccr_test").await;
    let p: Value = serde_json::from_str(prog["job_progress"].as_str().unwrap()).unwrap();
    assert_eq!(p["sync_state"], 500);
    assert_eq!(p["job_name"], "ccr_test");

    assert_ok(&post_name(&app, "/force_fullsync", "ccr_test").await);
    assert_ok(&post_name(&app, "/desync", "ccr_test").await);
    assert_ok(&post_name(&app, "/delete", "ccr_test").await);
    assert_eq!(post(&app, "/list_jobs", "").await, json!({"success": true}));
}

#[tokio::test]
async fn job_detail_masks_passwords() {
    let app = app();
    let body = SEED_589.replace("\"password\": \"\"", "\"password\": \"t0p'secret\"");
    assert_ok(&post(&app, "/create_ccr", &body).await);
    let (_, text) = call_raw(&app, Method::POST, "/job_detail", r#"{"name":"ccr_test"}"#).await;
    assert!(!text.contains("t0p"), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    let job: Value = serde_json::from_str(v["job_detail"].as_str().unwrap()).unwrap();
    assert_eq!(job["src"]["password"], "****");
    assert_eq!(job["dest"]["password"], "****");
}

#[tokio::test]
async fn any_method_and_static_endpoints() {
    let app = app();
    let (st, text) = call_raw(&app, Method::GET, "/version", "").await;
    assert_eq!(st, StatusCode::OK);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v, json!({ "version": DEFAULT_VERSION }));
    let (_, text) = call_raw(&app, Method::GET, "/features", "").await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["success"], true);
    let flags = v["flags"].as_array().unwrap();
    assert!(flags
        .iter()
        .any(|f| f == &json!({"feature":"feature_atomic_restore","value":true,"default":"true"})));
    let names: Vec<&str> = flags
        .iter()
        .map(|f| f["feature"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_ok(&post(&app, "/create_ccr", SEED_589).await);
    let (st, text) = call_raw(&app, Method::PUT, "/job_status", r#"{"name":"ccr_test"}"#).await;
    assert_eq!(st, StatusCode::OK, "{text}");
    let (st, text) = call_raw(&app, Method::GET, "/metrics", "").await;
    assert_eq!(st, StatusCode::OK);
    assert!(text.contains("ccr_jobs 1"), "{text}");
    assert!(text.contains("ccr_job_lag{job=\"ccr_test\"}"), "{text}");
    let (st, _) = call_raw(&app, Method::GET, "/list_jobs", "").await;
    assert_eq!(st, StatusCode::OK);
}

#[tokio::test]
async fn serves_over_tcp() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let store = Arc::new(MemoryJobStore::new());
    let m = JobManager::new(store, Arc::new(NoopClusterOps), idle_runner_factory());
    let stop = tokio_util::sync::CancellationToken::new();
    let server = tokio::spawn(serve(listener, ApiState::new(Arc::new(m)), stop.clone()));
    let url = format!("http://{addr}/version");
    let body = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(body.contains("version"), "{body}");
    stop.cancel();
    tokio::time::timeout(std::time::Duration::from_secs(5), server)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
}
