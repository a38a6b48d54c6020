//! Result rows and the summary table of the engine benchmark.

use std::time::Duration;

use crate::load::LoadRun;

/// Milliseconds as a float, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One paced run, summarised.
#[derive(Debug, Clone)]
pub struct LagRow {
    /// "a" or "b".
    pub part: &'static str,
    /// "engine" or "floor".
    pub system: &'static str,
    /// Offered and achieved source commit rates.
    pub offered: f64,
    /// Achieved source commit rate.
    pub achieved: f64,
    /// Source commits.
    pub commits: usize,
    /// Lag p50 / p99 / max of the visible commits.
    pub lag: (Duration, Duration, Duration),
    /// Lag p99 in the first and last quarter of the run (growth check).
    pub quarters: (Duration, Duration),
    /// Commits not visible when the drain timed out.
    pub missing: usize,
    /// Measurement resolution (mean half-width of the visibility interval).
    pub resolution: Duration,
    /// Load average when the run ended.
    pub load: String,
}

impl LagRow {
    /// Summarises `run`.
    pub fn new(part: &'static str, system: &'static str, run: &LoadRun) -> LagRow {
        let v = run.visible();
        LagRow {
            part,
            system,
            offered: run.offered,
            achieved: run.achieved(),
            commits: run.commits.len(),
            lag: (v.pct(50.0), v.pct(99.0), v.pct(100.0)),
            quarters: (
                run.window(0.0, 0.25).pct(99.0),
                run.window(0.75, 1.0).pct(99.0),
            ),
            missing: run.missing(),
            resolution: run.resolution,
            load: crate::stats::load_average(),
        }
    }

    /// Lag stayed bounded: every commit visible, the source kept the offered rate, the
    /// last quarter's p99 is not well above the first quarter's (no growth over the run)
    /// and p99 stayed under a second.
    pub fn bounded(&self) -> bool {
        let (early, late) = self.quarters;
        self.missing == 0
            && self.achieved >= 0.9 * self.offered
            && late <= early * 3 / 2 + Duration::from_millis(50)
            && self.lag.1 < Duration::from_secs(1)
    }
}

/// Prints one run as it finishes.
pub fn print_run(row: &LagRow, run: &LoadRun) {
    println!(
        "  {:<6} offered {:>6.0}/s achieved {:>6.0}/s  commits {:>6}  lag p50 {:>7.2} ms  \
         p99 {:>7.2} ms  max {:>7.2} ms  (q1 p99 {:.2}, q4 p99 {:.2}; missing {}; \
         resolution ±{:.2} ms; probe p50 {:.2} ms)  load {}",
        row.system,
        row.offered,
        row.achieved,
        row.commits,
        ms(row.lag.0),
        ms(row.lag.1),
        ms(row.lag.2),
        ms(row.quarters.0),
        ms(row.quarters.1),
        row.missing,
        ms(row.resolution),
        ms(run.poll_query.pct(50.0)),
        row.load
    );
}

/// Catch-up throughput of one system.
#[derive(Debug, Clone)]
pub struct CatchUpRow {
    /// "engine" or "floor".
    pub system: &'static str,
    /// Transactions replicated.
    pub txns: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Load average at the end.
    pub load: String,
}

impl CatchUpRow {
    /// Replicated txns per second.
    pub fn rate(&self) -> f64 {
        self.txns as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The final summary: lag table (with the floor-subtracted "added" lag), the highest
/// sustained rate and the throughput ratio.
pub fn print_summary(lag: &[LagRow], highest: Option<f64>, catch_up: &[CatchUpRow]) {
    println!("\n## summary");
    println!(
        "| part | system | offered/s | achieved/s | lag p50 ms | lag p99 ms | lag max ms | \
         added p50 ms | added p99 ms | resolution ms | bounded | load avg |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
    for r in lag {
        let floor = lag
            .iter()
            .find(|f| f.system == "floor" && f.part == r.part && f.offered == r.offered);
        let added = |pick: fn(&LagRow) -> Duration| match (r.system, floor) {
            ("engine", Some(f)) => format!("{:.2}", ms(pick(r)) - ms(pick(f))),
            _ => "".into(),
        };
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} | ±{:.2} | {} | {} |",
            r.part,
            r.system,
            r.offered,
            r.achieved,
            ms(r.lag.0),
            ms(r.lag.1),
            ms(r.lag.2),
            added(|x| x.lag.0),
            added(|x| x.lag.1),
            ms(r.resolution),
            if r.bounded() { "yes" } else { "no" },
            r.load
        );
    }
    if let Some(h) = highest {
        println!("\nhighest offered rate with bounded engine lag: {h:.0} txns/s");
    }
    for c in catch_up {
        println!(
            "catch-up {:<6}: {} txns in {:.2} s = {:.0} txns/s (load {})",
            c.system,
            c.txns,
            c.elapsed.as_secs_f64(),
            c.rate(),
            c.load
        );
    }
    let find = |s: &str| {
        catch_up
            .iter()
            .find(|c| c.system == s)
            .map(CatchUpRow::rate)
    };
    if let (Some(e), Some(f)) = (find("engine"), find("floor")) {
        println!("engine / floor throughput: {:.1} %", 100.0 * e / f);
    }
}
