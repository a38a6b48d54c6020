//! Live job status, written by the runner and read by the API without locking the runner.

use crate::job::{Progress, SubSyncState, SyncState};
use crate::telemetry::JobMetrics;
use parking_lot::Mutex;
use serde::Serialize;
use std::sync::atomic::{AtomicI32, AtomicI64, AtomicU64, Ordering};
use std::sync::OnceLock;

/// Live status of one job. Cheap atomics for numbers; short mutexes for strings.
#[derive(Debug)]
pub struct JobStatus {
    sync_state: AtomicI32,
    sub_state: AtomicI32,
    retries: AtomicU64,
    last_applied_seq: AtomicI64,
    lag_seqs: AtomicI64,
    lag_seconds: AtomicI64,
    last_error: Mutex<Option<String>>,
    blocked_reason: Mutex<Option<String>>,
    /// The job's Prometheus series, when the node exports metrics (set once).
    metrics: OnceLock<JobMetrics>,
}

/// Point-in-time copy of [`JobStatus`] for the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobStatusSnapshot {
    /// Sync state name (`TableIncrementalSync`, ...).
    pub progress_state: String,
    /// Sub state name (`Done`, `IngestBinlog`, ...).
    pub sub_state: String,
    /// Last error seen (cleared by a success).
    pub last_error: Option<String>,
    /// Consecutive failed attempts since the last success.
    pub retries: u64,
    /// Why the job is blocked, if it is.
    pub blocked_reason: Option<String>,
    /// Last applied source commit seq.
    pub last_applied_seq: i64,
    /// Source binlogs not yet applied (-1 = unknown).
    pub lag: i64,
    /// Age in seconds of the oldest unapplied binlog (-1 = unknown).
    pub lag_seconds: i64,
}

impl JobStatus {
    /// Status for a job starting in `state`.
    pub fn new(state: SyncState) -> Self {
        JobStatus {
            sync_state: AtomicI32::new(state.code()),
            sub_state: AtomicI32::new(SubSyncState::Done.codes().0),
            retries: AtomicU64::new(0),
            last_applied_seq: AtomicI64::new(0),
            lag_seqs: AtomicI64::new(-1),
            lag_seconds: AtomicI64::new(-1),
            last_error: Mutex::new(None),
            blocked_reason: Mutex::new(None),
            metrics: OnceLock::new(),
        }
    }

    /// Attaches the job's metrics handle (later calls are ignored): the engine reports
    /// through [`JobStatus::metrics`], and [`JobStatus::set_lag`] feeds the lag gauges.
    pub fn attach_metrics(&self, metrics: JobMetrics) {
        let _ = self.metrics.set(metrics);
    }

    /// The job's metrics handle, if the node exports metrics.
    pub fn metrics(&self) -> Option<&JobMetrics> {
        self.metrics.get()
    }

    /// Status mirroring a progress.
    pub fn from_progress(p: &Progress) -> Self {
        let s = Self::new(p.sync_state);
        s.set_progress(p);
        s
    }

    /// Publishes the state of `p` (call after each checkpoint).
    pub fn set_progress(&self, p: &Progress) {
        self.sync_state
            .store(p.sync_state.code(), Ordering::Relaxed);
        self.sub_state
            .store(p.sub_sync_state.codes().0, Ordering::Relaxed);
        self.last_applied_seq
            .store(p.prev_commit_seq, Ordering::Relaxed);
    }

    /// Publishes a new sync state.
    pub fn set_sync_state(&self, s: SyncState) {
        self.sync_state.store(s.code(), Ordering::Relaxed);
    }

    /// Current sync state.
    pub fn sync_state(&self) -> SyncState {
        SyncState::try_from(self.sync_state.load(Ordering::Relaxed))
            .unwrap_or(SyncState::DbFullSync)
    }

    /// Records a failed attempt (shown by `/job_status`); returns the retry count.
    pub fn record_error(&self, msg: impl Into<String>) -> u64 {
        *self.last_error.lock() = Some(msg.into());
        self.retries.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Records a successful step: clears the error and the retry count.
    pub fn record_success(&self) {
        self.retries.store(0, Ordering::Relaxed);
        *self.last_error.lock() = None;
    }

    /// Sets or clears the blocked reason.
    pub fn set_blocked(&self, reason: Option<String>) {
        *self.blocked_reason.lock() = reason;
    }

    /// Records the last applied source commit seq.
    pub fn set_applied(&self, seq: i64) {
        self.last_applied_seq.store(seq, Ordering::Relaxed);
    }

    /// Records the source lag (binlog count and seconds; -1 = unknown).
    pub fn set_lag(&self, seqs: i64, seconds: i64) {
        self.lag_seqs.store(seqs, Ordering::Relaxed);
        self.lag_seconds.store(seconds, Ordering::Relaxed);
        if let Some(m) = self.metrics.get() {
            // Unknown (-1) is not exported: no series beats a made-up value.
            if seqs >= 0 {
                m.set_lag_commit_seqs(seqs);
            }
            if seconds >= 0 {
                m.set_lag_seconds(seconds as f64);
            }
        }
    }

    /// Source lag in binlogs (-1 unknown).
    pub fn lag(&self) -> i64 {
        self.lag_seqs.load(Ordering::Relaxed)
    }

    /// Copy for the API.
    pub fn snapshot(&self) -> JobStatusSnapshot {
        let sub = self.sub_state.load(Ordering::Relaxed);
        let sub_name = crate::job::progress::RawSubState::named(sub);
        JobStatusSnapshot {
            progress_state: self.sync_state().name().to_string(),
            sub_state: sub_name.to_string(),
            last_error: self.last_error.lock().clone(),
            retries: self.retries.load(Ordering::Relaxed),
            blocked_reason: self.blocked_reason.lock().clone(),
            last_applied_seq: self.last_applied_seq.load(Ordering::Relaxed),
            lag: self.lag_seqs.load(Ordering::Relaxed),
            lag_seconds: self.lag_seconds.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_retries_and_success() {
        let s = JobStatus::new(SyncState::TableFullSync);
        assert_eq!(s.record_error("boom"), 1);
        assert_eq!(s.record_error("boom again"), 2);
        let snap = s.snapshot();
        assert_eq!(snap.retries, 2);
        assert_eq!(snap.last_error.as_deref(), Some("boom again"));
        assert_eq!(snap.progress_state, "TableFullSync");
        s.record_success();
        assert_eq!(s.snapshot().retries, 0);
        assert!(s.snapshot().last_error.is_none());
    }

    #[test]
    fn lag_feeds_the_attached_metrics_but_unknown_is_not_exported() {
        let metrics = crate::telemetry::Metrics::new(2);
        let s = JobStatus::new(SyncState::TableIncrementalSync);
        s.attach_metrics(metrics.job("j"));
        s.set_lag(-1, -1);
        assert!(
            !metrics.encode().contains("job=\"j\""),
            "unknown lag exported"
        );
        s.set_lag(4, 9);
        let text = metrics.encode();
        assert!(
            text.contains("ccr_job_lag_commit_seqs{node=\"2\",job=\"j\"} 4"),
            "{text}"
        );
        assert!(
            text.contains("ccr_job_lag_seconds{node=\"2\",job=\"j\"} 9"),
            "{text}"
        );
        assert!(s.metrics().is_some());
    }

    #[test]
    fn mirrors_progress_and_lag() {
        let mut p = Progress::new("j", false);
        p.next_state(
            9,
            SyncState::DbIncrementalSync,
            SubSyncState::Done,
            Default::default(),
        );
        let s = JobStatus::from_progress(&p);
        s.set_lag(3, 12);
        s.set_blocked(Some("renamed".into()));
        let snap = s.snapshot();
        assert_eq!(snap.progress_state, "DBIncrementalSync");
        assert_eq!(snap.sub_state, "Done");
        assert_eq!(snap.last_applied_seq, 9);
        assert_eq!((snap.lag, snap.lag_seconds), (3, 12));
        assert_eq!(snap.blocked_reason.as_deref(), Some("renamed"));
    }
}
