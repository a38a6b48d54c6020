//! doris-emu throughput benchmark (not a test: `harness = false`, no timing assertions).
//!
//! `cargo bench --bench emu_bench -- [--seconds N] [--connections C] [--repl-txns T]`
//! (or `scripts/bench-emu.sh`, which builds the release emulator first). Measures against
//! release `doris-emu` processes (`target/release/doris-emu`, or `$DORIS_EMU_BIN`):
//! a. single-row INSERT load transactions/s over MySQL, 1 and C connections, with the
//!    emulator's CPU time, so commits/s per core can be stated;
//! b. one replicated transaction through the raw RPC sequence (getBinlog → beginTxn →
//!    ingest_binlog per tablet → commitTxn) between two emulators: the floor the engine
//!    benchmark compares against.

#[path = "emu_bench/insert.rs"]
mod insert;
#[path = "emu_bench/repl.rs"]
mod repl;
#[path = "emu_bench/setup.rs"]
mod setup;
#[path = "emu_bench/stats.rs"]
mod stats;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use doris_emu::testing::{EmuOptions, EmuProcess};

use stats::{cpu_delta, cpu_seconds, emu_pid, load_average, us, Latencies};

/// Command-line options.
struct Args {
    seconds: f64,
    connections: usize,
    repl_txns: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        seconds: 5.0,
        connections: 4,
        repl_txns: 1000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
        match a.as_str() {
            "--seconds" => args.seconds = value("--seconds")?.parse()?,
            "--connections" => args.connections = value("--connections")?.parse()?,
            "--repl-txns" => args.repl_txns = value("--repl-txns")?.parse()?,
            // cargo bench passes --bench to harness=false targets.
            "--bench" => {}
            other => bail!("unknown argument {other} (--seconds N --connections C --repl-txns T)"),
        }
    }
    if args.seconds <= 0.0 || args.connections == 0 {
        bail!("--seconds and --connections must be positive");
    }
    Ok(args)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let binary = setup::emu_binary("scripts/bench-emu.sh")?;
    println!("doris-emu benchmark — binary {}", binary.display());
    println!(
        "cores: {}   load average at start: {}",
        cores(),
        load_average()
    );
    bench_inserts(&binary, &args).await?;
    bench_replication(&binary, &args).await?;
    println!("\nload average at end: {}", load_average());
    Ok(())
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

async fn bench_inserts(binary: &Path, args: &Args) -> anyhow::Result<()> {
    let emu = EmuProcess::start(EmuOptions {
        binary: Some(binary.to_path_buf()),
        ..Default::default()
    })?;
    let pid = emu_pid(emu.data_dir());
    let url = emu.mysql_url();
    insert::create_table(&url).await?;
    // Warm-up: connection setup, allocator and page cache.
    let warm = insert::run(&url, pid, 1, 0.5, 900_000_000_000).await?;
    let mut runs = Vec::new();
    for (i, c) in [1, args.connections].into_iter().enumerate() {
        runs.push(insert::run(&url, pid, c, args.seconds, (i as i64) * 100_000_000_000).await?);
    }
    let expected = warm.commits + runs.iter().map(|r| r.commits).sum::<usize>();
    let t = Instant::now();
    let rows = insert::count_rows(&url).await?;
    if rows != expected as i64 {
        bail!("table has {rows} rows after {expected} committed single-row inserts");
    }
    let count_time = t.elapsed();
    println!(
        "\n## a. single-row INSERT transactions over MySQL (UNIQUE KEY, binlog on, 3 buckets, \
         1 BE, {} s each; emulator pid {})",
        args.seconds,
        pid.map_or("?".into(), |p| p.to_string())
    );
    insert::print_runs(&runs);
    println!(
        "check: SELECT COUNT(*) = {rows} = statements committed (took {:.0} ms); emulator RSS \
         after the runs: {}",
        count_time.as_secs_f64() * 1e3,
        pid.map_or("?".into(), stats::rss)
    );
    Ok(())
}

async fn bench_replication(binary: &Path, args: &Args) -> anyhow::Result<()> {
    let setup::CopiedPair {
        src,
        dst,
        ids,
        prev,
    } = setup::CopiedPair::start(binary).await?;
    let t = Instant::now();
    insert::insert_n(
        &src.emu.mysql_url(),
        setup::DB,
        setup::TABLE,
        args.repl_txns,
    )
    .await?;
    let load_time = t.elapsed();

    let pids = (emu_pid(src.emu.data_dir()), emu_pid(dst.emu.data_dir()));
    let cpu0 = (pids.0.and_then(cpu_seconds), pids.1.and_then(cpu_seconds));
    let me0 = cpu_seconds(std::process::id());
    let mut lp = repl::ReplLoop::new(&src.fe, &dst.fe, ids);
    let run = lp.catch_up(prev).await?;
    let cpu = (
        cpu_delta(cpu0.0, pids.0.and_then(cpu_seconds)),
        cpu_delta(cpu0.1, pids.1.and_then(cpu_seconds)),
    );
    let client = cpu_delta(me0, cpu_seconds(std::process::id()));
    setup::check_same_count(&src, &dst, "replication loop").await?;
    print_replication(args, load_time, &run, cpu, client);
    lp.times.print();
    Ok(())
}

fn print_replication(
    args: &Args,
    load_time: Duration,
    run: &repl::CatchUp,
    cpu: (f64, f64),
    client: f64,
) {
    println!(
        "\n## b. replicated transactions through the raw RPC sequence ({} source single-row \
         inserts, loaded in {:.2} s; UNIQUE KEY, 3 buckets, 1 BE each side)",
        args.repl_txns,
        load_time.as_secs_f64()
    );
    let lat = Latencies::new(run.per_txn.clone());
    let secs = run.elapsed.as_secs_f64();
    println!(
        "replicated txns: {} in {secs:.2} s = {:.0} txns/s   per txn: p50 {:.0} µs  \
         p99 {:.0} µs  mean {:.0} µs",
        lat.count(),
        lat.count() as f64 / secs,
        us(lat.pct(50.0)),
        us(lat.pct(99.0)),
        us(lat.mean())
    );
    println!(
        "caught up at commit seq {}; cpu during the loop: source emu {:.2} s, target emu \
         {:.2} s, bench client {:.2} s",
        run.last_seq, cpu.0, cpu.1, client
    );
}
