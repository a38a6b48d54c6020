//! T2 partitions: a RANGE table gets partitions added (default buckets, BUCKETS 2,
//! BUCKETS 3), loaded and dropped; a LIST table gets a partition added → equal, no full
//! sync.

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "t2";

/// `CREATE TABLE db.table (k, v1, v2)` RANGE-partitioned on `k`: p1 < 10, p2 < 20.
pub fn range_table(db: &str, table: &str) -> String {
    format!(
        "CREATE TABLE `{db}`.`{table}` (k INT NOT NULL, v1 INT NULL, v2 INT NULL) \
         DUPLICATE KEY(k) PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), \
         PARTITION p2 VALUES LESS THAN (\"20\")) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
    )
}

/// T2's RANGE operations on a [`range_table`], checking target `dst` after each step.
pub async fn range_ops(h: &Scenario, db: &str, table: &str, dst: &str) {
    let t = format!("`{db}`.`{table}`");
    h.src_sql(&[
        &format!("ALTER TABLE {t} ADD PARTITION p3 VALUES LESS THAN (\"30\")"),
        &format!(
            "ALTER TABLE {t} ADD PARTITION p4 VALUES LESS THAN (\"40\") \
             DISTRIBUTED BY HASH(k) BUCKETS 2"
        ),
        &format!(
            "ALTER TABLE {t} ADD PARTITION p5 VALUES LESS THAN (\"50\") \
             DISTRIBUTED BY HASH(k) BUCKETS 3"
        ),
    ])
    .await;
    h.wait_equal_as(db, table, db, dst).await;
    for k in [21, 31, 41, 5, 15] {
        h.src_sql(&[&format!(
            "INSERT INTO {t} VALUES ({k}, {k}, {k}), ({}, 0, 0)",
            k + 1
        )])
        .await;
    }
    h.wait_equal_as(db, table, db, dst).await;
    h.src_sql(&[&format!("ALTER TABLE {t} DROP PARTITION p2")])
        .await;
    h.src_sql(&[&format!("INSERT INTO {t} VALUES (2, 2, 2), (33, 3, 3)")])
        .await;
    h.wait_equal_as(db, table, db, dst).await;
}

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &range_table(DB, "r"),
        &format!(
            "CREATE TABLE {DB}.l (k INT NOT NULL, c VARCHAR(8) NOT NULL) DUPLICATE KEY(k) \
             PARTITION BY LIST(c) (PARTITION pa VALUES IN (\"a\"), \
             PARTITION pb VALUES IN (\"b\", \"bb\")) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.r VALUES (1, 1, 1), (11, 11, 11)"),
        &format!("INSERT INTO {DB}.l VALUES (1, 'a'), (2, 'bb')"),
    ])
    .await;
    h.create_job(h.table_job("t2_r", DB, "r")).await;
    h.create_job(h.table_job("t2_l", DB, "l")).await;
    h.wait_equal(DB, "r").await;
    h.wait_equal(DB, "l").await;
    h.wait_incremental("t2_r").await;
    h.wait_incremental("t2_l").await;
    let mark_r = h.full_sync_mark("t2_r", DB).await;
    let mark_l = h.full_sync_mark("t2_l", DB).await;

    range_ops(h, DB, "r", "r").await;
    h.src_sql(&[
        &format!("ALTER TABLE {DB}.l ADD PARTITION pc VALUES IN (\"c\", \"cc\")"),
        &format!("INSERT INTO {DB}.l VALUES (3, 'c'), (4, 'cc'), (5, 'a')"),
    ])
    .await;
    h.wait_equal(DB, "l").await;
    h.assert_no_full_sync("t2_r", DB, &mark_r).await;
    h.assert_no_full_sync("t2_l", DB, &mark_l).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t02_partitions_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t02_partitions_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
