//! BackendService replication methods (protocol §7) and the data the BE HTTP server serves
//! for `/api/_binlog/_download`.
//!
//! `ingest_binlog` downloads from the remote BE *without* the cluster lock, then locks and
//! stages the rowset into the local txn (synchronous mode: `is_async = false`).

mod serve;

use doris_thrift::backend_service::{
    TIngestBinlogRequest, TIngestBinlogResult, TIngestBinlogStatus, TQueryIngestBinlogRequest,
    TQueryIngestBinlogResult,
};

use super::fe_api::status::{code, FeError, FeResult};
use super::fe_api::to_tstatus;
use super::remote_be;
use super::rowset::Rowset;
use super::txn::{StagedRowset, TxnStatus};
use super::Cluster;

pub use serve::{binlog_info, rowset_meta, segment_file, snapshot_file, HttpError};

/// `BackendService.ingest_binlog` on backend `be_id`.
pub async fn ingest_binlog(
    cluster: &Cluster,
    be_id: i64,
    req: TIngestBinlogRequest,
) -> TIngestBinlogResult {
    let status = to_tstatus(ingest(cluster, be_id, req).await);
    TIngestBinlogResult {
        status: Some(status),
        is_async: Some(false),
    }
}

struct Checked {
    txn_id: i64,
    remote_tablet: i64,
    version: i64,
    host: String,
    port: String,
    local_tablet: i64,
}

fn check(req: TIngestBinlogRequest) -> FeResult<Checked> {
    let empty = |f: &str| FeError::analysis(format!("{f} is empty"));
    let txn_id = req.txn_id.ok_or_else(|| empty("txn_id"))?;
    let remote_tablet = req
        .remote_tablet_id
        .ok_or_else(|| empty("remote_tablet_id"))?;
    let version = req.binlog_version.ok_or_else(|| empty("binlog_version"))?;
    let host = req.remote_host.ok_or_else(|| empty("remote_host"))?;
    let port = req.remote_port.ok_or_else(|| empty("remote_port"))?;
    req.partition_id.ok_or_else(|| empty("partition_id"))?;
    let local_tablet = req
        .local_tablet_id
        .ok_or_else(|| empty("local_tablet_id"))?;
    req.load_id.ok_or_else(|| empty("load_id"))?;
    Ok(Checked {
        txn_id,
        remote_tablet,
        version,
        host,
        port,
        local_tablet,
    })
}

async fn ingest(cluster: &Cluster, be_id: i64, req: TIngestBinlogRequest) -> FeResult<()> {
    let c = check(req)?;
    cluster.with_state(|s| {
        if s.fe_config
            .get("enable_feature_binlog")
            .is_some_and(|v| v != "true")
        {
            return Err(FeError::new(
                code::RUNTIME_ERROR,
                "enable feature binlog is false",
            ));
        }
        local_tablet_check(s, be_id, c.local_tablet)?;
        match s.txns.get(c.txn_id) {
            Some(t) if t.status == TxnStatus::Prepare => Ok(()),
            Some(t) => Err(FeError::internal(format!(
                "transaction [{}] is not in PREPARE state, current status: {}",
                c.txn_id,
                t.status.name()
            ))),
            None => Err(FeError::internal(format!(
                "transaction [{}] not found",
                c.txn_id
            ))),
        }
    })?;
    let remote = remote_be::download_binlog(&c.host, &c.port, c.remote_tablet, c.version)
        .await
        .map_err(|e| {
            FeError::internal(format!(
                "failed to download binlog of tablet {}: {e}",
                c.remote_tablet
            ))
        })?;
    let rowset = build_rowset(&remote, c.local_tablet, c.txn_id)?;
    cluster.write(|w| {
        let loc = local_tablet_check(w.state, be_id, c.local_tablet)?;
        let mut rowset = rowset;
        if let Some(t) = w.state.table_by_id(loc.db_id, loc.table_id) {
            rowset.remap_columns(t);
        }
        let staged = StagedRowset {
            tablet_id: c.local_tablet,
            backend_id: be_id,
            partition_id: loc.partition_id,
            rowset,
        };
        w.stage_rowset(c.txn_id, staged)
    })
}

fn local_tablet_check(
    s: &super::State,
    be_id: i64,
    tablet: i64,
) -> FeResult<super::state::TabletLoc> {
    let missing = || FeError::new(code::TABLET_MISSING, format!("tablet {tablet} not found"));
    let loc = s.tablet_loc(tablet).ok_or_else(missing)?;
    let on_be = s
        .table_by_id(loc.db_id, loc.table_id)
        .and_then(|t| t.partition_by_id(loc.partition_id))
        .and_then(|p| p.index(loc.index_id))
        .and_then(|i| i.tablets.iter().find(|t| t.id == tablet))
        .is_some_and(|t| t.replicas.iter().any(|r| r.backend_id == be_id));
    if on_be {
        Ok(loc)
    } else {
        Err(missing())
    }
}

fn build_rowset(
    remote: &remote_be::RemoteRowset,
    local_tablet: i64,
    txn_id: i64,
) -> FeResult<Rowset> {
    let meta =
        Rowset::meta_from_bytes(&remote.meta).map_err(|e| FeError::internal(e.to_string()))?;
    match remote.segments.first() {
        None => Ok(Rowset::empty(local_tablet, meta.version, txn_id)),
        Some(seg) => {
            if seg.len() as u64 != meta.data_disk_size {
                return Err(FeError::internal(format!(
                    "segment file size mismatch: {} != {}",
                    seg.len(),
                    meta.data_disk_size
                )));
            }
            Rowset::from_segment_bytes(seg, local_tablet, meta.version, txn_id)
                .map_err(|e| FeError::internal(e.to_string()))
        }
    }
}

/// `BackendService.query_ingest_binlog` on backend `be_id` (protocol §7 mapping).
pub fn query_ingest_binlog(
    cluster: &Cluster,
    be_id: i64,
    req: TQueryIngestBinlogRequest,
) -> TQueryIngestBinlogResult {
    let res = |st: TIngestBinlogStatus, msg: &str| TQueryIngestBinlogResult {
        status: Some(st),
        err_msg: Some(msg.to_string()),
    };
    let (Some(txn_id), Some(_), Some(tablet), Some(_)) =
        (req.txn_id, req.partition_id, req.tablet_id, req.load_id)
    else {
        return res(
            TIngestBinlogStatus::ANALYSIS_ERROR,
            "txn_id, partition_id, tablet_id and load_id are required",
        );
    };
    cluster.with_state(|s| {
        let Some(txn) = s.txns.get(txn_id) else {
            return res(TIngestBinlogStatus::NOT_FOUND, "transaction not found");
        };
        let staged = txn.staged.contains_key(&(tablet, be_id))
            || txn.commit_infos.contains(&(tablet, be_id));
        match txn.status {
            TxnStatus::Aborted => res(TIngestBinlogStatus::FAILED, &txn.reason),
            _ if staged => res(TIngestBinlogStatus::OK, ""),
            TxnStatus::Prepare => res(
                TIngestBinlogStatus::NOT_FOUND,
                "tablet not ingested in this txn",
            ),
            _ => res(
                TIngestBinlogStatus::NOT_FOUND,
                "tablet not ingested in this txn",
            ),
        }
    })
}
