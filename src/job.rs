//! The job model: specification, progress, run state and txn labels.

pub mod label;
pub mod progress;
pub mod spec;
pub mod state;

pub use label::{txn_label, LabelIds};
pub use progress::{PartialSyncData, PersistData, Progress, SubSyncState, SyncState};
pub use spec::{ClusterSpec, CreateCcrRequest, JobSpec, SpecError, SyncType};
pub use state::JobState;
