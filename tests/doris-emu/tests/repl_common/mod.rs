//! Helpers for the `repl_*` tests: in-process clusters whose BEs answer the BE HTTP
//! download endpoints from the replication accessors (a tiny axum server per cluster).
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use doris_emu::cluster::{be_api, BackendConfig, Cluster, ClusterConfig, Session};
use doris_emu::result::QueryResult;

/// A cluster plus its BE HTTP port.
pub struct TestCluster {
    /// The cluster.
    pub c: Cluster,
    /// HTTP port of every BE (one server serves them all).
    pub http_port: u16,
}

fn answer(r: Result<Vec<u8>, be_api::HttpError>) -> Response {
    match r {
        Ok(b) => (StatusCode::OK, b).into_response(),
        Err(e) => (
            StatusCode::from_u16(e.status).unwrap_or(StatusCode::NOT_FOUND),
            e.msg,
        )
            .into_response(),
    }
}

async fn binlog(State(c): State<Cluster>, Query(q): Query<HashMap<String, String>>) -> Response {
    let num = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(-1);
    let rowset = q.get("rowset_id").cloned().unwrap_or_default();
    let tablet = num("tablet_id");
    answer(match q.get("method").map(String::as_str) {
        Some("get_binlog_info") => {
            be_api::binlog_info(&c, tablet, num("binlog_version")).map(String::into_bytes)
        }
        Some("get_rowset_meta") => be_api::rowset_meta(&c, tablet, &rowset, num("binlog_version")),
        Some("get_segment_file") => be_api::segment_file(&c, tablet, &rowset, num("segment_index")),
        _ => Err(be_api::HttpError {
            status: 400,
            msg: "bad method".into(),
        }),
    })
}

async fn tablet(State(c): State<Cluster>, Query(q): Query<HashMap<String, String>>) -> Response {
    let token = q.get("token").cloned().unwrap_or_default();
    let file = q.get("file").cloned().unwrap_or_default();
    answer(be_api::snapshot_file(&c, &token, &file))
}

/// Starts a cluster with `n` BEs (all served by one HTTP server on a free port).
pub async fn start(n: usize, id_base: i64, dir: Option<std::path::PathBuf>) -> TestCluster {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let http_port = listener.local_addr().expect("addr").port();
    let c = Cluster::open(config(n, id_base, http_port, dir)).expect("open");
    let app = Router::new()
        .route("/api/_binlog/_download", get(binlog))
        .route("/api/_tablet/_download", get(tablet))
        .with_state(c.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    TestCluster { c, http_port }
}

/// Config with `n` BEs on `http_port`.
pub fn config(
    n: usize,
    id_base: i64,
    http_port: u16,
    dir: Option<std::path::PathBuf>,
) -> ClusterConfig {
    let backends = (0..n)
        .map(|i| BackendConfig {
            id: 10001 + i as i64,
            host: "127.0.0.1".into(),
            be_port: 9060,
            http_port: i32::from(http_port),
            brpc_port: 8060,
            heartbeat_port: 9050,
        })
        .collect();
    ClusterConfig {
        data_dir: dir,
        backends,
        id_base,
        cluster_token: format!("token-{id_base}"),
        ..Default::default()
    }
}

/// Runs SQL in `db` (USE first when given), panicking on error.
pub fn sql(c: &Cluster, db: Option<&str>, q: &str) -> QueryResult {
    let mut s = Session::default();
    if let Some(db) = db {
        c.execute(&mut s, &format!("USE `{db}`")).expect("use");
    }
    c.execute(&mut s, q).unwrap_or_else(|e| panic!("{q}: {e}"))
}

/// Rows as text.
pub fn rows(c: &Cluster, db: &str, q: &str) -> Vec<Vec<String>> {
    match sql(c, Some(db), q) {
        QueryResult::Rows { rows, .. } => rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|v| v.unwrap_or_else(|| "NULL".into()))
                    .collect()
            })
            .collect(),
        other => panic!("{q}: expected rows, got {other:?}"),
    }
}

/// Column `col` of a result.
pub fn column(c: &Cluster, db: &str, q: &str, col: &str) -> Vec<String> {
    match sql(c, Some(db), q) {
        QueryResult::Rows { columns, rows } => {
            let i = columns
                .iter()
                .position(|x| x.name == col)
                .unwrap_or_else(|| panic!("no column {col}"));
            rows.into_iter()
                .map(|r| r[i].clone().unwrap_or_default())
                .collect()
        }
        other => panic!("{q}: expected rows, got {other:?}"),
    }
}

/// Polls `f` every 20 ms until it returns Some, failing with `what` after 10 s.
pub async fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A table definition used by the tests (2 buckets, 1 replica, binlog on).
pub fn create_table(c: &Cluster, db: &str, name: &str, v_type: &str) {
    sql(
        c,
        None,
        &format!("CREATE DATABASE IF NOT EXISTS `{db}` PROPERTIES (\"binlog.enable\" = \"true\")"),
    );
    sql(
        c,
        Some(db),
        &format!(
            "CREATE TABLE `{name}` (k INT, v {v_type}) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 \
             PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")"
        ),
    );
}

/// A target partition: range string, id, (tablet, backend) ascending.
type DstPartition = (String, i64, Vec<(i64, i64)>);

/// Replays the UPSERT binlog at `seq` of `s`.`t` (source) into `d`.`t` (target) the way the
/// syncer does: getMeta on both, pair partitions by range and tablets by ascending id,
/// beginTxn / ingest_binlog per replica / commitTxn. Returns the commit status code.
pub async fn apply_upsert(src: &TestCluster, dst: &Cluster, data: &str, label: &str) -> i32 {
    use doris_emu::cluster::fe_api;
    use doris_thrift::backend_service::TIngestBinlogRequest;
    use doris_thrift::frontend_service::{TBeginTxnRequest, TCommitTxnRequest};
    use doris_thrift::types::{TTabletCommitInfo, TUniqueId};
    let rec: serde_json::Value = serde_json::from_str(data).expect("upsert json");
    let (table_id, parts) = dst.with_state(|s| {
        let t = s.db("d").and_then(|d| d.table("t")).expect("dst t");
        let parts: Vec<DstPartition> = t
            .partitions
            .iter()
            .map(|p| {
                let range = doris_emu::cluster::partition::partition_range(t, p);
                let mut tablets: Vec<(i64, i64)> = p.indexes[0]
                    .tablets
                    .iter()
                    .map(|x| (x.id, x.replicas[0].backend_id))
                    .collect();
                tablets.sort_unstable();
                (range, p.id, tablets)
            })
            .collect();
        (t.id, parts)
    });
    let begin = TBeginTxnRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        table_ids: Some(vec![table_id]),
        label: Some(label.into()),
        ..Default::default()
    };
    let txn = fe_api::begin_txn(dst, begin).txn_id.expect("txn");
    let mut infos = Vec::new();
    for table in rec["tableRecords"].as_object().expect("records").values() {
        for pr in table["partitionRecords"]
            .as_array()
            .expect("partition records")
        {
            let (range, version) = (
                pr["range"].as_str().unwrap_or_default(),
                pr["version"].as_i64().unwrap_or(0),
            );
            let src_tablets = src.c.with_state(|s| {
                let t = s.db("s").and_then(|d| d.table("t")).expect("src t");
                let p = t
                    .partition_by_id(pr["partitionId"].as_i64().unwrap_or(0))
                    .expect("src partition");
                let mut ids: Vec<i64> = p.indexes[0].tablets.iter().map(|x| x.id).collect();
                ids.sort_unstable();
                ids
            });
            let (_, dst_part, dst_tablets) = parts
                .iter()
                .find(|(r, _, _)| r == range)
                .expect("range on dst");
            for (st, (dt, be)) in src_tablets.iter().zip(dst_tablets) {
                let req = TIngestBinlogRequest {
                    txn_id: Some(txn),
                    remote_tablet_id: Some(*st),
                    binlog_version: Some(version),
                    remote_host: Some("127.0.0.1".into()),
                    remote_port: Some(src.http_port.to_string()),
                    partition_id: Some(*dst_part),
                    local_tablet_id: Some(*dt),
                    load_id: Some(TUniqueId { hi: -1, lo: -1 }),
                };
                let st = be_api::ingest_binlog(dst, *be, req)
                    .await
                    .status
                    .expect("status");
                assert_eq!(st.status_code.0, 0, "{:?}", st.error_msgs);
                infos.push(TTabletCommitInfo {
                    tablet_id: *dt,
                    backend_id: *be,
                    invalid_dict_cols: None,
                });
            }
        }
    }
    let commit = TCommitTxnRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        txn_id: Some(txn),
        commit_infos: Some(infos),
        ..Default::default()
    };
    fe_api::commit_txn(dst, commit)
        .status
        .expect("status")
        .status_code
        .0
}

/// Backs up `tables` of source db `s` as snapshot `name` and fetches it as the syncer
/// does: the snapshot meta, and the job info with the `extra_info` a restore needs.
pub async fn backup_snapshot(
    src: &TestCluster,
    name: &str,
    tables: &str,
) -> (Vec<u8>, serde_json::Value) {
    sql(&src.c, Some("s"), &format!("BACKUP SNAPSHOT `s`.`{name}` TO `__keep_on_local__` ON ({tables}) PROPERTIES (\"type\" = \"full\")"));
    let q = format!("SHOW BACKUP FROM `s` WHERE SnapshotName = \"{name}\"");
    poll("backup", || {
        (column(&src.c, "s", &q, "State").pop()? == "FINISHED").then_some(())
    })
    .await;
    let snap = doris_emu::cluster::fe_api::get_snapshot(
        &src.c,
        doris_thrift::frontend_service::TGetSnapshotRequest {
            user: Some("root".into()),
            passwd: Some(String::new()),
            db: Some("s".into()),
            label_name: Some(name.into()),
            snapshot_name: Some(String::new()),
            snapshot_type: Some(doris_thrift::frontend_service::TSnapshotType::LOCAL),
            ..Default::default()
        },
    );
    let mut info: serde_json::Value =
        serde_json::from_slice(&snap.job_info.expect("job_info")).expect("json");
    let token = src.c.with_state(|s| s.token.clone());
    info["extra_info"] = serde_json::json!({"be_network_map": {"10001": {"ip": "127.0.0.1", "port": src.http_port}}, "token": token});
    (snap.meta.expect("meta"), info)
}
