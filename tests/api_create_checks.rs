//! Job creation through the HTTP API against two `doris-emu` clusters, with the real
//! creation checks (original §2.9): errors say what to fix and change nothing; a valid
//! job is stored with the resolved ids; `/desync` and `/get_lag` reach the clusters.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ccr_syncer::api::{router, ApiState};
use ccr_syncer::doris::{quote_ident, ClusterSpec, SqlClient, SqlOptions};
use ccr_syncer::engine::create::DorisClusterOps;
use ccr_syncer::manager::{idle_runner_factory, JobManager, MemoryJobStore};
use doris_emu::testing::{EmuOptions, EmuProcess};
use serde_json::{json, Value};
use tower::ServiceExt;

const TABLE_DDL: &str = "(id INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") AGGREGATE KEY(id) \
     DISTRIBUTED BY HASH(id) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\"";

fn start(id_base: i64) -> (EmuProcess, SqlClient) {
    let emu = EmuProcess::start(EmuOptions {
        id_base: Some(id_base),
        ..Default::default()
    })
    .expect("doris-emu starts");
    let spec = ClusterSpec {
        host: "127.0.0.1".into(),
        port: emu.query_port().to_string(),
        thrift_port: emu.rpc_port().to_string(),
        user: "root".into(),
        database: "x".into(),
        ..Default::default()
    };
    let sql = SqlClient::new(&spec, None, SqlOptions::default()).expect("sql client");
    (emu, sql)
}

fn side(emu: &EmuProcess, db: &str, table: &str) -> Value {
    json!({"host": "127.0.0.1", "port": emu.query_port().to_string(),
           "thrift_port": emu.rpc_port().to_string(), "user": "root", "password": "",
           "database": db, "table": table})
}

async fn post(app: &axum::Router, path: &str, body: Value) -> Value {
    let req = Request::post(path)
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("response");
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("json reply")
}

fn error_of(v: &Value) -> String {
    assert_eq!(v["success"], false, "{v}");
    v["error_msg"].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creation_checks_against_emulated_clusters() {
    let (src_emu, src) = start(20_000);
    let (dst_emu, dst) = start(40_000);
    let db = quote_ident("ccr-db").expect("ident");
    src.exec(&format!("CREATE DATABASE {db}"))
        .await
        .expect("create db");
    let t = quote_ident("t-1").expect("ident");
    src.exec(&format!("CREATE TABLE {db}.{t} {TABLE_DDL})"))
        .await
        .expect("create table");

    let store = Arc::new(MemoryJobStore::new());
    let manager = JobManager::new(
        store,
        Arc::new(DorisClusterOps::default()),
        idle_runner_factory(),
    );
    let app = router(ApiState::new(Arc::new(manager)));
    let job = |src_table: &str, allow: bool| {
        json!({"name": "j1", "src": side(&src_emu, "ccr-db", src_table),
               "dest": side(&dst_emu, "ccr-db", "t-1"), "allow_table_exists": allow})
    };

    let e = error_of(&post(&app, "/create_ccr", job("missing", false)).await);
    assert!(e.contains("does not exist"), "{e}");
    let e = error_of(&post(&app, "/create_ccr", job("t-1", false)).await);
    assert!(
        e.contains("binlog disabled") && e.contains("ALTER TABLE"),
        "{e}"
    );
    assert_eq!(
        post(&app, "/list_jobs", json!({})).await,
        json!({"success": true})
    );

    src.exec(&format!(
        "ALTER TABLE {db}.{t} SET (\"binlog.enable\" = \"true\")"
    ))
    .await
    .expect("enable binlog");
    dst.exec(&format!("CREATE DATABASE IF NOT EXISTS {db}"))
        .await
        .expect("dest db");
    dst.exec(&format!("CREATE TABLE {db}.{t} {TABLE_DDL})"))
        .await
        .expect("dest table");
    let e = error_of(&post(&app, "/create_ccr", job("t-1", false)).await);
    assert!(
        e.contains("already exists") && e.contains("allow_table_exists"),
        "{e}"
    );

    let ok = post(&app, "/create_ccr", job("t-1", true)).await;
    assert_eq!(ok, json!({"success": true}));
    let detail = post(&app, "/job_detail", json!({"name": "j1"})).await;
    let spec: Value =
        serde_json::from_str(detail["job_detail"].as_str().expect("string")).expect("json");
    assert!(spec["src"]["db_id"].as_i64().unwrap_or(0) > 0, "{spec}");
    assert!(spec["src"]["table_id"].as_i64().unwrap_or(0) > 0, "{spec}");
    assert!(spec["dest"]["table_id"].as_i64().unwrap_or(0) > 0, "{spec}");

    assert_eq!(
        post(&app, "/desync", json!({"name": "j1"})).await,
        json!({"success": true})
    );
    let lag = post(&app, "/get_lag", json!({"name": "j1"})).await;
    assert_eq!(lag["success"], true, "{lag}");
    assert!(lag["lag"].as_i64().is_some(), "{lag}");
}
