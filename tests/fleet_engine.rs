//! F1 and F3 with the real replication engine: three node processes, six table jobs
//! between two `doris-emu` processes, a steady insert stream; kill -9 (F1) or cut off from
//! the other nodes (F3, through fault-injecting proxies) the node owning the most jobs →
//! its jobs resume on the other nodes, the targets end equal with every row exactly once
//! (SUM columns would double on a double apply), and no full sync is redone.

mod fleet_common;
mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ccr_syncer::doris::SqlClient;
use doris_emu::testing::EmuProcess;
use fleet_common::grow::counts;
use fleet_common::proxy::{proxied_fleet, set_isolated};
use fleet_common::{poll, Fleet};
use serde_json::json;
use support::emu::{emu_opts, spawn_emu};
use support::sum_tables::SumTables;

const JOBS: usize = 6;
/// The source tables, one job each.
const TABLES: SumTables = SumTables {
    db: "f1",
    count: JOBS,
};

/// The node owning the most jobs (the leader on ties) once all jobs are spread 2/2/2.
async fn victim(fleet: &Fleet) -> u64 {
    let owners = poll("jobs spread 2/2/2", Duration::from_secs(30), || async {
        let owners = fleet.owners().await;
        let counts = counts(&owners);
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
        let body = TABLES.job_body(i, src.0, dst.0);
        let reply = fleet.post(1, "/create_ccr", &body).await;
        assert_eq!(reply, Some(json!({"success": true})), "create f1_j{i}");
    }
    TABLES.wait_full_syncs(src.1, dst.1).await;
}

/// Waits until the insert stream reaches the target.
async fn stream_flows(dst: &SqlClient) {
    poll(
        "the stream flows to the target",
        Duration::from_secs(30),
        || async { (TABLES.rows(dst, 0).await?.len() > 3).then_some(()) },
    )
    .await;
}

/// The source (tables created) and target emulators with their SQL clients.
struct Clusters {
    src_emu: EmuProcess,
    src: SqlClient,
    dst_emu: EmuProcess,
    dst: SqlClient,
}

impl Clusters {
    async fn start() -> Clusters {
        let (src_emu, src) = spawn_emu(emu_opts(20_000)).await;
        let (dst_emu, dst) = spawn_emu(emu_opts(40_000)).await;
        TABLES.create(&src).await;
        Clusters {
            src_emu,
            src,
            dst_emu,
            dst,
        }
    }
}

/// Creates the jobs and picks the victim: `(victim, a survivor, the full-sync marks of
/// every job as the survivor reads them)`.
async fn jobs_and_victim(fleet: &Fleet, c: &Clusters) -> (u64, u64, BTreeMap<String, i64>) {
    create_jobs(fleet, (&c.src_emu, &c.src), (&c.dst_emu, &c.dst)).await;
    let x = victim(fleet).await;
    let survivor = [1, 2, 3].into_iter().find(|n| *n != x).unwrap_or(1);
    let marks = fleet.full_sync_marks(survivor, &TABLES.job_names()).await;
    (x, survivor, marks.expect("progress readable"))
}

/// Kills node `x` while the stream flows; returns when its jobs have new owners.
async fn kill_mid_stream(fleet: &mut Fleet, x: u64, dst: &SqlClient) -> Instant {
    stream_flows(dst).await;
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
    let c = Clusters::start().await;
    let mut fleet = Fleet::three(false).await;
    let (x, survivor, marks) = jobs_and_victim(&fleet, &c).await;
    let (src, dst) = (&c.src, &c.dst);
    let stream = TABLES.start_stream(src);
    let killed = kill_mid_stream(&mut fleet, x, dst).await;
    let rounds = TABLES.finish_stream(stream, src, dst).await;
    eprintln!(
        "{rounds} rounds replicated exactly once after {:?}",
        killed.elapsed()
    );
    fleet.assert_no_new_full_sync(survivor, &marks).await;
}

/// Cuts node `x` off while the stream flows; returns when it has self-fenced and the other
/// nodes own all jobs.
async fn cut_mid_stream(
    fleet: &Fleet,
    links: &fleet_common::proxy::Links,
    x: u64,
    dst: &SqlClient,
) {
    stream_flows(dst).await;
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
    let c = Clusters::start().await;
    let (fleet, links) = proxied_fleet(false).await;
    let (x, survivor, marks) = jobs_and_victim(&fleet, &c).await;
    let (src, dst) = (&c.src, &c.dst);
    let stream = TABLES.start_stream(src);
    cut_mid_stream(&fleet, &links, x, dst).await;
    set_isolated(&links, x, false);
    fleet.wait_ready(x).await;
    let rounds = TABLES.finish_stream(stream, src, dst).await;
    eprintln!("{rounds} rounds replicated exactly once across the partition");
    fleet.assert_no_new_full_sync(survivor, &marks).await;
}
