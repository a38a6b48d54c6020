//! T3 truncate: truncate two named partitions, then the whole table, inserting between →
//! equal, no full sync.

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "t3";

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
    h.create_job(h.table_job("t3", DB, "t")).await;
    h.wait_equal(DB, "t").await;
    h.wait_incremental("t3").await;
    let mark = h.full_sync_mark("t3", DB).await;

    h.src_sql(&[
        &format!("INSERT INTO {DB}.t VALUES (2, 2), (12, 12), (22, 22)"),
        &format!("TRUNCATE TABLE {DB}.t PARTITIONS (p1, p2)"),
        &format!("INSERT INTO {DB}.t VALUES (3, 3), (13, 13), (23, 23)"),
    ])
    .await;
    let state = h.wait_equal(DB, "t").await;
    assert_eq!(state.rows.len(), 5, "p3 keeps its 3 rows: {:?}", state.rows);
    h.src_sql(&[
        &format!("TRUNCATE TABLE {DB}.t"),
        &format!("INSERT INTO {DB}.t VALUES (4, 4), (24, 24)"),
    ])
    .await;
    let state = h.wait_equal(DB, "t").await;
    assert_eq!(state.rows.len(), 2, "{:?}", state.rows);
    h.assert_no_full_sync("t3", DB, &mark).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t03_truncate_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t03_truncate_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
