//! Crash injection: the runner is killed (cancelled, and its later checkpoint writes
//! refused) right before or right after its 1st/2nd/3rd/4th checkpoint — sometimes a few
//! ms later, in the middle of the next step — and restarted from the saved progress,
//! over and over, while batches are inserted on the source. On an AGGREGATE SUM table
//! every key must end with exactly one unit per batch: nothing lost, nothing applied twice.

mod engine_common;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use ccr_syncer::engine::checkpoint::MemoryCheckpoint;
use engine_common::*;
use tokio_util::sync::CancellationToken;

const BATCHES: usize = 16;
const KEYS: usize = 6;

async fn insert_batch(src: &ccr_syncer::doris::SqlClient, tables: &[&str]) {
    let values: Vec<String> = (1..=KEYS).map(|k| format!("({k}, 1)")).collect();
    for t in tables {
        let sql = format!("INSERT INTO s.{t} (k, v) VALUES {}", values.join(", "));
        exec(src, &[&sql]).await;
    }
}

fn expected(batches: usize) -> Vec<Vec<String>> {
    (1..=KEYS)
        .map(|k| vec![k.to_string(), batches.to_string()])
        .collect()
}

/// One runner life: runs until the injected crash, or `idle` passes without one.
async fn one_life(job: &ccr_syncer::job::JobSpec, store: &Arc<MemoryCheckpoint>, round: u64) {
    let cancel = CancellationToken::new();
    let cp = Arc::new(CrashAfter {
        inner: store.clone(),
        after: round % 4 + 1,
        delay: Duration::from_millis((round / 8 % 3) * 3),
        refuse: round / 4 % 2 == 1,
        cancel: cancel.clone(),
        saves: AtomicU64::new(0),
    });
    let mut run = start_runner(job, store.progress(), cp, cancel.clone());
    if tokio::time::timeout(Duration::from_millis(1500), &mut run.join)
        .await
        .is_err()
    {
        cancel.cancel();
        let _ = run.join.await;
    }
    if let Some(ccr_syncer::job::JobState::Blocked { reason }) = store.state() {
        panic!("job blocked: {reason}");
    }
}

/// Crash loop: one runner life per round, a batch per round until `BATCHES`, `ddl_at`
/// runs one DDL mid-way; ends when every table holds exactly `BATCHES` per key.
async fn crash_loop(pair: &Pair, job: &ccr_syncer::job::JobSpec, tables: &[&str], ddl: &str) {
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    insert_batch(&src, tables).await;
    let mut batches = 1;
    let store = Arc::new(MemoryCheckpoint::new());
    for round in 0..400u64 {
        if round > 2 && batches < BATCHES {
            if batches == BATCHES / 2 {
                exec(&src, &[ddl]).await;
            }
            insert_batch(&src, tables).await;
            batches += 1;
        }
        one_life(job, &store, round).await;
        let caught_up = store
            .progress()
            .is_some_and(|p| p.sync_state.is_incremental() && p.is_done());
        if batches == BATCHES && caught_up && converged(&dest, tables).await {
            for t in tables {
                let q = format!("SELECT k, v FROM s.{t} ORDER BY k");
                assert_eq!(rows(&src, &q).await, expected(BATCHES));
            }
            return;
        }
    }
    panic!(
        "never converged: progress {:?}",
        store.progress().map(|p| p.to_json())
    );
}

async fn converged(dest: &ccr_syncer::doris::SqlClient, tables: &[&str]) -> bool {
    for t in tables {
        let q = format!("SELECT k, v FROM d.{t} ORDER BY k");
        if try_rows(dest, &q).await != Some(expected(BATCHES)) {
            return false;
        }
    }
    true
}

const AGG: &str = "(k INT, v BIGINT SUM) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 3 PROPERTIES (\"replication_num\" = \"2\", \"binlog.enable\" = \"true\")";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_job_crashes_lose_and_double_nothing() {
    let pair = Pair::start(2, 2).await;
    let src = sql(&pair.src);
    exec(
        &src,
        &["CREATE DATABASE s", &format!("CREATE TABLE s.a {AGG}")],
    )
    .await;
    let job = job("crashy", &pair, "s", "d", "a", "a");
    let ddl = "ALTER TABLE s.a ADD COLUMN extra BIGINT SUM DEFAULT \"0\"";
    crash_loop(&pair, &job, &["a"], ddl).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_job_crashes_lose_and_double_nothing() {
    let pair = Pair::start(2, 2).await;
    let src = sql(&pair.src);
    exec(
        &src,
        &[
            "CREATE DATABASE s",
            "ALTER DATABASE s SET PROPERTIES (\"binlog.enable\" = \"true\")",
            &format!("CREATE TABLE s.a {AGG}"),
            &format!("CREATE TABLE s.b {AGG}"),
        ],
    )
    .await;
    let job = job("crashy_db", &pair, "s", "d", "", "");
    let ddl = "ALTER TABLE s.b ADD COLUMN extra BIGINT SUM DEFAULT \"0\"";
    crash_loop(&pair, &job, &["a", "b"], ddl).await;
}

/// Every checkpoint of the full sync, crashed just before or just after it is stored,
/// then resumed: the target ends equal with every row exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_resumes_from_every_checkpoint() {
    let pair = Pair::start(2, 2).await;
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    exec(
        &src,
        &["CREATE DATABASE s", &format!("CREATE TABLE s.a {AGG}")],
    )
    .await;
    insert_batch(&src, &["a"]).await;
    for (i, (after, refuse)) in (1..=6u64).flat_map(|n| [(n, false), (n, true)]).enumerate() {
        let dest_db = format!("d{i}");
        let job = job(&format!("fs{i}"), &pair, "s", &dest_db, "a", "a");
        let store = Arc::new(MemoryCheckpoint::new());
        let cancel = CancellationToken::new();
        let cp = Arc::new(CrashAfter {
            inner: store.clone(),
            after,
            delay: Duration::ZERO,
            refuse,
            cancel: cancel.clone(),
            saves: AtomicU64::new(0),
        });
        let run = start_runner(&job, None, cp, cancel.clone());
        let first = tokio::time::timeout(Duration::from_secs(30), run.join).await;
        assert!(first.is_ok(), "crash {after}/{refuse} did not happen");
        let run = start_runner(
            &job,
            store.progress(),
            store.clone(),
            CancellationToken::new(),
        );
        insert_batch(&src, &["a"]).await;
        let q = format!("SELECT k, v FROM {dest_db}.a ORDER BY k");
        let want = rows(&src, "SELECT k, v FROM s.a ORDER BY k").await;
        poll(
            &format!("job fs{i} converges"),
            Duration::from_secs(60),
            || async { (try_rows(&dest, &q).await.as_ref() == Some(&want)).then_some(()) },
        )
        .await;
        run.cancel.cancel();
        let _ = run.join.await;
    }
}
