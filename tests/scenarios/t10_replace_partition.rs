//! T10 replace partition: add a temporary partition, load it, REPLACE PARTITION (p) WITH
//! TEMPORARY PARTITION (tp) with a strict range → target equal, and only that partition
//! was re-copied (the other partitions keep their target ids and versions; no full sync).

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "t10";

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &format!(
            "CREATE TABLE {DB}.t (k INT NOT NULL, v INT NULL) DUPLICATE KEY(k) \
             PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), \
             PARTITION p2 VALUES LESS THAN (\"20\"), PARTITION p3 VALUES LESS THAN (\"30\")) \
             DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.t VALUES (1, 1), (11, 11), (21, 21)"),
    ])
    .await;
    h.create_job(h.table_job("t10", DB, "t")).await;
    h.wait_equal(DB, "t").await;
    h.wait_incremental("t10").await;
    let mark = h.full_sync_mark("t10", DB).await;
    let before = h.dst_partition_ids(DB, "t").await;

    h.src_sql(&[
        &format!("ALTER TABLE {DB}.t ADD TEMPORARY PARTITION tp1 VALUES LESS THAN (\"10\")"),
        &format!("INSERT INTO {DB}.t TEMPORARY PARTITION (tp1) VALUES (5, 55), (6, 66)"),
        &format!("ALTER TABLE {DB}.t REPLACE PARTITION (p1) WITH TEMPORARY PARTITION (tp1)"),
    ])
    .await;
    let state = h.wait_equal(DB, "t").await;
    assert_eq!(state.rows.len(), 4, "{:?}", state.rows);
    let after = h.dst_partition_ids(DB, "t").await;
    let others = |v: &[(String, String, String)]| -> Vec<(String, String, String)> {
        v.iter().filter(|p| p.0 != "p1").cloned().collect()
    };
    assert_eq!(
        others(&after),
        others(&before),
        "p2 and p3 were not re-copied"
    );
    h.wait_incremental("t10").await;
    let partial = h.assert_only_partial_syncs("t10", DB, &mark).await;
    assert!(!partial.is_empty(), "p1 was re-copied by a partial sync");
    h.src_sql(&[&format!("INSERT INTO {DB}.t VALUES (7, 77), (12, 12)")])
        .await;
    h.wait_equal(DB, "t").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t10_replace_partition_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t10_replace_partition_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
