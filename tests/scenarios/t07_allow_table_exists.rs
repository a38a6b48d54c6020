//! T7 allow_table_exists: the target table exists with other rows; the job created with
//! `allow_table_exists` makes it equal to the source, with `is_being_synced` = true.

use std::time::Duration;

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "t7";

fn table() -> String {
    format!(
        "CREATE TABLE {DB}.t (k INT NOT NULL, v VARCHAR(10) NULL) UNIQUE KEY(k) \
         DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
    )
}

/// The scenario body.
pub async fn run(h: &Scenario) {
    let ddl = table();
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &ddl,
        &format!("INSERT INTO {DB}.t VALUES (1, 'src1'), (2, 'src2')"),
    ])
    .await;
    h.dst_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &ddl,
        &format!("INSERT INTO {DB}.t VALUES (2, 'old2'), (50, 'old50'), (51, 'old51')"),
    ])
    .await;
    let mut body = h.table_job("t7", DB, "t");
    body["allow_table_exists"] = true.into();
    h.create_job(body).await;
    h.wait_equal(DB, "t").await;
    h.wait_for(
        "is_being_synced = true",
        Duration::from_secs(30),
        || async {
            (h.dst_is_being_synced(DB, "t").await.as_deref() == Some("true")).then_some(())
        },
    )
    .await;
    h.src_sql(&[&format!("INSERT INTO {DB}.t VALUES (3, 'src3')")])
        .await;
    let state = h.wait_equal(DB, "t").await;
    assert_eq!(state.rows.len(), 3, "{:?}", state.rows);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t07_allow_table_exists_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t07_allow_table_exists_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
