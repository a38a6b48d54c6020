//! Job creation through the HTTP API against two `doris-emu` clusters, with the real
//! creation checks (original §2.9): errors say what to fix and change nothing; a valid
//! job is stored with the resolved ids; `/desync` and `/get_lag` reach the clusters.

mod support;

use axum::http::StatusCode;
use ccr_syncer::doris::quote_ident;
use ccr_syncer::manager::idle_runner_factory;
use serde_json::{json, Value};
use support::api::{app, post_status};
use support::emu::{emu_opts, side, start_emu};

const TABLE_DDL: &str = "(id INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") AGGREGATE KEY(id) \
     DISTRIBUTED BY HASH(id) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\"";

/// POSTs `body` to `path`; the reply must be HTTP 200.
async fn post(app: &axum::Router, path: &str, body: Value) -> Value {
    let (status, reply) = post_status(app, path, body).await;
    assert_eq!(status, StatusCode::OK);
    reply
}

fn error_of(v: &Value) -> String {
    assert_eq!(v["success"], false, "{v}");
    v["error_msg"].as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creation_checks_against_emulated_clusters() {
    let (src_emu, src) = start_emu(emu_opts(20_000));
    let (dst_emu, dst) = start_emu(emu_opts(40_000));
    let db = quote_ident("ccr-db").expect("ident");
    src.exec(&format!("CREATE DATABASE {db}"))
        .await
        .expect("create db");
    let t = quote_ident("t-1").expect("ident");
    src.exec(&format!("CREATE TABLE {db}.{t} {TABLE_DDL})"))
        .await
        .expect("create table");

    let app = app(idle_runner_factory());
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
