//! Full-sync path between two in-process clusters: BACKUP → SHOW BACKUP → getSnapshot
//! (job_info keys, barrier seqs) → restoreSnapshot with extra_info → tablet files pulled over
//! HTTP → target equal, `is_being_synced`, survives replay; signature mismatch → CANCELLED.

mod repl_common;

use doris_emu::cluster::{fe_api, Cluster};
use doris_thrift::frontend_service::{
    TGetSnapshotRequest, TRestoreSnapshotRequest, TSnapshotType, TTableRef,
};
use doris_thrift::status::TStatusCode;
use repl_common::{column, create_table, poll, rows, sql, start, TestCluster};
use serde_json::{json, Value};

fn snapshot_req(label: &str, ty: TSnapshotType) -> TGetSnapshotRequest {
    TGetSnapshotRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("s".into()),
        label_name: Some(label.into()),
        snapshot_name: Some(String::new()),
        snapshot_type: Some(ty),
        ..Default::default()
    }
}

/// BACKUP + poll SHOW BACKUP until FINISHED; returns the states seen.
async fn backup(src: &Cluster, name: &str, on: &str) -> Vec<String> {
    sql(src, Some("s"), &format!("BACKUP SNAPSHOT `s`.`{name}` TO `__keep_on_local__` ON ({on}) PROPERTIES (\"type\" = \"full\")"));
    let mut seen = Vec::new();
    let q = format!("SHOW BACKUP FROM `s` WHERE SnapshotName = \"{name}\"");
    poll("backup to finish", || {
        let st = column(src, "s", &q, "State").pop().expect("a row");
        seen.push(st.clone());
        (st == "FINISHED").then_some(())
    })
    .await;
    seen
}

/// getSnapshot + extra_info (as the syncer builds it) → restore request into `dst` db `d`.
fn restore_req(
    src: &TestCluster,
    name: &str,
    label: &str,
    refs: Vec<(String, String)>,
) -> TRestoreSnapshotRequest {
    let snap = fe_api::get_snapshot(&src.c, snapshot_req(name, TSnapshotType::LOCAL));
    assert_eq!(
        snap.status.as_ref().expect("status").status_code,
        TStatusCode::OK
    );
    let mut info: Value = serde_json::from_slice(&snap.job_info.expect("job_info")).expect("json");
    let token = src.c.with_state(|s| s.token.clone());
    info["extra_info"] = json!({"be_network_map": {"10001": {"ip": "127.0.0.1", "port": src.http_port}}, "token": token});
    TRestoreSnapshotRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        label_name: Some(label.into()),
        repo_name: Some("__keep_on_local__".into()),
        table_refs: (!refs.is_empty()).then(|| {
            refs.into_iter()
                .map(|(t, a)| TTableRef {
                    table: Some(t),
                    alias_name: Some(a),
                })
                .collect()
        }),
        properties: Some([("reserve_replica".to_string(), "true".to_string())].into()),
        meta: snap.meta,
        job_info: Some(info.to_string().into_bytes()),
        atomic_restore: Some(true),
        ..Default::default()
    }
}

async fn restore_state(dst: &Cluster, label: &str) -> (String, String) {
    let q = format!("SHOW RESTORE FROM `d` WHERE Label = \"{label}\"");
    poll("restore to end", || {
        let st = column(dst, "d", &q, "State").pop()?;
        let status = column(dst, "d", &q, "Status").pop()?;
        matches!(st.as_str(), "FINISHED" | "CANCELLED").then_some((st, status))
    })
    .await
}

#[tokio::test]
async fn backup_get_snapshot_restore_and_replay() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = start(1, 100_000, None).await;
    let dst = start(1, 200_000, Some(dir.path().to_path_buf())).await;
    create_table(&src.c, "s", "t", "INT");
    sql(
        &src.c,
        Some("s"),
        "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)",
    );
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (2, 21)");
    sql(&src.c, Some("s"), "CREATE VIEW v AS SELECT k FROM t");
    sql(&dst.c, None, "CREATE DATABASE d");

    let seen = backup(&src.c, "ccrs_s_1", "`t`, `v`").await;
    assert_ne!(
        seen[0], "FINISHED",
        "a non-final state is observable first: {seen:?}"
    );

    let bad = fe_api::get_snapshot(&src.c, snapshot_req("ccrs_s_1", TSnapshotType::REMOTE));
    assert_eq!(
        bad.status.expect("status").error_msgs,
        Some(vec!["snapshot_type is not LOCAL".to_string()])
    );
    let missing = fe_api::get_snapshot(&src.c, snapshot_req("nope", TSnapshotType::LOCAL))
        .status
        .expect("status");
    assert_eq!(
        (missing.status_code, missing.error_msgs),
        (
            TStatusCode::SNAPSHOT_NOT_EXIST,
            Some(vec!["snapshot nope not exist".into()])
        )
    );

    let snap = fe_api::get_snapshot(&src.c, snapshot_req("ccrs_s_1", TSnapshotType::LOCAL));
    let info: Value =
        serde_json::from_slice(snap.job_info.as_ref().expect("job_info")).expect("json");
    for key in [
        "name",
        "database",
        "id",
        "backup_time",
        "content",
        "backup_objects",
        "new_backup_objects",
        "backup_result",
        "meta_version",
        "major_version",
        "minor_version",
        "patch_version",
        "tablet_be_map",
        "tablet_snapshot_path_map",
        "table_commit_seq_map",
    ] {
        assert!(info.get(key).is_some(), "job_info lacks {key}");
    }
    let table_id = src
        .c
        .with_state(|s| s.db("s").and_then(|d| d.table("t")).map(|t| t.id))
        .expect("t");
    let seq = info["table_commit_seq_map"][table_id.to_string()]
        .as_i64()
        .expect("seq");
    let kind = src.c.with_state(|s| {
        let db = s.db("s").expect("db").id;
        s.binlog
            .get(db, Some(table_id), seq - 1, None)
            .map(|(_, b)| (b[0].entry.commit_seq, b[0].entry.kind))
    });
    assert_eq!(
        kind,
        Ok((seq, 10)),
        "table_commit_seq_map holds the BARRIER seq"
    );
    let part = &info["backup_objects"]["t"]["partitions"]["t"];
    assert_eq!(part["version"], json!(3));
    assert_eq!(
        part["indexes"]["t"]["tablets_order"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(info["new_backup_objects"]["views"][0]["name"], json!("v"));

    // Missing extra_info is rejected up front.
    let mut no_extra = restore_req(&src, "ccrs_s_1", "r0", vec![]);
    no_extra.job_info = snap.job_info.clone();
    let st = fe_api::restore_snapshot(&dst.c, no_extra)
        .status
        .expect("status");
    assert_eq!(
        st.error_msgs,
        Some(vec!["Invalid job extra info empty".to_string()])
    );

    let st = fe_api::restore_snapshot(&dst.c, restore_req(&src, "ccrs_s_1", "r1", vec![]))
        .status
        .expect("status");
    assert_eq!(st.status_code, TStatusCode::OK, "{:?}", st.error_msgs);
    assert_eq!(restore_state(&dst.c, "r1").await.0, "FINISHED");
    let want = rows(&src.c, "s", "SELECT * FROM t ORDER BY k");
    assert_eq!(rows(&dst.c, "d", "SELECT * FROM t ORDER BY k"), want);
    assert_eq!(rows(&dst.c, "d", "SELECT * FROM v ORDER BY k").len(), 3);
    let ddl = column(&dst.c, "d", "SHOW CREATE TABLE t", "Create Table")
        .pop()
        .expect("ddl");
    assert!(ddl.contains("\"is_being_synced\" = \"true\""), "{ddl}");

    // Restoring again into the existing same-schema table (alias-free) replaces the data.
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (9, 90)");
    backup(&src.c, "ccrs_s_2", "`t`").await;
    fe_api::restore_snapshot(&dst.c, restore_req(&src, "ccrs_s_2", "r2", vec![]));
    assert_eq!(restore_state(&dst.c, "r2").await.0, "FINISHED");
    let want = rows(&src.c, "s", "SELECT * FROM t ORDER BY k");
    assert_eq!(rows(&dst.c, "d", "SELECT * FROM t ORDER BY k"), want);

    drop(dst);
    let reopened = Cluster::open(repl_common::config(
        1,
        200_000,
        1,
        Some(dir.path().to_path_buf()),
    ))
    .expect("reopen");
    assert_eq!(rows(&reopened, "d", "SELECT * FROM t ORDER BY k"), want);
    assert_eq!(
        column(
            &reopened,
            "d",
            "SHOW RESTORE FROM d WHERE Label = \"r2\"",
            "State"
        ),
        vec!["FINISHED"]
    );
}

#[tokio::test]
async fn schema_mismatch_cancels_with_the_pattern_and_alias_restores() {
    let src = start(1, 100_000, None).await;
    let dst = start(1, 200_000, None).await;
    create_table(&src.c, "s", "t", "INT");
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (1, 10)");
    create_table(&dst.c, "d", "t", "VARCHAR(10)");
    backup(&src.c, "ccrs_s_3", "`t`").await;

    fe_api::restore_snapshot(&dst.c, restore_req(&src, "ccrs_s_3", "r3", vec![]));
    let (state, status) = restore_state(&dst.c, "r3").await;
    assert_eq!(state, "CANCELLED");
    assert!(
        status.contains("Table t already exist but with different schema"),
        "{status}"
    );

    let refs = vec![("t".to_string(), "__ccr_t_1".to_string())];
    fe_api::restore_snapshot(&dst.c, restore_req(&src, "ccrs_s_3", "r4", refs));
    assert_eq!(restore_state(&dst.c, "r4").await.0, "FINISHED");
    assert_eq!(
        rows(&dst.c, "d", "SELECT * FROM __ccr_t_1"),
        vec![vec!["1".to_string(), "10".to_string()]]
    );

    // A second BACKUP while one runs is refused like Doris.
    sql(
        &src.c,
        Some("s"),
        "BACKUP SNAPSHOT `s`.`b1` TO `__keep_on_local__` ON (`t`) PROPERTIES (\"type\" = \"full\")",
    );
    let mut s = doris_emu::cluster::Session::default();
    let err = src
        .c
        .execute(
            &mut s,
            "BACKUP SNAPSHOT `s`.`b2` TO `__keep_on_local__` ON (`t`)",
        )
        .expect_err("busy");
    assert!(
        err.message
            .contains("Can only run one backup or restore job of a database at same time"),
        "{err}"
    );
}

#[tokio::test]
async fn snapshot_and_binlog_gc_survive_replay() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = start(1, 100_000, Some(dir.path().to_path_buf())).await;
    create_table(&src.c, "s", "t", "INT");
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (1, 10)");
    backup(&src.c, "ccrs_s_9", "`t`").await;
    sql(&src.c, None, "ADMIN EMU GC BINLOG s");
    let job_info =
        fe_api::get_snapshot(&src.c, snapshot_req("ccrs_s_9", TSnapshotType::LOCAL)).job_info;
    let lag = |c: &Cluster| {
        let req = doris_thrift::frontend_service::TGetBinlogRequest {
            user: Some("root".into()),
            passwd: Some(String::new()),
            db: Some("s".into()),
            prev_commit_seq: Some(0),
            ..Default::default()
        };
        let r = fe_api::get_binlog(c, req.clone());
        let dummy = r.binlogs.expect("dummy")[0].commit_seq;
        (
            r.status.expect("status").status_code,
            dummy,
            fe_api::get_binlog_lag(c, req).lag,
        )
    };
    let before = lag(&src.c);
    assert_eq!(before.0, TStatusCode::BINLOG_TOO_OLD_COMMIT_SEQ);

    let token = src.c.with_state(|s| s.token.clone());
    let reopened = Cluster::open(repl_common::config(
        1,
        100_000,
        1,
        Some(dir.path().to_path_buf()),
    ))
    .expect("reopen");
    assert_eq!(lag(&reopened), before);
    let again = fe_api::get_snapshot(&reopened, snapshot_req("ccrs_s_9", TSnapshotType::LOCAL));
    assert_eq!(again.job_info, job_info);
    let info: Value = serde_json::from_slice(&again.job_info.expect("job_info")).expect("json");
    let (tablet, path) = info["tablet_snapshot_path_map"]
        .as_object()
        .and_then(|m| m.iter().next())
        .expect("a tablet");
    let file = format!("{}/{tablet}.dat", path.as_str().expect("path"));
    let _ = token;
    let reopened_token = reopened.with_state(|s| s.token.clone());
    assert!(doris_emu::cluster::be_api::snapshot_file(&reopened, &reopened_token, &file).is_ok());
    let denied = doris_emu::cluster::be_api::snapshot_file(&reopened, "wrong", &file)
        .expect_err("bad token");
    assert_eq!(denied.status, 401);
}

#[tokio::test]
async fn partial_restore_replaces_one_partition_even_with_other_buckets() {
    let src = start(1, 100_000, None).await;
    let dst = start(1, 200_000, None).await;
    sql(
        &src.c,
        None,
        "CREATE DATABASE s PROPERTIES (\"binlog.enable\" = \"true\")",
    );
    sql(&dst.c, None, "CREATE DATABASE d");
    sql(
        &src.c,
        Some("s"),
        "CREATE TABLE t (k INT, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(k) \
         (PARTITION p1 VALUES LESS THAN (\"10\"), PARTITION p2 VALUES LESS THAN (\"20\")) \
         DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
    );
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (1, 1), (11, 11)");
    backup(&src.c, "ccrs_s_p0", "`t`").await;
    fe_api::restore_snapshot(&dst.c, restore_req(&src, "ccrs_s_p0", "rp0", vec![]));
    assert_eq!(restore_state(&dst.c, "rp0").await.0, "FINISHED");

    sql(&src.c, Some("s"), "ALTER TABLE t ADD TEMPORARY PARTITION tp VALUES LESS THAN (\"10\") DISTRIBUTED BY HASH(k) BUCKETS 3");
    sql(
        &src.c,
        Some("s"),
        "INSERT INTO t TEMPORARY PARTITION (tp) VALUES (2, 2), (3, 3)",
    );
    sql(
        &src.c,
        Some("s"),
        "ALTER TABLE t REPLACE PARTITION (p1) WITH TEMPORARY PARTITION (tp)",
    );
    sql(&src.c, Some("s"), "BACKUP SNAPSHOT `s`.ccrp_s_t_1 TO `__keep_on_local__` ON (`t` PARTITION (`p1`)) PROPERTIES (\"type\" = \"full\")");
    let q = "SHOW BACKUP FROM `s` WHERE SnapshotName = \"ccrp_s_t_1\"";
    poll("partial backup", || {
        (column(&src.c, "s", q, "State").pop()? == "FINISHED").then_some(())
    })
    .await;
    // A partial restore is never atomic (the syncer sends atomic_restore=false): Doris'
    // atomic restore swaps in a table holding only the snapshot's partitions.
    let mut partial = restore_req(&src, "ccrp_s_t_1", "rp1", vec![]);
    partial.atomic_restore = Some(false);
    fe_api::restore_snapshot(&dst.c, partial);
    assert_eq!(restore_state(&dst.c, "rp1").await.0, "FINISHED");
    let want = rows(&src.c, "s", "SELECT * FROM t ORDER BY k");
    assert_eq!(want.len(), 3);
    assert_eq!(rows(&dst.c, "d", "SELECT * FROM t ORDER BY k"), want);
}
