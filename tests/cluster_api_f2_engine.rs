//! F2 (membership) with the real replication engine between two `doris-emu` processes,
//! driven by `syncerctl` under a steady insert stream: one node runs two table jobs, two
//! nodes are added with `member add`, a follower owning a job is drained and removed, and
//! the targets end equal with every row exactly once (SUM columns would double on a double
//! apply) and no full sync redone.

mod fleet_common;
mod syncerctl_common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ccr_syncer::doris::{ClusterSpec, SqlClient, SqlOptions, SqlRow};
use doris_emu::testing::{EmuOptions, EmuProcess};
use fleet_common::{poll, Fleet};
use serde_json::{json, Value};
use syncerctl_common::ctl;

const JOBS: usize = 2;
const WAIT: Duration = Duration::from_secs(60);

async fn emu(id_base: i64) -> (EmuProcess, SqlClient) {
    let emu = tokio::task::spawn_blocking(move || {
        let opts = EmuOptions {
            id_base: Some(id_base),
            ..Default::default()
        };
        EmuProcess::start(opts).expect("doris-emu starts")
    })
    .await
    .expect("spawn_blocking");
    let spec = ClusterSpec {
        host: "127.0.0.1".into(),
        port: emu.query_port().to_string(),
        thrift_port: emu.rpc_port().to_string(),
        user: "root".into(),
        database: "x".into(),
        ..Default::default()
    };
    let sql = SqlClient::new(&spec, None, SqlOptions::default()).expect("sql client");
    (emu, sql)
}

fn side(emu: &EmuProcess, table: &str) -> Value {
    json!({"host": "127.0.0.1", "port": emu.query_port().to_string(),
           "thrift_port": emu.rpc_port().to_string(), "user": "root", "password": "",
           "database": "f2", "table": table})
}

async fn setup_source(src: &SqlClient) {
    src.exec("CREATE DATABASE `f2`").await.expect("db");
    for i in 0..JOBS {
        let ddl = format!(
            "CREATE TABLE `f2`.`t{i}` (id INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
             AGGREGATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2 \
             PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")"
        );
        src.exec(&ddl).await.expect("table");
        let insert = format!("INSERT INTO `f2`.`t{i}` VALUES (0, 1)");
        src.exec(&insert).await.expect("insert");
    }
}

async fn rows(sql: &SqlClient, table: usize) -> Option<Vec<String>> {
    let q = format!("SELECT id, v FROM `f2`.`t{table}` ORDER BY id");
    let rows = sql.query(&q).await.ok()?;
    let text = |r: &SqlRow| {
        let (id, v) = (r.get_opt("id"), r.get_opt("v"));
        format!("{}:{}", id.unwrap_or(""), v.unwrap_or(""))
    };
    Some(rows.iter().map(text).collect())
}

async fn all_equal(src: &SqlClient, dst: &SqlClient) -> Option<()> {
    for t in 0..JOBS {
        let a = rows(src, t).await?;
        if a.is_empty() || rows(dst, t).await? != a {
            return None;
        }
    }
    Some(())
}

/// Inserts one row into every table per round until `stop`; returns the rounds done.
async fn insert_stream(src: SqlClient, stop: Arc<AtomicBool>) -> i64 {
    let mut k = 1i64;
    while !stop.load(Ordering::SeqCst) {
        for t in 0..JOBS {
            let q = format!("INSERT INTO `f2`.`t{t}` VALUES ({k}, 1)");
            src.exec(&q).await.expect("stream insert");
        }
        k += 1;
        // Pace the stream (this is the load, not a wait for a condition).
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    k - 1
}

/// `full_sync_start_at` of every job, read through `addr` with `syncerctl`-style calls.
async fn full_sync_marks(fleet: &Fleet, id: u64) -> Option<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for i in 0..JOBS {
        let name = format!("f2_j{i}");
        let reply = fleet
            .post(id, "/job_progress", &json!({ "name": name }))
            .await?;
        let progress: Value = serde_json::from_str(reply["job_progress"].as_str()?).ok()?;
        out.insert(name, progress["full_sync_start_at"].as_i64()?);
    }
    Some(out)
}

async fn ok(addr: &str, args: &[&str]) {
    let run = ctl(addr, args).await;
    assert_eq!(run.code, 0, "syncerctl {args:?} via {addr}: {run:?}");
}

/// Creates the jobs with `syncerctl job create` through node 1; waits for full syncs.
async fn create_jobs(
    fleet: &Fleet,
    src: (&EmuProcess, &SqlClient),
    dst: (&EmuProcess, &SqlClient),
) {
    for i in 0..JOBS {
        let body = json!({"name": format!("f2_j{i}"), "src": side(src.0, &format!("t{i}")),
                          "dest": side(dst.0, &format!("t{i}"))});
        let file = fleet.tmp.path().join(format!("f2_j{i}.json"));
        std::fs::write(&file, body.to_string()).expect("job file");
        ok(&fleet.addr(1), &["job", "create", &file.to_string_lossy()]).await;
    }
    poll("full syncs done", Duration::from_secs(120), || {
        all_equal(src.1, dst.1)
    })
    .await;
}

/// Starts nodes 2 and 3 (real engine) waiting to be added, and adds them with syncerctl.
async fn add_two(fleet: &mut Fleet) {
    for id in [2, 3] {
        let node = fleet.add(id, vec![]);
        node.dry_run = false;
        node.join = vec![node.http_addr()];
        fleet.start(id);
    }
    let a1 = fleet.addr(1);
    for id in [2u64, 3] {
        let (raft, http) = (fleet.node(id).raft_addr(), fleet.addr(id));
        poll("the new node answers", WAIT, || async {
            let run = ctl(&http, &["status"]).await;
            (!run.stderr.contains("cannot reach")).then_some(())
        })
        .await;
        ok(&a1, &["member", "add", &id.to_string(), &raft, &http]).await;
        fleet.wait_ready(id).await;
    }
}

/// A follower that owns a job once the two jobs sit on two different nodes, and the
/// table of that job.
async fn busy_follower(fleet: &Fleet) -> (u64, usize) {
    let owners = poll("jobs on two nodes", WAIT, || async {
        let owners = fleet.owners().await;
        let nodes: std::collections::BTreeSet<u64> = owners.values().copied().collect();
        (owners.len() == JOBS && nodes.len() == JOBS).then_some(owners)
    })
    .await;
    let leader = fleet.leader_seen_by(1).await.expect("leader");
    let (job, node) = owners
        .iter()
        .find(|(_, n)| **n != leader)
        .expect("a follower owns a job");
    let table = job.trim_start_matches("f2_j").parse().expect("job name");
    (*node, table)
}

/// Waits until table `t`'s target has `more` rows beyond what it has now: the job's new
/// owner applies the live stream.
async fn target_advances(dst: &SqlClient, t: usize, more: usize) {
    let now = rows(dst, t).await.map_or(0, |r| r.len());
    poll("the moved job applies new rows", WAIT, || async {
        (rows(dst, t).await?.len() >= now + more).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f2_membership_with_the_real_engine() {
    let (src_emu, src) = emu(20_000).await;
    let (dst_emu, dst) = emu(40_000).await;
    setup_source(&src).await;
    let mut fleet = Fleet::new();
    fleet.add(1, vec![]).dry_run = false;
    fleet.start(1);
    fleet.wait_ready(1).await;
    create_jobs(&fleet, (&src_emu, &src), (&dst_emu, &dst)).await;
    let marks = full_sync_marks(&fleet, 1).await.expect("progress readable");
    let stop = Arc::new(AtomicBool::new(false));
    let stream = tokio::spawn(insert_stream(src.clone(), stop.clone()));

    add_two(&mut fleet).await;
    let (x, moved) = busy_follower(&fleet).await;
    let rest: Vec<u64> = [1, 2, 3].into_iter().filter(|n| *n != x).collect();
    let via = fleet.addr(rest[0]);
    ok(&via, &["drain", &x.to_string()]).await;
    ok(&via, &["member", "remove", &x.to_string()]).await;
    poll("jobs on the two left", WAIT, || async {
        let owners = fleet.owners().await;
        let all = owners.len() == JOBS && owners.values().all(|n| rest.contains(n));
        all.then_some(())
    })
    .await;
    target_advances(&dst, moved, 5).await;

    stop.store(true, Ordering::SeqCst);
    let rounds = stream.await.expect("stream task");
    poll(
        "targets equal after the stream",
        Duration::from_secs(120),
        || all_equal(&src, &dst),
    )
    .await;
    eprintln!("{rounds} rounds replicated exactly once across add, drain and remove");
    let after = full_sync_marks(&fleet, rest[0])
        .await
        .expect("progress readable");
    assert_eq!(after, marks, "no job redid a full sync");
}
