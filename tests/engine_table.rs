//! End to end: a table job between two `doris-emu` processes driven through
//! `engine::run` with a `MemoryCheckpoint`: full sync, inserts, deletes, alias target.

mod engine_common;

use std::sync::Arc;
use std::time::Duration;

use ccr_syncer::engine::checkpoint::{MemoryCheckpoint, RunnerExit};
use engine_common::*;
use tokio_util::sync::CancellationToken;

const T: Duration = Duration::from_secs(60);

async fn setup_source(pair: &Pair) -> ccr_syncer::doris::SqlClient {
    let src = sql(&pair.src);
    exec(&src, &[
        "CREATE DATABASE s",
        "CREATE TABLE s.t (k INT, v BIGINT SUM, r VARCHAR(16) REPLACE) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3 PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
        "INSERT INTO s.t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')",
    ])
    .await;
    src
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_job_full_sync_then_inserts_and_deletes() {
    let pair = Pair::start(2, 1).await;
    let src = setup_source(&pair).await;
    let dest = sql(&pair.dest);
    let (cp, run) = run_job("tj", &pair, ("s", "d"), ("t", "t"));

    let q = "SELECT * FROM s.t ORDER BY k";
    let qd = "SELECT * FROM d.t ORDER BY k";
    wait_same(&src, &dest, q, qd, T).await;
    let p0 = wait_incremental(&cp, &run.status).await;
    assert!(p0.full_sync_start_at > 0);
    assert_eq!(
        rows(&src, "DESC s.t").await,
        rows(&dest, "DESC d.t").await,
        "schema differs"
    );

    exec(&src, &["INSERT INTO s.t VALUES (4, 40, 'd'), (1, 5, 'z')"]).await;
    wait_same(&src, &dest, q, qd, T).await;
    exec(&src, &["DELETE FROM s.t WHERE k = 2"]).await;
    exec(&src, &["INSERT INTO s.t VALUES (5, 50, 'e')"]).await;
    let got = wait_same(&src, &dest, q, qd, T).await;
    assert_eq!(got.len(), 4, "{got:?}");

    let p1 = wait_incremental(&cp, &run.status).await;
    assert_eq!(
        p1.full_sync_start_at, p0.full_sync_start_at,
        "no second full sync"
    );
    assert!(p1.prev_commit_seq > p0.prev_commit_seq);
    run.cancel.cancel();
    assert_eq!(run.join.await.expect("runner task"), RunnerExit::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_job_with_alias_target() {
    let pair = Pair::start(1, 2).await;
    let src = setup_source(&pair).await;
    let dest = sql(&pair.dest);
    let (_cp, run) = run_job("alias", &pair, ("s", "d2"), ("t", "t_copy"));
    let q = "SELECT * FROM s.t ORDER BY k";
    let qd = "SELECT * FROM d2.t_copy ORDER BY k";
    wait_same(&src, &dest, q, qd, T).await;
    exec(&src, &["INSERT INTO s.t VALUES (7, 70, 'g'), (3, 1, 'x')"]).await;
    wait_same(&src, &dest, q, qd, T).await;
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_job_column_changes_without_full_sync() {
    let pair = Pair::start(1, 1).await;
    let src = sql(&pair.src);
    exec(&src, &[
        "CREATE DATABASE s",
        "CREATE TABLE s.c (k INT, a INT, b VARCHAR(8)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
        "INSERT INTO s.c VALUES (1, 1, 'x')",
    ])
    .await;
    let dest = sql(&pair.dest);
    let (cp, run) = run_job("cols", &pair, ("s", "d"), ("c", "c_alias"));
    let (q, qd) = (
        "SELECT * FROM s.c ORDER BY k",
        "SELECT * FROM d.c_alias ORDER BY k",
    );
    wait_same(&src, &dest, q, qd, T).await;
    let p0 = wait_incremental(&cp, &run.status).await;
    let steps: [&[&str]; 5] = [
        &[
            "ALTER TABLE s.c ADD COLUMN z INT DEFAULT \"5\"",
            "INSERT INTO s.c VALUES (2, 2, 'y', 6)",
        ],
        &[
            "ALTER TABLE s.c ADD COLUMN m INT DEFAULT \"0\" AFTER a",
            "INSERT INTO s.c VALUES (3, 3, 9, 'w', 7)",
        ],
        &[
            "ALTER TABLE s.c DROP COLUMN b",
            "INSERT INTO s.c VALUES (4, 4, 4, 4)",
        ],
        &[
            "ALTER TABLE s.c RENAME COLUMN a a2",
            "INSERT INTO s.c VALUES (5, 5, 5, 5)",
        ],
        &[
            "ALTER TABLE s.c MODIFY COLUMN z COMMENT 'zed'",
            "ALTER TABLE s.c MODIFY COMMENT 'table c'",
        ],
    ];
    for stmts in steps {
        exec(&src, stmts).await;
        wait_same(&src, &dest, q, qd, T).await;
        wait_same(&src, &dest, "DESC s.c", "DESC d.c_alias", T).await;
    }
    let p1 = wait_incremental(&cp, &run.status).await;
    assert_eq!(p1.full_sync_start_at, p0.full_sync_start_at, "no full sync");
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_target_table_is_overwritten_when_allowed() {
    let pair = Pair::start(1, 1).await;
    let src = setup_source(&pair).await;
    let dest = sql(&pair.dest);
    exec(&dest, &[
        "CREATE DATABASE d",
        "CREATE TABLE d.t (k INT, v BIGINT SUM, r VARCHAR(16) REPLACE) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3 PROPERTIES (\"replication_num\" = \"1\")",
        "INSERT INTO d.t VALUES (100, 1, 'other')",
    ])
    .await;
    let mut job = job("exists", &pair, "s", "d", "t", "t");
    job.allow_table_exists = true;
    let cp = Arc::new(MemoryCheckpoint::new());
    let run = start_runner(&job, None, cp.clone(), CancellationToken::new());
    let (q, qd) = (
        "SELECT * FROM s.t ORDER BY k",
        "SELECT * FROM d.t ORDER BY k",
    );
    wait_same(&src, &dest, q, qd, T).await;
    let create = rows(&dest, "SHOW CREATE TABLE d.t").await;
    assert!(
        create[0][1].contains("\"is_being_synced\" = \"true\""),
        "{create:?}"
    );
    exec(&src, &["INSERT INTO s.t VALUES (9, 9, 'n')"]).await;
    wait_same(&src, &dest, q, qd, T).await;
    run.stop().await;
}
