//! D2 renames: a table and a partition renamed upstream → target equal, no full sync.

use crate::d01_tables_come_and_go::{binlog_db, dup_table};
use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "d2";

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &binlog_db(DB),
        &dup_table(DB, "a"),
        &format!(
            "CREATE TABLE {DB}.p (k INT NOT NULL, v INT NULL) DUPLICATE KEY(k) \
             PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), \
             PARTITION p2 VALUES LESS THAN (\"20\")) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.a VALUES (1, 1)"),
        &format!("INSERT INTO {DB}.p VALUES (1, 1), (11, 11)"),
    ])
    .await;
    h.create_job(h.db_job("d2", DB)).await;
    h.wait_db_equal(DB).await;
    h.wait_incremental("d2").await;
    let mark = h.full_sync_mark("d2", DB).await;

    h.src_sql(&[
        &format!("ALTER TABLE {DB}.a RENAME a_renamed"),
        &format!("INSERT INTO {DB}.a_renamed VALUES (2, 2)"),
        &format!("ALTER TABLE {DB}.p RENAME PARTITION p1 p1_renamed"),
        &format!("INSERT INTO {DB}.p VALUES (3, 3), (12, 12)"),
    ])
    .await;
    h.wait_db_equal(DB).await;
    assert_eq!(h.dst_tables(DB).await, ["a_renamed", "p"]);
    h.assert_no_full_sync("d2", DB, &mark).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d02_renames_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d02_renames_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
