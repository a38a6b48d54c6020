//! End to end: a database job between two `doris-emu` processes: full sync of every
//! table, then inserts, a new table, a dropped table and a light schema change.

mod engine_common;

use std::sync::Arc;
use std::time::Duration;

use ccr_syncer::engine::checkpoint::{MemoryCheckpoint, RunnerExit};
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
    let start = std::time::Instant::now();
    loop {
        let want = rows(src, &q("s")).await;
        let got = try_rows(dest, &q("d")).await;
        if got.as_ref() == Some(&want) {
            return;
        }
        assert!(
            start.elapsed() < T,
            "{table}: target never matched: {want:?} vs {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
    let job = job("dbj", &pair, "s", "d", "", "");
    let cp = Arc::new(MemoryCheckpoint::new());
    let run = start_runner(&job, None, cp.clone(), CancellationToken::new());
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
