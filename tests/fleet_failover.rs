//! Three real node processes and kill -9: a new leader is elected and the API keeps
//! answering on the survivors; a dead owner's jobs are owned and running elsewhere within
//! about two seconds, resuming from their checkpoints (no sequence number goes back).

mod fleet_common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fleet_common::grow::counts;
use fleet_common::{check_no_stale_apply, poll, Fleet};
use serde_json::json;

/// Starts nodes 1..=3 (2 and 3 join 1) and waits until all hold a lease.
async fn three_nodes() -> Fleet {
    let fleet = Fleet::three(true).await;
    poll("3 voters", Duration::from_secs(15), || async {
        let members = fleet.post(1, "/internal/members", &json!({})).await?;
        let voters = members
            .as_array()?
            .iter()
            .filter(|m| m["voter"] == json!(true))
            .count();
        (voters == 3).then_some(())
    })
    .await;
    fleet
}

/// Waits until `jobs` jobs are spread so every node owns two.
async fn spread(fleet: &Fleet, jobs: usize) -> BTreeMap<String, u64> {
    poll(
        "jobs spread over 3 nodes",
        Duration::from_secs(15),
        || async {
            let owners = fleet.owners().await;
            let counts = counts(&owners);
            (owners.len() == jobs && counts.len() == 3 && counts.values().all(|c| *c == 2))
                .then_some(owners)
        },
    )
    .await
}

#[tokio::test]
async fn killing_the_leader_elects_a_new_one_and_the_api_keeps_answering() {
    let mut fleet = three_nodes().await;
    fleet.create_job(2, "job_l").await;
    let leader = fleet.leader_seen_by(1).await.unwrap_or(1);
    let killed = Instant::now();
    fleet.node(leader).kill9();
    let survivors: Vec<u64> = [1, 2, 3].into_iter().filter(|n| *n != leader).collect();
    let new_leader = poll("a new leader", Duration::from_secs(10), || async {
        let l = fleet.leader_seen_by(survivors[0]).await?;
        (l != leader && fleet.leader_seen_by(survivors[1]).await == Some(l)).then_some(l)
    })
    .await;
    eprintln!("new leader {new_leader} after {:?}", killed.elapsed());
    for id in &survivors {
        let list = fleet.post(*id, "/list_jobs", &json!({})).await;
        assert_eq!(
            list.map(|l| l["jobs"].clone()),
            Some(json!(["job_l"])),
            "node {id}"
        );
    }
    fleet.create_job(survivors[0], "job_m").await;
    let list = fleet.post(survivors[1], "/list_jobs", &json!({})).await;
    let n = list.and_then(|l| l["jobs"].as_array().map(Vec::len));
    assert_eq!(n, Some(2));
}

#[tokio::test]
async fn a_dead_owners_jobs_move_to_survivors_within_seconds() {
    let mut fleet = three_nodes().await;
    for i in 0..6 {
        fleet.create_job(1, &format!("job{i}")).await;
    }
    let owners = spread(&fleet, 6).await;
    let leader = fleet.leader_seen_by(1).await.unwrap_or(1);
    // Kill an owner that is not the leader: the failure detector path, not an election.
    let victim = [1, 2, 3].into_iter().find(|n| *n != leader).unwrap_or(2);
    let moved: Vec<String> = owners
        .iter()
        .filter(|(_, n)| **n == victim)
        .map(|(j, _)| j.clone())
        .collect();
    let applied_before = fleet.applied().len();
    let killed = Instant::now();
    fleet.node(victim).kill9();
    poll(
        "the dead owner's jobs run on survivors",
        Duration::from_secs(10),
        || async {
            let lines = fleet.applied();
            let resumed = moved.iter().all(|job| {
                lines[applied_before..]
                    .iter()
                    .any(|(j, n, _)| j == job && *n != victim)
            });
            resumed.then_some(())
        },
    )
    .await;
    let took = killed.elapsed();
    eprintln!("jobs {moved:?} of node {victim} resumed after {took:?}");
    assert!(took < Duration::from_secs(4), "failover took {took:?}");
    let owners = spread_over_two(&fleet, victim).await;
    assert!(owners.values().all(|n| *n != victim));
    check_no_stale_apply(&fleet.applied()).unwrap_or_else(|e| panic!("{e}"));
}

/// Waits until the 6 jobs are owned 3/3 by the two survivors.
async fn spread_over_two(fleet: &Fleet, dead: u64) -> BTreeMap<String, u64> {
    poll(
        "jobs spread over the survivors",
        Duration::from_secs(10),
        || async {
            let owners = fleet.owners().await;
            let counts = counts(&owners);
            let ok = owners.len() == 6
                && !counts.contains_key(&dead)
                && counts.values().all(|c| *c == 3);
            ok.then_some(owners)
        },
    )
    .await
}

#[tokio::test]
async fn a_restarted_node_rejoins_with_its_data_and_gets_jobs_back() {
    let mut fleet = three_nodes().await;
    for i in 0..6 {
        fleet.create_job(1, &format!("job{i}")).await;
    }
    spread(&fleet, 6).await;
    let leader = fleet.leader_seen_by(1).await.unwrap_or(1);
    let victim = [1, 2, 3].into_iter().find(|n| *n != leader).unwrap_or(2);
    fleet.node(victim).kill9();
    spread_over_two(&fleet, victim).await;
    fleet.start(victim);
    let status = fleet.wait_ready(victim).await;
    assert_eq!(status["id"], json!(victim));
    let owners = spread(&fleet, 6).await;
    assert_eq!(owners.values().filter(|n| **n == victim).count(), 2);
    check_no_stale_apply(&fleet.applied()).unwrap_or_else(|e| panic!("{e}"));
}
