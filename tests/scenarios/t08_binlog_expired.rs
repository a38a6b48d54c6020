//! T8 binlog expired: pause, insert, force binlog GC on the source past the job's
//! position, resume → the job sees TOO_OLD, runs a full sync by itself, the target is
//! equal and incremental sync continues.

use std::time::Duration;

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "t8";

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &format!(
            "CREATE TABLE {DB}.t (k INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
             AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.t VALUES (1, 1), (2, 2)"),
    ])
    .await;
    h.create_job(h.table_job("t8", DB, "t")).await;
    h.wait_equal(DB, "t").await;
    h.wait_incremental("t8").await;
    let (before, backups) = h.full_sync_mark("t8", DB).await;

    h.pause_and_wait("t8").await;
    h.src_sql(&[
        &format!("INSERT INTO {DB}.t VALUES (1, 10), (3, 3)"),
        &format!("INSERT INTO {DB}.t VALUES (4, 4)"),
    ])
    .await;
    // A short blocking admin call (std sockets); keep the runtime's other worker free.
    tokio::task::block_in_place(|| h.src.gc_binlog(Some(DB)))
        .expect("forced binlog GC on the source");
    h.resume("t8").await;

    let what = "a new full sync (new BACKUP on the source)";
    h.wait_for(what, Duration::from_secs(60), || async {
        (h.source_backups(DB).await.len() > backups.len()).then_some(())
    })
    .await;
    h.wait_equal(DB, "t").await;
    let after = h.wait_incremental("t8").await;
    assert!(
        after.full_sync_start_at >= before.full_sync_start_at,
        "full_sync_start_at moved back: {} → {}",
        before.full_sync_start_at,
        after.full_sync_start_at
    );
    let new: Vec<String> = h
        .source_backups(DB)
        .await
        .into_iter()
        .filter(|b| !backups.contains(b))
        .collect();
    assert!(
        new.iter().any(|b| b.starts_with("ccrs_")),
        "a full-sync BACKUP: {new:?}"
    );

    h.src_sql(&[&format!("INSERT INTO {DB}.t VALUES (1, 100), (5, 5)")])
        .await;
    let state = h.wait_equal(DB, "t").await;
    assert!(
        state.rows.contains(&vec!["1".into(), "111".into()]),
        "{:?}",
        state.rows
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t08_binlog_expired_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t08_binlog_expired_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
