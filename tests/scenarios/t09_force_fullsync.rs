//! T9 force full sync: `/force_fullsync` → a new full sync runs, the target is equal and
//! incremental sync continues.

use std::time::Duration;

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "t9";

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &format!(
            "CREATE TABLE {DB}.t (k INT NOT NULL, v INT NULL) DUPLICATE KEY(k) \
             DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.t VALUES (1, 1), (2, 2)"),
    ])
    .await;
    h.create_job(h.table_job("t9", DB, "t")).await;
    h.wait_equal(DB, "t").await;
    h.wait_incremental("t9").await;
    let (_, backups) = h.full_sync_mark("t9", DB).await;
    h.src_sql(&[&format!("INSERT INTO {DB}.t VALUES (3, 3)")])
        .await;

    h.force_fullsync("t9").await;
    let what = "the forced full sync's BACKUP on the source";
    let new = h
        .wait_for(what, Duration::from_secs(60), || async {
            let now = h.source_backups(DB).await;
            let new: Vec<String> = now.into_iter().filter(|b| !backups.contains(b)).collect();
            new.iter().any(|b| b.starts_with("ccrs_")).then_some(new)
        })
        .await;
    h.wait_equal(DB, "t").await;
    h.wait_incremental("t9").await;
    h.src_sql(&[&format!("INSERT INTO {DB}.t VALUES (4, 4), (1, 1)")])
        .await;
    let state = h.wait_equal(DB, "t").await;
    assert_eq!(
        state.rows.len(),
        5,
        "every row once: {:?} (new backups {new:?})",
        state.rows
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t09_force_fullsync_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t09_force_fullsync_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
