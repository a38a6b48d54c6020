//! Persistent job registry. In-memory now; the fleet plugs in a Raft-backed store.

use crate::job::{JobSpec, JobState, Progress};
use async_trait::async_trait;
use parking_lot::Mutex;
use std::collections::BTreeMap;

/// A stored job.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRecord {
    /// What to replicate.
    pub spec: JobSpec,
    /// Running / paused / blocked.
    pub state: JobState,
}

/// Store failures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// `create` of a name that exists.
    #[error("job {0} already exist")]
    AlreadyExists(String),
    /// The job is not in the store.
    #[error("job not exist: {0}")]
    NotFound(String),
    /// This node may not write the job any more (fleet ownership moved).
    #[error("job {0} is owned by another node")]
    Fenced(String),
    /// Transient failure (retry).
    #[error("job store unavailable: {0}")]
    Unavailable(String),
}

/// Persistent job registry: specs, states and progress, keyed by job name.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Adds a job; `AlreadyExists` if the name is taken.
    async fn create(&self, record: JobRecord) -> Result<(), StoreError>;
    /// Reads a job.
    async fn get(&self, name: &str) -> Result<Option<JobRecord>, StoreError>;
    /// All job names, sorted.
    async fn list(&self) -> Result<Vec<String>, StoreError>;
    /// Replaces the spec of an existing job.
    async fn update_spec(&self, spec: &JobSpec) -> Result<(), StoreError>;
    /// Sets the state of an existing job.
    async fn set_state(&self, name: &str, state: JobState) -> Result<(), StoreError>;
    /// Removes a job and its progress; `NotFound` if absent.
    async fn delete(&self, name: &str) -> Result<(), StoreError>;
    /// Reads a job's progress (`None` before the first checkpoint).
    async fn load_progress(&self, name: &str) -> Result<Option<Progress>, StoreError>;
    /// Writes a job's progress (`NotFound` if the job was deleted).
    async fn save_progress(&self, progress: &Progress) -> Result<(), StoreError>;
}

#[derive(Clone)]
struct Entry {
    record: JobRecord,
    progress: Option<Progress>,
}

/// In-memory [`JobStore`] (single node, tests).
#[derive(Default)]
pub struct MemoryJobStore {
    jobs: Mutex<BTreeMap<String, Entry>>,
}

impl MemoryJobStore {
    /// Empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

fn not_found(name: &str) -> StoreError {
    StoreError::NotFound(name.to_string())
}

#[async_trait]
impl JobStore for MemoryJobStore {
    async fn create(&self, record: JobRecord) -> Result<(), StoreError> {
        let mut jobs = self.jobs.lock();
        let name = record.spec.name.clone();
        if jobs.contains_key(&name) {
            return Err(StoreError::AlreadyExists(name));
        }
        let entry = Entry {
            record,
            progress: None,
        };
        jobs.insert(name, entry);
        Ok(())
    }

    async fn get(&self, name: &str) -> Result<Option<JobRecord>, StoreError> {
        Ok(self.jobs.lock().get(name).map(|e| e.record.clone()))
    }

    async fn list(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.jobs.lock().keys().cloned().collect())
    }

    async fn update_spec(&self, spec: &JobSpec) -> Result<(), StoreError> {
        let mut jobs = self.jobs.lock();
        let e = jobs
            .get_mut(&spec.name)
            .ok_or_else(|| not_found(&spec.name))?;
        e.record.spec = spec.clone();
        Ok(())
    }

    async fn set_state(&self, name: &str, state: JobState) -> Result<(), StoreError> {
        let mut jobs = self.jobs.lock();
        let e = jobs.get_mut(name).ok_or_else(|| not_found(name))?;
        e.record.state = state;
        Ok(())
    }

    async fn delete(&self, name: &str) -> Result<(), StoreError> {
        self.jobs
            .lock()
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| not_found(name))
    }

    async fn load_progress(&self, name: &str) -> Result<Option<Progress>, StoreError> {
        let jobs = self.jobs.lock();
        let e = jobs.get(name).ok_or_else(|| not_found(name))?;
        Ok(e.progress.clone())
    }

    async fn save_progress(&self, progress: &Progress) -> Result<(), StoreError> {
        let mut jobs = self.jobs.lock();
        let name = &progress.job_name;
        let e = jobs.get_mut(name).ok_or_else(|| not_found(name))?;
        e.progress = Some(progress.clone());
        Ok(())
    }
}
