//! T6 alias: a table job whose target table name differs from the source's, driven
//! through T1's inserts and deletes, T2's partition operations and T4's column changes.

use crate::harness::{Harness, Scenario};
use crate::{t02_partitions, t04_columns};

const DB: &str = "t6";

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &t02_partitions::range_table(DB, "src_t"),
        &format!("INSERT INTO {DB}.src_t VALUES (1, 1, 1), (11, 11, 11)"),
    ])
    .await;
    h.create_job(h.job_body("t6", (DB, "src_t"), (DB, "dst_t")))
        .await;
    h.wait_equal_as(DB, "src_t", DB, "dst_t").await;

    // T1's inserts and deletes.
    h.src_sql(&[
        &format!("INSERT INTO {DB}.src_t VALUES (2, 2, 2), (12, 12, 12), (3, 3, 3)"),
        &format!("INSERT INTO {DB}.src_t VALUES (2, 2, 2)"),
        &format!("DELETE FROM {DB}.src_t WHERE k = 3"),
    ])
    .await;
    h.wait_equal_as(DB, "src_t", DB, "dst_t").await;

    t02_partitions::range_ops(h, DB, "src_t", "dst_t").await;
    t04_columns::column_changes(h, DB, "src_t", "dst_t").await;
    assert!(
        !h.dst_tables(DB).await.contains(&"src_t".to_string()),
        "no table under the source name on the target"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t06_alias_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t06_alias_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
