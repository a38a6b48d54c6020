//! `chaos --seed N --minutes M`: one seeded chaos run; prints the summary table, and on a
//! violation the seed and the fault timeline, exiting non-zero.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use syncer_chaos::nemesis::FaultKind;
use syncer_chaos::{run, RunConfig};

/// Seeded chaos run against a three-node syncer fleet and two doris-emu clusters.
#[derive(Parser, Debug)]
struct Args {
    /// Seed of the workload and the nemesis.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Minutes of faults under load (the safety phase); fractions allowed.
    #[arg(long, default_value_t = 2.0)]
    minutes: f64,
    /// Work directory (default: a fresh one under the temp dir); kept on failure.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Keep the work directory after a passing run.
    #[arg(long)]
    keep: bool,
    /// Inject only these fault kinds (comma-separated, e.g. `sigstop` or
    /// `sigstop,kill-leader`; default: all).
    #[arg(long, value_delimiter = ',', value_parser = parse_fault)]
    nemesis: Vec<FaultKind>,
}

fn parse_fault(name: &str) -> Result<FaultKind, String> {
    FaultKind::parse(name).ok_or_else(|| {
        let all: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
        format!("unknown fault {name:?}; one of {}", all.join(", "))
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = Args::parse();
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("chaos-seed{}-{}", args.seed, std::process::id()))
    });
    let cfg = RunConfig {
        seed: args.seed,
        fault_time: Duration::from_secs_f64((args.minutes * 60.0).max(1.0)),
        dir: dir.clone(),
        faults: args.nemesis.clone(),
    };
    eprintln!(
        "chaos: seed {} for {:.1} min, work dir {}",
        cfg.seed,
        args.minutes,
        dir.display()
    );
    match run(&cfg).await {
        Ok(report) if report.violations.is_empty() => {
            println!("{}", report.table());
            println!("chaos: seed {} passed", cfg.seed);
            if !args.keep {
                let _ = std::fs::remove_dir_all(&dir);
            }
            ExitCode::SUCCESS
        }
        Ok(report) => {
            println!("{}", report.table());
            for v in &report.violations {
                println!("VIOLATION {v}");
            }
            println!("{}", report.timeline);
            println!(
                "chaos: seed {} FAILED ({} violations); logs in {}",
                cfg.seed,
                report.violations.len(),
                dir.display()
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            println!(
                "chaos: seed {} harness error: {e:#}; logs in {}",
                cfg.seed,
                dir.display()
            );
            ExitCode::FAILURE
        }
    }
}
