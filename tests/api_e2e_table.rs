//! End to end through the HTTP API: a table job between two `doris-emu` clusters with the
//! real creation checks and the engine runner (full sync, then incremental inserts).

mod support;

use ccr_syncer::doris::SqlClient;
use ccr_syncer::manager::engine_runner_factory;
use serde_json::json;
use support::api::{app, post, wait_job_equal};
use support::emu::{emu_opts, side, start_emu};
use support::sum_tables::sum_table_ddl;

/// Waits until `e2e`.`dst_table` on `dst` equals `e2e`.`src-t` on `src`.
async fn wait_equal(
    src: &SqlClient,
    dst: &SqlClient,
    dst_table: &str,
    app: &axum::Router,
    what: &str,
) {
    let q = |t: &str| format!("SELECT id, v FROM `e2e`.`{t}` ORDER BY id");
    let pairs = [(q("src-t"), q(dst_table))];
    wait_job_equal(app, "e2e", (src, dst), &pairs, what).await;
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
    let (src_emu, src) = start_emu(emu_opts(20_000));
    let (dst_emu, dst) = start_emu(emu_opts(40_000));
    src.exec("CREATE DATABASE `e2e`").await.expect("db");
    src.exec(&sum_table_ddl("e2e", "src-t", 1))
        .await
        .expect("table");
    src.exec("INSERT INTO `e2e`.`src-t` VALUES (1, 10), (2, 20)")
        .await
        .expect("insert");

    let app = app(engine_runner_factory());
    let body = json!({"name": "e2e", "src": side(&src_emu, "e2e", "src-t"),
                      "dest": side(&dst_emu, "e2e", dst_table)});
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
