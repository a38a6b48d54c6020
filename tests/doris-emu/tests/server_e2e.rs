//! Two in-process emulators talking over real sockets, as the syncer drives them: getMeta
//! on both FEs, beginTxn on the target, ingest_binlog on the target BE's Thrift port
//! (which pulls from the source BE's HTTP port), commitTxn, then the target has the rows.

use std::time::Duration;

use doris_emu::server::{self, RunningEmu, ServerConfig};
use doris_thrift::backend_service::{TIngestBinlogRequest, TIngestBinlogResult};
use doris_thrift::frontend_service::{
    TBeginTxnRequest, TBeginTxnResult, TCommitTxnRequest, TCommitTxnResult, TGetMetaDB,
    TGetMetaRequest, TGetMetaResult, TGetMetaTable,
};
use doris_thrift::types::{TTabletCommitInfo, TUniqueId};
use doris_thrift::wire::ThriftConnection;
use mysql_async::prelude::Queryable;

const T: Duration = Duration::from_secs(10);

async fn start(id_base: i64, be_id_base: i64) -> RunningEmu {
    let cfg = ServerConfig {
        id_base,
        be_id_base,
        be_count: 2,
        binlog_gc_interval: None,
        ..Default::default()
    };
    server::run(cfg, std::future::pending())
        .await
        .expect("start")
}

async fn sql(emu: &RunningEmu, stmts: &[&str]) -> Vec<(i64, String)> {
    let url = format!("mysql://root@127.0.0.1:{}", emu.ports.query_port);
    let mut conn = mysql_async::Conn::from_url(url).await.expect("connect");
    for s in stmts {
        conn.query_drop(*s)
            .await
            .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    conn.query("SELECT k, v FROM d.t ORDER BY k")
        .await
        .expect("select")
}

async fn thrift(port: u16) -> ThriftConnection {
    ThriftConnection::connect(&format!("127.0.0.1:{port}"), T)
        .await
        .expect("connect")
}

/// (table id, partition id, visible version, tablet id, replica backend ids) of d.t.
async fn meta(emu: &RunningEmu) -> (i64, i64, i64, i64, Vec<i64>) {
    let req = TGetMetaRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some(TGetMetaDB {
            name: Some("d".into()),
            tables: Some(vec![TGetMetaTable {
                name: Some("t".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let r: TGetMetaResult = thrift(emu.ports.rpc_port)
        .await
        .call("getMeta", &req, T)
        .await
        .expect("getMeta");
    assert_eq!(r.status.status_code.0, 0, "{:?}", r.status);
    let table = &r.db_meta.and_then(|d| d.tables).expect("tables")[0];
    let part = &table.partitions.as_ref().expect("partitions")[0];
    let tablet = &part.indexes.as_ref().expect("indexes")[0]
        .tablets
        .as_ref()
        .expect("tablets")[0];
    let bes = tablet
        .replicas
        .iter()
        .flatten()
        .filter_map(|r| r.backend_id)
        .collect();
    let (t, p, v) = (
        table.id.unwrap_or(0),
        part.id.unwrap_or(0),
        part.visible_version.unwrap_or(0),
    );
    (t, p, v, tablet.id.unwrap_or(0), bes)
}

fn be_ports(emu: &RunningEmu, be_id: i64) -> (u16, u16) {
    let be = emu
        .ports
        .backends
        .iter()
        .find(|b| b.id == be_id)
        .expect("known BE");
    (be.be_port, be.http_port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_binlog_over_the_wire_copies_an_insert() {
    let (src, dst) = (start(100_000, 10001).await, start(900_000, 20001).await);
    let ddl = [
        "CREATE DATABASE d PROPERTIES (\"binlog.enable\" = \"true\")",
        "CREATE TABLE d.t (k INT, v VARCHAR(8)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) \
         BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
    ];
    let want = sql(
        &src,
        &[ddl[0], ddl[1], "INSERT INTO d.t VALUES (1, 'a'), (2, 'b')"],
    )
    .await;
    assert_eq!(sql(&dst, &ddl).await, vec![]);
    let (_, _, version, src_tablet, src_bes) = meta(&src).await;
    let (dst_table, dst_part, _, dst_tablet, dst_bes) = meta(&dst).await;
    let (_, src_http) = be_ports(&src, src_bes[0]);

    let mut fe = thrift(dst.ports.rpc_port).await;
    let begin = TBeginTxnRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        table_ids: Some(vec![dst_table]),
        label: Some(format!("ccrj-e2e:table_sync:1_2:3_4:{version}")),
        ..Default::default()
    };
    let r: TBeginTxnResult = fe.call("beginTxn", &begin, T).await.expect("beginTxn");
    let txn_id = r.txn_id.unwrap_or_else(|| panic!("no txn id: {r:?}"));
    let (be_port, _) = be_ports(&dst, dst_bes[0]);
    let ingest = TIngestBinlogRequest {
        txn_id: Some(txn_id),
        remote_tablet_id: Some(src_tablet),
        binlog_version: Some(version),
        remote_host: Some("127.0.0.1".into()),
        remote_port: Some(src_http.to_string()),
        partition_id: Some(dst_part),
        local_tablet_id: Some(dst_tablet),
        load_id: Some(TUniqueId { hi: -1, lo: -1 }),
    };
    let r: TIngestBinlogResult = thrift(be_port)
        .await
        .call("ingest_binlog", &ingest, T)
        .await
        .expect("ingest_binlog");
    assert_eq!(r.status.as_ref().map(|s| s.status_code.0), Some(0), "{r:?}");
    let commit = TCommitTxnRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        txn_id: Some(txn_id),
        commit_infos: Some(vec![TTabletCommitInfo {
            tablet_id: dst_tablet,
            backend_id: dst_bes[0],
            invalid_dict_cols: None,
        }]),
        ..Default::default()
    };
    let r: TCommitTxnResult = fe.call("commitTxn", &commit, T).await.expect("commitTxn");
    assert_eq!(r.status.as_ref().map(|s| s.status_code.0), Some(0), "{r:?}");
    assert_eq!(sql(&dst, &[]).await, want);
}
