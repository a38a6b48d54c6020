//! Partial sync and restore conflicts: a heavy schema change re-copies only that table
//! (alias + swap), a strict REPLACE PARTITION re-copies the partition, a target table
//! with a different schema is replaced during a db job's full sync; plus partition DDL.

mod engine_common;

use std::time::Duration;

use ccr_syncer::doris::SqlClient;
use engine_common::*;

const T: Duration = Duration::from_secs(60);
const PROPS: &str = "PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")";

async fn same(src: &SqlClient, dest: &SqlClient, qs: &str, qd: &str) -> Vec<Vec<String>> {
    wait_same(src, dest, qs, qd, T).await
}

/// A 1-BE source and target; `stmts` run on the source.
async fn setup(stmts: &[&str]) -> (Pair, SqlClient, SqlClient) {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    exec(&src, stmts).await;
    (pair, src, dest)
}

/// `SELECT *` of table `t` on the source (db `s`) and on the target (db `d`), ordered.
fn selects(t: &str) -> (String, String) {
    let q = |db: &str| format!("SELECT * FROM {db}.{t} ORDER BY 1, 2");
    (q("s"), q("d"))
}

async fn full_backups(src: &SqlClient) -> usize {
    let rows = rows(src, "SHOW BACKUP FROM s").await;
    rows.iter()
        .filter(|r| r.iter().any(|c| c.starts_with("ccrs_")))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_column_change_is_recopied_by_partial_sync() {
    let (pair, src, dest) = setup(&[
        "CREATE DATABASE s",
        &format!("CREATE TABLE s.t (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"),
        "INSERT INTO s.t VALUES (1, 1), (2, 2)",
    ])
    .await;
    let (cp, run) = run_job("sc", &pair, ("s", "d"), ("t", "t"));
    let (qs, qd) = selects("t");
    same(&src, &dest, &qs, &qd).await;
    let p0 = wait_incremental(&cp, &run.status).await;
    exec(
        &src,
        &["ALTER TABLE s.t ADD COLUMN k0 INT KEY DEFAULT \"0\" FIRST"],
    )
    .await;
    exec(&src, &["INSERT INTO s.t VALUES (9, 3, 3)"]).await;
    same(&src, &dest, &qs, &qd).await;
    same(&src, &dest, "DESC s.t", "DESC d.t").await;
    exec(&src, &["INSERT INTO s.t VALUES (8, 4, 4)"]).await;
    same(&src, &dest, &qs, &qd).await;
    let p1 = wait_incremental(&cp, &run.status).await;
    assert_eq!(p1.full_sync_start_at, p0.full_sync_start_at);
    assert_eq!(full_backups(&src).await, 1, "no second full sync");
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partitions_added_dropped_truncated_and_replaced() {
    let (pair, src, dest) = setup(&[
        "CREATE DATABASE s",
        &format!("CREATE TABLE s.p (k INT, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), PARTITION p2 VALUES LESS THAN (\"20\")) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"),
        "INSERT INTO s.p VALUES (1, 1), (11, 11)",
    ])
    .await;
    let (_cp, run) = run_job("parts", &pair, ("s", "d"), ("p", "p"));
    let (qs, qd) = selects("p");
    same(&src, &dest, &qs, &qd).await;
    exec(&src, &[
        "ALTER TABLE s.p ADD PARTITION p3 VALUES LESS THAN (\"30\")",
        "ALTER TABLE s.p ADD PARTITION p4 VALUES LESS THAN (\"40\") DISTRIBUTED BY HASH(k) BUCKETS 3",
        "INSERT INTO s.p VALUES (21, 21), (31, 31), (2, 2)",
        "ALTER TABLE s.p DROP PARTITION p2",
        "TRUNCATE TABLE s.p PARTITIONS (p3)",
        "INSERT INTO s.p VALUES (22, 22)",
    ])
    .await;
    same(&src, &dest, &qs, &qd).await;
    exec(
        &src,
        &[
            "ALTER TABLE s.p ADD TEMPORARY PARTITION tp1 VALUES LESS THAN (\"10\")",
            "INSERT INTO s.p TEMPORARY PARTITION (tp1) VALUES (5, 55), (6, 66)",
            "ALTER TABLE s.p REPLACE PARTITION (p1) WITH TEMPORARY PARTITION (tp1)",
            "INSERT INTO s.p VALUES (7, 77)",
        ],
    )
    .await;
    same(&src, &dest, &qs, &qd).await;
    assert_eq!(full_backups(&src).await, 1, "no second full sync");
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_job_replaces_a_target_table_with_another_schema() {
    let (pair, src, dest) = setup(&[
        "CREATE DATABASE s",
        "ALTER DATABASE s SET PROPERTIES (\"binlog.enable\" = \"true\")",
        &format!("CREATE TABLE s.t (k INT, v BIGINT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"),
        &format!("CREATE TABLE s.u (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "INSERT INTO s.t VALUES (1, 100), (2, 200)",
        "INSERT INTO s.u VALUES (1, 1)",
    ])
    .await;
    exec(&dest, &[
        "CREATE DATABASE d",
        "CREATE TABLE d.t (k INT, v VARCHAR(10)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\")",
        "INSERT INTO d.t VALUES (7, 'old')",
    ])
    .await;
    let (_cp, run) = run_job("d4", &pair, ("s", "d"), ("", ""));
    let (qs, qd) = (
        "SELECT * FROM s.t ORDER BY 1",
        "SELECT * FROM d.t ORDER BY 1",
    );
    same(&src, &dest, qs, qd).await;
    same(&src, &dest, "DESC s.t", "DESC d.t").await;
    same(&src, &dest, "SELECT * FROM s.u", "SELECT * FROM d.u").await;
    exec(
        &src,
        &[
            "INSERT INTO s.t VALUES (3, 300)",
            "INSERT INTO s.u VALUES (2, 2)",
        ],
    )
    .await;
    same(&src, &dest, qs, qd).await;
    same(
        &src,
        &dest,
        "SELECT * FROM s.u ORDER BY 1",
        "SELECT * FROM d.u ORDER BY 1",
    )
    .await;
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insert_overwrite_leaves_only_the_new_rows() {
    let (pair, src, dest) = setup(&[
        "CREATE DATABASE s",
        &format!("CREATE TABLE s.o (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"),
        "INSERT INTO s.o VALUES (1, 1), (2, 2)",
    ])
    .await;
    let (_cp, run) = run_job("ow", &pair, ("s", "d"), ("o", "o"));
    let (qs, qd) = selects("o");
    same(&src, &dest, &qs, &qd).await;
    exec(&src, &["INSERT OVERWRITE TABLE s.o VALUES (7, 7), (8, 8)"]).await;
    let got = same(&src, &dest, &qs, &qd).await;
    assert_eq!(got.len(), 2, "{got:?}");
    exec(&src, &["INSERT INTO s.o VALUES (9, 9)"]).await;
    same(&src, &dest, &qs, &qd).await;
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_partitions_are_added_and_loaded() {
    let (pair, src, dest) = setup(&[
        "CREATE DATABASE s",
        &format!("CREATE TABLE s.l (k INT, c VARCHAR(8)) DUPLICATE KEY(k) PARTITION BY LIST(c) (PARTITION pa VALUES IN (\"a\"), PARTITION pb VALUES IN (\"b\", \"bb\")) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "INSERT INTO s.l VALUES (1, 'a'), (2, 'bb')",
    ])
    .await;
    let (_cp, run) = run_job("list", &pair, ("s", "d"), ("l", "l"));
    let (qs, qd) = selects("l");
    same(&src, &dest, &qs, &qd).await;
    exec(
        &src,
        &[
            "ALTER TABLE s.l ADD PARTITION pc VALUES IN (\"c\")",
            "INSERT INTO s.l VALUES (3, 'c'), (4, 'a')",
        ],
    )
    .await;
    same(&src, &dest, &qs, &qd).await;
    assert_eq!(full_backups(&src).await, 1, "no second full sync");
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_job_heavy_schema_change_recopies_one_table() {
    let (pair, src, dest) = setup(&[
        "CREATE DATABASE s",
        "ALTER DATABASE s SET PROPERTIES (\"binlog.enable\" = \"true\")",
        &format!("CREATE TABLE s.t (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"),
        &format!("CREATE TABLE s.u (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "INSERT INTO s.t VALUES (1, 1)",
        "INSERT INTO s.u VALUES (1, 1)",
    ])
    .await;
    let (_cp, run) = run_job("dbsc", &pair, ("s", "d"), ("", ""));
    let (qs, qd) = selects("t");
    let (us, ud) = selects("u");
    same(&src, &dest, &qs, &qd).await;
    same(&src, &dest, &us, &ud).await;
    exec(
        &src,
        &[
            "ALTER TABLE s.t ADD COLUMN k0 INT KEY DEFAULT \"0\" FIRST",
            "INSERT INTO s.t VALUES (5, 2, 2)",
            "INSERT INTO s.u VALUES (2, 2)",
        ],
    )
    .await;
    same(&src, &dest, &qs, &qd).await;
    same(&src, &dest, "DESC s.t", "DESC d.t").await;
    same(&src, &dest, &us, &ud).await;
    exec(
        &src,
        &[
            "INSERT INTO s.t VALUES (6, 3, 3)",
            "INSERT INTO s.u VALUES (3, 3)",
        ],
    )
    .await;
    same(&src, &dest, &qs, &qd).await;
    same(&src, &dest, &us, &ud).await;
    assert_eq!(full_backups(&src).await, 1, "no second full sync");
    run.stop().await;
}
