//! F3 partition with three real node processes whose node-to-node traffic (Raft gRPC and
//! internal HTTP) goes through fault-injecting proxies the test controls: a job owner cut
//! off from the other nodes (not from the test, standing in for Doris) stops applying
//! within its lease, its jobs resume elsewhere with no overlap, and after healing it never
//! applies a stale sequence number.

mod fleet_common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fleet_common::proxy::{proxied_fleet, set_isolated, Links};
use fleet_common::{check_no_stale_apply, poll, Fleet};
use serde_json::json;

async fn spread(fleet: &Fleet) -> BTreeMap<String, u64> {
    poll("6 jobs spread 2/2/2", Duration::from_secs(20), || async {
        let owners = fleet.owners().await;
        let mut counts = BTreeMap::<u64, usize>::new();
        owners
            .values()
            .for_each(|n| *counts.entry(*n).or_default() += 1);
        (owners.len() == 6 && counts.len() == 3 && counts.values().all(|c| *c == 2))
            .then_some(owners)
    })
    .await
}

/// Waits until the cut-off node `x` has stopped every runner (lease lost); returns when.
async fn wait_self_fenced(fleet: &Fleet, x: u64, cut_at: Instant) -> Duration {
    poll(
        "the cut-off owner stops its runners",
        Duration::from_secs(5),
        || async {
            let s = fleet.status(x).await?;
            (s["lease_valid"] == json!(false) && s["runners"] == json!({})).then_some(())
        },
    )
    .await;
    cut_at.elapsed()
}

/// Waits until every job in `lost` was applied by another node after log line `mark`, and
/// checks that `x` applied none of them after its successor started.
async fn check_resumed_without_overlap(fleet: &Fleet, x: u64, lost: &[String], mark: usize) {
    poll(
        "its jobs resume on the others",
        Duration::from_secs(15),
        || async {
            let lines = fleet.applied();
            let all = lost
                .iter()
                .all(|job| lines[mark..].iter().any(|(j, n, _)| j == job && *n != x));
            all.then_some(())
        },
    )
    .await;
    let lines = fleet.applied();
    for job in lost {
        let rest = &lines[mark..];
        let first_new = rest.iter().position(|(j, n, _)| j == job && *n != x);
        let last_old = rest.iter().rposition(|(j, n, _)| j == job && *n == x);
        if let (Some(new), Some(old)) = (first_new, last_old) {
            assert!(
                old < new,
                "{job}: node {x} applied after the new owner started"
            );
        }
    }
}

/// Heals node `x` and waits until it holds a lease and jobs are spread again.
async fn heal(fleet: &Fleet, links: &Links, x: u64) {
    set_isolated(links, x, false);
    poll(
        "the healed node holds a lease again",
        Duration::from_secs(15),
        || async {
            let s = fleet.status(x).await?;
            (s["lease_valid"] == json!(true)).then_some(())
        },
    )
    .await;
    spread(fleet).await;
}

/// Cuts one owner (the leader or a follower) off and checks F3.
async fn partition_an_owner(cut_leader: bool) {
    let (fleet, links) = proxied_fleet(true).await;
    for i in 0..6 {
        fleet.create_job(1, &format!("job{i}")).await;
    }
    let owners = spread(&fleet).await;
    let leader = fleet.leader_seen_by(1).await.unwrap_or(1);
    let x = if cut_leader {
        leader
    } else {
        [1, 2, 3].into_iter().find(|n| *n != leader).unwrap_or(2)
    };
    let lost: Vec<String> = owners
        .iter()
        .filter(|(_, n)| **n == x)
        .map(|(j, _)| j.clone())
        .collect();
    let mark = fleet.applied().len();
    let cut_at = Instant::now();
    set_isolated(&links, x, true);
    let stopped = wait_self_fenced(&fleet, x, cut_at).await;
    eprintln!("node {x} (leader: {cut_leader}) self-fenced after {stopped:?}");
    assert!(
        stopped < Duration::from_millis(1800),
        "self-fence took {stopped:?}"
    );
    check_resumed_without_overlap(&fleet, x, &lost, mark).await;
    eprintln!(
        "jobs {lost:?} resumed elsewhere after {:?}",
        cut_at.elapsed()
    );

    heal(&fleet, &links, x).await;
    check_no_stale_apply(&fleet.applied()).unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn partitioned_follower_owner_self_fences() {
    partition_an_owner(false).await;
}

#[tokio::test]
async fn partitioned_leader_owner_self_fences() {
    partition_an_owner(true).await;
}
