//! F3 partition with three real node processes whose node-to-node traffic (Raft gRPC and
//! internal HTTP) goes through fault-injecting proxies the test controls: a job owner cut
//! off from the other nodes (not from the test, standing in for Doris) stops applying
//! within its lease, its jobs resume elsewhere with no overlap, and after healing it never
//! applies a stale sequence number.

mod fleet_common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fleet_common::proxy::Proxy;
use fleet_common::{check_no_stale_apply, poll, Fleet};
use serde_json::json;

/// Proxies of every ordered pair `(from, to)`: `(raft, http)`.
type Links = BTreeMap<(u64, u64), (Proxy, Proxy)>;

/// Three nodes whose peer traffic goes through per-pair proxies.
async fn proxied_fleet() -> (Fleet, Links) {
    let mut fleet = Fleet::new();
    fleet.add(1, vec![]);
    let seed = fleet.addr(1);
    fleet.add(2, vec![seed.clone()]);
    fleet.add(3, vec![seed]);
    let mut links = Links::new();
    for from in [1, 2, 3] {
        let mut map = Vec::new();
        for to in [1u64, 2, 3].into_iter().filter(|t| *t != from) {
            let (raft, http) = (fleet.nodes[&to].raft_addr(), fleet.nodes[&to].http_addr());
            let pr = Proxy::start(raft.clone()).await;
            let ph = Proxy::start(http.clone()).await;
            map.push(format!(
                "{raft}=127.0.0.1:{},{http}=127.0.0.1:{}",
                pr.port, ph.port
            ));
            links.insert((from, to), (pr, ph));
        }
        fleet
            .node(from)
            .env
            .push(("CCR_FLEET_ADDR_MAP".into(), map.join(",")));
    }
    fleet.start(1);
    fleet.wait_ready(1).await;
    fleet.start(2);
    fleet.start(3);
    for id in [1, 2, 3] {
        fleet.wait_ready(id).await;
    }
    (fleet, links)
}

fn set_isolated(links: &Links, node: u64, cut: bool) {
    for ((from, to), (raft, http)) in links {
        if *from == node || *to == node {
            raft.set_cut(cut);
            http.set_cut(cut);
        }
    }
}

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

/// Cuts one owner (the leader or a follower) off and checks F3.
async fn partition_an_owner(cut_leader: bool) {
    let (fleet, links) = proxied_fleet().await;
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

    set_isolated(&links, x, false);
    poll(
        "the healed node holds a lease again",
        Duration::from_secs(15),
        || async {
            let s = fleet.status(x).await?;
            (s["lease_valid"] == json!(true)).then_some(())
        },
    )
    .await;
    spread(&fleet).await;
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
