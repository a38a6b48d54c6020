//! F2 (membership) with the real replication engine between two `doris-emu` processes,
//! driven by `syncerctl` under a steady insert stream: one node runs two table jobs, two
//! nodes are added with `member add`, a follower owning a job is drained and removed, and
//! the targets end equal with every row exactly once (SUM columns would double on a double
//! apply) and no full sync redone.

mod fleet_common;
mod support;
mod syncerctl_common;

use std::time::Duration;

use ccr_syncer::doris::SqlClient;
use doris_emu::testing::EmuProcess;
use fleet_common::{poll, Fleet};
use support::emu::{emu_opts, spawn_emu};
use support::sum_tables::SumTables;
use syncerctl_common::ctl;

const JOBS: usize = 2;
/// The source tables, one job each.
const TABLES: SumTables = SumTables {
    db: "f2",
    count: JOBS,
};
const WAIT: Duration = Duration::from_secs(60);

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
        let body = TABLES.job_body(i, src.0, dst.0);
        let file = fleet.tmp.path().join(format!("f2_j{i}.json"));
        std::fs::write(&file, body.to_string()).expect("job file");
        ok(&fleet.addr(1), &["job", "create", &file.to_string_lossy()]).await;
    }
    TABLES.wait_full_syncs(src.1, dst.1).await;
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
    let now = TABLES.rows(dst, t).await.map_or(0, |r| r.len());
    poll("the moved job applies new rows", WAIT, || async {
        (TABLES.rows(dst, t).await?.len() >= now + more).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f2_membership_with_the_real_engine() {
    let (src_emu, src) = spawn_emu(emu_opts(20_000)).await;
    let (dst_emu, dst) = spawn_emu(emu_opts(40_000)).await;
    TABLES.create(&src).await;
    let mut fleet = Fleet::new();
    fleet.start_seed(false).await;
    create_jobs(&fleet, (&src_emu, &src), (&dst_emu, &dst)).await;
    let marks = fleet
        .full_sync_marks(1, &TABLES.job_names())
        .await
        .expect("progress readable");
    let stream = TABLES.start_stream(&src);

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

    let rounds = TABLES.finish_stream(stream, &src, &dst).await;
    eprintln!("{rounds} rounds replicated exactly once across add, drain and remove");
    fleet.assert_no_new_full_sync(rest[0], &marks).await;
}
