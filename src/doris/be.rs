//! `BeClient`: BackendService RPCs (ingest_binlog, query_ingest_binlog) to any BE.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use doris_thrift::backend_service::{
    TIngestBinlogRequest, TIngestBinlogResult, TQueryIngestBinlogRequest, TQueryIngestBinlogResult,
};
use doris_thrift::thrift::protocol::TSerializable;
use doris_thrift::types::TBackend;
use parking_lot::Mutex;
use tokio::sync::Semaphore;

use super::fe::HasStatus;
use super::pool::ConnPool;
use super::spec::join_host_port;
use super::DorisError;

pub mod rowset_meta;
#[cfg(test)]
mod tests;

/// Timeouts and limits of a [`BeClient`].
#[derive(Clone, Debug)]
pub struct BeOptions {
    /// TCP connect timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Per-RPC timeout (default 30 s).
    pub rpc_timeout: Duration,
    /// Concurrent RPCs per BE (the original syncer allows 48).
    pub max_in_flight_per_be: usize,
    /// Idle connections kept per BE.
    pub max_idle_per_be: usize,
}

impl Default for BeOptions {
    fn default() -> Self {
        BeOptions {
            connect_timeout: Duration::from_secs(10),
            rpc_timeout: Duration::from_secs(30),
            max_in_flight_per_be: 48,
            max_idle_per_be: 48,
        }
    }
}

/// Thrift client for BEs, keyed by `host:be_port`: connections are pooled and
/// in-flight calls per BE are capped. Share one per cluster (`Arc<BeClient>`).
#[derive(Debug)]
pub struct BeClient {
    options: BeOptions,
    pool: ConnPool,
    in_flight: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl BeClient {
    /// A client with no connections yet.
    pub fn new(options: BeOptions) -> Self {
        BeClient {
            pool: ConnPool::new(options.max_idle_per_be, options.connect_timeout),
            options,
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// `host:be_port` of a backend record.
    pub fn addr_of(be: &TBackend) -> String {
        join_host_port(&be.host, u16::try_from(be.be_port).unwrap_or(0))
    }

    /// ingest_binlog on the BE at `addr` (`host:be_port`). A non-OK status is an error
    /// ([`DorisError::Status`]); a lost reply is `OutcomeUnknown` (roll the txn back).
    pub async fn ingest_binlog(
        &self,
        addr: &str,
        req: &TIngestBinlogRequest,
    ) -> Result<TIngestBinlogResult, DorisError> {
        let res: TIngestBinlogResult = self.call(addr, "ingest_binlog", req).await?;
        let code = res.status().map(|s| s.status_code);
        match code {
            None | Some(doris_thrift::status::TStatusCode::OK) => Ok(res),
            Some(code) => Err(DorisError::Status {
                method: "ingest_binlog".into(),
                addr: addr.to_string(),
                code,
                messages: res.status.and_then(|s| s.error_msgs).unwrap_or_default(),
            }),
        }
    }

    /// query_ingest_binlog on the BE at `addr`; the result's own status enum is returned.
    pub async fn query_ingest_binlog(
        &self,
        addr: &str,
        req: &TQueryIngestBinlogRequest,
    ) -> Result<TQueryIngestBinlogResult, DorisError> {
        self.call(addr, "query_ingest_binlog", req).await
    }

    /// Idle pooled connections to `addr` (for tests and metrics).
    pub fn idle_connections(&self, addr: &str) -> usize {
        self.pool.idle_count(addr)
    }

    async fn call<Req, Resp>(&self, addr: &str, method: &str, req: &Req) -> Result<Resp, DorisError>
    where
        Req: TSerializable,
        Resp: TSerializable,
    {
        let gate = self.gate(addr);
        // The semaphore is never closed, so acquire only fails if it were; map anyway.
        let _permit = gate.acquire().await.map_err(|e| DorisError::NotSent {
            method: method.to_string(),
            addr: addr.to_string(),
            message: e.to_string(),
        })?;
        self.pool
            .call(addr, method, req, self.options.rpc_timeout)
            .await
            .map_err(|e| DorisError::from_call(method, e))
    }

    fn gate(&self, addr: &str) -> Arc<Semaphore> {
        let mut map = self.in_flight.lock();
        map.entry(addr.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(self.options.max_in_flight_per_be.max(1))))
            .clone()
    }
}
