//! T5 key-column change: ADD a key COLUMN FIRST (a heavy schema change) → target schema
//! equal, rows inserted afterwards arrive; the table is re-copied by a partial sync of that
//! table only (no full sync).

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "t5";

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &format!(
            "CREATE TABLE {DB}.t (k INT NOT NULL, v INT NULL) DUPLICATE KEY(k) \
             DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.t VALUES (1, 1), (2, 2)"),
    ])
    .await;
    h.create_job(h.table_job("t5", DB, "t")).await;
    h.wait_equal(DB, "t").await;
    h.wait_incremental("t5").await;
    let mark = h.full_sync_mark("t5", DB).await;

    h.src_sql(&[
        &format!("ALTER TABLE {DB}.t ADD COLUMN k0 INT KEY DEFAULT \"0\" FIRST"),
        &format!("INSERT INTO {DB}.t VALUES (9, 3, 3)"),
    ])
    .await;
    h.wait_equal(DB, "t").await;
    h.src_sql(&[&format!("INSERT INTO {DB}.t VALUES (8, 4, 4)")])
        .await;
    let state = h.wait_equal(DB, "t").await;
    assert_eq!(state.rows.len(), 4, "{:?}", state.rows);
    h.wait_incremental("t5").await;
    let partial = h.assert_only_partial_syncs("t5", DB, &mark).await;
    assert!(
        !partial.is_empty() && partial.iter().all(|b| b.starts_with("ccrp_t5_t_")),
        "the table was re-copied by a partial sync of t5.t: {partial:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t05_key_column_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t05_key_column_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
