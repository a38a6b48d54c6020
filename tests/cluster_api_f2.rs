//! Scenario F2 (membership) with three real node processes, driven by `syncerctl`:
//! one node with two jobs, two nodes added with `member add` (one through a follower),
//! jobs rebalance, `drain` empties a node, `member remove` takes it out, and the group
//! keeps working with two nodes. A background prober checks that the API answers on every
//! node throughout.

mod fleet_common;
mod syncerctl_common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use fleet_common::{poll, Fleet};
use parking_lot::Mutex;
use serde_json::{json, Value};
use syncerctl_common::{ctl, Run};

const WAIT: Duration = Duration::from_secs(30);

/// Runs syncerctl and requires exit 0.
async fn ok(addr: &str, args: &[&str]) -> Run {
    let run = ctl(addr, args).await;
    assert_eq!(run.code, 0, "syncerctl {args:?} via {addr}: {run:?}");
    run
}

/// `member list --json` through `addr`: id → member.
async fn members(addr: &str) -> Option<BTreeMap<u64, Value>> {
    let run = ctl(addr, &["--json", "member", "list"]).await;
    let v: Value = serde_json::from_str(&run.stdout).ok()?;
    let list = v["members"].as_array()?;
    Some(
        list.iter()
            .filter_map(|m| Some((m["id"].as_u64()?, m.clone())))
            .collect(),
    )
}

/// Job → owner as the members' own statuses report it, when every job has an owner and
/// the counts over `nodes` differ by at most one.
async fn balanced(fleet: &Fleet, jobs: usize, nodes: &[u64]) -> Option<BTreeMap<String, u64>> {
    let owners = fleet.owners().await;
    let mut counts: BTreeMap<u64, usize> = nodes.iter().map(|n| (*n, 0)).collect();
    for owner in owners.values() {
        *counts.get_mut(owner)? += 1;
    }
    let (min, max) = (counts.values().min()?, counts.values().max()?);
    (owners.len() == jobs && max - min <= 1).then_some(owners)
}

/// Probes `/list_jobs` on every address until stopped; records failures.
fn spawn_prober(addrs: Vec<String>, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<Vec<String>> {
    let failures = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(async move {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        while !stop.load(Ordering::SeqCst) {
            for addr in &addrs {
                let url = format!("http://{addr}/list_jobs");
                let reply = http.post(url).json(&json!({})).send().await;
                let good = match reply {
                    Ok(r) => r.json::<Value>().await.is_ok_and(|v| v["success"] == true),
                    Err(_) => false,
                };
                if !good {
                    failures.lock().push(addr.clone());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let out = failures.lock().clone();
        out
    })
}

/// Starts node `id` so that it waits to be added: it "joins" through its own address,
/// which cannot add it, so only `syncerctl member add` makes it a member.
fn start_unjoined(fleet: &mut Fleet, id: u64) -> (String, String) {
    let node = fleet.add(id, vec![]);
    node.join = vec![node.http_addr()];
    let addrs = (node.raft_addr(), node.http_addr());
    fleet.start(id);
    addrs
}

/// `member add` refuses a node that does not answer and one with its own group.
async fn refuse_bad_adds(fleet: &mut Fleet, via: &str) {
    let dead = fleet_common::free_port().to_string();
    let dead = format!("127.0.0.1:{dead}");
    let run = ctl(via, &["member", "add", "9", &dead, &dead]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("does not answer (connection refused); start it first"),
        "{}",
        run.stderr
    );
    fleet.add(4, vec![]);
    fleet.start(4);
    fleet.wait_ready(4).await;
    let (r4, h4) = (fleet.node(4).raft_addr(), fleet.addr(4));
    let run = ctl(via, &["member", "add", "4", &r4, &h4]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("already belongs to a group"),
        "{}",
        run.stderr
    );
    fleet.node(4).kill9();
    fleet.nodes.remove(&4);
}

/// Both unjoined nodes answer, and say they are outside any group (exit 1).
async fn outside_any_group(addrs: [&str; 2]) {
    for addr in addrs {
        // Polled: the process may not listen yet.
        let run = poll("an unjoined node answering", WAIT, || async {
            let run = ctl(addr, &["member", "list"]).await;
            (!run.stderr.contains("cannot reach")).then_some(run)
        })
        .await;
        assert_eq!(run.code, 1, "{run:?}");
        let msg = &run.stderr;
        assert!(msg.contains("not a member of any group"), "{msg}");
    }
}

/// Adds nodes 2 and 3 (the second through a follower: forwarded to the leader) and
/// waits for three voters and two jobs balanced over them; job → owner.
async fn grow(fleet: &mut Fleet, new: [(String, String); 2]) -> BTreeMap<String, u64> {
    let a1 = fleet.addr(1);
    let [(r2, h2), (r3, h3)] = new;
    ok(&a1, &["member", "add", "2", &r2, &h2]).await;
    fleet.wait_ready(2).await;
    let leader_is_1 = fleet.leader_seen_by(1).await == Some(1);
    let follower = if leader_is_1 { &h2 } else { &a1 };
    ok(follower, &["member", "add", "3", &r3, &h3]).await;
    fleet.wait_ready(3).await;
    refuse_bad_adds(fleet, &a1).await;
    let list = poll("three voters", WAIT, || async {
        let m = members(&h3).await?;
        (m.len() == 3 && m.values().all(|v| v["role"] == "voter")).then_some(m)
    })
    .await;
    assert_eq!(list.values().filter(|m| m["is_leader"] == true).count(), 1);
    let balanced3 = || balanced(fleet, 2, &[1, 2, 3]);
    poll("two jobs balanced over three nodes", WAIT, balanced3).await
}

/// Drains `victim` through `via`, then removes it through itself (forwarded).
async fn drain_and_remove(fleet: &Fleet, victim: u64, via: &str, rest: &[u64]) {
    let id = victim.to_string();
    ok(via, &["drain", &id]).await;
    // The leader's view right after the drain returns; the node's replica follows.
    let m = members(via).await.expect("member list");
    assert_eq!(
        m[&victim]["jobs_owned"], 0,
        "drained node owns nothing: {m:?}"
    );
    assert_eq!(m[&victim]["draining"], true);
    poll("the drained node sees itself own nothing", WAIT, || async {
        let s = fleet.status(victim).await?;
        (s["owned"] == json!([]) && s["runners"] == json!({})).then_some(())
    })
    .await;
    poll("jobs on the remaining nodes", WAIT, || {
        balanced(fleet, 2, rest)
    })
    .await;
    ok(&fleet.addr(victim), &["member", "remove", &id]).await;
    poll("two members left", WAIT, || async {
        let m = members(via).await?;
        (m.len() == 2 && !m.contains_key(&victim)).then_some(())
    })
    .await;
}

/// The two-node group keeps working: job writes through each remaining node.
async fn still_works(fleet: &Fleet, rest: &[u64], via: &str) {
    for (i, n) in rest.iter().enumerate() {
        let addr = fleet.addr(*n);
        let file = fleet.tmp.path().join(format!("new{i}.json"));
        let body = fleet_common::job_body(&format!("new{i}"));
        std::fs::write(&file, body.to_string()).expect("write job file");
        ok(&addr, &["job", "create", &file.to_string_lossy()]).await;
        ok(&addr, &["job", "pause", "job0"]).await;
        ok(&addr, &["job", "resume", "job0"]).await;
    }
    poll("four jobs on two nodes", WAIT, || balanced(fleet, 4, rest)).await;
    let table = ok(via, &["member", "list"]).await.stdout;
    assert!(table.starts_with("ID  RAFT ADDR"), "{table}");
    let run = ok(via, &["--json", "job", "list"]).await;
    let v: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(v["jobs"], json!(["job0", "job1", "new0", "new1"]));
    let table = ok(via, &["job", "list"]).await.stdout;
    assert!(table.starts_with("NAME  STATE    OWNER"), "{table}");
    assert_eq!(table.lines().count(), 5, "{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f2_membership_with_syncerctl() {
    let mut fleet = Fleet::new();
    fleet.start_seed(true).await;
    fleet.create_job(1, "job0").await;
    fleet.create_job(1, "job1").await;
    let new = [start_unjoined(&mut fleet, 2), start_unjoined(&mut fleet, 3)];
    outside_any_group([&new[0].1, &new[1].1]).await;
    let stop = Arc::new(AtomicBool::new(false));
    let all = vec![fleet.addr(1), new[0].1.clone(), new[1].1.clone()];
    let prober = spawn_prober(all, stop.clone());

    let owners = grow(&mut fleet, new).await;
    // Drain and remove a follower that owns a job (balanced: at least one does).
    let leader = fleet.leader_seen_by(1).await.expect("leader known");
    let victim = owners.values().find(|n| **n != leader);
    let victim = *victim.expect("a follower owns a job");
    let rest: Vec<u64> = [1, 2, 3].into_iter().filter(|n| *n != victim).collect();
    let via = fleet.addr(rest[0]);
    drain_and_remove(&fleet, victim, &via, &rest).await;
    still_works(&fleet, &rest, &via).await;

    stop.store(true, Ordering::SeqCst);
    let failures = prober.await.expect("prober");
    assert!(failures.is_empty(), "API did not answer: {failures:?}");
}
