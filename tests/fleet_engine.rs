//! F1 and F3 with the real replication engine: three node processes, six table jobs
//! between two `doris-emu` processes, a steady insert stream; kill -9 (F1) or cut off from
//! the other nodes (F3, through fault-injecting proxies) the node owning the most jobs →
//! its jobs resume on the other nodes, the targets end equal with every row exactly once
//! (SUM columns would double on a double apply), and no full sync is redone.

mod fleet_common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ccr_syncer::doris::{ClusterSpec, SqlClient, SqlOptions, SqlRow};
use doris_emu::testing::{EmuOptions, EmuProcess};
use fleet_common::proxy::{proxied_fleet, set_isolated};
use fleet_common::{poll, Fleet};
use serde_json::{json, Value};

const JOBS: usize = 6;

async fn emu(id_base: i64) -> (EmuProcess, SqlClient) {
    let emu = tokio::task::spawn_blocking(move || {
        EmuProcess::start(EmuOptions {
            id_base: Some(id_base),
            ..Default::default()
        })
        .expect("doris-emu starts")
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
           "database": "f1", "table": table})
}

async fn setup_source(src: &SqlClient) {
    src.exec("CREATE DATABASE `f1`").await.expect("db");
    for i in 0..JOBS {
        let ddl = format!(
            "CREATE TABLE `f1`.`t{i}` (id INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
             AGGREGATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2 \
             PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")"
        );
        src.exec(&ddl).await.expect("table");
        let insert = format!("INSERT INTO `f1`.`t{i}` VALUES (0, 1)");
        src.exec(&insert).await.expect("insert");
    }
}

async fn rows(sql: &SqlClient, table: usize) -> Option<Vec<String>> {
    let q = format!("SELECT id, v FROM `f1`.`t{table}` ORDER BY id");
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

/// `full_sync_start_at` of every job, read through node `id`.
async fn full_sync_marks(fleet: &Fleet, id: u64) -> Option<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for i in 0..JOBS {
        let name = format!("f1_j{i}");
        let reply = fleet
            .post(id, "/job_progress", &json!({ "name": name }))
            .await?;
        let progress: Value = serde_json::from_str(reply["job_progress"].as_str()?).ok()?;
        out.insert(name, progress["full_sync_start_at"].as_i64()?);
    }
    Some(out)
}

/// Inserts one new row into every table per round until `stop`; returns the rounds done.
async fn insert_stream(src: SqlClient, stop: Arc<AtomicBool>) -> i64 {
    let mut k = 1i64;
    while !stop.load(Ordering::SeqCst) {
        for t in 0..JOBS {
            let q = format!("INSERT INTO `f1`.`t{t}` VALUES ({k}, 1)");
            src.exec(&q).await.expect("stream insert");
        }
        k += 1;
        // Pace the stream (this is the load, not a wait for a condition).
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    k - 1
}

/// Starts nodes 1..=3 with the real engine; 2 and 3 join 1.
async fn engine_fleet() -> Fleet {
    let mut fleet = Fleet::new();
    fleet.add(1, vec![]).dry_run = false;
    fleet.start(1);
    fleet.wait_ready(1).await;
    let seed = fleet.addr(1);
    for id in [2, 3] {
        fleet.add(id, vec![seed.clone()]).dry_run = false;
        fleet.start(id);
    }
    for id in [1, 2, 3] {
        fleet.wait_ready(id).await;
    }
    fleet
}

/// The node owning the most jobs (the leader on ties) once all jobs are spread 2/2/2.
async fn victim(fleet: &Fleet) -> u64 {
    let owners = poll("jobs spread 2/2/2", Duration::from_secs(30), || async {
        let owners = fleet.owners().await;
        let mut counts = BTreeMap::<u64, usize>::new();
        owners
            .values()
            .for_each(|n| *counts.entry(*n).or_default() += 1);
        (owners.len() == JOBS && counts.len() == 3).then_some(counts)
    })
    .await;
    let leader = fleet.leader_seen_by(1).await.unwrap_or(1);
    let max = owners.values().copied().max().unwrap_or(0);
    if owners.get(&leader) == Some(&max) {
        return leader;
    }
    owners
        .iter()
        .find(|(_, c)| **c == max)
        .map_or(1, |(n, _)| *n)
}

/// Creates the six jobs through node 1 and waits for their full syncs.
async fn create_jobs(
    fleet: &Fleet,
    src: (&EmuProcess, &SqlClient),
    dst: (&EmuProcess, &SqlClient),
) {
    for i in 0..JOBS {
        let body = json!({"name": format!("f1_j{i}"), "src": side(src.0, &format!("t{i}")),
                          "dest": side(dst.0, &format!("t{i}"))});
        let reply = fleet.post(1, "/create_ccr", &body).await;
        assert_eq!(reply, Some(json!({"success": true})), "create f1_j{i}");
    }
    poll("full syncs done", Duration::from_secs(120), || {
        all_equal(src.1, dst.1)
    })
    .await;
}

/// Kills node `x` while the stream flows; returns when its jobs have new owners.
async fn kill_mid_stream(fleet: &mut Fleet, x: u64, dst: &SqlClient) -> Instant {
    poll(
        "the stream flows to the target",
        Duration::from_secs(30),
        || async { (rows(dst, 0).await?.len() > 3).then_some(()) },
    )
    .await;
    let killed = Instant::now();
    fleet.node(x).kill9();
    poll(
        "the dead node's jobs have new owners",
        Duration::from_secs(15),
        || async {
            let owners = fleet.owners().await;
            (owners.len() == JOBS && owners.values().all(|n| *n != x)).then_some(())
        },
    )
    .await;
    eprintln!(
        "node {x} killed; jobs reassigned after {:?}",
        killed.elapsed()
    );
    killed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f1_kill_the_busiest_owner_under_a_steady_stream() {
    let (src_emu, src) = emu(20_000).await;
    let (dst_emu, dst) = emu(40_000).await;
    setup_source(&src).await;
    let mut fleet = engine_fleet().await;
    create_jobs(&fleet, (&src_emu, &src), (&dst_emu, &dst)).await;
    let x = victim(&fleet).await;
    let survivor = [1, 2, 3].into_iter().find(|n| *n != x).unwrap_or(1);
    let marks = full_sync_marks(&fleet, survivor)
        .await
        .expect("progress readable");
    let stop = Arc::new(AtomicBool::new(false));
    let stream = tokio::spawn(insert_stream(src.clone(), stop.clone()));
    let killed = kill_mid_stream(&mut fleet, x, &dst).await;
    stop.store(true, Ordering::SeqCst);
    let rounds = stream.await.expect("stream task");
    poll(
        "targets equal after the stream",
        Duration::from_secs(120),
        || all_equal(&src, &dst),
    )
    .await;
    eprintln!(
        "{rounds} rounds replicated exactly once after {:?}",
        killed.elapsed()
    );
    let after = full_sync_marks(&fleet, survivor)
        .await
        .expect("progress readable");
    assert_eq!(after, marks, "no job redid a full sync");
}

/// Cuts node `x` off while the stream flows; returns when it has self-fenced and the other
/// nodes own all jobs.
async fn cut_mid_stream(
    fleet: &Fleet,
    links: &fleet_common::proxy::Links,
    x: u64,
    dst: &SqlClient,
) {
    poll(
        "the stream flows to the target",
        Duration::from_secs(30),
        || async { (rows(dst, 0).await?.len() > 3).then_some(()) },
    )
    .await;
    let cut = Instant::now();
    set_isolated(links, x, true);
    poll(
        "the cut-off owner self-fences",
        Duration::from_secs(5),
        || async {
            let s = fleet.status(x).await?;
            (s["lease_valid"] == json!(false) && s["runners"] == json!({})).then_some(())
        },
    )
    .await;
    eprintln!("node {x} self-fenced after {:?}", cut.elapsed());
    let others: Vec<u64> = [1, 2, 3].into_iter().filter(|n| *n != x).collect();
    poll(
        "the other nodes own every job",
        Duration::from_secs(15),
        || async {
            let owners = fleet.owners_seen_by(&others).await;
            (owners.len() == JOBS).then_some(())
        },
    )
    .await;
    eprintln!("jobs of node {x} reassigned after {:?}", cut.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f3_cut_off_the_busiest_owner_under_a_steady_stream() {
    let (src_emu, src) = emu(20_000).await;
    let (dst_emu, dst) = emu(40_000).await;
    setup_source(&src).await;
    let (fleet, links) = proxied_fleet(false).await;
    create_jobs(&fleet, (&src_emu, &src), (&dst_emu, &dst)).await;
    let x = victim(&fleet).await;
    let survivor = [1, 2, 3].into_iter().find(|n| *n != x).unwrap_or(1);
    let marks = full_sync_marks(&fleet, survivor)
        .await
        .expect("progress readable");
    let stop = Arc::new(AtomicBool::new(false));
    let stream = tokio::spawn(insert_stream(src.clone(), stop.clone()));
    cut_mid_stream(&fleet, &links, x, &dst).await;
    set_isolated(&links, x, false);
    fleet.wait_ready(x).await;
    stop.store(true, Ordering::SeqCst);
    let rounds = stream.await.expect("stream task");
    poll(
        "targets equal after the stream",
        Duration::from_secs(120),
        || all_equal(&src, &dst),
    )
    .await;
    eprintln!("{rounds} rounds replicated exactly once across the partition");
    let after = full_sync_marks(&fleet, survivor)
        .await
        .expect("progress readable");
    assert_eq!(after, marks, "no job redid a full sync");
}
