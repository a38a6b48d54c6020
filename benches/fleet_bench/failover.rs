//! b. Job failover with the real engine: three release `ccr-syncer` processes, two release
//! `doris-emu` (source, target), six table jobs, a steady insert stream into every source
//! table. Each round kills -9 the owner of job `round % 6` (sometimes the leader), and
//! measures, per job of the dead node, the time from the kill to the first new row on the
//! target table (= first binlog applied by the new owner); then restarts the node and
//! waits until the jobs are balanced and flowing again.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use ccr_syncer::doris::{ClusterSpec, SqlClient, SqlOptions};
use doris_emu::testing::{EmuOptions, EmuProcess};
use serde_json::{json, Value};

use crate::fleet_common::Fleet;
use crate::util::{balanced, cluster_leader, lease_losses, poll_every, summary, three_nodes};

const JOBS: usize = 6;
/// Pause between two insert rounds (one row into every table per round).
const STREAM_PACE: Duration = Duration::from_millis(30);
/// Counting starts this long after the kill: nothing the dead owner had in flight can land
/// later, and no new owner can exist this early (the grace alone is over 1 s).
const SETTLE: Duration = Duration::from_millis(200);

/// Measured samples.
#[derive(Default)]
pub struct Failover {
    /// Kill of a non-leader owner → first new target row, per moved job.
    pub follower: Vec<Duration>,
    /// Kill of the leader (also an owner) → first new target row, per moved job.
    pub leader: Vec<Duration>,
    /// Self-fencing events of live nodes ("Lease lost" log lines).
    pub lease_losses: usize,
}

async fn emu(id_base: i64) -> anyhow::Result<(EmuProcess, SqlClient)> {
    let emu = tokio::task::spawn_blocking(move || {
        EmuProcess::start(EmuOptions {
            id_base: Some(id_base),
            ..Default::default()
        })
    })
    .await??;
    let spec = ClusterSpec {
        host: "127.0.0.1".into(),
        port: emu.query_port().to_string(),
        thrift_port: emu.rpc_port().to_string(),
        user: "root".into(),
        database: "x".into(),
        ..Default::default()
    };
    let sql = SqlClient::new(&spec, None, SqlOptions::default())?;
    Ok((emu, sql))
}

fn side(emu: &EmuProcess, table: usize) -> Value {
    json!({"host": "127.0.0.1", "port": emu.query_port().to_string(),
           "thrift_port": emu.rpc_port().to_string(), "user": "root", "password": "",
           "database": "fb", "table": format!("t{table}")})
}

async fn setup_source(src: &SqlClient) -> anyhow::Result<()> {
    src.exec("CREATE DATABASE `fb`").await?;
    for i in 0..JOBS {
        let ddl = format!(
            "CREATE TABLE `fb`.`t{i}` (id INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
             AGGREGATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2 \
             PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")"
        );
        src.exec(&ddl).await?;
        src.exec(&format!("INSERT INTO `fb`.`t{i}` VALUES (0, 1)"))
            .await?;
    }
    Ok(())
}

async fn count(sql: &SqlClient, table: usize) -> Option<i64> {
    let q = format!("SELECT COUNT(*) AS n FROM `fb`.`t{table}`");
    sql.query(&q).await.ok()?.first()?.get_i64("n").ok()
}

/// One new row into every table per round until `stop`.
async fn insert_stream(src: SqlClient, stop: Arc<AtomicBool>) -> anyhow::Result<i64> {
    let mut k = 1i64;
    while !stop.load(Ordering::SeqCst) {
        for t in 0..JOBS {
            src.exec(&format!("INSERT INTO `fb`.`t{t}` VALUES ({k}, 1)"))
                .await?;
        }
        k += 1;
        tokio::time::sleep(STREAM_PACE).await;
    }
    Ok(k - 1)
}

/// Waits until every target table in `tables` has more rows than in `base`, recording
/// for each the time since `since` when it first did.
async fn first_rows(
    dst: &SqlClient,
    tables: &[usize],
    since: Instant,
) -> anyhow::Result<Vec<Duration>> {
    let mut base = BTreeMap::new();
    for t in tables {
        base.insert(*t, count(dst, *t).await.context("target count")?);
    }
    let mut seen: BTreeMap<usize, Duration> = BTreeMap::new();
    while seen.len() < tables.len() {
        anyhow::ensure!(
            since.elapsed() < Duration::from_secs(30),
            "no new rows on the target"
        );
        for t in tables {
            if !seen.contains_key(t) && count(dst, *t).await.is_some_and(|n| n > base[t]) {
                seen.insert(*t, since.elapsed());
            }
        }
        // Polling period (the measurement's resolution), not a wait for a condition.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(seen.into_values().collect())
}

/// Runs `kills` rounds; returns the samples.
pub async fn run(kills: usize) -> anyhow::Result<Failover> {
    let (src_emu, src) = emu(20_000).await?;
    let (dst_emu, dst) = emu(40_000).await?;
    setup_source(&src).await?;
    let mut fleet = three_nodes(|n| n.dry_run = false).await?;
    for i in 0..JOBS {
        let body = json!({"name": format!("fb_j{i}"), "src": side(&src_emu, i),
                          "dest": side(&dst_emu, i)});
        let reply = fleet.post(1, "/create_ccr", &body).await;
        anyhow::ensure!(
            reply == Some(json!({"success": true})),
            "create fb_j{i}: {reply:?}"
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let stream = tokio::spawn(insert_stream(src.clone(), stop.clone()));
    let all_tables: Vec<usize> = (0..JOBS).collect();
    for t in &all_tables {
        let (every, long) = (Duration::from_millis(100), Duration::from_secs(120));
        poll_every("full sync", every, long, || async {
            (count(&dst, *t).await? > 0).then_some(())
        })
        .await?;
    }
    let mut out = Failover::default();
    for round in 0..kills {
        let owners = balanced(&fleet, JOBS, &[1, 2, 3], Duration::from_secs(60)).await?;
        first_rows(&dst, &all_tables, Instant::now()).await?;
        let samples = one_kill(&mut fleet, &owners, round, &dst, &mut out).await?;
        eprintln!("  round {round}: {samples}");
    }
    out.lease_losses = lease_losses(&fleet);
    stop.store(true, Ordering::SeqCst);
    let rounds = stream.await??;
    eprintln!("  insert stream: {rounds} rounds x {JOBS} tables");
    drop((src_emu, dst_emu));
    Ok(out)
}

async fn one_kill(
    fleet: &mut Fleet,
    owners: &BTreeMap<String, u64>,
    round: usize,
    dst: &SqlClient,
    out: &mut Failover,
) -> anyhow::Result<String> {
    let victim = owners[&format!("fb_j{}", round % JOBS)];
    let was_leader = cluster_leader(fleet, victim).await == Some(victim);
    let tables: Vec<usize> = (0..JOBS)
        .filter(|t| owners.get(&format!("fb_j{t}")) == Some(&victim))
        .collect();
    let killed = Instant::now();
    fleet.node(victim).kill9();
    // A fixed offset, not a wait for a condition: see SETTLE.
    tokio::time::sleep(SETTLE).await;
    let times = first_rows(dst, &tables, killed).await?;
    let ms: Vec<String> = times
        .iter()
        .map(|d| format!("{:.0}", d.as_secs_f64() * 1e3))
        .collect();
    let role = if was_leader { "leader" } else { "follower" };
    let target = if was_leader {
        &mut out.leader
    } else {
        &mut out.follower
    };
    target.extend(times);
    fleet.start(victim);
    fleet.wait_ready(victim).await;
    Ok(format!(
        "killed node {victim} ({role}), jobs {tables:?} first applied after [{}] ms",
        ms.join(", ")
    ))
}

/// Prints the result lines.
pub fn print(r: &Failover) {
    let all: Vec<Duration> = r.follower.iter().chain(&r.leader).copied().collect();
    println!("b. job failover, real engine + doris-emu, kill -9 of the owner → first new target row (per moved job):");
    println!("   all:              {}", summary(&all));
    println!("   owner = follower: {}", summary(&r.follower));
    println!("   owner = leader:   {}", summary(&r.leader));
    println!(
        "   healthy nodes that self-fenced (\"Lease lost\") during the run: {}",
        r.lease_losses
    );
}
