//! d. 1,000 jobs on three release node processes with the dry-run stand-in runner
//! (`CCR_FLEET_DRY_RUN=1`, one apply + checkpoint per job per second): balance, resident
//! memory and CPU per node over 10 s, then kill -9 of a non-leader node → time until all
//! its jobs are owned by the survivors, and until every one of them was applied there.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures::StreamExt;

use crate::fleet_common::{job_body, read_apply_log, Fleet};
use crate::util::{
    balanced, cluster_leader, counts, cpu_ticks, loadavg, poll_every, rss_kib, three_nodes,
};

/// Apply interval of the stand-in runner, in milliseconds.
const APPLY_MS: &str = "1000";

/// Creates `n` jobs through node 1, 16 requests at a time.
async fn create(fleet: &Fleet, n: usize) -> anyhow::Result<Duration> {
    let t = Instant::now();
    let results: Vec<bool> = futures::stream::iter(0..n)
        .map(|i| async move {
            let reply = fleet
                .post(1, "/create_ccr", &job_body(&format!("job{i:04}")))
                .await;
            reply.is_some_and(|r| r["success"] == serde_json::json!(true))
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let failed = results.iter().filter(|ok| !**ok).count();
    anyhow::ensure!(failed == 0, "{failed} job creations failed");
    Ok(t.elapsed())
}

fn print_resources(fleet: &Fleet, window: Duration) -> anyhow::Result<()> {
    let pids: Vec<(u64, u32)> = fleet
        .nodes
        .values()
        .filter_map(|n| Some((n.id, n.pid()?)))
        .collect();
    let before: Vec<u64> = pids
        .iter()
        .map(|(_, p)| cpu_ticks(*p).unwrap_or(0))
        .collect();
    std::thread::sleep(window);
    for ((id, pid), b) in pids.iter().zip(before) {
        let ticks = cpu_ticks(*pid).context("cpu ticks")? - b;
        let cpu = ticks as f64 / 100.0 / window.as_secs_f64() * 100.0;
        let rss = rss_kib(*pid).context("rss")? as f64 / 1024.0;
        println!("   node {id}: VmRSS {rss:.1} MiB, CPU {cpu:.1}% of one core over {window:?}");
    }
    Ok(())
}

/// Runs the scale benchmark with `jobs` jobs.
pub async fn run(jobs: usize) -> anyhow::Result<()> {
    let mut fleet = three_nodes(|n| {
        n.env
            .push(("CCR_FLEET_DRY_RUN_INTERVAL_MS".into(), APPLY_MS.into()))
    })
    .await?;
    let took = create(&fleet, jobs).await?;
    let t = Instant::now();
    let owners = balanced(&fleet, jobs, &[1, 2, 3], Duration::from_secs(120)).await?;
    println!("d. {jobs} dry-run jobs on 3 nodes (apply + checkpoint every {APPLY_MS} ms per job):");
    println!(
        "   created in {:.1} s; balanced {:?} (owned per node) {:.1} s later",
        took.as_secs_f64(),
        counts(&owners),
        t.elapsed().as_secs_f64()
    );
    print_resources(&fleet, Duration::from_secs(10))?;
    println!("   load average {}", loadavg());
    let leader = cluster_leader(&fleet, 1).await.context("no leader")?;
    let victim = [1, 2, 3].into_iter().find(|n| *n != leader).unwrap_or(2);
    let moved: BTreeSet<String> = owners
        .iter()
        .filter(|(_, n)| **n == victim)
        .map(|(j, _)| j.clone())
        .collect();
    let before = read_apply_log(&fleet.apply_log).len();
    let killed = Instant::now();
    fleet.node(victim).kill9();
    let survivors: Vec<u64> = [1, 2, 3].into_iter().filter(|n| *n != victim).collect();
    let every = Duration::from_millis(20);
    poll_every(
        "the dead node's jobs owned by survivors",
        every,
        Duration::from_secs(60),
        || async {
            let owners = fleet.owners_seen_by(&survivors).await;
            (owners.len() == jobs).then_some(())
        },
    )
    .await?;
    let owned = killed.elapsed();
    poll_every(
        "the dead node's jobs applied by survivors",
        every,
        Duration::from_secs(60),
        || {
            let lines = read_apply_log(&fleet.apply_log);
            let done: BTreeSet<&String> = lines[before.min(lines.len())..]
                .iter()
                .filter(|(j, n, _)| *n != victim && moved.contains(j))
                .map(|(j, ..)| j)
                .collect();
            let all = done.len() == moved.len();
            async move { all.then_some(()) }
        },
    )
    .await?;
    println!(
        "   kill -9 of node {victim} (owner of {} jobs): all owned by survivors after {:.0} ms, \
         all applied there after {:.0} ms",
        moved.len(),
        owned.as_secs_f64() * 1e3,
        killed.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
