//! `syncerctl member remove <leader>`: the leader drains itself, leaves, a remaining node
//! takes over, and `leader` / `member list` / job calls keep working on the two left.

mod fleet_common;
mod syncerctl_common;

use std::time::Duration;

use fleet_common::{poll, Fleet};
use serde_json::Value;
use syncerctl_common::ctl;

const WAIT: Duration = Duration::from_secs(30);

async fn json_of(addr: &str, args: &[&str]) -> Option<Value> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let run = ctl(addr, &all).await;
    (run.code == 0).then(|| serde_json::from_str(&run.stdout).ok())?
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_the_leader_hands_over() {
    let fleet = Fleet::three_with_jobs(3).await;
    let via = fleet.addr(2);
    poll("three voters", WAIT, || async {
        let v = json_of(&via, &["member", "list"]).await?;
        (v["members"].as_array()?.len() == 3).then_some(())
    })
    .await;
    let leader = fleet.leader_seen_by(2).await.expect("a leader");
    let run = ctl(&via, &["member", "remove", &leader.to_string()]).await;
    assert_eq!(run.code, 0, "{run:?}");

    let rest: Vec<u64> = [1, 2, 3].into_iter().filter(|n| *n != leader).collect();
    let other = fleet.addr(rest[1]);
    let new_leader = poll("a new leader among the two left", WAIT, || async {
        let v = json_of(&other, &["leader"]).await?;
        let id = v["leader"]["id"].as_u64()?;
        rest.contains(&id).then_some(id)
    })
    .await;
    let members = poll("two members", WAIT, || async {
        let v = json_of(&other, &["member", "list"]).await?;
        let list = v["members"].as_array()?.clone();
        (list.len() == 2).then_some(list)
    })
    .await;
    let ids: Vec<u64> = members.iter().filter_map(|m| m["id"].as_u64()).collect();
    assert_eq!(ids, rest, "leader {new_leader}");
    poll("all jobs on the two left", WAIT, || async {
        let owners = fleet.owners().await;
        let all = owners.len() == 3 && owners.values().all(|n| rest.contains(n));
        all.then_some(())
    })
    .await;
    let run = ctl(&other, &["job", "pause", "job0"]).await;
    assert_eq!(run.code, 0, "{run:?}");
}
