//! Per-job progress (commit sequences and the like, opaque to Raft).

use serde::Deserialize;
use serde::Serialize;

/// The last progress a job's owner saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressRecord {
    /// Ownership epoch of the writer; always the job's epoch at the time of the write.
    pub epoch: u64,
    /// Opaque progress payload.
    pub data: serde_json::Value,
    /// Monotonic write counter: 1 for the first accepted save of this job, then +1 per save.
    pub seq: u64,
}
