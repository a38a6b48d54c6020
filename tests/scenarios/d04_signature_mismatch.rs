//! D4 signature mismatch: the target already has a table of the same name with a different
//! column type; the db job's restore resolves it → target equal; further inserts arrive.

use crate::d01_tables_come_and_go::{binlog_db, dup_table};
use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "d4";

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &binlog_db(DB),
        &format!(
            "CREATE TABLE {DB}.t (k INT NOT NULL, v BIGINT NULL) DUPLICATE KEY(k) \
             DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &dup_table(DB, "u"),
        &format!("INSERT INTO {DB}.t VALUES (1, 100), (2, 200)"),
        &format!("INSERT INTO {DB}.u VALUES (1, 1)"),
    ])
    .await;
    h.dst_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &format!(
            "CREATE TABLE {DB}.t (k INT NOT NULL, v VARCHAR(10) NULL) DUPLICATE KEY(k) \
             DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.t VALUES (9, 'other')"),
    ])
    .await;
    h.create_job(h.db_job("d4", DB)).await;
    h.wait_db_equal(DB).await;
    h.src_sql(&[
        &format!("INSERT INTO {DB}.t VALUES (3, 300)"),
        &format!("INSERT INTO {DB}.u VALUES (2, 2)"),
    ])
    .await;
    h.wait_db_equal(DB).await;
    let rows = h
        .dst_rows(&format!("SELECT * FROM {DB}.t ORDER BY k"))
        .await;
    assert_eq!(
        rows.map(|r| r.len()),
        Ok(3),
        "the target's own rows are gone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d04_signature_mismatch_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d04_signature_mismatch_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
