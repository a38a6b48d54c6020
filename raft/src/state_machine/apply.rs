//! Deterministic application of a [`Command`] to the [`ReplicatedState`].

use crate::command::Command;
use crate::command::CommandResponse;
use crate::command::ProgressWrite;
use crate::command::Rejection;
use crate::model::JobRecord;
use crate::model::JobState;
use crate::model::Ownership;
use crate::model::ProgressRecord;
use crate::model::ReplicatedState;
use crate::type_config::NodeId;

fn rejected(reason: Rejection) -> CommandResponse {
    CommandResponse::Rejected { reason }
}

fn not_found(job: &str) -> CommandResponse {
    rejected(Rejection::JobNotFound {
        job: job.to_string(),
    })
}

impl ReplicatedState {
    /// Applies one command. A rejected command leaves the state unchanged.
    pub fn apply(&mut self, cmd: &Command) -> CommandResponse {
        let resp = self.apply_inner(cmd);
        let counted = !matches!(
            cmd,
            Command::SaveProgress(_)
                | Command::SaveProgressBatch { .. }
                | Command::SeedProgress { .. }
                | Command::Noop
        );
        if counted && resp.is_ok() {
            self.changes += 1;
        }
        resp
    }

    fn apply_inner(&mut self, cmd: &Command) -> CommandResponse {
        match cmd {
            Command::CreateJob {
                name,
                spec,
                state,
                at_ms,
            } => self.create_job(name, spec, state, *at_ms),
            Command::UpdateJobSpec { name, spec, at_ms } => {
                self.update_job(name, *at_ms, |job| job.spec = spec.clone())
            }
            Command::SetJobState { name, state, at_ms } => {
                self.update_job(name, *at_ms, |job| job.state = state.clone())
            }
            Command::DeleteJob { name } => self.delete_job(name),
            Command::Assign {
                job,
                node,
                expect_epoch,
            } => self.set_owner(job, Some(*node), *expect_epoch),
            Command::Unassign { job, expect_epoch } => self.set_owner(job, None, *expect_epoch),
            Command::SaveProgress(write) => self.save_progress(write),
            Command::SaveProgressBatch { items } => CommandResponse::Batch {
                results: items.iter().map(|w| self.save_progress(w)).collect(),
            },
            Command::SeedProgress { job, data } => self.seed_progress(job, data),
            Command::SetNodeDraining { node, draining } => {
                if *draining {
                    self.draining.insert(*node);
                } else {
                    self.draining.remove(node);
                }
                CommandResponse::Ok
            }
            Command::Noop => CommandResponse::Ok,
        }
    }

    fn seed_progress(&mut self, job: &str, data: &serde_json::Value) -> CommandResponse {
        if !self.jobs.contains_key(job) {
            return not_found(job);
        }
        if !self.progress.contains_key(job) {
            let epoch = self.ownership.get(job).map_or(0, |o| o.epoch);
            let record = ProgressRecord {
                epoch,
                data: data.clone(),
                seq: 1,
            };
            self.progress.insert(job.to_string(), record);
        }
        CommandResponse::Ok
    }

    fn create_job(
        &mut self,
        name: &str,
        spec: &serde_json::Value,
        state: &JobState,
        at_ms: u64,
    ) -> CommandResponse {
        if self.jobs.contains_key(name) {
            return rejected(Rejection::JobExists {
                job: name.to_string(),
            });
        }
        let record = JobRecord {
            spec: spec.clone(),
            state: state.clone(),
            created_at_ms: at_ms,
            updated_at_ms: at_ms,
            version: 1,
        };
        self.jobs.insert(name.to_string(), record);
        // Continue from the epoch of a deleted namesake so epochs are never reused.
        let epoch = self.retired_epochs.remove(name).unwrap_or(0);
        self.ownership
            .insert(name.to_string(), Ownership { node: None, epoch });
        CommandResponse::Ok
    }

    fn update_job(
        &mut self,
        name: &str,
        at_ms: u64,
        change: impl FnOnce(&mut JobRecord),
    ) -> CommandResponse {
        let Some(job) = self.jobs.get_mut(name) else {
            return not_found(name);
        };
        change(job);
        job.updated_at_ms = at_ms;
        job.version += 1;
        CommandResponse::Ok
    }

    fn delete_job(&mut self, name: &str) -> CommandResponse {
        if self.jobs.remove(name).is_none() {
            return not_found(name);
        }
        self.progress.remove(name);
        if let Some(owner) = self.ownership.remove(name) {
            self.retired_epochs.insert(name.to_string(), owner.epoch);
        }
        CommandResponse::Ok
    }

    fn set_owner(
        &mut self,
        job: &str,
        node: Option<NodeId>,
        expect_epoch: Option<u64>,
    ) -> CommandResponse {
        if !self.jobs.contains_key(job) {
            return not_found(job);
        }
        let owner = self.ownership.entry(job.to_string()).or_default();
        if let Some(expected) = expect_epoch {
            if expected != owner.epoch {
                return rejected(Rejection::StaleEpoch {
                    job: job.to_string(),
                    got: expected,
                    current: owner.epoch,
                });
            }
        }
        owner.epoch += 1;
        owner.node = node;
        CommandResponse::Assigned { epoch: owner.epoch }
    }

    /// The fencing check: the job must exist, be assigned, and `write.epoch` must be current.
    fn save_progress(&mut self, write: &ProgressWrite) -> CommandResponse {
        let job = write.job.as_str();
        if !self.jobs.contains_key(job) {
            return not_found(job);
        }
        let owner = self.ownership.get(job).cloned().unwrap_or_default();
        if write.epoch != owner.epoch {
            return rejected(Rejection::StaleEpoch {
                job: job.to_string(),
                got: write.epoch,
                current: owner.epoch,
            });
        }
        if owner.node.is_none() {
            return rejected(Rejection::NotAssigned {
                job: job.to_string(),
                current: owner.epoch,
            });
        }
        let seq = self.progress.get(job).map_or(0, |p| p.seq) + 1;
        let record = ProgressRecord {
            epoch: write.epoch,
            data: write.data.clone(),
            seq,
        };
        self.progress.insert(job.to_string(), record);
        CommandResponse::ProgressSaved { seq }
    }
}

#[cfg(test)]
#[path = "apply_test.rs"]
mod apply_test;
