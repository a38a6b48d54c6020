//! [`RaftJobStore`]: the manager's [`JobStore`] on the Raft-replicated state.
//!
//! Reads are local (a forwarded write waits until it is applied here, so a node reads its
//! own writes); writes go through [`RaftWriter`] to the leader. Job specs are stored as
//! JSON including the cluster passwords, like the original's job table; with a
//! [`SecretsKey`] the passwords are sealed first (see [`super::sealing`]) and opened on read.
//!
//! Progress of an owned job is written only by the owner's [`super::checkpoint`] with its
//! epoch; `save_progress` here only *seeds* the first progress of a new job.

use std::sync::Arc;

use async_trait::async_trait;
use syncer_raft::command::Command;
use syncer_raft::command::CommandResponse;
use syncer_raft::command::Rejection;
use syncer_raft::model::JobState as RaftJobState;
use syncer_raft::node::RaftNode;

use super::now_ms;
use super::sealing::{open_spec, seal_spec, SealError, SecretsKey};
use super::writer::RaftWriter;
use super::writer::WriteError;
use crate::job::{JobSpec, JobState, Progress};
use crate::manager::{JobRecord, JobStore, StoreError};

/// [`JobStore`] over a [`RaftNode`].
pub struct RaftJobStore {
    raft: Arc<RaftNode>,
    writer: Arc<RaftWriter>,
    key: Option<Arc<SecretsKey>>,
}

impl RaftJobStore {
    /// A store reading from `raft` and writing through `writer`.
    pub fn new(raft: Arc<RaftNode>, writer: Arc<RaftWriter>) -> Self {
        Self {
            raft,
            writer,
            key: None,
        }
    }

    /// Seals job passwords with `key` before they enter a Raft command.
    pub fn with_secrets_key(mut self, key: Option<Arc<SecretsKey>>) -> Self {
        self.key = key;
        self
    }

    /// The stored form of `spec`: passwords sealed when a key is configured.
    fn stored_spec(&self, spec: &JobSpec) -> Result<serde_json::Value, StoreError> {
        match &self.key {
            Some(key) => {
                let sealed = seal_spec(key, spec).map_err(|e| seal_failed(&spec.name, &e))?;
                spec_value(&sealed)
            }
            None => spec_value(spec),
        }
    }

    async fn write(&self, cmd: Command) -> Result<(), StoreError> {
        let resp = self.writer.write(cmd).await.map_err(map_write)?;
        match resp {
            CommandResponse::Rejected { reason } => Err(map_rejection(reason)),
            _ => Ok(()),
        }
    }
}

/// A sealing error of job `name` as a store error (the message never holds the secret).
fn seal_failed(name: &str, e: &SealError) -> StoreError {
    StoreError::Unavailable(format!("job {name}: {e}"))
}

fn map_write(e: WriteError) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn map_rejection(r: Rejection) -> StoreError {
    match r {
        Rejection::JobExists { job } => StoreError::AlreadyExists(job),
        Rejection::JobNotFound { job } => StoreError::NotFound(job),
        Rejection::NotAssigned { job, .. } | Rejection::StaleEpoch { job, .. } => {
            StoreError::Fenced(job)
        }
    }
}

/// The syncer's job state as the Raft model stores it.
pub fn to_raft_state(state: &JobState) -> RaftJobState {
    match state {
        JobState::Running => RaftJobState::Running,
        JobState::Paused => RaftJobState::Paused,
        JobState::Blocked { reason } => RaftJobState::Blocked {
            reason: reason.clone(),
        },
    }
}

/// The Raft model's job state as the syncer sees it (`Failed` shows as blocked).
pub fn from_raft_state(state: &RaftJobState) -> JobState {
    match state {
        RaftJobState::Running => JobState::Running,
        RaftJobState::Paused => JobState::Paused,
        RaftJobState::Blocked { reason } | RaftJobState::Failed { reason } => JobState::Blocked {
            reason: reason.clone(),
        },
    }
}

fn spec_value(spec: &JobSpec) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(spec).map_err(|e| StoreError::Unavailable(format!("encode spec: {e}")))
}

/// Decodes a stored job spec and opens its sealed passwords with `key` (the node's secrets
/// key, if any): the one way specs leave the replicated state.
pub fn decode_spec(
    name: &str,
    value: &serde_json::Value,
    key: Option<&SecretsKey>,
) -> Result<JobSpec, StoreError> {
    let spec = <JobSpec as serde::Deserialize>::deserialize(value)
        .map_err(|e| StoreError::Unavailable(format!("stored spec of {name} unreadable: {e}")))?;
    open_spec(key, spec).map_err(|e| seal_failed(name, &e))
}

#[async_trait]
impl JobStore for RaftJobStore {
    async fn create(&self, record: JobRecord) -> Result<(), StoreError> {
        let cmd = Command::CreateJob {
            name: record.spec.name.clone(),
            spec: self.stored_spec(&record.spec)?,
            state: to_raft_state(&record.state),
            at_ms: now_ms(),
        };
        self.write(cmd).await
    }

    async fn get(&self, name: &str) -> Result<Option<JobRecord>, StoreError> {
        let found = self.raft.read_state(|sm| sm.state.job(name).cloned());
        let Some(job) = found else {
            return Ok(None);
        };
        let spec = decode_spec(name, &job.spec, self.key.as_deref())?;
        let state = from_raft_state(&job.state);
        Ok(Some(JobRecord { spec, state }))
    }

    async fn list(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .raft
            .read_state(|sm| sm.state.jobs.keys().cloned().collect()))
    }

    async fn update_spec(&self, spec: &JobSpec) -> Result<(), StoreError> {
        let cmd = Command::UpdateJobSpec {
            name: spec.name.clone(),
            spec: self.stored_spec(spec)?,
            at_ms: now_ms(),
        };
        self.write(cmd).await
    }

    async fn set_state(&self, name: &str, state: JobState) -> Result<(), StoreError> {
        let cmd = Command::SetJobState {
            name: name.to_string(),
            state: to_raft_state(&state),
            at_ms: now_ms(),
        };
        self.write(cmd).await
    }

    async fn delete(&self, name: &str) -> Result<(), StoreError> {
        self.write(Command::DeleteJob {
            name: name.to_string(),
        })
        .await
    }

    async fn load_progress(&self, name: &str) -> Result<Option<Progress>, StoreError> {
        let found = self.raft.read_state(|sm| {
            let exists = sm.state.job(name).is_some();
            (exists, sm.state.progress_of(name).map(|p| p.data.clone()))
        });
        match found {
            (false, _) => Err(StoreError::NotFound(name.to_string())),
            (true, None) => Ok(None),
            (true, Some(data)) => serde_json::from_value(data).map(Some).map_err(|e| {
                StoreError::Unavailable(format!("stored progress of {name} unreadable: {e}"))
            }),
        }
    }

    async fn save_progress(&self, progress: &Progress) -> Result<(), StoreError> {
        let data = serde_json::to_value(progress)
            .map_err(|e| StoreError::Unavailable(format!("encode progress: {e}")))?;
        self.write(Command::SeedProgress {
            job: progress.job_name.clone(),
            data,
        })
        .await
    }
}
