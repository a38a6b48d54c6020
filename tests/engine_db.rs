//! End to end: a database job between two `doris-emu` processes: full sync of every
//! table, then inserts, a new table, a dropped table and a light schema change.

mod engine_common;

use std::time::Duration;

use ccr_syncer::engine::checkpoint::RunnerExit;
use ccr_syncer::job::SyncState;
use engine_common::*;
use tokio_util::sync::CancellationToken;

const T: Duration = Duration::from_secs(60);
const PROPS: &str = "PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")";

async fn equal(
    src: &ccr_syncer::doris::SqlClient,
    dest: &ccr_syncer::doris::SqlClient,
    table: &str,
) {
    let q = |db: &str| format!("SELECT * FROM {db}.{table} ORDER BY 1, 2");
    wait_same(src, dest, &q("s"), &q("d"), T).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_job_full_sync_then_tables_come_and_go() {
    let pair = Pair::start(1, 1).await;
    let src = sql(&pair.src);
    let dest = sql(&pair.dest);
    exec(&src, &[
        "CREATE DATABASE s",
        "ALTER DATABASE s SET PROPERTIES (\"binlog.enable\" = \"true\")",
        &format!("CREATE TABLE s.t1 (k INT, v VARCHAR(8)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"),
        &format!("CREATE TABLE s.t2 (k INT, v INT) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "INSERT INTO s.t1 VALUES (1, 'a'), (2, 'b')",
        "INSERT INTO s.t2 VALUES (1, 10), (2, 20)",
    ])
    .await;
    let (cp, run) = run_job("dbj", &pair, ("s", "d"), ("", ""));
    equal(&src, &dest, "t1").await;
    equal(&src, &dest, "t2").await;
    let p0 = wait_incremental(&cp, &run.status).await;

    exec(&src, &[
        "INSERT INTO s.t1 VALUES (3, 'c')",
        "INSERT INTO s.t2 VALUES (1, 11), (3, 30)",
        &format!("CREATE TABLE s.t3 (k INT, n BIGINT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3 {PROPS}"),
        "INSERT INTO s.t3 VALUES (5, 50), (6, 60)",
        "ALTER TABLE s.t1 ADD COLUMN extra INT DEFAULT \"7\"",
        "INSERT INTO s.t1 VALUES (4, 'd', 8)",
        "DROP TABLE s.t2",
    ])
    .await;
    equal(&src, &dest, "t1").await;
    equal(&src, &dest, "t3").await;
    poll("t2 dropped on the target", T, || async {
        try_rows(&dest, "SELECT * FROM d.t2")
            .await
            .is_none()
            .then_some(())
    })
    .await;
    let p1 = wait_incremental(&cp, &run.status).await;
    assert_eq!(
        p1.full_sync_start_at, p0.full_sync_start_at,
        "no second full sync"
    );
    assert!(matches!(
        p1.sync_state,
        SyncState::DbIncrementalSync | SyncState::DbTablesIncrementalSync
    ));
    run.cancel.cancel();
    assert_eq!(run.join.await.expect("runner task"), RunnerExit::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_job_views_and_renames() {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    exec(&src, &[
        "CREATE DATABASE s",
        "ALTER DATABASE s SET PROPERTIES (\"binlog.enable\" = \"true\")",
        &format!("CREATE TABLE s.r (k INT, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), PARTITION p2 VALUES LESS THAN (\"20\")) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "INSERT INTO s.r VALUES (1, 1), (12, 12)",
    ])
    .await;
    let (cp, run) = run_job("views", &pair, ("s", "d"), ("", ""));
    equal(&src, &dest, "r").await;
    let p0 = wait_incremental(&cp, &run.status).await;
    exec(
        &src,
        &[
            "CREATE VIEW s.v1 AS SELECT k, v FROM `internal`.`s`.`r` WHERE k > 5",
            "CREATE VIEW s.v2 AS SELECT v FROM `internal`.`s`.`r`",
            "DROP VIEW s.v2",
        ],
    )
    .await;
    equal(&src, &dest, "v1").await;
    poll("v2 dropped on the target", T, || async {
        try_rows(&dest, "SELECT * FROM d.v2")
            .await
            .is_none()
            .then_some(())
    })
    .await;
    exec(
        &src,
        &[
            "DROP VIEW s.v1",
            "ALTER TABLE s.r RENAME r2",
            "ALTER TABLE s.r2 RENAME PARTITION p2 p2b",
            "INSERT INTO s.r2 VALUES (13, 13)",
        ],
    )
    .await;
    equal(&src, &dest, "r2").await;
    let parts = |db: &str| format!("SHOW PARTITIONS FROM {db}.r2");
    let names = |rows: Vec<Vec<String>>| rows.into_iter().map(|r| r[1].clone()).collect::<Vec<_>>();
    assert_eq!(
        names(rows(&src, &parts("s")).await),
        names(rows(&dest, &parts("d")).await)
    );
    let p1 = wait_incremental(&cp, &run.status).await;
    assert_eq!(p1.full_sync_start_at, p0.full_sync_start_at, "no full sync");
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_job_paused_backlog_applies_exactly_once() {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    let agg = "(k INT, v BIGINT SUM) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2";
    exec(
        &src,
        &[
            "CREATE DATABASE s",
            "ALTER DATABASE s SET PROPERTIES (\"binlog.enable\" = \"true\")",
            &format!("CREATE TABLE s.a {agg} {PROPS}"),
            &format!("CREATE TABLE s.b {agg} {PROPS}"),
        ],
    )
    .await;
    let (cp, run) = run_job("backlog", &pair, ("s", "d"), ("", ""));
    wait_incremental(&cp, &run.status).await;
    run.stop().await; // pause
    for _ in 0..3 {
        exec(
            &src,
            &[
                "INSERT INTO s.a (k, v) VALUES (1, 1)",
                "INSERT INTO s.b (k, v) VALUES (1, 1)",
            ],
        )
        .await;
    }
    exec(
        &src,
        &[
            "ALTER TABLE s.a ADD COLUMN w BIGINT SUM DEFAULT \"0\"",
            "TRUNCATE TABLE s.b",
            "INSERT INTO s.b (k, v) VALUES (2, 1)",
        ],
    )
    .await;
    let job = job("backlog", &pair, "s", "d", "", "");
    let run = start_runner(&job, cp.progress(), cp.clone(), CancellationToken::new());
    equal(&src, &dest, "a").await;
    equal(&src, &dest, "b").await;
    assert_eq!(
        rows(&dest, "SELECT k, v FROM d.a").await,
        vec![vec!["1".to_string(), "3".to_string()]]
    );
    run.stop().await;
}
