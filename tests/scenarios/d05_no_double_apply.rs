//! D5 no double apply: AGGREGATE SUM tables; while the db job is paused, the same key is
//! inserted three times with value 1 into each table and a value column is added; resume
//! → each key's sum on the target is exactly 3.

use crate::d01_tables_come_and_go::binlog_db;
use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "d5";
const TABLES: [&str; 2] = ["s1", "s2"];

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[&binlog_db(DB)]).await;
    for t in TABLES {
        h.src_sql(&[
            &format!(
                "CREATE TABLE {DB}.{t} (k INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
                 AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
            ),
            &format!("INSERT INTO {DB}.{t} VALUES (0, 1)"),
        ])
        .await;
    }
    h.create_job(h.db_job("d5", DB)).await;
    h.wait_db_equal(DB).await;
    h.wait_incremental("d5").await;

    h.pause_and_wait("d5").await;
    for t in TABLES {
        for _ in 0..3 {
            h.src_sql(&[&format!("INSERT INTO {DB}.{t} VALUES (7, 1)")])
                .await;
        }
        h.src_sql(&[&format!(
            "ALTER TABLE {DB}.{t} ADD COLUMN w BIGINT SUM NOT NULL DEFAULT \"0\""
        )])
        .await;
    }
    h.resume("d5").await;
    h.wait_db_equal(DB).await;
    for t in TABLES {
        let rows = h
            .dst_rows(&format!("SELECT v FROM {DB}.{t} WHERE k = 7"))
            .await;
        assert_eq!(rows, Ok(vec![vec!["3".to_string()]]), "sum of key 7 in {t}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d05_no_double_apply_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d05_no_double_apply_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
