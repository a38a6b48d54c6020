//! Part a: single-row `INSERT ... VALUES` load transactions through the MySQL protocol,
//! each statement one committed load (and one UPSERT binlog) on a binlog-enabled UNIQUE table.

use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts};

use crate::stats::{cpu_delta, cpu_seconds, us, Latencies};

/// Database and table of the insert benchmark.
pub const DB: &str = "bench_ins";
/// Table of the insert benchmark (UNIQUE KEY, binlog enabled).
pub const TABLE: &str = "t";

/// Result of one insert phase.
#[derive(Debug)]
pub struct InsertRun {
    /// Client connections used.
    pub connections: usize,
    /// Statements committed.
    pub commits: usize,
    /// Wall time of the phase.
    pub elapsed: Duration,
    /// Emulator CPU seconds (utime + stime) used during the phase.
    pub emu_cpu: f64,
    /// Bench process CPU seconds (the MySQL clients) used during the phase.
    pub client_cpu: f64,
    /// Per-statement latency.
    pub lat: Latencies,
}

impl InsertRun {
    /// Commits per second of wall time.
    pub fn rate(&self) -> f64 {
        self.commits as f64 / self.elapsed.as_secs_f64()
    }

    /// Commits per emulator CPU second.
    pub fn per_core(&self) -> f64 {
        if self.emu_cpu > 0.0 {
            self.commits as f64 / self.emu_cpu
        } else {
            f64::NAN
        }
    }
}

/// Prints one line per run: rate, latency, emulator CPU and commits per emulator CPU second.
pub fn print_runs(runs: &[InsertRun]) {
    let head = [
        "conns",
        "commits",
        "commits/s",
        "p50 µs",
        "p99 µs",
        "emu cpu",
    ];
    let tail = ["emu cores", "commits/cpu-s", "client cpu"];
    println!(
        "{:>5} {:>9} {:>11} {:>9} {:>9} {:>9} {:>10} {:>14} {:>11}",
        head[0], head[1], head[2], head[3], head[4], head[5], tail[0], tail[1], tail[2]
    );
    for r in runs {
        let (p50, p99) = (us(r.lat.pct(50.0)), us(r.lat.pct(99.0)));
        let cores = r.emu_cpu / r.elapsed.as_secs_f64();
        println!(
            "{:>5} {:>9} {:>11.0} {p50:>9.0} {p99:>9.0} {:>8.2}s {cores:>10.2} {:>14.0} {:>10.2}s",
            r.connections,
            r.commits,
            r.rate(),
            r.emu_cpu,
            r.per_core(),
            r.client_cpu
        );
    }
}

/// Creates the binlog-enabled database and UNIQUE table.
pub async fn create_table(url: &str) -> anyhow::Result<()> {
    let mut conn = Conn::new(Opts::from_url(url)?).await?;
    conn.query_drop(format!(
        "CREATE DATABASE `{DB}` PROPERTIES (\"binlog.enable\" = \"true\")"
    ))
    .await?;
    conn.query_drop(format!(
        "CREATE TABLE `{DB}`.`{TABLE}` (id BIGINT NOT NULL, v BIGINT NULL, note VARCHAR(32) NULL) \
         UNIQUE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 3 \
         PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")"
    ))
    .await?;
    conn.disconnect().await?;
    Ok(())
}

/// Runs `connections` clients for `seconds`, each inserting one row per statement with keys
/// from its own range starting at `key_base`, so every statement is a new committed load.
pub async fn run(
    url: &str,
    emu_pid: Option<u32>,
    connections: usize,
    seconds: f64,
    key_base: i64,
) -> anyhow::Result<InsertRun> {
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections {
        let mut c = Conn::new(Opts::from_url(url)?).await?;
        c.query_drop(format!("USE `{DB}`")).await?;
        conns.push(c);
    }
    let (emu0, me0) = (
        emu_pid.and_then(cpu_seconds),
        cpu_seconds(std::process::id()),
    );
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for (i, conn) in conns.into_iter().enumerate() {
        let base = key_base + (i as i64) * 1_000_000_000;
        tasks.push(tokio::spawn(client(conn, base, deadline)));
    }
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await??);
    }
    let elapsed = start.elapsed();
    let (emu1, me1) = (
        emu_pid.and_then(cpu_seconds),
        cpu_seconds(std::process::id()),
    );
    Ok(InsertRun {
        connections,
        commits: samples.len(),
        elapsed,
        emu_cpu: cpu_delta(emu0, emu1),
        client_cpu: cpu_delta(me0, me1),
        lat: Latencies::new(samples),
    })
}

/// One connection's loop: insert until the deadline, timing every statement.
async fn client(mut conn: Conn, base: i64, deadline: Instant) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::with_capacity(64 * 1024);
    let mut key = base;
    while Instant::now() < deadline {
        let sql = format!(
            "INSERT INTO `{TABLE}` VALUES ({key}, {}, 'n{key}')",
            key % 97
        );
        let t = Instant::now();
        conn.query_drop(sql).await?;
        samples.push(t.elapsed());
        key += 1;
    }
    conn.disconnect().await?;
    Ok(samples)
}

/// `SELECT COUNT(*)` of the insert table: every timed statement must have committed a row.
pub async fn count_rows(url: &str) -> anyhow::Result<i64> {
    let mut conn = Conn::new(Opts::from_url(url)?).await?;
    let n: Option<i64> = conn
        .query_first(format!("SELECT COUNT(*) FROM `{DB}`.`{TABLE}`"))
        .await?;
    conn.disconnect().await?;
    n.ok_or_else(|| anyhow::anyhow!("COUNT(*) returned no row"))
}

/// Inserts `n` single-row loads as fast as one connection allows (setup for part b).
pub async fn insert_n(url: &str, db: &str, table: &str, n: usize) -> anyhow::Result<()> {
    let mut conn = Conn::new(Opts::from_url(url)?).await?;
    for key in 0..n as i64 {
        conn.query_drop(format!(
            "INSERT INTO `{db}`.`{table}` VALUES ({}, {key}, 'r')",
            10_000 + key
        ))
        .await?;
    }
    conn.disconnect().await?;
    Ok(())
}
