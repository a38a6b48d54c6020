//! Shared helpers of the fleet benchmark: fast polling, percentiles, `/proc` readings and
//! a three-node fleet of release `ccr-syncer` processes.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::{json, Value};

use crate::fleet_common::Fleet;

/// Polls `f` every `every` until it yields `Some`; an error after `timeout`.
pub async fn poll_every<T, F, Fut>(
    what: &str,
    every: Duration,
    timeout: Duration,
    mut f: F,
) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return Ok(v);
        }
        if start.elapsed() > timeout {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(every).await;
    }
}

/// `p`-th percentile (nearest rank) of sorted `v`.
pub fn pct(v: &[Duration], p: usize) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    let rank = (v.len() * p).div_ceil(100).max(1);
    v[rank.min(v.len()) - 1]
}

/// "n=…, p50 …, p99 …, max …" of `samples` in milliseconds.
pub fn summary(samples: &[Duration]) -> String {
    let mut v = samples.to_vec();
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "n={}, min {:.0} ms, p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        v.len(),
        ms(v.first().copied().unwrap_or_default()),
        ms(pct(&v, 50)),
        ms(pct(&v, 99)),
        ms(v.last().copied().unwrap_or_default())
    )
}

/// The 1/5/15-minute load averages.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Resident memory of `pid` in KiB (`VmRSS`).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// utime + stime of `pid` in clock ticks (100 per second on Linux).
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// The leader as node `id` reports it on `/cluster/leader` (answered locally).
pub async fn cluster_leader(fleet: &Fleet, id: u64) -> Option<u64> {
    let reply = fleet.post(id, "/cluster/leader", &json!({})).await?;
    reply["leader"]["id"].as_u64()
}

/// Starts nodes 1..=3 (2 and 3 join 1), each prepared by `prep`, and waits until all
/// three are voters holding a lease.
pub async fn three_nodes(
    prep: impl Fn(&mut crate::fleet_common::NodeProc),
) -> anyhow::Result<Fleet> {
    let mut fleet = Fleet::new();
    prep(fleet.add(1, vec![]));
    fleet.start(1);
    fleet.wait_ready(1).await;
    let seed = fleet.addr(1);
    for id in [2, 3] {
        prep(fleet.add(id, vec![seed.clone()]));
        fleet.start(id);
    }
    for id in [1, 2, 3] {
        fleet.wait_ready(id).await;
    }
    let long = Duration::from_secs(30);
    poll_every("3 voters", Duration::from_millis(50), long, || async {
        let members = fleet.post(1, "/internal/members", &json!({})).await?;
        let voters = members
            .as_array()?
            .iter()
            .filter(|m| m["voter"] == json!(true));
        (voters.count() == 3).then_some(())
    })
    .await?;
    Ok(fleet)
}

/// Owned-job counts per node, from every running node's `/internal/status`.
pub fn counts(owners: &BTreeMap<String, u64>) -> BTreeMap<u64, usize> {
    let mut c = BTreeMap::new();
    owners.values().for_each(|n| *c.entry(*n).or_default() += 1);
    c
}

/// Waits until `jobs` jobs are owned, spread over exactly `nodes` nodes within one of each
/// other, and every node holds a lease.
pub async fn balanced(
    fleet: &Fleet,
    jobs: usize,
    nodes: &[u64],
    timeout: Duration,
) -> anyhow::Result<BTreeMap<String, u64>> {
    poll_every("balance", Duration::from_millis(50), timeout, || async {
        let owners = fleet.owners_seen_by(nodes).await;
        let c = counts(&owners);
        let (min, max) = (c.values().min()?, c.values().max()?);
        let ok = owners.len() == jobs && c.len() == nodes.len() && max - min <= 1;
        for id in nodes {
            let s: Value = fleet.status(*id).await?;
            if s["lease_valid"] != json!(true) {
                return None;
            }
        }
        ok.then_some(owners)
    })
    .await
    .context("jobs never balanced")
}

/// How many times a node of `fleet` self-fenced ("Lease lost" in its logs, all starts).
pub fn lease_losses(fleet: &Fleet) -> usize {
    let mut n = 0;
    for node in fleet.nodes.values() {
        let Ok(dir) = std::fs::read_dir(&node.dir) else {
            continue;
        };
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if name.starts_with("node-") && name.ends_with(".log") {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                n += text.lines().filter(|l| l.contains("Lease lost")).count();
            }
        }
    }
    n
}
