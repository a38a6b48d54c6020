//! Per-job execution context: clients for both clusters, caches, the checkpoint seam,
//! live status and cancellation.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::doris::{BeClient, BeOptions, ClusterSpec, FeClient, FeOptions, SqlClient, SqlOptions};
use crate::engine::checkpoint::CheckpointHandle;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::meta::MetaCache;
use crate::engine::status::JobStatus;
use crate::job::{JobSpec, Progress, SyncType};

/// Tunables of the engine (defaults follow the original where it had a value).
#[derive(Clone, Debug)]
pub struct EngineOptions {
    /// Give up waiting for a BACKUP after this long.
    pub backup_timeout: Duration,
    /// Give up waiting for a RESTORE after this long.
    pub restore_timeout: Duration,
    /// Give up waiting for a committed txn to become VISIBLE after this long.
    pub visible_timeout: Duration,
    /// First idle wait when caught up (TOO_NEW).
    pub idle_min: Duration,
    /// Longest idle wait when caught up for a while.
    pub idle_max: Duration,
    /// Consecutive fatal errors of one step before the job is blocked.
    pub fatal_attempts: u32,
    /// How long source BE / token lookups are reused.
    pub meta_ttl: Duration,
    /// The `[features]` switches the engine reads.
    pub features: crate::config::FeatureFlags,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            backup_timeout: Duration::from_secs(24 * 3600),
            restore_timeout: Duration::from_secs(24 * 3600),
            visible_timeout: Duration::from_secs(600),
            // Short first wait: a job with data flowing sees the next binlog within ~5 ms
            // on average (full jitter over [0, 10 ms]), growing to idle_max when idle.
            idle_min: Duration::from_millis(10),
            idle_max: Duration::from_millis(500),
            fatal_attempts: 10,
            meta_ttl: Duration::from_secs(30),
            features: crate::config::FeatureFlags::default(),
        }
    }
}

impl EngineOptions {
    /// Shadow index ids (of pending schema changes) whose upserts are skipped: all of
    /// them with `feature_filter_shadow_indexes_upsert`, none without (the ingest then
    /// needs a target index of the same name, and fails without one).
    pub fn upsert_shadow_filter(&self, shadow_index_map: &BTreeMap<i64, i64>) -> BTreeSet<i64> {
        if !self.features.feature_filter_shadow_indexes_upsert {
            return BTreeSet::new();
        }
        shadow_index_map.keys().copied().collect()
    }
}

/// One cluster's clients.
pub struct Side {
    /// Its spec.
    pub spec: ClusterSpec,
    /// FE Thrift client.
    pub fe: FeClient,
    /// SQL client without a default database (statements are fully qualified).
    pub sql: SqlClient,
    /// SQL client whose session database is the job's database (DDL replays).
    pub sql_db: SqlClient,
}

impl Side {
    /// Builds the clients (nothing connects yet).
    pub fn new(spec: &ClusterSpec) -> EngineResult<Self> {
        let bad = |e| EngineError::Block(format!("invalid cluster spec: {e}"));
        Ok(Side {
            spec: spec.clone(),
            fe: FeClient::new(spec, FeOptions::default()).map_err(bad)?,
            sql: SqlClient::new(spec, None, SqlOptions::default()).map_err(bad)?,
            sql_db: SqlClient::new(spec, Some(&spec.database), SqlOptions::default())
                .map_err(bad)?,
        })
    }
}

/// Everything the sync steps of one job share.
pub struct JobCtx {
    /// The job.
    pub spec: JobSpec,
    /// Source cluster.
    pub src: Side,
    /// Target cluster.
    pub dest: Side,
    /// BE client (ingest on the target BEs), shared across tablets.
    pub be: Arc<BeClient>,
    /// Cached id lookups.
    pub meta: MetaCache,
    /// Progress persistence.
    pub checkpoint: Arc<dyn CheckpointHandle>,
    /// Live status for the API.
    pub status: Arc<JobStatus>,
    /// Pause / delete / ownership loss.
    pub cancel: CancellationToken,
    /// Tunables.
    pub options: EngineOptions,
}

impl JobCtx {
    /// Builds the context of `spec`.
    pub fn new(
        spec: JobSpec,
        checkpoint: Arc<dyn CheckpointHandle>,
        status: Arc<JobStatus>,
        cancel: CancellationToken,
        options: EngineOptions,
    ) -> EngineResult<Self> {
        Ok(JobCtx {
            src: Side::new(&spec.src)?,
            dest: Side::new(&spec.dest)?,
            be: Arc::new(BeClient::new(BeOptions::default())),
            meta: MetaCache::new(options.meta_ttl),
            spec,
            checkpoint,
            status,
            cancel,
            options,
        })
    }

    /// Db or table job.
    pub fn sync_type(&self) -> SyncType {
        self.spec.sync_type()
    }

    /// True for a table job.
    pub fn is_table(&self) -> bool {
        self.sync_type() == SyncType::Table
    }

    /// Persists `p` and publishes it; a fenced store stops the runner.
    pub async fn save(&self, p: &Progress) -> EngineResult<()> {
        self.checkpoint.save(p).await?;
        self.status.set_progress(p);
        Ok(())
    }

    /// Runs `fut` unless the job is cancelled first (the future is then dropped: like a
    /// crash at that point, which every step tolerates).
    pub async fn guard<T>(&self, fut: impl Future<Output = EngineResult<T>>) -> EngineResult<T> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(EngineError::Cancelled),
            r = fut => r,
        }
    }

    /// Sleeps `d` unless cancelled.
    pub async fn sleep(&self, d: Duration) -> EngineResult<()> {
        self.guard(async {
            tokio::time::sleep(d).await;
            Ok(())
        })
        .await
    }

    /// Err(Cancelled) once the token fired.
    pub fn check_cancel(&self) -> EngineResult<()> {
        if self.cancel.is_cancelled() {
            Err(EngineError::Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shadow_filter_follows_the_flag() {
        let map = BTreeMap::from([(30, 3), (31, 3)]);
        let mut o = EngineOptions::default();
        assert_eq!(o.upsert_shadow_filter(&map), BTreeSet::from([30, 31]));
        o.features.feature_filter_shadow_indexes_upsert = false;
        assert!(o.upsert_shadow_filter(&map).is_empty());
    }
}
