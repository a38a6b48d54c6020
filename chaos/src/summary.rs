//! The figures of a run and how they are printed.

use std::fmt::Write;
use std::time::Duration;

use crate::invariants::Violation;
use crate::nemesis::{FaultKind, NemesisStats};

/// Everything a run reports.
#[derive(Debug, Default)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// Runs (one per seed).
    pub runs: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Faults and recoveries.
    pub nemesis: NemesisStats,
    /// Job owner changes seen by the sampler.
    pub failovers: u64,
    /// Rows inserted or deleted on the source (acknowledged).
    pub rows_written: u64,
    /// Source statements that failed (source restarts).
    pub source_errors: u64,
    /// DDL changes and API writes made.
    pub ddl: u64,
    /// Pause/resume calls.
    pub api_writes: u64,
    /// Rows compared by `tables_equal`.
    pub rows_checked: u64,
    /// Progress samples and audit lines checked.
    pub samples: u64,
    /// Audit lines read.
    pub audits: u64,
    /// Time from the heal to convergence.
    pub converge: Option<Duration>,
    /// Broken invariants.
    pub violations: Vec<Violation>,
    /// Known gaps seen (reported, not failed).
    pub known_gaps: Vec<String>,
    /// The fault timeline.
    pub timeline: String,
}

fn secs(d: Option<Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.2}s", d.as_secs_f64()))
}

impl Report {
    /// Max and p99 of the recovery times.
    pub fn recovery(&self) -> (Option<Duration>, Option<Duration>) {
        (self.recovery_pct(100), self.recovery_pct(99))
    }

    /// The `pct` percentile (nearest rank) of the recovery times.
    pub fn recovery_pct(&self, pct: usize) -> Option<Duration> {
        let mut v = self.nemesis.recoveries.clone();
        v.sort();
        (!v.is_empty()).then(|| v[((v.len() * pct).div_ceil(100)).saturating_sub(1)])
    }

    /// The summary table.
    pub fn table(&self) -> String {
        let (max, p99) = self.recovery();
        let mut rows: Vec<(String, String)> = vec![
            ("seed".into(), self.seed.to_string()),
            ("runs".into(), self.runs.to_string()),
            (
                "duration".into(),
                format!("{:.0}s", self.elapsed.as_secs_f64()),
            ),
        ];
        let total: u64 = self.nemesis.counts.values().sum();
        rows.push(("faults (total)".into(), total.to_string()));
        for k in FaultKind::ALL {
            let n = self.nemesis.counts.get(&k).copied().unwrap_or(0);
            rows.push((format!("  {}", k.name()), n.to_string()));
        }
        rows.extend([
            (
                "failovers (owner changes)".into(),
                self.failovers.to_string(),
            ),
            ("recovery p50".into(), secs(self.recovery_pct(50))),
            ("recovery max".into(), secs(max)),
            ("recovery p99".into(), secs(p99)),
            (
                "not recovered in 45s".into(),
                self.nemesis.unrecovered.len().to_string(),
            ),
            ("converged after heal".into(), secs(self.converge)),
            ("rows written".into(), self.rows_written.to_string()),
            (
                "source errors (restarts)".into(),
                self.source_errors.to_string(),
            ),
            ("ddl changes".into(), self.ddl.to_string()),
            ("pause/resume calls".into(), self.api_writes.to_string()),
            ("rows checked".into(), self.rows_checked.to_string()),
            ("progress samples".into(), self.samples.to_string()),
            ("audit lines".into(), self.audits.to_string()),
            (
                "known gaps (not failed)".into(),
                self.known_gaps.len().to_string(),
            ),
            ("violations".into(), self.violations.len().to_string()),
        ]);
        let mut out = String::from("| figure | value |\n|---|---|\n");
        for (k, v) in rows {
            let _ = writeln!(out, "| {k} | {v} |");
        }
        for g in &self.known_gaps {
            let _ = writeln!(out, "known gap: {g}");
        }
        out
    }
}
