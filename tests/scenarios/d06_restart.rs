//! D6 restart: kill -9 the syncer in the middle of a stream of inserts and start it again
//! → target equal, every row exactly once. On three nodes: kill -9 the job's owner node
//! and restart it (the job moves to a survivor meanwhile).

use std::time::Duration;

use crate::d01_tables_come_and_go::{binlog_db, dup_table};
use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "d6";
/// Rows per table in the stream.
const ROWS: i64 = 60;

/// Inserts keys `1..=ROWS` into `dup` and `(k, 1)` into `agg`, one transaction each.
async fn stream(sql: ccr_syncer::doris::SqlClient) {
    for k in 1..=ROWS {
        for q in [
            format!("INSERT INTO {DB}.dup VALUES ({k}, {k})"),
            format!("INSERT INTO {DB}.agg VALUES ({}, 1)", k % 5),
        ] {
            sql.exec(&q).await.unwrap_or_else(|e| panic!("{q}: {e}"));
        }
        // Pace the stream so the kill lands in its middle (load, not a wait).
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Rows of `dup` on the target (0 when it does not exist yet).
async fn target_rows(h: &Scenario) -> usize {
    let q = format!("SELECT k FROM {DB}.dup");
    h.dst_rows(&q).await.map(|r| r.len()).unwrap_or(0)
}

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &binlog_db(DB),
        &dup_table(DB, "dup"),
        &format!(
            "CREATE TABLE {DB}.agg (k INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
             AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
        ),
        &format!("INSERT INTO {DB}.dup VALUES (0, 0)"),
    ])
    .await;
    h.create_job(h.db_job("d6", DB)).await;
    h.wait_db_equal(DB).await;
    h.wait_incremental("d6").await;

    let load = tokio::spawn(stream(h.src_sql.clone()));
    h.wait_for(
        "the stream reaches the target",
        Duration::from_secs(30),
        || async { (target_rows(h).await > 5).then_some(()) },
    )
    .await;
    let victim = h.owner_of("d6").await;
    h.kill_node(victim);
    assert!(
        !load.is_finished(),
        "the kill landed in the middle of the stream"
    );
    h.restart_node(victim).await;
    load.await.expect("insert stream");

    h.wait_db_equal(DB).await;
    let keys = h
        .dst_rows(&format!("SELECT k FROM {DB}.dup ORDER BY k"))
        .await;
    let want: Vec<Vec<String>> = (0..=ROWS).map(|k| vec![k.to_string()]).collect();
    assert_eq!(keys, Ok(want), "every row exactly once");
    let sums = h
        .dst_rows(&format!("SELECT k, v FROM {DB}.agg ORDER BY k"))
        .await;
    let want: Vec<Vec<String>> = (0..5)
        .map(|k| vec![k.to_string(), (ROWS / 5).to_string()])
        .collect();
    assert_eq!(sums, Ok(want), "SUM columns: no double apply");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d06_restart_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d06_restart_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
