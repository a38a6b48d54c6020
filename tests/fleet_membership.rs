//! Three real node processes: two join a bootstrapped node, jobs rebalance, writes through
//! a follower are forwarded to the leader (read-your-writes on the follower), drain empties
//! a node, remove shrinks the group, and the API answers on every node throughout.

mod fleet_common;

use std::collections::BTreeMap;
use std::time::Duration;

use fleet_common::{check_no_stale_apply, poll, Fleet};
use serde_json::json;

/// Owned-job counts per node, once every job has an owner.
async fn balanced_counts(
    fleet: &Fleet,
    jobs: usize,
    nodes: &[u64],
) -> Option<BTreeMap<u64, usize>> {
    let owners = fleet.owners().await;
    if owners.len() != jobs {
        return None;
    }
    let mut counts: BTreeMap<u64, usize> = nodes.iter().map(|n| (*n, 0)).collect();
    for owner in owners.values() {
        *counts.get_mut(owner)? += 1;
    }
    let (min, max) = (counts.values().min()?, counts.values().max()?);
    (max - min <= 1).then_some(counts)
}

async fn list_jobs(fleet: &Fleet, id: u64) -> Option<usize> {
    let reply = fleet.post(id, "/list_jobs", &json!({})).await?;
    reply["jobs"].as_array().map(Vec::len)
}

/// A create through a follower is forwarded and readable on that follower at once.
async fn create_through_follower(fleet: &Fleet) {
    let follower = if fleet.leader_seen_by(1).await == Some(1) {
        2
    } else {
        1
    };
    fleet.create_job(follower, "job6").await;
    assert_eq!(list_jobs(fleet, follower).await, Some(7));
    let status = fleet
        .post(follower, "/job_status", &json!({"name": "job6"}))
        .await;
    assert_eq!(status.map(|s| s["success"].clone()), Some(json!(true)));
    // Runner-bound actions on a node that does not own the job are served (forwarded).
    let owners = fleet.owners().await;
    let owner = owners.get("job0").copied().unwrap_or(1);
    let other = [1, 2, 3].into_iter().find(|n| *n != owner).unwrap_or(1);
    for path in ["/get_lag", "/force_fullsync"] {
        let reply = fleet.post(other, path, &json!({"name": "job0"})).await;
        assert_eq!(
            reply.as_ref().map(|r| r["success"].clone()),
            Some(json!(true)),
            "{path}: {reply:?}"
        );
    }
}

/// Drains node 3 (through node 2): it ends up owning and running nothing.
async fn drain_three(fleet: &Fleet) {
    let reply = fleet.post(2, "/cluster/drain", &json!({"id": 3})).await;
    assert_eq!(
        reply.as_ref().map(|r| r["success"].clone()),
        Some(json!(true)),
        "{reply:?}"
    );
    // The leader answered once the drain was committed; node 3 applies it shortly after.
    poll(
        "drained node 3 owns and runs nothing",
        Duration::from_secs(5),
        || async {
            let s = fleet.status(3).await?;
            (s["owned"] == json!([]) && s["runners"] == json!({})).then_some(())
        },
    )
    .await;
    poll(
        "7 jobs balanced over nodes 1 and 2",
        Duration::from_secs(15),
        || balanced_counts(fleet, 7, &[1, 2]),
    )
    .await;
}

/// Removes node 3 (asking node 3 itself): the group goes on with nodes 1 and 2.
async fn remove_three(fleet: &mut Fleet) {
    let reply = fleet.post(3, "/cluster/remove", &json!({"id": 3})).await;
    assert_eq!(
        reply.as_ref().map(|r| r["success"].clone()),
        Some(json!(true)),
        "{reply:?}"
    );
    for id in [1, 2] {
        poll(
            "the removal reaches every member",
            Duration::from_secs(10),
            || async {
                let members = fleet.post(id, "/internal/members", &json!({})).await?;
                let ids: Vec<u64> = members
                    .as_array()?
                    .iter()
                    .filter_map(|m| m["id"].as_u64())
                    .collect();
                (ids == vec![1, 2]).then_some(())
            },
        )
        .await;
    }
    fleet.node(3).kill9();
    fleet.create_job(2, "job7").await;
    for id in [1, 2] {
        let n = poll("list_jobs answers", Duration::from_secs(5), || {
            list_jobs(fleet, id)
        })
        .await;
        assert_eq!(n, 8, "node {id}");
    }
    poll("8 jobs on 2 nodes", Duration::from_secs(15), || {
        balanced_counts(fleet, 8, &[1, 2])
    })
    .await;
}

#[tokio::test]
async fn join_rebalance_drain_remove() {
    let mut fleet = Fleet::three_with_jobs(6).await;
    let counts = poll(
        "6 jobs balanced over 3 nodes",
        Duration::from_secs(15),
        || balanced_counts(&fleet, 6, &[1, 2, 3]),
    )
    .await;
    assert_eq!(counts.values().copied().collect::<Vec<_>>(), vec![2, 2, 2]);
    create_through_follower(&fleet).await;
    drain_three(&fleet).await;
    remove_three(&mut fleet).await;
    check_no_stale_apply(&fleet.applied()).unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn an_operator_adds_a_waiting_node() {
    let mut fleet = Fleet::new();
    fleet.start_seed(true).await;
    for i in 0..2 {
        fleet.create_job(1, &format!("job{i}")).await;
    }
    let waiting = fleet.add(2, vec![]);
    waiting
        .env
        .push(("CCR_FLEET_NO_BOOTSTRAP".into(), "1".into()));
    let (raft_addr, http_addr) = (waiting.raft_addr(), waiting.http_addr());
    fleet.start(2);
    let status = poll(
        "node 2 answers outside any group",
        Duration::from_secs(20),
        || async { fleet.status(2).await.filter(|s| s["leader"].is_null()) },
    )
    .await;
    assert_eq!(status["lease_valid"], json!(false), "{status}");
    let body = json!({"id": 2, "raft_addr": raft_addr, "http_addr": http_addr});
    let reply = fleet.post(1, "/cluster/add_member", &body).await;
    assert_eq!(
        reply.as_ref().map(|r| r["success"].clone()),
        Some(json!(true)),
        "{reply:?}"
    );
    fleet.wait_ready(2).await;
    poll("2 jobs on 2 nodes", Duration::from_secs(15), || {
        balanced_counts(&fleet, 2, &[1, 2])
    })
    .await;
}
