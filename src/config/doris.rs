//! `[doris]`: timeouts and limits for talking to the Doris clusters.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::duration::serde_human;

/// The `[doris]` section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DorisConfig {
    /// Thrift (FE/BE) connect timeout (the original's `-connect_timeout`). Default: 10s.
    #[serde(with = "serde_human")]
    pub connect_timeout: Duration,
    /// Thrift RPC timeout (`-rpc_timeout`). Default: 30s.
    #[serde(with = "serde_human")]
    pub rpc_timeout: Duration,
    /// Timeout of the FE `commitTxn` RPC (`-commit_txn_timeout`). Default: 33s.
    #[serde(with = "serde_human")]
    pub commit_txn_timeout: Duration,
    /// Concurrent ingest RPCs allowed per destination BE
    /// (`-max_ingest_concurrency_per_backend`). Must be > 0. Default: 48.
    pub max_ingest_concurrency_per_backend: usize,
    /// How long to wait for an upstream BACKUP snapshot to finish. Default: 1h.
    #[serde(with = "serde_human")]
    pub backup_poll_timeout: Duration,
    /// How long to wait for a downstream RESTORE to finish. Default: 1h.
    #[serde(with = "serde_human")]
    pub restore_poll_timeout: Duration,
}

impl Default for DorisConfig {
    fn default() -> Self {
        DorisConfig {
            connect_timeout: Duration::from_secs(10),
            rpc_timeout: Duration::from_secs(30),
            commit_txn_timeout: Duration::from_secs(33),
            max_ingest_concurrency_per_backend: 48,
            backup_poll_timeout: Duration::from_secs(3600),
            restore_poll_timeout: Duration::from_secs(3600),
        }
    }
}

impl DorisConfig {
    /// Every timeout and the ingest window must be non-zero.
    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        let timeouts = [
            ("doris.connect_timeout", self.connect_timeout),
            ("doris.rpc_timeout", self.rpc_timeout),
            ("doris.commit_txn_timeout", self.commit_txn_timeout),
            ("doris.backup_poll_timeout", self.backup_poll_timeout),
            ("doris.restore_poll_timeout", self.restore_poll_timeout),
        ];
        if let Some((key, _)) = timeouts.iter().find(|(_, d)| d.is_zero()) {
            return Err((key, "must be > 0".into()));
        }
        if self.max_ingest_concurrency_per_backend == 0 {
            return Err((
                "doris.max_ingest_concurrency_per_backend",
                "must be > 0".into(),
            ));
        }
        Ok(())
    }
}
