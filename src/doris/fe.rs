//! `FeClient`: the FrontendService RPCs CCR uses, against one cluster's FEs.
//!
//! Calls go to the current master FE (initially the spec host). A NOT_MASTER answer
//! with `master_address` moves the client to that FE; connection failures (and lost
//! replies of reads) fail over across the spec host and `spec.frontends`. Auth fields
//! (`user`, `passwd`, `db`, ...) left unset in a request are filled from the spec.

mod begin;
mod route;
#[cfg(test)]
mod tests;

use std::time::Duration;

use doris_thrift::frontend_service::*;
use doris_thrift::status::TStatusCode;
use parking_lot::Mutex;

pub use self::begin::{BeginTxn, LabelJobStatus};
pub use self::route::HasStatus;
use self::route::{check, Idempotence};
use super::pool::ConnPool;
use super::{ClusterSpec, DorisError};

/// Timeouts and limits of an [`FeClient`].
#[derive(Clone, Debug)]
pub struct FeOptions {
    /// TCP connect timeout (syncer flag `connect_timeout`, default 10 s).
    pub connect_timeout: Duration,
    /// Per-RPC timeout (flag `rpc_timeout`, default 30 s).
    pub rpc_timeout: Duration,
    /// commitTxn timeout (flag `commit_txn_timeout`, default 33 s).
    pub commit_timeout: Duration,
    /// Attempts per call across redirects and failovers.
    pub max_hops: usize,
    /// Idle connections kept per FE.
    pub max_idle_per_fe: usize,
}

impl Default for FeOptions {
    fn default() -> Self {
        FeOptions {
            connect_timeout: Duration::from_secs(10),
            rpc_timeout: Duration::from_secs(30),
            commit_timeout: Duration::from_secs(33),
            max_hops: 8,
            max_idle_per_fe: 4,
        }
    }
}

/// Thrift client for one cluster's FEs. Cheap to share (`Arc<FeClient>`); calls may run
/// concurrently, each on its own pooled connection.
#[derive(Debug)]
pub struct FeClient {
    spec: ClusterSpec,
    options: FeOptions,
    pool: ConnPool,
    /// Known FE thrift addresses, spec host first.
    addrs: Mutex<Vec<String>>,
    master: Mutex<String>,
}

/// Fills unset auth/target fields of a request from the spec.
macro_rules! fill {
    ($req:ident { $($field:ident = $value:expr),* $(,)? }) => {
        $( if $req.$field.is_none() { $req.$field = $value; } )*
    };
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl FeClient {
    /// A client for the cluster described by `spec` (validated here). Does not connect.
    pub fn new(spec: &ClusterSpec, options: FeOptions) -> Result<Self, DorisError> {
        spec.validate()?;
        let addrs = spec.thrift_addrs()?;
        let master = addrs[0].clone();
        Ok(FeClient {
            spec: spec.clone(),
            pool: ConnPool::new(options.max_idle_per_fe, options.connect_timeout),
            options,
            addrs: Mutex::new(addrs),
            master: Mutex::new(master),
        })
    }

    /// The FE currently believed to be master (`host:port`).
    pub fn master_addr(&self) -> String {
        self.master.lock().clone()
    }

    /// All FE thrift addresses known (spec, `frontends`, learned via redirects).
    pub fn known_addrs(&self) -> Vec<String> {
        self.addrs.lock().clone()
    }

    fn set_master(&self, addr: &str) {
        *self.master.lock() = addr.to_string();
    }

    fn learn(&self, addr: &str) {
        let mut addrs = self.addrs.lock();
        if !addrs.iter().any(|a| a == addr) {
            addrs.push(addr.to_string());
        }
    }

    fn timeout_for(&self, method: &str) -> Duration {
        if method == "commitTxn" {
            self.options.commit_timeout
        } else {
            self.options.rpc_timeout
        }
    }

    fn user(&self) -> Option<String> {
        Some(self.spec.user.clone())
    }

    fn passwd(&self) -> Option<String> {
        Some(self.spec.password.expose().to_string())
    }

    fn db(&self) -> Option<String> {
        Some(self.spec.database.clone())
    }

    /// getBinlog after `prev_commit_seq`. Ok also for BINLOG_TOO_OLD_COMMIT_SEQ (61,
    /// binlogs = [DUMMY]) and BINLOG_TOO_NEW_COMMIT_SEQ (62, caught up).
    pub async fn get_binlog(
        &self,
        mut req: TGetBinlogRequest,
    ) -> Result<TGetBinlogResult, DorisError> {
        self.fill_binlog_req(&mut req);
        let (res, addr) = self.route("getBinlog", &req, Idempotence::Read).await?;
        let accepted = [
            TStatusCode::BINLOG_TOO_OLD_COMMIT_SEQ,
            TStatusCode::BINLOG_TOO_NEW_COMMIT_SEQ,
        ];
        check("getBinlog", &addr, res, &accepted)
    }

    /// getBinlogLag (same request type as getBinlog).
    pub async fn get_binlog_lag(
        &self,
        mut req: TGetBinlogRequest,
    ) -> Result<TGetBinlogLagResult, DorisError> {
        self.fill_binlog_req(&mut req);
        let (res, addr) = self.route("getBinlogLag", &req, Idempotence::Read).await?;
        check("getBinlogLag", &addr, res, &[])
    }

    fn fill_binlog_req(&self, req: &mut TGetBinlogRequest) {
        let spec = &self.spec;
        let table_sync = spec.is_table_sync();
        fill!(req {
            user = self.user(),
            passwd = self.passwd(),
            db = self.db(),
            table = if table_sync { Some(spec.table.clone()) } else { None },
            table_id = if table_sync && spec.table_id > 0 { Some(spec.table_id) } else { None },
        });
    }

    /// beginTxn on this (downstream) cluster. A label already in use is not an error:
    /// it is [`BeginTxn::LabelExists`] with the holder's id and `job_status`.
    pub async fn begin_txn(&self, mut req: TBeginTxnRequest) -> Result<BeginTxn, DorisError> {
        fill!(req { user = self.user(), passwd = self.passwd(), db = self.db() });
        let (res, addr) = self
            .route::<_, TBeginTxnResult>("beginTxn", &req, Idempotence::Write)
            .await?;
        begin::begin_outcome(&addr, res)
    }

    /// commitTxn (timeout `commit_timeout`). Ok also for PUBLISH_TIMEOUT (14):
    /// committed, visible later.
    pub async fn commit_txn(
        &self,
        mut req: TCommitTxnRequest,
    ) -> Result<TCommitTxnResult, DorisError> {
        fill!(req { user = self.user(), passwd = self.passwd(), db = self.db() });
        let (res, addr) = self.route("commitTxn", &req, Idempotence::Write).await?;
        check("commitTxn", &addr, res, &[TStatusCode::PUBLISH_TIMEOUT])
    }

    /// rollbackTxn. Errors keep the FE messages (e.g. "is already COMMITTED").
    pub async fn rollback_txn(
        &self,
        mut req: TRollbackTxnRequest,
    ) -> Result<TRollbackTxnResult, DorisError> {
        fill!(req { user = self.user(), passwd = self.passwd(), db = self.db() });
        let (res, addr) = self.route("rollbackTxn", &req, Idempotence::Write).await?;
        check("rollbackTxn", &addr, res, &[])
    }

    /// getSnapshot (`table` defaults to the spec table, "" for db sync).
    pub async fn get_snapshot(
        &self,
        mut req: TGetSnapshotRequest,
    ) -> Result<TGetSnapshotResult, DorisError> {
        let table = Some(self.spec.table.clone());
        fill!(req { user = self.user(), passwd = self.passwd(), db = self.db(), table = table });
        let (res, addr) = self.route("getSnapshot", &req, Idempotence::Read).await?;
        check("getSnapshot", &addr, res, &[])
    }

    /// restoreSnapshot (`table` defaults to the spec table). Success = job created.
    pub async fn restore_snapshot(
        &self,
        mut req: TRestoreSnapshotRequest,
    ) -> Result<TRestoreSnapshotResult, DorisError> {
        let table = Some(self.spec.table.clone());
        fill!(req { user = self.user(), passwd = self.passwd(), db = self.db(), table = table });
        let (res, addr) = self
            .route("restoreSnapshot", &req, Idempotence::Write)
            .await?;
        check("restoreSnapshot", &addr, res, &[])
    }

    /// getMasterToken (note the request field is `password`).
    pub async fn get_master_token(
        &self,
        mut req: TGetMasterTokenRequest,
    ) -> Result<TGetMasterTokenResult, DorisError> {
        let cluster = non_empty(&self.spec.cluster);
        fill!(req { cluster = cluster, user = self.user(), password = self.passwd() });
        let (res, addr) = self
            .route("getMasterToken", &req, Idempotence::Read)
            .await?;
        check("getMasterToken", &addr, res, &[])
    }

    /// getMeta. A result without `db_meta` (unknown db) is returned as is.
    pub async fn get_meta(&self, mut req: TGetMetaRequest) -> Result<TGetMetaResult, DorisError> {
        fill!(req { user = self.user(), passwd = self.passwd() });
        let (res, addr) = self.route("getMeta", &req, Idempotence::Read).await?;
        check("getMeta", &addr, res, &[])
    }

    /// getBackendMeta: every BE with id, host and ports.
    pub async fn get_backend_meta(
        &self,
        mut req: TGetBackendMetaRequest,
    ) -> Result<TGetBackendMetaResult, DorisError> {
        fill!(req { user = self.user(), passwd = self.passwd() });
        let (res, addr) = self
            .route("getBackendMeta", &req, Idempotence::Read)
            .await?;
        check("getBackendMeta", &addr, res, &[])
    }
}
