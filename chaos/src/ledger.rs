//! What the harness did and what was acknowledged: the oracle the invariants check against.

use std::collections::BTreeMap;

/// The state an acknowledged pause/resume left a job in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckedState {
    /// Last acknowledged write: create or resume.
    Running,
    /// Last acknowledged write: pause.
    Paused,
    /// The last write got no answer: either state is allowed.
    Unknown,
}

/// Inserts into one AGGREGATE-SUM key: acknowledged ones, and ones with an unknown outcome.
#[derive(Clone, Copy, Debug, Default)]
pub struct SumCount {
    /// Inserts of `v = 1` that were acknowledged.
    pub acked: u64,
    /// Inserts whose reply was lost (they may or may not have happened).
    pub uncertain: u64,
}

/// The run's ledger.
#[derive(Debug, Default)]
pub struct Ledger {
    /// `(db, key)` → inserts into `db.agg`.
    pub agg: BTreeMap<(String, i64), SumCount>,
    /// Job → state its last acknowledged API write left it in.
    pub jobs: BTreeMap<String, AckedState>,
    /// Row inserts and deletes acknowledged by the source.
    pub rows_written: u64,
    /// Source statements that failed (expected while the source restarts).
    pub source_errors: u64,
    /// DDL statements run.
    pub ddl: u64,
    /// Pause/resume calls made.
    pub api_writes: u64,
}

impl Ledger {
    /// Records one insert of `v = 1` into `db.agg` key `id`.
    pub fn agg_insert(&mut self, db: &str, id: i64, acked: bool) {
        let c = self.agg.entry((db.to_string(), id)).or_default();
        if acked {
            c.acked += 1;
        } else {
            c.uncertain += 1;
        }
    }
}
