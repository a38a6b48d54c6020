//! T11 insert overwrite: `INSERT OVERWRITE TABLE t VALUES ...` → the target holds only the
//! new rows.

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "t11";

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &format!(
            "CREATE TABLE {DB}.t (k INT NOT NULL, v INT NULL) DUPLICATE KEY(k) \
             PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), \
             PARTITION p2 VALUES LESS THAN (\"20\")) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.t VALUES (1, 1), (2, 2), (11, 11)"),
    ])
    .await;
    h.create_job(h.table_job("t11", DB, "t")).await;
    h.wait_equal(DB, "t").await;

    h.src_sql(&[&format!(
        "INSERT OVERWRITE TABLE {DB}.t VALUES (7, 7), (17, 17)"
    )])
    .await;
    let state = h.wait_equal(DB, "t").await;
    let want: Vec<Vec<String>> = vec![vec!["17".into(), "17".into()], vec!["7".into(), "7".into()]];
    assert_eq!(state.rows, want, "only the new rows");
    h.src_sql(&[&format!("INSERT INTO {DB}.t VALUES (8, 8)")])
        .await;
    h.wait_equal(DB, "t").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t11_insert_overwrite_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t11_insert_overwrite_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
