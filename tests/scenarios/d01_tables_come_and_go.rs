//! D1 tables come and go: a db job over three tables; while it runs a fourth table is
//! created and loaded, one table dropped, and a view created and dropped (another stays)
//! → target equal, views included, no full sync.

use std::time::Duration;

use crate::harness::{Harness, Scenario, PROPS};

const DB: &str = "d1";

/// `CREATE TABLE db.name (k INT, v INT)` DUPLICATE.
pub fn dup_table(db: &str, name: &str) -> String {
    format!(
        "CREATE TABLE `{db}`.`{name}` (k INT NOT NULL, v INT NULL) DUPLICATE KEY(k) \
         DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"
    )
}

/// `CREATE DATABASE db` with binlog enabled.
pub fn binlog_db(db: &str) -> String {
    format!("CREATE DATABASE `{db}` PROPERTIES (\"binlog.enable\" = \"true\")")
}

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[&binlog_db(DB)]).await;
    for t in ["a", "b", "c"] {
        h.src_sql(&[
            &dup_table(DB, t),
            &format!("INSERT INTO {DB}.{t} VALUES (1, 1), (2, 2)"),
        ])
        .await;
    }
    h.create_job(h.db_job("d1", DB)).await;
    h.wait_db_equal(DB).await;
    h.wait_incremental("d1").await;
    let mark = h.full_sync_mark("d1", DB).await;

    h.src_sql(&[
        &dup_table(DB, "d"),
        &format!("INSERT INTO {DB}.d VALUES (4, 4), (5, 5)"),
        &format!("INSERT INTO {DB}.a VALUES (3, 3)"),
        &format!("DROP TABLE {DB}.b"),
        &format!("CREATE VIEW {DB}.v_gone AS SELECT k FROM {DB}.a WHERE k > 1"),
        &format!("CREATE VIEW {DB}.v_kept AS SELECT k, v FROM {DB}.d"),
    ])
    .await;
    h.wait_db_equal(DB).await;
    h.src_sql(&[
        &format!("DROP VIEW {DB}.v_gone"),
        &format!("INSERT INTO {DB}.d VALUES (6, 6)"),
    ])
    .await;
    h.wait_db_equal(DB).await;
    let names = h.dst_tables(DB).await;
    assert_eq!(names, ["a", "c", "d", "v_kept"], "target objects");
    h.wait_for(
        "a query through the replicated view",
        Duration::from_secs(30),
        || async {
            let rows = h
                .dst_rows(&format!("SELECT * FROM {DB}.v_kept"))
                .await
                .ok()?;
            (rows.len() == 3).then_some(())
        },
    )
    .await;
    h.assert_no_full_sync("d1", DB, &mark).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d01_tables_come_and_go_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d01_tables_come_and_go_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
