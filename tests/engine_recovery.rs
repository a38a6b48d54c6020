//! Runner control: fencing stops the runner, `/force_fullsync` re-copies, an expired
//! binlog position (GC past the job) triggers a full sync by itself.

mod engine_common;

use std::sync::Arc;
use std::time::Duration;

use ccr_syncer::doris::SqlClient;
use ccr_syncer::engine::checkpoint::{MemoryCheckpoint, RunnerCommand, RunnerExit};
use engine_common::*;
use serde_json::json;
use tokio_util::sync::CancellationToken;

const T: Duration = Duration::from_secs(60);
const QS: &str = "SELECT * FROM s.t ORDER BY k";
const QD: &str = "SELECT * FROM d.t ORDER BY k";

async fn source(pair: &Pair) -> SqlClient {
    let src = sql(&pair.src);
    exec(&src, &[
        "CREATE DATABASE s",
        "CREATE TABLE s.t (k INT, v INT) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
        "INSERT INTO s.t VALUES (1, 1), (2, 2)",
    ])
    .await;
    src
}

async fn same(src: &SqlClient, dest: &SqlClient) -> Vec<Vec<String>> {
    wait_same(src, dest, QS, QD, T).await
}

async fn backups(src: &SqlClient) -> usize {
    rows(src, "SHOW BACKUP FROM s").await.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fenced_runner_stops_and_applies_nothing_more() {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (source(&pair).await, sql(&pair.dest));
    let (cp, run) = run_job("f", &pair, ("s", "d"), ("t", "t"));
    let before = same(&src, &dest).await;
    wait_incremental(&cp, &run.status).await;
    cp.fence();
    exec(&src, &["INSERT INTO s.t VALUES (3, 3)"]).await;
    let exit = tokio::time::timeout(T, run.join)
        .await
        .expect("runner stops")
        .expect("task");
    assert_eq!(exit, RunnerExit::Fenced);
    assert_eq!(
        rows(&dest, QD).await,
        before,
        "nothing applied after fencing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_full_sync_recopies_and_continues() {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (source(&pair).await, sql(&pair.dest));
    let (cp, run) = run_job("ffs", &pair, ("s", "d"), ("t", "t"));
    same(&src, &dest).await;
    let p0 = wait_incremental(&cp, &run.status).await;
    assert_eq!(backups(&src).await, 1);
    run.commands
        .send(RunnerCommand::ForceFullSync)
        .expect("send");
    poll("a second backup", T, || async {
        (backups(&src).await == 2).then_some(())
    })
    .await;
    let p1 = poll("incremental after the new full sync", T, || async {
        let p = cp.progress()?;
        (p.sync_state.is_incremental() && p.prev_commit_seq > p0.prev_commit_seq).then_some(p)
    })
    .await;
    assert!(p1.full_sync_start_at >= p0.full_sync_start_at);
    exec(&src, &["INSERT INTO s.t VALUES (2, 22), (5, 5)"]).await;
    same(&src, &dest).await;
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_binlog_position_triggers_a_full_sync() {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (source(&pair).await, sql(&pair.dest));
    let cp = Arc::new(MemoryCheckpoint::new());
    let job = job("gc", &pair, "s", "d", "t", "t");
    let run = start_runner(&job, None, cp.clone(), CancellationToken::new());
    same(&src, &dest).await;
    wait_incremental(&cp, &run.status).await;
    run.cancel.cancel();
    assert_eq!(run.join.await.expect("task"), RunnerExit::Cancelled);
    // Paused: more data arrives and the source GCs every binlog.
    exec(
        &src,
        &[
            "INSERT INTO s.t VALUES (3, 3)",
            "INSERT INTO s.t VALUES (4, 4)",
        ],
    )
    .await;
    admin(&pair.src, "/gc_binlog", json!({})).await;
    let run = start_runner(&job, cp.progress(), cp.clone(), CancellationToken::new());
    same(&src, &dest).await;
    assert_eq!(backups(&src).await, 2, "recovered by a new full sync");
    exec(&src, &["INSERT INTO s.t VALUES (6, 6)"]).await;
    same(&src, &dest).await;
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreplayable_changes_block_the_job_with_a_reason() {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (source(&pair).await, sql(&pair.dest));
    // A table job whose source table is renamed: blocked, not spinning.
    let (cp, run) = run_job("ren", &pair, ("s", "d"), ("t", "t"));
    same(&src, &dest).await;
    wait_incremental(&cp, &run.status).await;
    exec(&src, &["ALTER TABLE s.t RENAME t_new"]).await;
    let exit = tokio::time::timeout(T, run.join)
        .await
        .expect("runner stops")
        .expect("task");
    let RunnerExit::Blocked(reason) = exit else {
        panic!("not blocked: {exit:?}")
    };
    assert!(reason.to_lowercase().contains("rename"), "{reason}");
    assert_eq!(
        cp.state()
            .and_then(|s| s.blocked_reason().map(str::to_string)),
        Some(reason.clone())
    );
    assert_eq!(run.status.snapshot().blocked_reason, Some(reason));

    // A job whose source table does not exist: blocked after bounded retries.
    let (_cp, run) = run_job("missing", &pair, ("s", "d"), ("nope", "nope"));
    let exit = tokio::time::timeout(T, run.join)
        .await
        .expect("runner stops")
        .expect("task");
    assert!(matches!(exit, RunnerExit::Blocked(_)), "{exit:?}");
    assert!(run.status.snapshot().retries >= 1);
}
