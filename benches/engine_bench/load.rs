//! Paced open-loop load on the source and a visibility poller on the target.
//!
//! The loader issues single-row `INSERT`s on one connection at `t0 + i / rate` (if it falls
//! behind it fires at once, so the schedule stays open loop) and records when each statement
//! returned (its source commit). One connection keeps commits in order, and the target
//! applies them in order as one txn each, so the growth of the target partition's visible
//! version since the run started says which prefix of the commits is visible there. A row first seen by the poll that ran in `[start, end]` became visible
//! after the previous poll started: its visibility time is taken as the middle of that
//! interval, and half the interval is the measurement's resolution.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts};

use crate::setup::{DB, TABLE};
use crate::stats::Latencies;

/// How one paced run went.
#[derive(Debug)]
pub struct LoadRun {
    /// Offered rate (txns/s).
    pub offered: f64,
    /// Source commit instants, in commit order.
    pub commits: Vec<Instant>,
    /// Replication lag of each commit (`None`: not visible when the drain timed out).
    pub lags: Vec<Option<Duration>>,
    /// Wall time of the load (first scheduled insert to last return).
    pub elapsed: Duration,
    /// Mean half-width of the visibility intervals (the resolution of every lag).
    pub resolution: Duration,
    /// Latency of the poller's query.
    pub poll_query: Latencies,
}

impl LoadRun {
    /// Achieved source commit rate.
    pub fn achieved(&self) -> f64 {
        self.commits.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Lags of the commits that became visible.
    pub fn visible(&self) -> Latencies {
        Latencies::new(self.lags.iter().flatten().copied().collect())
    }

    /// Commits never seen on the target.
    pub fn missing(&self) -> usize {
        self.lags.iter().filter(|l| l.is_none()).count()
    }

    /// Lags of the commits in the `from..to` fraction of the run (by commit order).
    pub fn window(&self, from: f64, to: f64) -> Latencies {
        let n = self.lags.len() as f64;
        let (a, b) = ((n * from) as usize, (n * to) as usize);
        Latencies::new(self.lags[a..b].iter().flatten().copied().collect())
    }
}

/// One poll: when it started and ended, and the target's row count.
type Sample = (Instant, Instant, i64);

/// Runs the paced load and the poller; waits up to `drain` after the load for the target.
pub async fn run(
    src_url: &str,
    dst_url: &str,
    rate: f64,
    seconds: f64,
    key_base: i64,
    poll: Duration,
    drain: Duration,
) -> anyhow::Result<LoadRun> {
    let mut probe = Conn::new(Opts::from_url(dst_url)?).await?;
    let baseline = count(&mut probe).await?;
    let stop = Arc::new(AtomicBool::new(false));
    let target = Arc::new(std::sync::atomic::AtomicI64::new(i64::MAX));
    let poller = tokio::spawn(poll_loop(probe, poll, stop.clone(), target.clone()));
    let src = Conn::new(Opts::from_url(src_url)?).await?;
    let start = Instant::now();
    let commits = tokio::spawn(load_loop(src, rate, seconds, key_base)).await??;
    let elapsed = start.elapsed();
    target.store(baseline + commits.len() as i64, Ordering::SeqCst);
    let deadline = tokio::time::sleep(drain);
    tokio::pin!(deadline);
    let mut poller = poller;
    let samples = tokio::select! {
        r = &mut poller => r??,
        _ = &mut deadline => { stop.store(true, Ordering::SeqCst); poller.await?? }
    };
    let (lags, resolution) = lags(&commits, &samples, baseline);
    let poll_query = Latencies::new(samples.iter().map(|s| s.1 - s.0).collect());
    Ok(LoadRun {
        offered: rate,
        commits,
        lags,
        elapsed,
        resolution,
        poll_query,
    })
}

/// Transactions visible on the target table: the sum of its partitions' VisibleVersion
/// (every replicated source commit is one target txn, one version). `SHOW PARTITIONS` is
/// O(partitions) on the emulator, where `COUNT(*)` scans every rowset and would load the
/// target more and more as the run goes on.
async fn count(conn: &mut Conn) -> anyhow::Result<i64> {
    let rows: Vec<mysql_async::Row> = conn
        .query(format!("SHOW PARTITIONS FROM `{DB}`.`{TABLE}`"))
        .await?;
    let mut sum = 0;
    for row in rows {
        let v: Option<String> = row.get("VisibleVersion");
        sum += v.context("VisibleVersion")?.parse::<i64>()?;
    }
    Ok(sum)
}

/// Inserts on the open-loop schedule until `seconds` of schedule have been issued.
async fn load_loop(
    mut conn: Conn,
    rate: f64,
    seconds: f64,
    key_base: i64,
) -> anyhow::Result<Vec<Instant>> {
    let total = (rate * seconds).round() as usize;
    let mut commits = Vec::with_capacity(total);
    let t0 = tokio::time::Instant::now();
    for i in 0..total {
        let due = t0 + Duration::from_secs_f64(i as f64 / rate);
        if due > tokio::time::Instant::now() {
            tokio::time::sleep_until(due).await;
        }
        let key = key_base + i as i64;
        conn.query_drop(format!(
            "INSERT INTO `{DB}`.`{TABLE}` VALUES ({key}, {i}, 'lag')"
        ))
        .await?;
        commits.push(Instant::now());
    }
    conn.disconnect().await?;
    Ok(commits)
}

/// Polls `COUNT(*)` every `poll` until it reaches `target` or `stop` is set.
async fn poll_loop(
    mut conn: Conn,
    poll: Duration,
    stop: Arc<AtomicBool>,
    target: Arc<std::sync::atomic::AtomicI64>,
) -> anyhow::Result<Vec<Sample>> {
    let mut samples = Vec::with_capacity(64 * 1024);
    let mut last = -1;
    while !stop.load(Ordering::SeqCst) {
        let s = Instant::now();
        let n = count(&mut conn).await?;
        let e = Instant::now();
        // Only changes matter, plus the first sample (the lower end of the first interval).
        if n != last || samples.is_empty() {
            samples.push((s, e, n));
        } else if let Some(prev) = samples.last_mut() {
            // Same count: this poll is a later "not yet visible" bound for the next rows.
            *prev = (s, e, n);
        }
        last = n;
        if n >= target.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(poll.saturating_sub(e - s)).await;
    }
    conn.disconnect().await?;
    Ok(samples)
}

/// Lag of each commit: it became visible between the start of the last poll that did not
/// see it (or its commit, if later) and the end of the first poll that did; the middle of
/// that interval is taken. Returns the lags and the mean half-width (the resolution).
fn lags(
    commits: &[Instant],
    samples: &[Sample],
    baseline: i64,
) -> (Vec<Option<Duration>>, Duration) {
    let mut out = vec![None; commits.len()];
    let mut widths = Duration::ZERO;
    let mut seen = 0usize;
    for w in samples.windows(2) {
        let (before, after) = (w[0], w[1]);
        let now = usize::try_from(after.2 - baseline)
            .unwrap_or(0)
            .min(commits.len());
        for (i, slot) in out.iter_mut().enumerate().take(now).skip(seen) {
            let lo = before.0.max(commits[i]).min(after.1);
            let half = (after.1 - lo) / 2;
            *slot = Some((lo + half) - commits[i]);
            widths += half;
        }
        seen = seen.max(now);
    }
    (out, widths / u32::try_from(seen.max(1)).unwrap_or(u32::MAX))
}
