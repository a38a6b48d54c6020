//! Pinned-seed regression runs (neon's `test_one_schedule` pattern): each test replays one
//! fixed seed end to end, so a seed that once failed can be rerun under a debugger or with
//! more logging. Ignored by default (a run takes minutes and starts real processes):
//!
//! ```sh
//! cargo build -p ccr-syncer -p doris-emu --bins
//! cargo test -p syncer-chaos --test pinned_seed -- --ignored --nocapture
//! ```
//!
//! Set `CHAOS_SEED` / `CHAOS_MINUTES` to replay another seed with the same test.

use std::time::Duration;

use syncer_chaos::{run, RunConfig};

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn replay(seed: u64, minutes: f64) {
    let seed = env_or("CHAOS_SEED", seed);
    let minutes = env_or("CHAOS_MINUTES", minutes);
    let dir = std::env::temp_dir().join(format!("chaos-pinned-{seed}-{}", std::process::id()));
    let cfg = RunConfig {
        seed,
        fault_time: Duration::from_secs_f64(minutes * 60.0),
        dir: dir.clone(),
        faults: Vec::new(),
    };
    let report = run(&cfg).await.expect("harness starts");
    println!("{}", report.table());
    assert!(
        report.violations.is_empty(),
        "seed {seed} broke {} invariant(s) (logs in {}):\n{}\n{}",
        report.violations.len(),
        dir.display(),
        report
            .violations
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        report.timeline
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Seed 2 once left a partition on the target that its source had dropped (drop, then
/// binlog GC, then an atomic-restore full sync that kept target-only partitions).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes long; run by hand to reproduce"]
async fn t99_seed_2_atomic_restore_keeps_dropped_partition() {
    replay(2, 0.5).await;
}
