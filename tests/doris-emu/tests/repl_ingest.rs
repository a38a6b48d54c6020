//! Incremental path between two in-process clusters: source insert → UPSERT binlog →
//! target beginTxn / ingest_binlog (over HTTP) / commitTxn → target rows equal; label dedup,
//! quorum failures, rollback messages, binlog GC making downloads 404.

mod repl_common;

use doris_emu::cluster::{be_api, fe_api, Cluster};
use doris_thrift::backend_service::TIngestBinlogRequest;
use doris_thrift::frontend_service::{
    TBeginTxnRequest, TCommitTxnRequest, TGetBinlogRequest, TGetMetaDB, TGetMetaRequest,
    TGetMetaTable, TRollbackTxnRequest,
};
use doris_thrift::status::TStatusCode;
use doris_thrift::types::{TTabletCommitInfo, TUniqueId};
use repl_common::{create_table, rows, sql, start, TestCluster};
use serde_json::Value;

fn binlog_req(db: &str, table: Option<&str>, prev: i64) -> TGetBinlogRequest {
    TGetBinlogRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some(db.into()),
        table: table.map(Into::into),
        prev_commit_seq: Some(prev),
        ..Default::default()
    }
}

/// Tablet ids (ascending) and backend of the single partition/index of `table`.
fn tablets(c: &Cluster, db: &str, table: &str) -> (i64, Vec<(i64, i64)>) {
    let (db_id, table_id) = c.with_state(|s| {
        let d = s.db(db).expect("db");
        (d.id, d.table(table).expect("table").id)
    });
    let req = TGetMetaRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some(TGetMetaDB {
            id: Some(db_id),
            tables: Some(vec![TGetMetaTable {
                id: Some(table_id),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let meta = fe_api::get_meta(c, req);
    assert_eq!(meta.status.status_code, TStatusCode::OK);
    let t = &meta.db_meta.expect("db meta").tables.expect("tables")[0];
    let p = &t.partitions.as_ref().expect("partitions")[0];
    let idx = &p.indexes.as_ref().expect("indexes")[0];
    assert_eq!(
        idx.name.as_deref(),
        Some(table),
        "base index is named like the table"
    );
    let mut out: Vec<(i64, i64)> = idx
        .tablets
        .iter()
        .flatten()
        .map(|t| {
            (
                t.id.unwrap_or_default(),
                t.replicas.as_ref().expect("replicas")[0]
                    .backend_id
                    .unwrap_or_default(),
            )
        })
        .collect();
    out.sort_unstable();
    (p.id.unwrap_or_default(), out)
}

fn begin(dst: &Cluster, label: &str) -> doris_thrift::frontend_service::TBeginTxnResult {
    let table_id = dst
        .with_state(|s| s.db("d").and_then(|d| d.table("t")).map(|t| t.id))
        .expect("table");
    fe_api::begin_txn(
        dst,
        TBeginTxnRequest {
            user: Some("root".into()),
            passwd: Some(String::new()),
            db: Some("d".into()),
            table_ids: Some(vec![table_id]),
            label: Some(label.into()),
            ..Default::default()
        },
    )
}

async fn ingest(
    src: &TestCluster,
    dst: &Cluster,
    txn: i64,
    version: i64,
    only: Option<usize>,
) -> Vec<TTabletCommitInfo> {
    let (_, src_tablets) = tablets(&src.c, "s", "t");
    let (dst_part, dst_tablets) = tablets(dst, "d", "t");
    let mut infos = Vec::new();
    for (i, ((st, _), (dt, be))) in src_tablets.iter().zip(&dst_tablets).enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let req = TIngestBinlogRequest {
            txn_id: Some(txn),
            remote_tablet_id: Some(*st),
            binlog_version: Some(version),
            remote_host: Some("127.0.0.1".into()),
            remote_port: Some(src.http_port.to_string()),
            partition_id: Some(dst_part),
            local_tablet_id: Some(*dt),
            load_id: Some(TUniqueId { hi: -1, lo: -1 }),
        };
        let res = be_api::ingest_binlog(dst, *be, req).await;
        let st = res.status.expect("status");
        assert_eq!(st.status_code, TStatusCode::OK, "{:?}", st.error_msgs);
        assert_eq!(res.is_async, Some(false));
        infos.push(TTabletCommitInfo {
            tablet_id: *dt,
            backend_id: *be,
            invalid_dict_cols: None,
        });
    }
    infos
}

fn commit(dst: &Cluster, txn: i64, infos: Vec<TTabletCommitInfo>) -> doris_thrift::status::TStatus {
    let req = TCommitTxnRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        txn_id: Some(txn),
        commit_infos: Some(infos),
        ..Default::default()
    };
    fe_api::commit_txn(dst, req).status.expect("status")
}

fn rollback(dst: &Cluster, txn: i64) -> doris_thrift::status::TStatus {
    let req = TRollbackTxnRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        txn_id: Some(txn),
        ..Default::default()
    };
    fe_api::rollback_txn(dst, req).status.expect("status")
}

fn msg(st: &doris_thrift::status::TStatus) -> String {
    st.error_msgs.clone().unwrap_or_default().join(" ")
}

/// The newest UPSERT of `s.t`: (commit seq, partition version).
fn last_upsert(src: &Cluster) -> (i64, i64) {
    let mut prev = -1;
    let mut found = None;
    loop {
        let r = fe_api::get_binlog(src, binlog_req("s", Some("t"), prev));
        if r.status.as_ref().expect("status").status_code != TStatusCode::OK {
            return found.expect("an upsert");
        }
        let b = &r.binlogs.expect("binlogs")[0];
        prev = b.commit_seq.expect("seq");
        if b.type_.map(|t| t.0) == Some(0) {
            let data: Value = serde_json::from_str(b.data.as_deref().expect("data")).expect("json");
            let rec = data["tableRecords"]
                .as_object()
                .expect("records")
                .values()
                .next()
                .expect("record")
                .clone();
            found = Some((
                prev,
                rec["partitionRecords"][0]["version"]
                    .as_i64()
                    .expect("version"),
            ));
        }
    }
}

#[tokio::test]
async fn ingest_commit_dedup_and_rollback() {
    let src = start(1, 100_000, None).await;
    let dst = start(1, 200_000, None).await;
    create_table(&src.c, "s", "t", "INT");
    create_table(&dst.c, "d", "t", "INT");
    sql(
        &src.c,
        Some("s"),
        "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30), (4, 40)",
    );
    let (_, version) = last_upsert(&src.c);

    let b = begin(&dst.c, "ccrj-1:lbl");
    assert_eq!(
        b.status.as_ref().expect("status").status_code,
        TStatusCode::OK
    );
    let txn = b.txn_id.expect("txn");
    let infos = ingest(&src, &dst.c, txn, version, None).await;
    assert_eq!(commit(&dst.c, txn, infos).status_code, TStatusCode::OK);
    assert_eq!(
        rows(&dst.c, "d", "SELECT * FROM t ORDER BY k"),
        rows(&src.c, "s", "SELECT * FROM t ORDER BY k")
    );
    assert_eq!(
        repl_common::column(
            &dst.c,
            "d",
            &format!("SHOW TRANSACTION WHERE id = {txn}"),
            "TransactionStatus"
        ),
        vec!["VISIBLE"]
    );

    // Same label again: LABEL_ALREADY_EXISTS / FINISHED; a VISIBLE txn cannot be aborted.
    let again = begin(&dst.c, "ccrj-1:lbl");
    let st = again.status.expect("status");
    assert_eq!(st.status_code, TStatusCode::LABEL_ALREADY_EXISTS);
    assert_eq!(
        msg(&st),
        format!("Label [ccrj-1:lbl] has already been used, relate to txn [{txn}]")
    );
    assert_eq!(again.job_status.as_deref(), Some("FINISHED"));
    assert_eq!(
        msg(&rollback(&dst.c, txn)),
        format!("transaction [{txn}] is already VISIBLE, could not abort")
    );
    assert_eq!(
        msg(&rollback(&dst.c, 424242)),
        "transaction [424242] not found"
    );

    // A txn with only one of the two tablets ingested cannot commit; it rolls back once.
    let t2 = begin(&dst.c, "ccrj-2:lbl").txn_id.expect("txn");
    assert_eq!(
        begin(&dst.c, "ccrj-2:lbl").job_status.as_deref(),
        Some("RUNNING")
    );
    let partial = ingest(&src, &dst.c, t2, version, Some(0)).await;
    let st = commit(&dst.c, t2, partial);
    assert_ne!(st.status_code, TStatusCode::OK);
    assert!(msg(&st).contains("has few replicas"), "{}", msg(&st));
    assert_eq!(rollback(&dst.c, t2).status_code, TStatusCode::OK);
    assert!(msg(&rollback(&dst.c, t2)).contains(&format!("transaction [{t2}] is already aborted")));
    assert_eq!(
        begin(&dst.c, "ccrj-2:lbl")
            .status
            .expect("status")
            .status_code,
        TStatusCode::OK,
        "aborted txns free their label"
    );
}

#[tokio::test]
async fn gc_makes_binlog_too_old_and_rowset_downloads_404() {
    let src = start(1, 100_000, None).await;
    let dst = start(1, 200_000, None).await;
    create_table(&src.c, "s", "t", "INT");
    create_table(&dst.c, "d", "t", "INT");
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (1, 10)");
    let (seq, version) = last_upsert(&src.c);
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (2, 20)");
    sql(&src.c, None, &format!("ADMIN EMU GC BINLOG s UNTIL {seq}"));

    let r = fe_api::get_binlog(&src.c, binlog_req("s", None, seq - 1));
    assert_eq!(
        r.status.expect("status").status_code,
        TStatusCode::BINLOG_TOO_OLD_COMMIT_SEQ
    );
    let dummy = &r.binlogs.expect("dummy")[0];
    assert_eq!(
        (dummy.type_.map(|t| t.0), dummy.commit_seq, dummy.belong),
        (Some(7), Some(seq), Some(-1))
    );
    let r = fe_api::get_binlog(&src.c, binlog_req("s", None, seq));
    assert_eq!(r.status.expect("status").status_code, TStatusCode::OK);
    let last = fe_api::get_binlog_lag(&src.c, binlog_req("s", None, seq))
        .last_commit_seq
        .expect("last");
    let r = fe_api::get_binlog(&src.c, binlog_req("s", None, last));
    assert_eq!(
        r.status.expect("status").status_code,
        TStatusCode::BINLOG_TOO_NEW_COMMIT_SEQ
    );
    let r = fe_api::get_binlog(&src.c, binlog_req("nope", None, 0));
    assert!(msg(&r.status.expect("status")).contains("unknown database"));

    let (src_part, src_tablets) = tablets(&src.c, "s", "t");
    let _ = src_part;
    let err = be_api::binlog_info(&src.c, src_tablets[0].0, version).expect_err("gc'd");
    assert_eq!(err.status, 404);
    let txn = begin(&dst.c, "ccrj-3:lbl").txn_id.expect("txn");
    let (dst_part, dst_tablets) = tablets(&dst.c, "d", "t");
    let req = TIngestBinlogRequest {
        txn_id: Some(txn),
        remote_tablet_id: Some(src_tablets[0].0),
        binlog_version: Some(version),
        remote_host: Some("127.0.0.1".into()),
        remote_port: Some(src.http_port.to_string()),
        partition_id: Some(dst_part),
        local_tablet_id: Some(dst_tablets[0].0),
        load_id: None,
    };
    let st = be_api::ingest_binlog(&dst.c, dst_tablets[0].1, req.clone())
        .await
        .status
        .expect("status");
    assert_eq!(
        (st.status_code, msg(&st)),
        (TStatusCode::ANALYSIS_ERROR, "load_id is empty".to_string())
    );
    let req = TIngestBinlogRequest {
        load_id: Some(TUniqueId { hi: -1, lo: -1 }),
        ..req
    };
    let st = be_api::ingest_binlog(&dst.c, dst_tablets[0].1, req.clone())
        .await
        .status
        .expect("status");
    assert_ne!(st.status_code, TStatusCode::OK);
    assert!(msg(&st).contains("404"), "{}", msg(&st));
    let bad = TIngestBinlogRequest {
        local_tablet_id: Some(1),
        ..req
    };
    let st = be_api::ingest_binlog(&dst.c, dst_tablets[0].1, bad)
        .await
        .status
        .expect("status");
    assert_eq!(
        (st.status_code, msg(&st)),
        (
            TStatusCode::TABLET_MISSING,
            "tablet 1 not found".to_string()
        )
    );
}

#[tokio::test]
async fn publish_timeout_then_visible_and_replay() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = start(1, 100_000, None).await;
    let dst = start(1, 200_000, Some(dir.path().to_path_buf())).await;
    create_table(&src.c, "s", "t", "INT");
    create_table(&dst.c, "d", "t", "INT");
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (1, 10), (5, 50)");
    let (_, version) = last_upsert(&src.c);
    sql(&dst.c, None, "ADMIN EMU PUBLISH TIMEOUT 1");
    let txn = begin(&dst.c, "ccrj-4:lbl").txn_id.expect("txn");
    let infos = ingest(&src, &dst.c, txn, version, None).await;
    let st = commit(&dst.c, txn, infos);
    assert_eq!(st.status_code, TStatusCode::PUBLISH_TIMEOUT);
    assert_eq!(
        msg(&st),
        "transaction commit successfully, BUT data will be visible later"
    );
    let q = format!("SHOW TRANSACTION FROM d WHERE id = {txn}");
    assert_eq!(
        repl_common::column(&dst.c, "d", &q, "TransactionStatus"),
        vec!["COMMITTED"]
    );
    assert_eq!(
        msg(&rollback(&dst.c, txn)),
        format!("transaction [{txn}] is already COMMITTED, could not abort")
    );
    fe_api::tick(&dst.c).await;
    assert_eq!(
        repl_common::column(&dst.c, "d", &q, "TransactionStatus"),
        vec!["VISIBLE"]
    );
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
        repl_common::column(&reopened, "d", &q, "TransactionStatus"),
        vec!["VISIBLE"]
    );
    let label = begin(&reopened, "ccrj-4:lbl");
    assert_eq!(
        label.status.expect("status").status_code,
        TStatusCode::LABEL_ALREADY_EXISTS
    );
}
