//! `[features]` switches of DDL replay, each flipped against real doris-emu processes:
//! `feature_schema_change_partial_sync` (a finished heavy schema change re-copies the
//! table by partial sync, or drops it and full syncs) and `feature_create_view_drop_exists`
//! (a replayed CREATE VIEW replaces a target view of that name, or keeps it).

mod engine_common;

use std::sync::Arc;
use std::time::Duration;

use ccr_syncer::config::FeatureFlags;
use ccr_syncer::doris::SqlClient;
use ccr_syncer::engine::checkpoint::MemoryCheckpoint;
use ccr_syncer::engine::status::JobStatus;
use ccr_syncer::engine::EngineOptions;
use ccr_syncer::job::{JobSpec, SyncState};
use engine_common::*;
use tokio_util::sync::CancellationToken;

const T: Duration = Duration::from_secs(60);
const PROPS: &str = "PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")";

/// Starts `engine::run_with` with `features`.
fn start(job: &JobSpec, cp: Arc<MemoryCheckpoint>, features: FeatureFlags) -> Running {
    let options = EngineOptions {
        features,
        ..options()
    };
    start_runner_with(job, None, cp, CancellationToken::new(), options)
}

async fn equal(src: &SqlClient, dest: &SqlClient, qs: &str, qd: &str) {
    wait_same(src, dest, qs, qd, T).await;
}

/// Snapshots taken on the source: (full `ccrs_`, partial `ccrp_`).
async fn snapshots(src: &SqlClient) -> (usize, usize) {
    let names: Vec<String> = rows(src, "SHOW BACKUP FROM s")
        .await
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    let count = |p: &str| names.iter().filter(|n| n.starts_with(p)).count();
    (count("ccrs_"), count("ccrp_"))
}

/// Table job through a heavy schema change; returns the snapshots taken.
async fn heavy_schema_change(partial: bool) -> (usize, usize) {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    exec(&src, &[
        "CREATE DATABASE s",
        &format!("CREATE TABLE s.t (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {PROPS}"),
        "INSERT INTO s.t VALUES (1, 1), (2, 2)",
    ])
    .await;
    let features = FeatureFlags {
        feature_schema_change_partial_sync: partial,
        ..Default::default()
    };
    let cp = Arc::new(MemoryCheckpoint::new());
    let run = start(&job("sc", &pair, "s", "d", "t", "t"), cp.clone(), features);
    let (qs, qd) = (
        "SELECT * FROM s.t ORDER BY 1, 2",
        "SELECT * FROM d.t ORDER BY 1, 2",
    );
    equal(&src, &dest, qs, qd).await;
    let status = JobStatus::new(SyncState::TableFullSync);
    wait_incremental(&cp, &status).await;
    exec(
        &src,
        &[
            "ALTER TABLE s.t ADD COLUMN k0 INT KEY DEFAULT \"0\" FIRST",
            "INSERT INTO s.t VALUES (9, 3, 3)",
        ],
    )
    .await;
    equal(&src, &dest, "DESC s.t", "DESC d.t").await;
    equal(&src, &dest, qs, qd).await;
    exec(&src, &["INSERT INTO s.t VALUES (8, 4, 4)"]).await;
    equal(&src, &dest, qs, qd).await;
    wait_incremental(&cp, &status).await;
    run.stop().await;
    snapshots(&src).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_change_is_recopied_by_partial_sync_by_default() {
    assert_eq!(
        heavy_schema_change(true).await,
        (1, 1),
        "one full, one partial"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_change_drops_and_full_syncs_without_the_feature() {
    assert_eq!(
        heavy_schema_change(false).await,
        (2, 0),
        "two full, no partial"
    );
}

/// Db job; a view `v` made by hand on the target, then CREATE VIEW `v` upstream. Returns
/// the target view's column count once the binlog is applied.
async fn create_view_over_existing(drop_exists: bool) -> usize {
    let pair = Pair::start(1, 1).await;
    let (src, dest) = (sql(&pair.src), sql(&pair.dest));
    exec(&src, &[
        "CREATE DATABASE s",
        "ALTER DATABASE s SET PROPERTIES (\"binlog.enable\" = \"true\")",
        &format!("CREATE TABLE s.t (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "INSERT INTO s.t VALUES (1, 1)",
    ])
    .await;
    let features = FeatureFlags {
        feature_create_view_drop_exists: drop_exists,
        ..Default::default()
    };
    let cp = Arc::new(MemoryCheckpoint::new());
    let run = start(&job("cv", &pair, "s", "d", "", ""), cp.clone(), features);
    let (qs, qd) = (
        "SELECT * FROM s.t ORDER BY 1",
        "SELECT * FROM d.t ORDER BY 1",
    );
    equal(&src, &dest, qs, qd).await;
    exec(
        &dest,
        &["CREATE VIEW d.v AS SELECT k FROM `internal`.`d`.`t`"],
    )
    .await;
    exec(
        &src,
        &[
            "CREATE VIEW s.v AS SELECT k, v FROM `internal`.`s`.`t`",
            "INSERT INTO s.t VALUES (2, 2)",
        ],
    )
    .await;
    // Binlogs apply in order: the insert on the target means the view binlog is done.
    equal(&src, &dest, qs, qd).await;
    let status = JobStatus::new(SyncState::DbFullSync);
    wait_incremental(&cp, &status).await;
    let view = rows(&dest, "SELECT * FROM d.v ORDER BY 1").await;
    run.stop().await;
    view.first().map_or(0, Vec::len)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_view_replaces_an_existing_view_by_default() {
    assert_eq!(
        create_view_over_existing(true).await,
        2,
        "source definition"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_view_keeps_an_existing_view_without_the_feature() {
    assert_eq!(
        create_view_over_existing(false).await,
        1,
        "target's own view kept"
    );
}
