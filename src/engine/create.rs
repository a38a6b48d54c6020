//! Cluster-side operations of job management: creation checks (original §2.9) with
//! messages that say what to fix, `/desync`, and the live `/get_lag` fallback.

mod checks;
mod ops;

pub use ops::DorisClusterOps;

use crate::doris::DorisError;
use crate::job::JobSpec;
use async_trait::async_trait;

/// Why a job cannot be created (or a cluster operation failed).
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// A precondition is not met; the message says what to fix.
    #[error("{0}")]
    Check(String),
    /// Talking to Doris failed.
    #[error("{context}: {source}")]
    Doris {
        /// What we were doing.
        context: String,
        /// The client error.
        #[source]
        source: DorisError,
    },
}

impl CreateError {
    pub(crate) fn doris(context: impl Into<String>) -> impl FnOnce(DorisError) -> Self {
        let context = context.into();
        move |source| CreateError::Doris { context, source }
    }
}

/// Replication lag of a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lag {
    /// Source binlogs not yet applied.
    pub binlogs: i64,
    /// Age in seconds of the oldest unapplied binlog (`None` = unknown).
    pub seconds: Option<i64>,
}

/// Everything the job manager needs from the Doris clusters. A trait so the manager and
/// API are testable without clusters.
#[async_trait]
pub trait ClusterOps: Send + Sync {
    /// Creation checks: binlog enabled on FEs/BEs, source db/table exist with binlog on,
    /// target db created if missing, target table absent unless `allow_table_exists`.
    /// Fills `db_id`, `table_id` and `frontends` in the spec.
    async fn prepare(&self, spec: &mut JobSpec) -> Result<(), CreateError>;
    /// Sets `is_being_synced = false` on the target table(s).
    async fn desync(&self, spec: &JobSpec) -> Result<(), CreateError>;
    /// Source binlogs after `commit_seq` (getBinlogLag) and, when the FE reports
    /// timestamps, the age in seconds of the oldest of them (`None` = unknown).
    async fn binlog_lag(&self, spec: &JobSpec, commit_seq: i64) -> Result<Lag, CreateError>;
}

/// [`ClusterOps`] that accepts everything (tests, dry runs).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoopClusterOps;

#[async_trait]
impl ClusterOps for NoopClusterOps {
    async fn prepare(&self, _spec: &mut JobSpec) -> Result<(), CreateError> {
        Ok(())
    }
    async fn desync(&self, _spec: &JobSpec) -> Result<(), CreateError> {
        Ok(())
    }
    async fn binlog_lag(&self, _spec: &JobSpec, _commit_seq: i64) -> Result<Lag, CreateError> {
        Ok(Lag {
            binlogs: 0,
            seconds: Some(0),
        })
    }
}
