//! FrontendService on the FE rpc port: decode, apply faults, call the replication API
//! (through [`crate::server::backend`]), encode.

use async_trait::async_trait;
use doris_thrift::frontend_service::{
    TBeginTxnResult, TCommitTxnResult, TGetBackendMetaResult, TGetBinlogLagResult,
    TGetBinlogResult, TGetMasterTokenResult, TGetMetaResult, TGetSnapshotResult,
    TRestoreSnapshotResult, TRollbackTxnResult,
};
use doris_thrift::wire::{ApplicationError, Call, ThriftHandler};

use super::{call, with_tstatus};
use crate::server::backend as b;
use crate::server::Shared;

with_tstatus!(
    opt: TBeginTxnResult,
    TCommitTxnResult,
    TRollbackTxnResult,
    TGetBinlogResult,
    TGetBinlogLagResult,
    TGetSnapshotResult,
    TRestoreSnapshotResult,
    TGetMasterTokenResult,
);
with_tstatus!(req: TGetMetaResult, TGetBackendMetaResult);

/// The FE's Thrift service.
pub struct FrontendService {
    shared: Shared,
}

impl FrontendService {
    /// A service over the shared cluster state.
    pub fn new(shared: Shared) -> Self {
        FrontendService { shared }
    }
}

#[async_trait]
impl ThriftHandler for FrontendService {
    async fn handle(&self, incoming: Call) -> Result<Vec<u8>, ApplicationError> {
        let s = &self.shared;
        let f = &s.faults;
        let c = || s.cluster.clone();
        let h = &incoming;
        tracing::debug!(method = %h.method(), seqid = h.header.seqid, "FrontendService call");
        match h.method() {
            "getBinlog" => call(f, h, |r| b::get_binlog(c(), r)).await,
            "getBinlogLag" => call(f, h, |r| b::get_binlog_lag(c(), r)).await,
            "beginTxn" => call(f, h, |r| b::begin_txn(c(), r)).await,
            "commitTxn" => call(f, h, |r| b::commit_txn(c(), r)).await,
            "rollbackTxn" => call(f, h, |r| b::rollback_txn(c(), r)).await,
            "getSnapshot" => call(f, h, |r| b::get_snapshot(c(), r)).await,
            "restoreSnapshot" => call(f, h, |r| b::restore_snapshot(c(), r)).await,
            "getMasterToken" => call(f, h, |r| b::get_master_token(c(), r)).await,
            "getMeta" => call(f, h, |r| b::get_meta(c(), r)).await,
            "getBackendMeta" => call(f, h, |r| b::get_backend_meta(c(), r)).await,
            _ => Err(h.unknown_method()),
        }
    }
}
