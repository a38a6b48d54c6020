//! Feeds `ccr_job_rows_ingested_total` and `ccr_job_bytes_ingested_total`. Neither the
//! binlog nor the Thrift replies carry row counts, so the rowset meta the target BEs pull
//! is read from the source BEs too: once per (source tablet, version) of the txn, not per
//! target replica. The reads run beside the ingest calls and never delay or fail the
//! UPSERT: the counters move only once the txn committed and every read succeeded (a
//! replayed txn is not counted twice); any failure is logged at debug and counts nothing
//! for that txn.

use std::collections::HashSet;

use futures::stream::{self, StreamExt, TryStreamExt};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::IngestTask;
use crate::doris::be::rowset_meta::{RowsetMetaClient, RowsetStats};
use crate::engine::context::JobCtx;
use crate::telemetry::JobMetrics;

/// Concurrent rowset meta reads of one txn.
const CONCURRENCY: usize = 16;

/// One source rowset binlog to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Source {
    pub(super) host: String,
    pub(super) http_port: u16,
    pub(super) tablet_id: i64,
    pub(super) version: i64,
}

/// The distinct source rowsets of `tasks`; `None` if a request lacks what is needed.
pub(super) fn sources(tasks: &[IngestTask]) -> Option<Vec<Source>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for t in tasks {
        let r = &t.req;
        let (tablet_id, version) = (r.remote_tablet_id?, r.binlog_version?);
        if seen.insert((tablet_id, version)) {
            out.push(Source {
                host: r.remote_host.clone()?,
                http_port: r.remote_port.as_deref()?.parse().ok()?,
                tablet_id,
                version,
            });
        }
    }
    Some(out)
}

/// Rowset meta reads of one txn in flight; aborted when dropped before [`Self::count`].
pub(crate) struct StatsFetch {
    handle: Option<JoinHandle<Option<RowsetStats>>>,
    metrics: JobMetrics,
    cancel: CancellationToken,
}

/// Starts reading the rowset metas of `tasks`, when the job exports metrics.
pub(super) fn start(ctx: &JobCtx, tasks: &[IngestTask]) -> Option<StatsFetch> {
    let metrics = ctx.status.metrics()?.clone();
    let client = RowsetMetaClient::shared()?;
    let Some(sources) = sources(tasks) else {
        tracing::debug!(job = %ctx.spec.name, "ingest request without a source: rows not counted");
        return None;
    };
    let job = ctx.spec.name.clone();
    Some(StatsFetch {
        handle: Some(tokio::spawn(fetch_all(client, sources, job))),
        metrics,
        cancel: ctx.cancel.clone(),
    })
}

async fn fetch_all(
    client: &'static RowsetMetaClient,
    sources: Vec<Source>,
    job: String,
) -> Option<RowsetStats> {
    let total = stream::iter(sources)
        .map(|s| async move {
            client
                .fetch(&s.host, s.http_port, s.tablet_id, s.version)
                .await
        })
        .buffer_unordered(CONCURRENCY)
        .try_fold(RowsetStats::default(), |mut sum, s| async move {
            sum += s;
            Ok(sum)
        })
        .await;
    match total {
        Ok(sum) => Some(sum),
        Err(e) => {
            tracing::debug!(%job, error = %e, "rowset meta unreadable: rows not counted");
            None
        }
    }
}

impl StatsFetch {
    /// Every ingest succeeded: adds the rows and bytes once the reads are done, without
    /// waiting for them here.
    pub(super) fn count(mut self) {
        let Some(handle) = self.handle.take() else {
            return;
        };
        let (metrics, cancel) = (self.metrics.clone(), self.cancel.clone());
        tokio::spawn(async move {
            let abort = handle.abort_handle();
            let stats = tokio::select! {
                _ = cancel.cancelled() => {
                    abort.abort();
                    return;
                }
                r = handle => r,
            };
            if let Ok(Some(s)) = stats {
                metrics.rows_ingested(s.num_rows);
                metrics.bytes_ingested(s.data_bytes);
            }
        });
    }
}

impl Drop for StatsFetch {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.abort();
        }
    }
}
