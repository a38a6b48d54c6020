//! A db job's re-done full sync leaves the target with the source's tables: tables
//! dropped or renamed on the source while the job was paused go away on the target.
//! Default: the syncer drops the target tables a CCR restore made (`is_being_synced`)
//! that the snapshot lacks, keeping views and hand-made tables. With
//! `feature_clean_table_and_partitions` the restore's `clean_tables` does it, the Doris
//! way: hand-made tables and views not in the snapshot go too.

mod engine_common;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ccr_syncer::doris::SqlClient;
use ccr_syncer::engine::checkpoint::{
    CheckpointError, CheckpointHandle, MemoryCheckpoint, RunnerCommand, RunnerContext, RunnerExit,
};
use ccr_syncer::engine::status::JobStatus;
use ccr_syncer::engine::EngineOptions;
use ccr_syncer::job::{JobSpec, JobState, Progress, SubSyncState, SyncState};
use engine_common::*;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const T: Duration = Duration::from_secs(60);
const PROPS: &str = "PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")";

/// Starts the runner; `force`: with a full sync already requested (no race with its
/// first step).
fn start(
    job: &JobSpec,
    cp: Arc<dyn CheckpointHandle>,
    (progress, cancel): (Option<Progress>, CancellationToken),
    options: EngineOptions,
    force: bool,
) -> tokio::task::JoinHandle<RunnerExit> {
    let (tx, rx) = mpsc::unbounded_channel();
    if force {
        tx.send(RunnerCommand::ForceFullSync)
            .expect("queue command");
    }
    let ctx = RunnerContext {
        spec: job.clone(),
        progress,
        checkpoint: cp,
        cancel,
        status: Arc::new(JobStatus::new(SyncState::DbFullSync)),
        commands: rx,
    };
    // The sender must outlive the first step: keep it in the task.
    tokio::spawn(async move {
        let _tx = tx;
        ccr_syncer::engine::run_with(ctx, options).await
    })
}

/// Dies right before the checkpoint that ends a full sync (after its drops).
struct DieBeforeIncremental {
    inner: Arc<MemoryCheckpoint>,
    cancel: CancellationToken,
}

#[async_trait]
impl CheckpointHandle for DieBeforeIncremental {
    async fn save(&self, p: &Progress) -> Result<(), CheckpointError> {
        let ending = self
            .inner
            .progress()
            .is_some_and(|old| old.sync_state.is_full_sync());
        if self.cancel.is_cancelled() || (ending && p.sync_state.is_incremental()) {
            self.cancel.cancel();
            return Err(CheckpointError::Fenced);
        }
        self.inner.save(p).await
    }

    async fn set_state(&self, state: JobState) -> Result<(), CheckpointError> {
        self.inner.set_state(state).await
    }
}

async fn names(c: &SqlClient, db: &str) -> Vec<String> {
    let mut v: Vec<String> = rows(c, &format!("SHOW TABLES FROM {db}"))
        .await
        .into_iter()
        .filter_map(|r| r.into_iter().next())
        .collect();
    v.sort();
    v
}

async fn same_rows(src: &SqlClient, dest: &SqlClient, table: &str) {
    let q = |db: &str| format!("SELECT * FROM {db}.{table} ORDER BY 1, 2");
    wait_equal_dbs(src, dest, &q("s"), &q("d")).await;
}

async fn wait_equal_dbs(src: &SqlClient, dest: &SqlClient, qs: &str, qd: &str) {
    let want = rows(src, qs).await;
    poll(&format!("target rows of {qd} = {want:?}"), T, || async {
        (try_rows(dest, qd).await.as_ref() == Some(&want)).then_some(())
    })
    .await;
}

/// A db job syncing source `s` (t1 range-partitioned p1/p2, t2, t4) to `d`.
struct Setup {
    _pair: Pair,
    src: SqlClient,
    dest: SqlClient,
    job: JobSpec,
    cp: Arc<MemoryCheckpoint>,
}

/// Syncs `s` to `d`, then pauses the job.
async fn synced_then_paused(options: &EngineOptions) -> Setup {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    exec(&src, &[
        "CREATE DATABASE s",
        "ALTER DATABASE s SET PROPERTIES (\"binlog.enable\" = \"true\")",
        &format!("CREATE TABLE s.t1 (k INT, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), PARTITION p2 VALUES LESS THAN (\"20\")) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        &format!("CREATE TABLE s.t2 (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        &format!("CREATE TABLE s.t4 (k INT, v INT) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "INSERT INTO s.t1 VALUES (1, 1), (12, 12)",
        "INSERT INTO s.t2 VALUES (2, 2)",
        "INSERT INTO s.t4 VALUES (4, 4)",
    ])
    .await;
    let job = job("clean", &pair, "s", "d", "", "");
    let cp = Arc::new(MemoryCheckpoint::new());
    let cancel = CancellationToken::new();
    let run = (None, cancel.clone());
    let join = start(&job, cp.clone(), run, options.clone(), false);
    for t in ["t1", "t2", "t4"] {
        same_rows(&src, &dest, t).await;
    }
    poll("incremental sync", T, || async {
        cp.progress()
            .filter(|p| p.sync_state.is_incremental() && p.is_done())
    })
    .await;
    cancel.cancel();
    assert_eq!(join.await.expect("runner task"), RunnerExit::Cancelled);
    Setup {
        _pair: pair,
        src,
        dest,
        job,
        cp,
    }
}

/// While paused: t2 dropped, t3 created, t4 renamed to t5 and t1's p2 dropped on the
/// source; a table `mine` and a view `vw` made by hand on the target.
async fn change_while_paused(s: &Setup) {
    exec(&s.src, &[
        "DROP TABLE s.t2",
        &format!("CREATE TABLE s.t3 (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "INSERT INTO s.t3 VALUES (3, 3)",
        "ALTER TABLE s.t4 RENAME t5",
        "ALTER TABLE s.t1 DROP PARTITION p2",
    ])
    .await;
    exec(&s.dest, &[
        "CREATE TABLE d.mine (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\")",
        "INSERT INTO d.mine VALUES (9, 9)",
        "CREATE VIEW d.vw AS SELECT k FROM `internal`.`d`.`t1`",
    ])
    .await;
}

/// Forced full sync whose runner dies right before the checkpoint that ends it: the
/// drops are done, the checkpoint still says PersistRestoreInfo.
async fn crash_at_the_end_of_a_full_sync(s: &Setup, options: &EngineOptions) {
    let cancel = CancellationToken::new();
    let die = Arc::new(DieBeforeIncremental {
        inner: s.cp.clone(),
        cancel: cancel.clone(),
    });
    let run = (s.cp.progress(), cancel);
    let join = start(&s.job, die, run, options.clone(), true);
    assert_eq!(join.await.expect("runner task"), RunnerExit::Fenced);
    let p = s.cp.progress().expect("progress");
    assert_eq!(p.sub_sync_state, SubSyncState::PersistRestoreInfo, "{p:?}");
    assert!(!names(&s.dest, "d").await.contains(&"t2".to_string()));
}

/// Resumes the job (a forced full sync unless `crashed`: then from the checkpoint) and
/// waits until the target equals the source and incremental sync goes on.
async fn resume_until_equal(s: &Setup, options: EngineOptions, crashed: bool) {
    let cancel = CancellationToken::new();
    let run = (s.cp.progress(), cancel.clone());
    let join = start(&s.job, s.cp.clone(), run, options, !crashed);
    assert_eq!(names(&s.src, "s").await, ["t1", "t3", "t5"]);
    poll("the new full sync, then incremental sync", T, || async {
        let p = s.cp.progress()?;
        let redone = rows(&s.src, "SHOW BACKUP FROM s").await.len() >= 2;
        (redone && p.sync_state.is_incremental() && p.is_done()).then_some(())
    })
    .await;
    for t in ["t1", "t3", "t5"] {
        same_rows(&s.src, &s.dest, t).await;
    }
    // Incremental sync goes on from the new snapshot.
    let more = [
        "INSERT INTO s.t3 VALUES (33, 33)",
        "INSERT INTO s.t5 VALUES (5, 5)",
    ];
    exec(&s.src, &more).await;
    same_rows(&s.src, &s.dest, "t3").await;
    same_rows(&s.src, &s.dest, "t5").await;
    cancel.cancel();
    assert_eq!(join.await.expect("runner task"), RunnerExit::Cancelled);
}

/// The whole story; returns the target's tables and the hand-made table's rows.
async fn scenario(options: EngineOptions, crash: bool) -> (Vec<String>, Vec<String>) {
    let s = synced_then_paused(&options).await;
    change_while_paused(&s).await;
    if crash {
        crash_at_the_end_of_a_full_sync(&s, &options).await;
    }
    resume_until_equal(&s, options, crash).await;
    let mine = try_rows(&s.dest, "SELECT * FROM d.mine").await;
    let mine = mine.into_iter().flatten().flatten().collect();
    (names(&s.dest, "d").await, mine)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redone_full_sync_drops_stale_synced_tables_only() {
    let (target, mine) = scenario(options(), false).await;
    assert_eq!(
        target,
        ["mine", "t1", "t3", "t5", "vw"],
        "t2 (dropped) and t4 (renamed) gone; the hand-made table and view kept"
    );
    assert_eq!(mine, ["9", "9"], "the hand-made table keeps its rows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_tables_flag_makes_the_target_equal_to_the_snapshot() {
    let mut o = options();
    o.features.feature_clean_table_and_partitions = true;
    let (target, _) = scenario(o, false).await;
    assert_eq!(
        target,
        ["t1", "t3", "t5"],
        "Doris' clean_tables drops everything the snapshot lacks, hand-made objects too"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drops_are_redone_after_a_crash_before_the_checkpoint() {
    let (target, mine) = scenario(options(), true).await;
    assert_eq!(target, ["mine", "t1", "t3", "t5", "vw"]);
    assert_eq!(mine, ["9", "9"]);
}
