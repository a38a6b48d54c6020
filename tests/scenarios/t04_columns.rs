//! T4 columns: light schema changes (ADD value COLUMN at the end and AFTER a column, DROP
//! value COLUMN, RENAME COLUMN, MODIFY COLUMN comment, table MODIFY COMMENT) → equal schema
//! and comments, rows inserted after each change arrive, no full sync.

use crate::harness::{Harness, Scenario};

const DB: &str = "t4";

/// T4's changes on a `(k, v1, v2)` table (see `t02_partitions::range_table`), an insert
/// after each (keys 1..9), checking target `dst` after each step.
pub async fn column_changes(h: &Scenario, db: &str, table: &str, dst: &str) {
    let t = format!("`{db}`.`{table}`");
    let steps: [(String, &str); 6] = [
        (
            format!("ALTER TABLE {t} ADD COLUMN c1 INT NULL DEFAULT \"7\""),
            "(1, 1, 1, 1)",
        ),
        (
            format!("ALTER TABLE {t} ADD COLUMN c2 VARCHAR(10) NULL AFTER v1"),
            "(2, 2, 'two', 2, 2)",
        ),
        (
            format!("ALTER TABLE {t} DROP COLUMN v2"),
            "(3, 3, 'three', 3)",
        ),
        (
            format!("ALTER TABLE {t} RENAME COLUMN c1 c1r"),
            "(4, 4, 'four', 4)",
        ),
        (
            format!("ALTER TABLE {t} MODIFY COLUMN v1 COMMENT \"the first value\""),
            "(5, 5, 'five', 5)",
        ),
        (
            format!("ALTER TABLE {t} MODIFY COMMENT \"a commented table\""),
            "(6, 6, 'six', 6)",
        ),
    ];
    for (ddl, row) in steps {
        h.src_sql(&[&ddl]).await;
        h.src_sql(&[&format!("INSERT INTO {t} VALUES {row}")]).await;
        let state = h.wait_equal_as(db, table, db, dst).await;
        let key = &row[1..2];
        assert!(
            state.rows.iter().any(|r| r[0] == key),
            "row {row} inserted after `{ddl}` is on both sides: {:?}",
            state.rows
        );
    }
}

/// The scenario body.
pub async fn run(h: &Scenario) {
    h.src_sql(&[
        &format!("CREATE DATABASE {DB}"),
        &crate::t02_partitions::range_table(DB, "t"),
        &format!("INSERT INTO {DB}.t VALUES (0, 0, 0), (10, 10, 10)"),
    ])
    .await;
    h.create_job(h.table_job("t4", DB, "t")).await;
    h.wait_equal(DB, "t").await;
    h.wait_incremental("t4").await;
    let mark = h.full_sync_mark("t4", DB).await;
    column_changes(h, DB, "t", "t").await;
    let create = h.dst_rows(&format!("SHOW CREATE TABLE {DB}.t")).await;
    let create = format!("{create:?}");
    assert!(
        create.contains("the first value") && create.contains("a commented table"),
        "comments on the target: {create}"
    );
    h.assert_no_full_sync("t4", DB, &mark).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t04_columns_single_node() {
    run(&Harness::single_node().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t04_columns_three_nodes() {
    run(&Harness::three_nodes().await).await;
}
