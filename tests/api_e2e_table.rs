//! End to end through the HTTP API: a table job between two `doris-emu` clusters with the
//! real creation checks and the engine runner (full sync, then incremental inserts).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use ccr_syncer::api::{router, ApiState};
use ccr_syncer::doris::{ClusterSpec, SqlClient, SqlOptions};
use ccr_syncer::engine::create::DorisClusterOps;
use ccr_syncer::manager::{engine_runner_factory, JobManager, MemoryJobStore};
use doris_emu::testing::{EmuOptions, EmuProcess};
use serde_json::{json, Value};
use tower::ServiceExt;

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

fn side(emu: &EmuProcess, table: &str) -> Value {
    json!({"host": "127.0.0.1", "port": emu.query_port().to_string(),
           "thrift_port": emu.rpc_port().to_string(), "user": "root", "password": "",
           "database": "e2e", "table": table})
}

async fn post(app: &axum::Router, path: &str, body: Value) -> Value {
    let req = Request::post(path)
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("response");
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("json reply")
}

async fn rows(sql: &SqlClient, table: &str) -> Vec<String> {
    let q = format!("SELECT id, v FROM `e2e`.`{table}` ORDER BY id");
    match sql.query(&q).await {
        Ok(rows) => rows
            .iter()
            .map(|r| {
                format!(
                    "{}:{}",
                    r.get_opt("id").unwrap_or(""),
                    r.get_opt("v").unwrap_or("")
                )
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn wait_equal(
    src: &SqlClient,
    dst: &SqlClient,
    dst_table: &str,
    app: &axum::Router,
    what: &str,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (a, b) = (rows(src, "src-t").await, rows(dst, dst_table).await);
        if a == b && !a.is_empty() {
            return;
        }
        if Instant::now() > deadline {
            let st = post(app, "/job_status", json!({"name": "e2e"})).await;
            panic!("{what}: target never matched source: {a:?} vs {b:?}; status {st}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_job_full_then_incremental() {
    scenario("src-t").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_job_with_alias_full_then_incremental() {
    scenario("dst t").await;
}

async fn scenario(dst_table: &str) {
    let (src_emu, src) = start(20_000);
    let (dst_emu, dst) = start(40_000);
    src.exec("CREATE DATABASE `e2e`").await.expect("db");
    src.exec(
        "CREATE TABLE `e2e`.`src-t` (id INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
         AGGREGATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2 \
         PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
    )
    .await
    .expect("table");
    src.exec("INSERT INTO `e2e`.`src-t` VALUES (1, 10), (2, 20)")
        .await
        .expect("insert");

    let store = Arc::new(MemoryJobStore::new());
    let m = JobManager::new(
        store,
        Arc::new(DorisClusterOps::default()),
        engine_runner_factory(),
    );
    let app = router(ApiState::new(Arc::new(m)));
    let body =
        json!({"name": "e2e", "src": side(&src_emu, "src-t"), "dest": side(&dst_emu, dst_table)});
    assert_eq!(
        post(&app, "/create_ccr", body).await,
        json!({"success": true})
    );
    wait_equal(&src, &dst, dst_table, &app, "full sync").await;

    src.exec("INSERT INTO `e2e`.`src-t` VALUES (2, 5), (3, 30)")
        .await
        .expect("insert 2");
    wait_equal(&src, &dst, dst_table, &app, "incremental").await;
    let st = post(&app, "/job_status", json!({"name": "e2e"})).await;
    assert_eq!(
        st["status"]["progress_state"], "TableIncrementalSync",
        "{st}"
    );
}
