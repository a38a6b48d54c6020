//! a. Leader election after kill -9 of the leader: time until both survivors name the same
//! new leader on `/cluster/leader`; and, with six dry-run jobs, time until every job the
//! dead leader owned was applied by a survivor (its apply-log line after the kill).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::fleet_common::read_apply_log;
use crate::util::{balanced, cluster_leader, lease_losses, poll_every, summary, three_nodes};

const JOBS: usize = 6;

/// Measured samples.
pub struct Election {
    /// Kill → both survivors agree on a new leader.
    pub elected: Vec<Duration>,
    /// Kill → every job of the dead leader applied by a survivor.
    pub resumed: Vec<Duration>,
    /// Self-fencing events of live nodes ("Lease lost" log lines).
    pub lease_losses: usize,
}

/// Runs `kills` leader kills (restarting the node and waiting for balance each time).
pub async fn run(kills: usize) -> anyhow::Result<Election> {
    let mut fleet = three_nodes(|_| {}).await?;
    for i in 0..JOBS {
        fleet.create_job(1, &format!("job{i}")).await;
    }
    let all = [1, 2, 3];
    let mut out = Election {
        elected: Vec::new(),
        resumed: Vec::new(),
        lease_losses: 0,
    };
    for k in 0..kills {
        let owners = balanced(&fleet, JOBS, &all, Duration::from_secs(60)).await?;
        let leader = cluster_leader(&fleet, 1).await.context("no leader")?;
        let moved: BTreeSet<String> = owners
            .iter()
            .filter(|(_, n)| **n == leader)
            .map(|(j, _)| j.clone())
            .collect();
        let before = read_apply_log(&fleet.apply_log).len();
        let killed = Instant::now();
        fleet.node(leader).kill9();
        let survivors: Vec<u64> = all.into_iter().filter(|n| *n != leader).collect();
        let fast = Duration::from_millis(5);
        poll_every("a new leader", fast, Duration::from_secs(20), || async {
            let a = cluster_leader(&fleet, survivors[0]).await?;
            let b = cluster_leader(&fleet, survivors[1]).await?;
            (a == b && a != leader).then_some(())
        })
        .await?;
        let elected = killed.elapsed();
        let every = Duration::from_millis(10);
        poll_every(
            "the dead leader's jobs resume",
            every,
            Duration::from_secs(20),
            || {
                let lines = read_apply_log(&fleet.apply_log);
                let done = moved.iter().all(|job| {
                    lines[before.min(lines.len())..]
                        .iter()
                        .any(|(j, n, _)| j == job && *n != leader)
                });
                async move { done.then_some(()) }
            },
        )
        .await?;
        let resumed = killed.elapsed();
        eprintln!(
            "  kill {k}: leader {leader}, new leader after {:.0} ms, its {} jobs resumed after \
             {:.0} ms",
            elected.as_secs_f64() * 1e3,
            moved.len(),
            resumed.as_secs_f64() * 1e3
        );
        out.elected.push(elected);
        out.resumed.push(resumed);
        fleet.start(leader);
        fleet.wait_ready(leader).await;
    }
    out.lease_losses = lease_losses(&fleet);
    crate::fleet_common::check_no_stale_apply(&fleet.applied())
        .map_err(|e| anyhow::anyhow!("stale apply: {e}"))?;
    Ok(out)
}

/// Prints the result lines.
pub fn print(r: &Election) {
    println!(
        "a. leader election after kill -9 of the leader (both survivors agree on /cluster/leader):"
    );
    println!("   {}", summary(&r.elected));
    println!(
        "   dead leader's dry-run jobs applied by a survivor: {}",
        summary(&r.resumed)
    );
    println!(
        "   healthy nodes that self-fenced (\"Lease lost\") during the run: {}",
        r.lease_losses
    );
}
