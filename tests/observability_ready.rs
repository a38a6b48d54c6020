//! `/health` and `/ready` transitions on real node processes, plus the Raft and job
//! placement series every node exports: a node waiting to be added is alive but not
//! ready; once added to a three-node group every node is ready, exactly one node exports
//! a job's state and owner, and the leader exports each follower's replication lag; with
//! the quorum gone (two of three killed) the survivor turns unready but stays alive.

mod fleet_common;
mod observability_common;

use std::time::Duration;

use fleet_common::{job_body, poll};
use observability_common::{
    client, find, get, post_json, scrape, value, wait_ready, Node, NodeOpts,
};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(30);

async fn add_member(http: &reqwest::Client, seed: &Node, node: &Node) {
    let body = json!({"id": node.id, "raft_addr": node.raft_addr(), "http_addr": node.addr()});
    let reply = post_json(http, &seed.addr(), "/cluster/add_member", &body).await;
    assert_eq!(
        reply["success"],
        json!(true),
        "add node {}: {reply}",
        node.id
    );
}

/// Waits until exactly one node exports `job`'s owner and state, and returns that node.
async fn single_exporter(http: &reqwest::Client, nodes: &[&Node], job: &str) -> u64 {
    poll("one node exports the job's owner", WAIT, || async {
        let mut exporters = Vec::new();
        for n in nodes {
            let samples = scrape(http, &n.addr()).await?;
            let owner = find(&samples, "ccr_job_owner", &[("job", job)]);
            let state = find(&samples, "ccr_job_state", &[("job", job)]);
            match (owner.as_slice(), state.as_slice()) {
                ([], []) => {}
                ([o], [s]) => {
                    let me = n.id.to_string();
                    let labelled = o.labels.get("owner") == Some(me.as_str())
                        && o.labels.get("node") == Some(me.as_str())
                        && s.labels.get("state") == Some("running");
                    labelled.then_some(())?;
                    exporters.push(n.id);
                }
                _ => return None,
            }
        }
        match exporters.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_follows_membership_leadership_and_quorum() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let http = client();
    let n1 = Node::start(tmp.path(), 1, NodeOpts::default());
    let waiting = || NodeOpts {
        no_bootstrap: true,
        ..NodeOpts::default()
    };
    let n2 = Node::start(tmp.path(), 2, waiting());
    let n3 = Node::start(tmp.path(), 3, waiting());

    // Outside any group: alive, not ready, and says why.
    let body = wait_ready(&http, &n2, 503).await;
    assert_eq!(body["ready"], json!(false), "{body}");
    let reason = body["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("not a member"), "{body}");
    let health = get(&http, &n2.addr(), "/health").await;
    assert_eq!(health.map(|h| h.0), Some(200), "/health while waiting");

    let body = wait_ready(&http, &n1, 200).await;
    assert_eq!(body["ready"], json!(true), "{body}");
    add_member(&http, &n1, &n2).await;
    add_member(&http, &n1, &n3).await;
    for n in [&n1, &n2, &n3] {
        wait_ready(&http, n, 200).await;
    }

    let reply: Value = http
        .post(format!("http://{}/create_ccr", n1.addr()))
        .json(&job_body("obs_ready_job"))
        .send()
        .await
        .expect("create answers")
        .json()
        .await
        .expect("create JSON");
    assert_eq!(reply["success"], json!(true), "{reply}");
    let owner = single_exporter(&http, &[&n1, &n2, &n3], "obs_ready_job").await;
    eprintln!("obs_ready_job is exported by its owner, node {owner}");

    // Raft gauges on every node; follower lag on the leader, for both followers.
    let samples = scrape(&http, &n1.addr()).await.expect("scrape node 1");
    let leader = value(&samples, "ccr_raft_leader_id", &[("node", "1")]).expect("leader id");
    assert!(leader >= 1.0, "a leader is known");
    for m in [
        "ccr_raft_term",
        "ccr_raft_commit_index",
        "ccr_raft_applied_index",
    ] {
        let v = value(&samples, m, &[("node", "1")]).unwrap_or(-1.0);
        assert!(v >= 1.0, "{m} = {v}");
    }
    let leader_node = [&n1, &n2, &n3]
        .into_iter()
        .find(|n| n.id as f64 == leader)
        .expect("leader is one of ours");
    poll("the leader exports both followers' lag", WAIT, || async {
        let samples = scrape(&http, &leader_node.addr()).await?;
        let lags = find(&samples, "ccr_raft_follower_lag", &[]);
        (lags.len() == 2).then_some(())
    })
    .await;

    // A deleted job leaves no series on any node.
    let reply: Value = http
        .post(format!("http://{}/delete", n2.addr()))
        .json(&json!({"name": "obs_ready_job"}))
        .send()
        .await
        .expect("delete answers")
        .json()
        .await
        .expect("delete JSON");
    assert_eq!(reply["success"], json!(true), "{reply}");
    poll("no node exports the deleted job", WAIT, || async {
        for n in [&n1, &n2, &n3] {
            let samples = scrape(&http, &n.addr()).await?;
            let left = samples
                .iter()
                .any(|s| s.labels.get("job") == Some("obs_ready_job"));
            if left {
                return None;
            }
        }
        Some(())
    })
    .await;

    // Quorum lost: kill both followers; the leader keeps running but loses its lease.
    let mut all = vec![n1, n2, n3];
    let at = all.iter().position(|n| n.id as f64 == leader);
    let mut survivor = all.remove(at.expect("leader among the nodes"));
    drop(all);
    let body = wait_ready(&http, &survivor, 503).await;
    assert_eq!(body["ready"], json!(false), "{body}");
    eprintln!("without quorum: {body}");
    let health = get(&http, &survivor.addr(), "/health").await;
    assert_eq!(health.map(|h| h.0), Some(200), "/health without quorum");
    survivor.kill9();
}
