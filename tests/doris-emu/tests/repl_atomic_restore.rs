//! An atomic restore (full sync) over an existing target table leaves exactly the
//! snapshot's partitions, as Doris' atomic restore (a new table swapped in) does: a
//! partition dropped on the source whose binlog was GC'd before the syncer saw it must
//! not survive on the target (found by the chaos suite, seed 2).

mod repl_common;

use doris_emu::cluster::{fe_api, Cluster};
use doris_thrift::frontend_service::TRestoreSnapshotRequest;
use repl_common::{backup_snapshot, column, poll, sql, start, TestCluster};

const TABLE: &str = "CREATE TABLE t (k INT, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(k) \
    (PARTITION p1 VALUES LESS THAN (\"10\"), PARTITION p2 VALUES LESS THAN (\"20\")) \
    DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")";

async fn backup_and_restore(src: &TestCluster, dst: &Cluster, name: &str) {
    let (meta, info) = backup_snapshot(src, name, "`t`").await;
    let req = TRestoreSnapshotRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        label_name: Some(format!("{name}_r")),
        repo_name: Some("__keep_on_local__".into()),
        properties: Some([("reserve_replica".to_string(), "true".to_string())].into()),
        meta: Some(meta),
        job_info: Some(info.to_string().into_bytes()),
        atomic_restore: Some(true),
        ..Default::default()
    };
    fe_api::restore_snapshot(dst, req);
    let q = format!("SHOW RESTORE FROM `d` WHERE Label = \"{name}_r\"");
    poll("restore", || {
        (column(dst, "d", &q, "State").pop()? == "FINISHED").then_some(())
    })
    .await;
}

#[tokio::test]
async fn atomic_restore_drops_target_only_partitions() {
    let src = start(1, 100_000, None).await;
    let dst = start(1, 200_000, None).await;
    sql(
        &src.c,
        None,
        "CREATE DATABASE s PROPERTIES (\"binlog.enable\" = \"true\")",
    );
    sql(&dst.c, None, "CREATE DATABASE d");
    sql(&src.c, Some("s"), TABLE);
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (1, 1), (11, 11)");
    backup_and_restore(&src, &dst.c, "snap1").await;
    let parts = |c: &Cluster, db: &str| column(c, db, "SHOW PARTITIONS FROM t", "PartitionName");
    assert_eq!(parts(&dst.c, "d"), vec!["p1", "p2"]);

    sql(&src.c, Some("s"), "ALTER TABLE t DROP PARTITION p2");
    backup_and_restore(&src, &dst.c, "snap2").await;
    assert_eq!(parts(&dst.c, "d"), parts(&src.c, "s"));
    assert_eq!(parts(&dst.c, "d"), vec!["p1"]);
}
