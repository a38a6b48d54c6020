//! ADAPTER: the single place where the network front ends call into the cluster ("core")
//! and the replication code ("repl"). Every front end goes through these functions so an
//! API change over there is a one-file change here.

use doris_thrift::backend_service::{
    TIngestBinlogRequest, TIngestBinlogResult, TQueryIngestBinlogRequest, TQueryIngestBinlogResult,
};
use doris_thrift::frontend_service::{
    TBeginTxnRequest, TBeginTxnResult, TCommitTxnRequest, TCommitTxnResult, TGetBackendMetaRequest,
    TGetBackendMetaResult, TGetBinlogLagResult, TGetBinlogRequest, TGetBinlogResult,
    TGetMasterTokenRequest, TGetMasterTokenResult, TGetMetaRequest, TGetMetaResult,
    TGetSnapshotRequest, TGetSnapshotResult, TRestoreSnapshotRequest, TRestoreSnapshotResult,
    TRollbackTxnRequest, TRollbackTxnResult,
};

use super::admin::GcRequest;
use super::thrift::WithStatus;
pub use crate::cluster::Session;
use crate::cluster::{be_api, fe_api, Cluster};
use crate::result::{QueryResult, SqlError};

/// A fresh session for MySQL connection `connection_id` (always user `root`).
pub fn new_session(connection_id: u32) -> Session {
    Session::new("root", connection_id)
}

/// Executes one SQL statement (blocking: may write the journal).
pub fn execute(
    cluster: &Cluster,
    session: &mut Session,
    sql: &str,
) -> Result<QueryResult, SqlError> {
    cluster.execute(session, sql)
}

/// Forced binlog GC (`POST /gc_binlog`), via the executor's
/// `ADMIN EMU GC BINLOG [db] [UNTIL seq]` (journaled by repl).
pub fn force_gc(cluster: &Cluster, req: &GcRequest) -> Result<String, String> {
    let mut sql = "ADMIN EMU GC BINLOG".to_string();
    if let Some(db) = &req.db {
        sql.push_str(&format!(" `{}`", db.replace('`', "``")));
    }
    if let Some(seq) = req.until_seq {
        sql.push_str(&format!(" UNTIL {seq}"));
    }
    match cluster.execute(&mut Session::default(), &sql) {
        Ok(QueryResult::Ok { affected_rows, .. }) => {
            Ok(format!("{affected_rows} binlog sets trimmed"))
        }
        Ok(QueryResult::Rows { rows, .. }) => Ok(format!("{} rows", rows.len())),
        Err(e) => Err(e.message),
    }
}

/// One periodic binlog GC pass (ttl / max history / max bytes), like the FE's BinlogGcer.
pub fn periodic_gc(cluster: &Cluster) {
    fe_api::periodic_gc(cluster);
}

/// The replication tick (txn timeouts, pending publishes, backup progress, restores).
pub async fn tick(cluster: &Cluster) {
    fe_api::tick(cluster).await;
}

/// Runs a blocking replication call off the async workers.
async fn blocking<R: WithStatus + Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => R::from_status(6, format!("internal error: {e}")),
    }
}

macro_rules! fe_method {
    ($name:ident, $req:ty, $res:ty) => {
        /// FrontendService method (protocol §3), run off the async workers.
        pub async fn $name(cluster: Cluster, req: $req) -> $res {
            blocking(move || fe_api::$name(&cluster, req)).await
        }
    };
}

fe_method!(get_binlog, TGetBinlogRequest, TGetBinlogResult);
fe_method!(get_binlog_lag, TGetBinlogRequest, TGetBinlogLagResult);
fe_method!(begin_txn, TBeginTxnRequest, TBeginTxnResult);
fe_method!(commit_txn, TCommitTxnRequest, TCommitTxnResult);
fe_method!(rollback_txn, TRollbackTxnRequest, TRollbackTxnResult);
fe_method!(get_snapshot, TGetSnapshotRequest, TGetSnapshotResult);
fe_method!(
    restore_snapshot,
    TRestoreSnapshotRequest,
    TRestoreSnapshotResult
);
fe_method!(
    get_master_token,
    TGetMasterTokenRequest,
    TGetMasterTokenResult
);
fe_method!(get_meta, TGetMetaRequest, TGetMetaResult);
fe_method!(
    get_backend_meta,
    TGetBackendMetaRequest,
    TGetBackendMetaResult
);

/// BackendService.ingest_binlog on BE `be_id` (downloads from the remote BE, async).
pub async fn ingest_binlog(
    cluster: Cluster,
    be_id: i64,
    req: TIngestBinlogRequest,
) -> TIngestBinlogResult {
    be_api::ingest_binlog(&cluster, be_id, req).await
}

/// BackendService.query_ingest_binlog on BE `be_id`.
pub async fn query_ingest_binlog(
    cluster: Cluster,
    be_id: i64,
    req: TQueryIngestBinlogRequest,
) -> TQueryIngestBinlogResult {
    blocking(move || be_api::query_ingest_binlog(&cluster, be_id, req)).await
}

/// A failed BE download: HTTP status and body.
pub use crate::cluster::be_api::HttpError as Download;

fn not_found(msg: String) -> Download {
    Download { status: 404, msg }
}

/// `get_binlog_info`: `<rowset_id>:<num_segments>`.
pub fn binlog_info(c: &Cluster, _be: i64, tablet: i64, version: i64) -> Result<String, Download> {
    be_api::binlog_info(c, tablet, version)
}

/// `get_rowset_meta`: the serialized rowset meta.
pub fn rowset_meta(
    c: &Cluster,
    _be: i64,
    tablet: i64,
    rowset: &str,
    version: i64,
) -> Result<Vec<u8>, Download> {
    be_api::rowset_meta(c, tablet, rowset, version)
}

/// `get_segment_file`: segment `seg` of rowset `rowset`.
pub fn segment_file(
    c: &Cluster,
    _be: i64,
    tablet: i64,
    rowset: &str,
    seg: i64,
) -> Result<Vec<u8>, Download> {
    be_api::segment_file(c, tablet, rowset, seg)
}

/// `get_segment_index_file`: the emulator has no inverted indexes.
pub fn segment_index_file(
    _c: &Cluster,
    _be: i64,
    tablet: i64,
    rowset: &str,
    seg: i64,
    index_id: i64,
) -> Result<Vec<u8>, Download> {
    Err(not_found(format!(
        "index {index_id} of segment {seg}, rowset {rowset}, tablet {tablet} not found"
    )))
}

/// `/api/_tablet/_download?file=`: a snapshot file for restore.
pub fn snapshot_file(c: &Cluster, _be: i64, file: &str) -> Result<Vec<u8>, Download> {
    c.with_state(|s| s.backups.file(file))
        .map(|bytes| bytes.as_ref().clone())
        .ok_or_else(|| not_found(format!("file {file} not found")))
}
