//! Replication engine benchmark (not a test: `harness = false`, no timing assertions).
//!
//! `cargo bench --bench engine_bench -- [--seconds N] [--rates 100,1000] [--step-seconds S]
//! [--max-rate R] [--catchup-txns T] [--poll-ms P] [--skip a,b,c]` (or
//! `scripts/bench-engine.sh`, which builds the release emulator first). Against release
//! `doris-emu` processes, one table job run in-process by `engine::run_with`:
//! a. replication lag (source commit → visible on the target) at fixed, paced rates, for the
//!    engine and for the raw RPC loop of `emu_bench` (the floor) under the same load;
//! b. the highest offered rate (1k, 1.5k, 2k, 3k, 4k, …) at which the engine's lag stays
//!    bounded;
//! c. catch-up throughput over pre-loaded commits, engine vs floor.

#[path = "emu_bench/insert.rs"]
#[allow(dead_code)]
mod insert;
#[path = "emu_bench/repl.rs"]
#[allow(dead_code)]
mod repl;
#[path = "emu_bench/setup.rs"]
#[allow(dead_code)]
mod setup;
#[path = "emu_bench/stats.rs"]
#[allow(dead_code)]
mod stats;

#[path = "engine_bench/harness.rs"]
mod harness;
#[path = "engine_bench/load.rs"]
mod load;
#[path = "engine_bench/report.rs"]
mod report;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use harness::{EnginePair, FloorPair};
use report::{CatchUpRow, LagRow};

/// Command-line options.
struct Args {
    seconds: f64,
    rates: Vec<f64>,
    step_seconds: f64,
    max_rate: f64,
    catchup_txns: usize,
    poll: Duration,
    skip: String,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut a = Args {
        seconds: 60.0,
        rates: vec![100.0, 1000.0],
        step_seconds: 10.0,
        max_rate: 64_000.0,
        catchup_txns: 5000,
        poll: Duration::from_millis(2),
        skip: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |n: &str| it.next().with_context(|| format!("{n} needs a value"));
        match arg.as_str() {
            "--seconds" => a.seconds = value("--seconds")?.parse()?,
            "--rates" => {
                a.rates = value("--rates")?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "--step-seconds" => a.step_seconds = value("--step-seconds")?.parse()?,
            "--max-rate" => a.max_rate = value("--max-rate")?.parse()?,
            "--catchup-txns" => a.catchup_txns = value("--catchup-txns")?.parse()?,
            "--poll-ms" => {
                a.poll = Duration::from_secs_f64(value("--poll-ms")?.parse::<f64>()? / 1e3)
            }
            "--skip" => a.skip = value("--skip")?,
            "--bench" => {}
            other => bail!(
                "unknown argument {other} (--seconds N --rates R1,R2 --step-seconds S \
                 --max-rate R --catchup-txns T --poll-ms P --skip a,b,c)"
            ),
        }
    }
    if a.seconds <= 0.0 || a.step_seconds <= 0.0 || a.rates.iter().any(|r| *r <= 0.0) {
        bail!("--seconds, --step-seconds and --rates must be positive");
    }
    Ok(a)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let binary = setup::emu_binary("scripts/bench-engine.sh")?;
    println!(
        "replication engine benchmark — emulator {}",
        binary.display()
    );
    println!("load average at start: {}", stats::load_average());
    let mut lag_rows = Vec::new();
    let mut highest = None;
    if !args.skip.contains('a') || !args.skip.contains('b') {
        let mut engine = EnginePair::new(&binary).await?;
        engine.start();
        engine.wait_caught_up().await?;
        if !args.skip.contains('a') {
            let floor = FloorPair::new(&binary).await?;
            lag_rows.extend(part_a(&args, &engine, &floor).await?);
        }
        if !args.skip.contains('b') {
            let (rows, h) = part_b(&args, &engine).await?;
            lag_rows.extend(rows);
            highest = h;
        }
        engine.stop().await?;
    }
    let catch_up = if args.skip.contains('c') {
        Vec::new()
    } else {
        part_c(&args, &binary).await?
    };
    report::print_summary(&lag_rows, highest, &catch_up);
    println!("\nload average at end: {}", stats::load_average());
    Ok(())
}

/// Drain after a run: how long the target may take to show the last commits.
const DRAIN: Duration = Duration::from_secs(10);

async fn part_a(
    args: &Args,
    engine: &EnginePair,
    floor: &FloorPair,
) -> anyhow::Result<Vec<LagRow>> {
    println!(
        "\n## a. lag at fixed rates ({} s each, poll every {:?})",
        args.seconds, args.poll
    );
    let (stop, follower) = floor.follow();
    let mut rows = Vec::new();
    for (i, rate) in args.rates.iter().enumerate() {
        let base = 1_000_000 * (i as i64 + 1);
        for system in ["engine", "floor"] {
            let (src, dst) = match system {
                "engine" => (&engine.src, &engine.dst),
                _ => (&floor.src, &floor.dst),
            };
            let run = load::run(
                &src.emu.mysql_url(),
                &dst.emu.mysql_url(),
                *rate,
                args.seconds,
                base,
                args.poll,
                DRAIN,
            )
            .await?;
            let row = LagRow::new("a", system, &run);
            report::print_run(&row, &run);
            if row.missing == 0 {
                setup::check_same_count(src, dst, "replication").await?;
            }
            rows.push(row);
        }
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    follower.await??;
    Ok(rows)
}

async fn part_b(args: &Args, engine: &EnginePair) -> anyhow::Result<(Vec<LagRow>, Option<f64>)> {
    println!(
        "\n## b. highest sustained rate (engine; {} s per step)",
        args.step_seconds
    );
    let (mut rows, mut highest) = (Vec::new(), None);
    let mut rate = 1000.0;
    let mut step = 0;
    while rate <= args.max_rate {
        step += 1;
        engine.wait_caught_up().await?;
        let run = load::run(
            &engine.src.emu.mysql_url(),
            &engine.dst.emu.mysql_url(),
            rate,
            args.step_seconds,
            100_000_000 * step,
            args.poll,
            DRAIN,
        )
        .await?;
        let row = LagRow::new("b", "engine", &run);
        report::print_run(&row, &run);
        let ok = row.bounded();
        let source_limited = row.achieved < 0.9 * row.offered;
        rows.push(row);
        if source_limited {
            println!("  source could not sustain {rate:.0}/s on one connection: stopping");
            break;
        }
        if !ok {
            println!("  lag not bounded at {rate:.0}/s: stopping");
            break;
        }
        highest = Some(rate);
        // 1k, 1.5k, 2k, 3k, 4k, 6k, 8k, ...
        rate = if (rate / 1000.0).log2().fract() == 0.0 {
            rate * 1.5
        } else {
            rate * 4.0 / 3.0
        };
        rate = rate.round();
    }
    Ok((rows, highest))
}

async fn part_c(args: &Args, binary: &Path) -> anyhow::Result<Vec<CatchUpRow>> {
    let n = args.catchup_txns;
    println!("\n## c. catch-up throughput over {n} pre-loaded source commits");
    // Engine: full sync, pause, load, resume; timed until every binlog is checkpointed.
    let mut engine = EnginePair::new(binary).await?;
    engine.start();
    engine.wait_caught_up().await?;
    engine.stop().await?;
    insert::insert_n(&engine.src.emu.mysql_url(), setup::DB, setup::TABLE, n).await?;
    let seq = harness::last_seq(&engine.src).await?;
    let t = Instant::now();
    engine.start();
    engine.wait_applied(seq, Duration::from_secs(600)).await?;
    let e_row = CatchUpRow {
        system: "engine",
        txns: n,
        elapsed: t.elapsed(),
        load: stats::load_average(),
    };
    engine.stop().await?;
    setup::check_same_count(&engine.src, &engine.dst, "replication").await?;
    drop(engine);
    // Floor: identical table, copied by BACKUP/RESTORE, then the raw loop.
    let floor = FloorPair::new(binary).await?;
    insert::insert_n(&floor.src.emu.mysql_url(), setup::DB, setup::TABLE, n).await?;
    let mut lp = repl::ReplLoop::new(&floor.src.fe, &floor.dst.fe, floor.ids);
    let run = lp.catch_up(floor.prev).await?;
    let f_row = CatchUpRow {
        system: "floor",
        txns: run.per_txn.len(),
        elapsed: run.elapsed,
        load: stats::load_average(),
    };
    setup::check_same_count(&floor.src, &floor.dst, "replication").await?;
    println!(
        "  engine {:.0} txns/s, floor {:.0} txns/s",
        e_row.rate(),
        f_row.rate()
    );
    Ok(vec![e_row, f_row])
}
