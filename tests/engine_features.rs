//! `[features]` switches of the snapshot path, each flipped against real doris-emu
//! processes: `feature_atomic_restore` (atomic restores replace the target table, so
//! target-only partitions go), `feature_replace_not_matched_with_alias` (a target table
//! with another schema is replaced through an alias, or dropped first) and
//! `feature_cancel_conflict_backup_restore_job` (a running leftover backup is cancelled
//! instead of waited for).

mod engine_common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ccr_syncer::config::FeatureFlags;
use ccr_syncer::doris::SqlClient;
use ccr_syncer::engine::checkpoint::{CheckpointError, CheckpointHandle, MemoryCheckpoint};
use ccr_syncer::engine::context::JobCtx;
use ccr_syncer::engine::status::JobStatus;
use ccr_syncer::engine::EngineOptions;
use ccr_syncer::job::{JobSpec, JobState, Progress, SyncState};
use engine_common::*;
use tokio_util::sync::CancellationToken;

const T: Duration = Duration::from_secs(60);
const PROPS: &str = "PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")";

fn opts(features: FeatureFlags) -> EngineOptions {
    EngineOptions {
        features,
        ..options()
    }
}

/// Starts `engine::run_with` with `options`.
fn start(job: &JobSpec, cp: Arc<dyn CheckpointHandle>, options: EngineOptions) -> Running {
    start_runner_with(job, None, cp, CancellationToken::new(), options)
}

/// Remembers whether any checkpoint restored into an alias table.
struct Recording {
    inner: Arc<MemoryCheckpoint>,
    saw_alias: AtomicBool,
}

#[async_trait]
impl CheckpointHandle for Recording {
    async fn save(&self, progress: &Progress) -> Result<(), CheckpointError> {
        if !progress.table_aliases.is_empty() {
            self.saw_alias.store(true, Ordering::SeqCst);
        }
        self.inner.save(progress).await
    }

    async fn set_state(&self, state: JobState) -> Result<(), CheckpointError> {
        self.inner.set_state(state).await
    }
}

async fn equal(src: &SqlClient, dest: &SqlClient, qs: &str, qd: &str) -> Vec<Vec<String>> {
    wait_same(src, dest, qs, qd, T).await
}

/// Table job onto a target table with the same schema plus a target-only partition p3
/// holding one row; returns the target's partition names after the full sync.
async fn full_sync_onto_extra_partition(atomic: bool) -> Vec<String> {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    let ddl = |db: &str, extra: &str| {
        format!("CREATE TABLE {db}.t (k INT, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), PARTITION p2 VALUES LESS THAN (\"20\"){extra}) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}")
    };
    exec(
        &src,
        &[
            "CREATE DATABASE s",
            &ddl("s", ""),
            "INSERT INTO s.t VALUES (1, 1), (11, 11)",
        ],
    )
    .await;
    let extra = ", PARTITION p3 VALUES LESS THAN (\"30\")";
    exec(
        &dest,
        &[
            "CREATE DATABASE d",
            &ddl("d", extra),
            "INSERT INTO d.t VALUES (25, 25)",
        ],
    )
    .await;
    let features = FeatureFlags {
        feature_atomic_restore: atomic,
        ..Default::default()
    };
    let cp = Arc::new(MemoryCheckpoint::new());
    let run = start(
        &job("at", &pair, "s", "d", "t", "t"),
        cp.clone(),
        opts(features),
    );
    let status = JobStatus::new(SyncState::TableFullSync);
    wait_incremental(&cp, &status).await;
    let (qs, qd) = (
        "SELECT * FROM s.t WHERE k < 20 ORDER BY 1",
        "SELECT * FROM d.t WHERE k < 20 ORDER BY 1",
    );
    equal(&src, &dest, qs, qd).await;
    let parts = rows(&dest, "SHOW PARTITIONS FROM d.t").await;
    run.stop().await;
    parts.into_iter().map(|r| r[1].clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn atomic_restore_on_replaces_the_whole_target_table() {
    let parts = full_sync_onto_extra_partition(true).await;
    assert_eq!(parts, vec!["p1", "p2"], "target-only p3 replaced away");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn atomic_restore_off_restores_in_place() {
    let parts = full_sync_onto_extra_partition(false).await;
    assert_eq!(parts, vec!["p1", "p2", "p3"], "non-atomic restore keeps p3");
}

/// Db job onto a target table `t` with another schema; returns whether an alias was used.
async fn replace_mismatched_table(alias: bool) -> bool {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    exec(&src, &[
        "CREATE DATABASE s",
        "ALTER DATABASE s SET PROPERTIES (\"binlog.enable\" = \"true\")",
        &format!("CREATE TABLE s.t (k INT, v BIGINT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"),
        "INSERT INTO s.t VALUES (1, 100), (2, 200)",
    ])
    .await;
    exec(&dest, &[
        "CREATE DATABASE d",
        "CREATE TABLE d.t (k INT, v VARCHAR(10)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\")",
        "INSERT INTO d.t VALUES (7, 'old')",
    ])
    .await;
    let features = FeatureFlags {
        feature_replace_not_matched_with_alias: alias,
        ..Default::default()
    };
    let inner = Arc::new(MemoryCheckpoint::new());
    let cp = Arc::new(Recording {
        inner: inner.clone(),
        saw_alias: AtomicBool::new(false),
    });
    let run = start(
        &job("al", &pair, "s", "d", "", ""),
        cp.clone(),
        opts(features),
    );
    let (qs, qd) = (
        "SELECT * FROM s.t ORDER BY 1",
        "SELECT * FROM d.t ORDER BY 1",
    );
    equal(&src, &dest, qs, qd).await;
    equal(&src, &dest, "DESC s.t", "DESC d.t").await;
    exec(&src, &["INSERT INTO s.t VALUES (3, 300)"]).await;
    equal(&src, &dest, qs, qd).await;
    let tables = rows(&dest, "SHOW TABLES FROM d").await;
    assert_eq!(tables, vec![vec!["t".to_string()]], "no alias table left");
    run.stop().await;
    cp.saw_alias.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mismatched_table_is_restored_into_an_alias_by_default() {
    assert!(replace_mismatched_table(true).await, "alias used");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mismatched_table_is_dropped_without_the_alias_feature() {
    assert!(
        !replace_mismatched_table(false).await,
        "no alias: dropped and restored"
    );
}

/// State of backup `name` on `src`.
async fn backup_state(src: &SqlClient, name: &str) -> String {
    let q = format!("SHOW BACKUP FROM s WHERE SnapshotName = \"{name}\"");
    let r = rows(src, &q).await;
    r.first().map(|r| r[3].clone()).unwrap_or_default()
}

/// Issues a leftover `ccrs_` backup, then runs the full sync's first step at once.
/// Returns the leftover's final state, or `None` when it finished before the step could
/// see it running (the emulator runs a backup in a few hundred ms: try again).
async fn leftover_backup_outcome(src: &SqlClient, ctx: &JobCtx, attempt: usize) -> Option<String> {
    poll("no backup running on the source", T, || async {
        let all = rows(src, "SHOW BACKUP FROM s").await;
        all.iter()
            .all(|r| r[3] == "FINISHED" || r[3] == "CANCELLED")
            .then_some(())
    })
    .await;
    let name = format!("ccrs_s_t_{attempt}");
    exec(src, &[&format!("BACKUP SNAPSHOT s.{name} TO `__keep_on_local__` ON (t) PROPERTIES (\"type\" = \"full\")")]).await;
    let mut p = Progress::new("cb", true);
    let res = ccr_syncer::engine::full_sync::step(ctx, &mut p).await;
    let state = poll("leftover backup final", T, || async {
        let s = backup_state(src, &name).await;
        (s == "FINISHED" || s == "CANCELLED").then_some(s)
    })
    .await;
    match (&res, state.as_str()) {
        // Off: our BACKUP was refused while the leftover ran; it then finished.
        (Err(e), "FINISHED") => {
            assert!(e.to_string().contains("one backup or restore"), "{e}");
            Some(state)
        }
        (Ok(()), "CANCELLED") => Some(state),
        (Ok(()), "FINISHED") => None,
        (r, s) => panic!("unexpected: step {r:?}, leftover {s}"),
    }
}

async fn conflicting_backup(cancel: bool) -> String {
    let pair = Pair::start(1, 1).await;
    let src = sql(&pair.src);
    exec(&src, &[
        "CREATE DATABASE s",
        &format!("CREATE TABLE s.t (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "INSERT INTO s.t VALUES (1, 1)",
    ])
    .await;
    let features = FeatureFlags {
        feature_cancel_conflict_backup_restore_job: cancel,
        ..Default::default()
    };
    let spec = job("cb", &pair, "s", "d", "t", "t");
    let ctx = JobCtx::new(
        spec,
        Arc::new(MemoryCheckpoint::new()),
        Arc::new(JobStatus::new(SyncState::TableFullSync)),
        CancellationToken::new(),
        opts(features),
    )
    .expect("job context");
    for attempt in 0..10 {
        if let Some(state) = leftover_backup_outcome(&src, &ctx, attempt).await {
            return state;
        }
    }
    panic!("the leftover backup always finished before the step saw it running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicting_backup_is_cancelled_with_the_feature() {
    assert_eq!(conflicting_backup(true).await, "CANCELLED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicting_backup_is_waited_for_by_default() {
    assert_eq!(conflicting_backup(false).await, "FINISHED");
}
