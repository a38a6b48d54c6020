//! FrontendService on the FE rpc port: decode, apply faults, call the replication API
//! (through [`crate::server::backend`]), encode.

use async_trait::async_trait;
use doris_thrift::frontend_service::{
    TBeginTxnResult, TCommitTxnResult, TGetBackendMetaResult, TGetBinlogLagResult,
    TGetBinlogResult, TGetMasterTokenResult, TGetMetaResult, TGetSnapshotResult,
    TRestoreSnapshotResult, TRollbackTxnResult,
};
use doris_thrift::wire::MessageHeader;

use super::{call, unknown_method, with_tstatus, Dispatch, Reply};
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
impl Dispatch for FrontendService {
    async fn dispatch(&self, h: &MessageHeader, body: &[u8]) -> Reply {
        let s = &self.shared;
        let f = &s.faults;
        let c = || s.cluster.clone();
        tracing::debug!(method = %h.name, seqid = h.seqid, "FrontendService call");
        match h.name.as_str() {
            "getBinlog" => call(f, h, body, |r| b::get_binlog(c(), r)).await,
            "getBinlogLag" => call(f, h, body, |r| b::get_binlog_lag(c(), r)).await,
            "beginTxn" => call(f, h, body, |r| b::begin_txn(c(), r)).await,
            "commitTxn" => call(f, h, body, |r| b::commit_txn(c(), r)).await,
            "rollbackTxn" => call(f, h, body, |r| b::rollback_txn(c(), r)).await,
            "getSnapshot" => call(f, h, body, |r| b::get_snapshot(c(), r)).await,
            "restoreSnapshot" => call(f, h, body, |r| b::restore_snapshot(c(), r)).await,
            "getMasterToken" => call(f, h, body, |r| b::get_master_token(c(), r)).await,
            "getMeta" => call(f, h, body, |r| b::get_meta(c(), r)).await,
            "getBackendMeta" => call(f, h, body, |r| b::get_backend_meta(c(), r)).await,
            _ => unknown_method(h),
        }
    }
}
