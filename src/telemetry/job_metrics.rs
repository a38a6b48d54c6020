//! [`JobMetrics`]: the per-job handle over the `ccr_job_*` families.

use std::fmt::Display;

use super::metrics::Labels;
use super::Metrics;

/// Updates one job's series. Cheap to clone; obtain with [`Metrics::job`].
#[derive(Clone, Debug)]
pub struct JobMetrics {
    metrics: Metrics,
    job: String,
    labels: Labels,
}

impl JobMetrics {
    pub(crate) fn new(metrics: Metrics, job: &str) -> JobMetrics {
        JobMetrics {
            metrics,
            job: job.to_string(),
            labels: vec![("job", job.to_string())],
        }
    }

    /// The job name.
    pub fn name(&self) -> &str {
        &self.job
    }

    fn with(&self, key: &'static str, value: &str) -> Labels {
        let mut labels = self.labels.clone();
        labels.push((key, value.to_string()));
        labels
    }

    /// `ccr_job_lag_commit_seqs`: upstream commit seqs not yet applied.
    pub fn set_lag_commit_seqs(&self, seqs: i64) {
        self.remember(|_| true);
        self.metrics
            .inner
            .job
            .lag_commit_seqs
            .get_or_create(&self.labels)
            .set(seqs);
    }

    /// `ccr_job_lag_seconds`: age of the oldest binlog not yet applied.
    pub fn set_lag_seconds(&self, seconds: f64) {
        self.remember(|_| true);
        self.metrics
            .inner
            .job
            .lag_seconds
            .get_or_create(&self.labels)
            .set(seconds);
    }

    /// `ccr_job_binlogs_applied_total{type}` += 1.
    pub fn binlog_applied(&self, kind: &str) {
        self.remember(|s| s.types.insert(kind.to_string()));
        let labels = self.with("type", kind);
        self.metrics
            .inner
            .job
            .binlogs_applied
            .get_or_create(&labels)
            .inc();
    }

    /// `ccr_job_rows_ingested_total` += rows.
    pub fn rows_ingested(&self, rows: u64) {
        self.remember(|_| true);
        self.metrics
            .inner
            .job
            .rows_ingested
            .get_or_create(&self.labels)
            .inc_by(rows);
    }

    /// `ccr_job_bytes_ingested_total` += bytes.
    pub fn bytes_ingested(&self, bytes: u64) {
        self.remember(|_| true);
        self.metrics
            .inner
            .job
            .bytes_ingested
            .get_or_create(&self.labels)
            .inc_by(bytes);
    }

    /// `ccr_job_tablets_ingested_total` += tablets (target replicas ingested).
    pub fn tablets_ingested(&self, tablets: u64) {
        self.remember(|_| true);
        self.metrics
            .inner
            .job
            .tablets_ingested
            .get_or_create(&self.labels)
            .inc_by(tablets);
    }

    /// Drops both lag gauges (the job no longer runs here: a frozen value would lie).
    pub fn clear_lag(&self) {
        let j = &self.metrics.inner.job;
        j.lag_commit_seqs.remove(&self.labels);
        j.lag_seconds.remove(&self.labels);
    }

    /// `ccr_job_errors_total{kind}` += 1; keep `kind` to a small fixed set.
    pub fn error(&self, kind: &str) {
        self.remember(|s| s.kinds.insert(kind.to_string()));
        let labels = self.with("kind", kind);
        self.metrics.inner.job.errors.get_or_create(&labels).inc();
    }

    /// `ccr_job_full_syncs_total` += 1.
    pub fn full_sync(&self) {
        self.remember(|_| true);
        self.metrics
            .inner
            .job
            .full_syncs
            .get_or_create(&self.labels)
            .inc();
    }

    /// `ccr_job_partial_syncs_total` += 1.
    pub fn partial_sync(&self) {
        self.remember(|_| true);
        self.metrics
            .inner
            .job
            .partial_syncs
            .get_or_create(&self.labels)
            .inc();
    }

    /// `ccr_job_state{state}`: 1 for `state`; the previous state's series is removed.
    pub fn set_state(&self, state: &str) {
        let old = self.replace(|s| s.state.replace(state.to_string()));
        let family = &self.metrics.inner.job.state;
        if let Some(old) = old.filter(|o| o != state) {
            family.remove(&self.with("state", &old));
        }
        family.get_or_create(&self.with("state", state)).set(1);
    }

    /// `ccr_job_owner{owner}`: 1 for the owning node; the previous owner's series is
    /// removed.
    pub fn set_owner(&self, owner: impl Display) {
        let owner = owner.to_string();
        let old = self.replace(|s| s.owner.replace(owner.clone()));
        let family = &self.metrics.inner.job.owner;
        if let Some(old) = old.filter(|o| *o != owner) {
            family.remove(&self.with("owner", &old));
        }
        family.get_or_create(&self.with("owner", &owner)).set(1);
    }

    /// Drops the `ccr_job_owner` series (the job is unassigned).
    pub fn clear_owner(&self) {
        if let Some(old) = self.replace(|s| s.owner.take()) {
            let family = &self.metrics.inner.job.owner;
            family.remove(&self.with("owner", &old));
        }
    }

    /// Drops the `ccr_job_state` series (another node reports this job's state).
    pub fn clear_state(&self) {
        if let Some(old) = self.replace(|s| s.state.take()) {
            let family = &self.metrics.inner.job.state;
            family.remove(&self.with("state", &old));
        }
    }

    /// Removes every series of this job (see [`Metrics::remove_job`]).
    pub fn remove(&self) {
        self.metrics.remove_job(&self.job);
    }

    fn remember(&self, f: impl FnOnce(&mut super::metrics::JobSeries) -> bool) {
        let mut series = self.metrics.inner.series.lock();
        f(series.entry(self.job.clone()).or_default());
    }

    fn replace<T>(&self, f: impl FnOnce(&mut super::metrics::JobSeries) -> T) -> T {
        let mut series = self.metrics.inner.series.lock();
        f(series.entry(self.job.clone()).or_default())
    }
}
