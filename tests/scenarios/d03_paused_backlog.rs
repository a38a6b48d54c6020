//! D3 paused backlog: while the db job is paused, table A gets an insert, a new value
//! column, an insert, a truncate and an insert; table B an insert and a dropped partition;
//! resume → equal, no full sync.

use crate::d01_tables_come_and_go::binlog_db;
use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "d3";

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &binlog_db(DB),
        &format!(
            "CREATE TABLE {DB}.a (k INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
             AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!(
            "CREATE TABLE {DB}.b (k INT NOT NULL, v INT NULL) DUPLICATE KEY(k) \
             PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), \
             PARTITION p2 VALUES LESS THAN (\"20\")) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.a VALUES (1, 1)"),
        &format!("INSERT INTO {DB}.b VALUES (1, 1), (11, 11)"),
    ])
    .await;
    h.create_job(h.db_job("d3", DB)).await;
    h.wait_db_equal(DB).await;
    h.wait_incremental("d3").await;
    let mark = h.full_sync_mark("d3", DB).await;

    h.pause_and_wait("d3").await;
    h.src_sql(&[
        &format!("INSERT INTO {DB}.a VALUES (2, 2)"),
        &format!("ALTER TABLE {DB}.a ADD COLUMN w BIGINT SUM NOT NULL DEFAULT \"0\""),
        &format!("INSERT INTO {DB}.a VALUES (3, 3, 3)"),
        &format!("TRUNCATE TABLE {DB}.a"),
        &format!("INSERT INTO {DB}.a VALUES (4, 4, 4)"),
        &format!("INSERT INTO {DB}.b VALUES (2, 2), (12, 12)"),
        &format!("ALTER TABLE {DB}.b DROP PARTITION p1"),
    ])
    .await;
    h.resume("d3").await;
    h.wait_db_equal(DB).await;
    let a = h.dst_rows(&format!("SELECT * FROM {DB}.a")).await;
    assert_eq!(a, Ok(vec![vec!["4".into(), "4".into(), "4".into()]]));
    h.assert_no_full_sync("d3", DB, &mark).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d03_paused_backlog_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d03_paused_backlog_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
