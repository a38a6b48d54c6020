//! Full sync then incremental: restore a snapshot, resume from the barrier seq, replay the
//! later UPSERTs by ingest → target equal (partition versions line up after restore).

mod repl_common;

use doris_emu::cluster::fe_api;
use doris_thrift::frontend_service::{
    TGetBinlogRequest, TGetSnapshotRequest, TRestoreSnapshotRequest, TSnapshotType,
};
use doris_thrift::status::TStatusCode;
use repl_common::{apply_upsert, column, create_table, poll, rows, sql, start};
use serde_json::{json, Value};

#[tokio::test]
async fn restore_then_incremental_from_barrier() {
    let src = start(1, 100_000, None).await;
    let dst = start(1, 200_000, None).await;
    create_table(&src.c, "s", "t", "INT");
    sql(&dst.c, None, "CREATE DATABASE d");
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (1, 1), (2, 2)");
    sql(&src.c, Some("s"), "BACKUP SNAPSHOT `s`.`full1` TO `__keep_on_local__` ON (`t`) PROPERTIES (\"type\" = \"full\")");
    let q = "SHOW BACKUP FROM `s` WHERE SnapshotName = \"full1\"";
    poll("backup", || {
        (column(&src.c, "s", q, "State").pop()? == "FINISHED").then_some(())
    })
    .await;
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (3, 3)");
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (1, 100)");
    sql(&src.c, Some("s"), "DELETE FROM t WHERE k = 2");

    let req = TGetSnapshotRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("s".into()),
        label_name: Some("full1".into()),
        snapshot_name: Some(String::new()),
        snapshot_type: Some(TSnapshotType::LOCAL),
        ..Default::default()
    };
    let snap = fe_api::get_snapshot(&src.c, req);
    let mut info: Value = serde_json::from_slice(&snap.job_info.expect("job_info")).expect("json");
    let seq = info["table_commit_seq_map"]
        .as_object()
        .and_then(|m| m.values().next())
        .and_then(Value::as_i64)
        .expect("seq");
    let token = src.c.with_state(|s| s.token.clone());
    info["extra_info"] = json!({"be_network_map": {"10001": {"ip": "127.0.0.1", "port": src.http_port}}, "token": token});
    let restore = TRestoreSnapshotRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        label_name: Some("full1_r".into()),
        repo_name: Some("__keep_on_local__".into()),
        meta: snap.meta,
        job_info: Some(info.to_string().into_bytes()),
        ..Default::default()
    };
    assert_eq!(
        fe_api::restore_snapshot(&dst.c, restore)
            .status
            .expect("status")
            .status_code,
        TStatusCode::OK
    );
    let q = "SHOW RESTORE FROM `d` WHERE Label = \"full1_r\"";
    poll("restore", || {
        (column(&dst.c, "d", q, "State").pop()? == "FINISHED").then_some(())
    })
    .await;

    let mut prev = seq;
    let mut applied = 0;
    loop {
        let req = TGetBinlogRequest {
            user: Some("root".into()),
            passwd: Some(String::new()),
            db: Some("s".into()),
            table: Some("t".into()),
            prev_commit_seq: Some(prev),
            ..Default::default()
        };
        let r = fe_api::get_binlog(&src.c, req);
        if r.status.expect("status").status_code == TStatusCode::BINLOG_TOO_NEW_COMMIT_SEQ {
            break;
        }
        let b = &r.binlogs.expect("binlogs")[0];
        prev = b.commit_seq.expect("seq");
        if b.type_.map(|t| t.0) == Some(0) {
            let code = apply_upsert(
                &src,
                &dst.c,
                b.data.as_deref().expect("data"),
                &format!("ccrj-{prev}"),
            )
            .await;
            assert_eq!(code, 0);
            applied += 1;
        }
    }
    assert_eq!(applied, 3);
    assert_eq!(
        rows(&dst.c, "d", "SELECT * FROM t ORDER BY k"),
        rows(&src.c, "s", "SELECT * FROM t ORDER BY k")
    );
}
