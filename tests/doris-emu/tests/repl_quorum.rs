//! Replica quorum at commit with three BEs, and query_ingest_binlog's status mapping.

mod repl_common;

use doris_emu::cluster::{be_api, fe_api, Cluster};
use doris_thrift::backend_service::{
    TIngestBinlogRequest, TIngestBinlogStatus, TQueryIngestBinlogRequest,
};
use doris_thrift::frontend_service::{TBeginTxnRequest, TCommitTxnRequest};
use doris_thrift::status::TStatusCode;
use doris_thrift::types::{TTabletCommitInfo, TUniqueId};
use repl_common::{rows, sql, start};

fn create(c: &Cluster, db: &str) {
    sql(
        c,
        None,
        &format!("CREATE DATABASE {db} PROPERTIES (\"binlog.enable\" = \"true\")"),
    );
    sql(
        c,
        Some(db),
        "CREATE TABLE t (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 \
         PROPERTIES (\"replication_num\" = \"3\", \"binlog.enable\" = \"true\")",
    );
}

/// (partition id, tablet id, replica backends) of the single tablet of `db`.`t`.
fn tablet(c: &Cluster, db: &str) -> (i64, i64, Vec<i64>, i64) {
    c.with_state(|s| {
        let t = s.db(db).and_then(|d| d.table("t")).expect("t");
        let p = &t.partitions[0];
        let tablet = &p.indexes[0].tablets[0];
        (
            p.id,
            tablet.id,
            tablet.replicas.iter().map(|r| r.backend_id).collect(),
            p.visible_version,
        )
    })
}

#[tokio::test]
async fn two_of_three_replicas_reach_quorum() {
    let src = start(3, 100_000, None).await;
    let dst = start(3, 200_000, None).await;
    create(&src.c, "s");
    create(&dst.c, "d");
    sql(&src.c, Some("s"), "INSERT INTO t VALUES (1, 1), (2, 2)");
    let (_, src_tablet, _, version) = tablet(&src.c, "s");
    let (part, dst_tablet, bes, _) = tablet(&dst.c, "d");
    assert_eq!(bes.len(), 3);
    let table_id = dst
        .c
        .with_state(|s| s.db("d").and_then(|d| d.table("t")).map(|t| t.id))
        .expect("t");
    let begin = TBeginTxnRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        table_ids: Some(vec![table_id]),
        label: Some("ccrj-q".into()),
        ..Default::default()
    };
    let txn = fe_api::begin_txn(&dst.c, begin).txn_id.expect("txn");
    let query = |be: i64| {
        let req = TQueryIngestBinlogRequest {
            txn_id: Some(txn),
            partition_id: Some(part),
            tablet_id: Some(dst_tablet),
            load_id: Some(TUniqueId { hi: -1, lo: -1 }),
        };
        be_api::query_ingest_binlog(&dst.c, be, req).status
    };
    assert_eq!(query(bes[0]), Some(TIngestBinlogStatus::NOT_FOUND));
    let mut infos = Vec::new();
    for be in &bes[..2] {
        let req = TIngestBinlogRequest {
            txn_id: Some(txn),
            remote_tablet_id: Some(src_tablet),
            binlog_version: Some(version),
            remote_host: Some("127.0.0.1".into()),
            remote_port: Some(src.http_port.to_string()),
            partition_id: Some(part),
            local_tablet_id: Some(dst_tablet),
            load_id: Some(TUniqueId { hi: -1, lo: -1 }),
        };
        let st = be_api::ingest_binlog(&dst.c, *be, req)
            .await
            .status
            .expect("status");
        assert_eq!(st.status_code, TStatusCode::OK, "{:?}", st.error_msgs);
        infos.push(TTabletCommitInfo {
            tablet_id: dst_tablet,
            backend_id: *be,
            invalid_dict_cols: None,
        });
    }
    assert_eq!(query(bes[0]), Some(TIngestBinlogStatus::OK));
    let commit = |infos: Vec<TTabletCommitInfo>| {
        let req = TCommitTxnRequest {
            user: Some("root".into()),
            passwd: Some(String::new()),
            db: Some("d".into()),
            txn_id: Some(txn),
            commit_infos: Some(infos),
            ..Default::default()
        };
        fe_api::commit_txn(&dst.c, req).status.expect("status")
    };
    let one = commit(infos[..1].to_vec());
    assert!(one
        .error_msgs
        .unwrap_or_default()
        .join("")
        .contains("quorum replica num 2"));
    assert_eq!(commit(infos).status_code, TStatusCode::OK);
    assert_eq!(
        rows(&dst.c, "d", "SELECT * FROM t ORDER BY k"),
        rows(&src.c, "s", "SELECT * FROM t ORDER BY k")
    );
}
