//! Fleet benchmark (not a test: `harness = false`, no timing assertions; every part stops
//! by itself).
//!
//! `cargo bench -p ccr-syncer --bench fleet_bench -- [--kills N] [--jobs J] [--seconds S]
//! [--skip a,b,c,d]` (or `scripts/bench-failover.sh`, which builds the release emulator
//! first). Node processes are the bench-profile (release) `ccr-syncer`; the emulator is
//! `$DORIS_EMU_BIN` or `target/release/doris-emu`.
//! a. leader election after kill -9 of the leader, `--kills` times (default 20);
//! b. job failover with the real engine under a steady insert stream, `--kills` times;
//! c. progress checkpoints through Raft on three in-process nodes, `--seconds` per variant;
//! d. `--jobs` (default 1000) dry-run jobs: balance, memory, CPU, move time after a kill.

// Allows dead code itself (an inner attribute).
#[path = "../tests/fleet_common/mod.rs"]
mod fleet_common;

#[path = "fleet_bench/checkpoints.rs"]
mod checkpoints;
#[path = "fleet_bench/election.rs"]
mod election;
#[path = "fleet_bench/failover.rs"]
mod failover;
#[path = "fleet_bench/scale.rs"]
mod scale;
#[path = "fleet_bench/util.rs"]
mod util;

use std::time::Duration;

use anyhow::Context;

/// Command-line options.
struct Args {
    kills: usize,
    jobs: usize,
    seconds: u64,
    skip: String,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut a = Args {
        kills: 20,
        jobs: 1000,
        seconds: 5,
        skip: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |n: &str| it.next().with_context(|| format!("{n} needs a value"));
        match arg.as_str() {
            "--kills" => a.kills = value("--kills")?.parse()?,
            "--jobs" => a.jobs = value("--jobs")?.parse()?,
            "--seconds" => a.seconds = value("--seconds")?.parse()?,
            "--skip" => a.skip = value("--skip")?,
            "--bench" => {}
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    Ok(a)
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    if std::env::var_os("DORIS_EMU_BIN").is_none() {
        let emu = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/doris-emu");
        std::env::set_var("DORIS_EMU_BIN", emu);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(bench(args))
}

async fn bench(args: Args) -> anyhow::Result<()> {
    let skip = |s: &str| args.skip.split(',').any(|x| x == s);
    println!("fleet_bench: load average at start {}", util::loadavg());
    if !skip("a") {
        let r = election::run(args.kills).await?;
        election::print(&r);
        println!("   load average {}", util::loadavg());
    }
    if !skip("b") {
        let r = failover::run(args.kills).await?;
        failover::print(&r);
        println!("   load average {}", util::loadavg());
    }
    if !skip("c") {
        checkpoints::run_all(Duration::from_secs(args.seconds)).await?;
    }
    if !skip("d") {
        scale::run(args.jobs).await?;
    }
    Ok(())
}
