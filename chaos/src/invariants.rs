//! The invariants, checked after the faults stop and the fleet heals — one per file:
//!
//! - [`lag_converges`]: every job back to lag 0, targets equal, within 60 s of the heal;
//! - [`tables_equal`]: every target table equals its source (schema, partitions, rows);
//! - [`no_double_apply`]: each AGGREGATE-SUM key sums to the inserts made for it;
//! - [`progress_monotonic`]: per node and job, the checkpointed commit seq never goes back;
//! - [`single_committer`]: never two nodes committing progress of a job at the same epoch;
//! - [`acked_writes`]: every acknowledged API write (create, pause, resume) is present.

pub mod acked_writes;
pub mod lag_converges;
pub mod no_double_apply;
pub mod progress_monotonic;
pub mod single_committer;
pub mod tables_equal;

use std::fmt;

/// One broken invariant.
#[derive(Clone, Debug)]
pub struct Violation {
    /// Invariant name (its module).
    pub invariant: &'static str,
    /// What was seen.
    pub detail: String,
}

impl Violation {
    /// A violation of `invariant`.
    pub fn new(invariant: &'static str, detail: impl Into<String>) -> Self {
        Violation {
            invariant,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.invariant, self.detail)
    }
}
