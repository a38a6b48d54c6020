//! T1 common: UNIQUE, AGGREGATE (SUM and REPLACE) and DUPLICATE tables with rows inserted
//! before the jobs exist; full sync, inserts and deletes, pause/resume, desync, delete.

use std::time::Duration;

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "t1";
const TABLES: [&str; 3] = ["uniq", "agg", "dup"];

/// How long a paused or deleted job is watched for (> the engine's 500 ms idle poll).
const QUIET: Duration = Duration::from_millis(1500);

async fn create_tables(h: &Scenario) {
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &format!(
            "CREATE TABLE {DB}.uniq (k INT NOT NULL, v VARCHAR(20) NULL) UNIQUE KEY(k) \
             DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!(
            "CREATE TABLE {DB}.agg (k INT NOT NULL, s BIGINT SUM NOT NULL DEFAULT \"0\", \
             r VARCHAR(20) REPLACE NULL) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!(
            "CREATE TABLE {DB}.dup (k INT NOT NULL, v INT NULL) DUPLICATE KEY(k) \
             DISTRIBUTED BY HASH(k) BUCKETS 3 {PROPS}"
        ),
    ])
    .await;
}

/// One round of inserts into every table, keys `base..base+3`.
async fn insert_round(h: &Scenario, base: i32) {
    let (a, b, c) = (base, base + 1, base + 2);
    h.src_sql(&[
        &format!("INSERT INTO {DB}.uniq VALUES ({a}, 'u{a}'), ({b}, 'u{b}'), ({c}, 'u{c}')"),
        &format!("INSERT INTO {DB}.uniq VALUES ({a}, 'again{a}')"),
        &format!(
            "INSERT INTO {DB}.agg VALUES ({a}, 1, 'r{a}'), ({b}, 2, 'r{b}'), ({a}, 5, 'x{a}')"
        ),
        &format!("INSERT INTO {DB}.dup VALUES ({a}, 1), ({a}, 1), ({c}, 3)"),
    ])
    .await;
}

async fn wait_all_equal(h: &Scenario) {
    for t in TABLES {
        h.wait_equal(DB, t).await;
    }
}

/// Jobs created after the rows: full sync, then inserts and deletes.
async fn full_sync_inserts_deletes(h: &Scenario) {
    insert_round(h, 1).await;
    for t in TABLES {
        h.create_job(h.table_job(&format!("t1_{t}"), DB, t)).await;
    }
    wait_all_equal(h).await;
    insert_round(h, 10).await;
    h.src_sql(&[
        &format!("DELETE FROM {DB}.uniq WHERE k = 2"),
        &format!("DELETE FROM {DB}.agg WHERE k >= 11"),
        &format!("DELETE FROM {DB}.dup WHERE k = 1"),
    ])
    .await;
    wait_all_equal(h).await;
}

/// Pause: inserts stay on the source until resume.
async fn pause_resume(h: &Scenario) {
    let mut before = Vec::new();
    for t in TABLES {
        h.pause_and_wait(&format!("t1_{t}")).await;
        before.push(h.wait_equal(DB, t).await);
    }
    insert_round(h, 100).await;
    let checks = TABLES
        .iter()
        .zip(&before)
        .map(|(t, state)| h.assert_unchanged(DB, t, state, QUIET));
    futures::future::join_all(checks).await;
    for t in TABLES {
        h.resume(&format!("t1_{t}")).await;
    }
    wait_all_equal(h).await;
}

/// `/desync` clears `is_being_synced`; after `/delete` nothing reaches the target.
async fn desync_and_delete(h: &Scenario) {
    h.desync("t1_uniq").await;
    h.wait_for(
        "is_being_synced = false",
        Duration::from_secs(30),
        || async {
            let v = h.dst_is_being_synced(DB, "uniq").await;
            (v.as_deref() == Some("false")).then_some(())
        },
    )
    .await;
    h.delete("t1_agg").await;
    h.wait_no_runner("t1_agg").await;
    let before = h.wait_equal(DB, "agg").await;
    h.src_sql(&[&format!("INSERT INTO {DB}.agg VALUES (500, 1, 'late')")])
        .await;
    h.assert_unchanged(DB, "agg", &before, QUIET).await;
}

/// The scenario body.
pub async fn run(h: &Scenario) {
    create_tables(h).await;
    full_sync_inserts_deletes(h).await;
    pause_resume(h).await;
    desync_and_delete(h).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t01_common_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t01_common_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
