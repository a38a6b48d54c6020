//! BackendService on one BE's be_port: `ingest_binlog` and `query_ingest_binlog`.

use async_trait::async_trait;
use doris_thrift::backend_service::{
    TIngestBinlogResult, TIngestBinlogStatus, TQueryIngestBinlogResult,
};
use doris_thrift::wire::{ApplicationError, Call, ThriftHandler};

use super::{call, with_tstatus, WithStatus};
use crate::server::backend as b;
use crate::server::Shared;

with_tstatus!(opt: TIngestBinlogResult);

impl WithStatus for TQueryIngestBinlogResult {
    /// This result has no TStatus: an injected fault reports FAILED (4) with the message.
    fn set_status(&mut self, _code: i32, msg: String) {
        self.status = Some(TIngestBinlogStatus(4));
        self.err_msg = Some(msg);
    }

    fn from_status(code: i32, msg: String) -> Self {
        let mut r = TQueryIngestBinlogResult::default();
        r.set_status(code, msg);
        r
    }
}

/// The Thrift service of one emulated BE.
pub struct BackendService {
    shared: Shared,
    be_id: i64,
}

impl BackendService {
    /// The service of BE `be_id`.
    pub fn new(shared: Shared, be_id: i64) -> Self {
        BackendService { shared, be_id }
    }
}

#[async_trait]
impl ThriftHandler for BackendService {
    async fn handle(&self, incoming: Call) -> Result<Vec<u8>, ApplicationError> {
        let (s, be) = (&self.shared, self.be_id);
        let h = &incoming;
        tracing::debug!(method = %h.method(), be, "BackendService call");
        match h.method() {
            "ingest_binlog" => {
                call(&s.faults, h, |r| b::ingest_binlog(s.cluster.clone(), be, r)).await
            }
            "query_ingest_binlog" => {
                call(&s.faults, h, |r| {
                    b::query_ingest_binlog(s.cluster.clone(), be, r)
                })
                .await
            }
            _ => Err(h.unknown_method()),
        }
    }
}
