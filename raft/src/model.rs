//! The replicated data: jobs, their progress and their ownership.
//!
//! Everything here is changed only by [`Command`](crate::command::Command)s applied in log
//! order, so every node holds the same [`ReplicatedState`] for the same applied log index.

mod job;
mod ownership;
mod progress;
mod state;

pub use job::JobRecord;
pub use job::JobState;
pub use ownership::Ownership;
pub use progress::ProgressRecord;
pub use state::ReplicatedState;
pub use state::StateMachineData;
