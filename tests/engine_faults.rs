//! Injected faults on the target (lost replies, PUBLISH_TIMEOUT, failing ingests, a
//! dropped getBinlog) are retried without losing or doubling data (AGGREGATE SUM).

mod engine_common;

use std::sync::Arc;
use std::time::Duration;

use ccr_syncer::doris::SqlClient;
use ccr_syncer::engine::checkpoint::MemoryCheckpoint;
use engine_common::*;
use serde_json::json;
use tokio_util::sync::CancellationToken;

const T: Duration = Duration::from_secs(60);
const QS: &str = "SELECT * FROM s.a ORDER BY k";
const QD: &str = "SELECT * FROM d.a ORDER BY k";

/// Source and target clients; the source has `s.a` (SUM) in `buckets` buckets holding
/// `values`.
async fn setup(pair: &Pair, buckets: u32, values: &str) -> (SqlClient, SqlClient) {
    let src = sql(&pair.src);
    let table = format!(
        "CREATE TABLE s.a (k INT, v BIGINT SUM) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) \
         BUCKETS {buckets} PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")"
    );
    let insert = format!("INSERT INTO s.a VALUES {values}");
    exec(&src, &["CREATE DATABASE s", &table, &insert]).await;
    (src, sql(&pair.dest))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_retried_without_double_apply() {
    let pair = Pair::start(1, 2).await;
    let (src, dest) = setup(&pair, 2, "(1, 1), (2, 1)").await;
    let (cp, run) = run_job("faulty", &pair, ("s", "d"), ("a", "a"));
    let (qs, qd) = (QS, QD);
    wait_same(&src, &dest, qs, qd, T).await;
    wait_incremental(&cp, &run.status).await;

    let faults = [
        json!({"target": "commitTxn", "drop": true, "after": true, "times": 1}),
        json!({"target": "commitTxn", "publish_timeout": true, "times": 1}),
        json!({"target": "ingest_binlog", "times": 2}),
        json!({"target": "beginTxn", "drop": true, "after": true, "times": 1}),
        json!({"target": "getBinlog", "drop": true, "times": 2}),
        json!({"target": "commitTxn", "status_code": 6, "times": 1}),
    ];
    for (i, f) in faults.iter().enumerate() {
        let emu = if f["target"] == "getBinlog" {
            &pair.src
        } else {
            &pair.dest
        };
        admin(emu, "/fault", f.clone()).await;
        exec(&src, &["INSERT INTO s.a VALUES (1, 1), (2, 1), (3, 1)"]).await;
        let got = wait_same(&src, &dest, qs, qd, T).await;
        let n = (i + 2).to_string();
        assert_eq!(got[0][1], n, "fault {f}: {got:?}");
    }
    assert!(cp.state().is_none(), "job state changed: {:?}", cp.state());
    run.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_failure_blocks_or_is_skipped_with_skip_error() {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = setup(&pair, 1, "(1, 1)").await;
    let mut job = job("skippy", &pair, "s", "d", "a", "a");
    let cp = Arc::new(MemoryCheckpoint::new());
    let run = start_runner(&job, None, cp.clone(), CancellationToken::new());
    let (qs, qd) = (QS, QD);
    wait_same(&src, &dest, qs, qd, T).await;
    wait_incremental(&cp, &run.status).await;

    // A permanent, non-retryable ingest failure blocks the job (bounded retries).
    let fault = json!({"target": "ingest_binlog", "status_code": 2, "message": "broken"});
    admin(&pair.dest, "/fault", fault).await;
    exec(&src, &["INSERT INTO s.a VALUES (2, 1)"]).await;
    let exit = tokio::time::timeout(T, run.join)
        .await
        .expect("stops")
        .expect("task");
    assert!(
        matches!(exit, ccr_syncer::engine::checkpoint::RunnerExit::Blocked(_)),
        "{exit:?}"
    );

    // With skip_error the failing binlog is skipped and later ones apply.
    job.skip_error = true;
    let run = start_runner(&job, cp.progress(), cp.clone(), CancellationToken::new());
    poll("binlog skipped", T, || async {
        let p = cp.progress()?;
        (p.is_done() && p.prev_commit_seq > 0 && run.status.snapshot().retries == 0).then_some(())
    })
    .await;
    admin(&pair.dest, "/fault/clear", json!({})).await;
    exec(&src, &["INSERT INTO s.a VALUES (3, 1)"]).await;
    let want = vec![
        vec!["1".to_string(), "1".to_string()],
        vec!["3".to_string(), "1".to_string()],
    ];
    poll("row 3 arrives, row 2 was skipped", T, || async {
        (try_rows(&dest, qd).await.as_ref() == Some(&want)).then_some(())
    })
    .await;
    run.stop().await;
}
