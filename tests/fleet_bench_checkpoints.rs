//! Benchmark (ignored by default; run with `--ignored --nocapture`, ideally `--release`):
//! progress checkpoints through Raft on three in-process nodes, batched by the
//! `ProgressBatcher`, from the leader and from a follower (forwarded). Prints sustained
//! saves/s and p50/p99 latency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ccr_syncer::config::NodeConfig;
use ccr_syncer::fleet::batcher::ProgressBatcher;
use ccr_syncer::node::{Node, NodeHandle, NodeOptions};
use serde_json::json;
use syncer_raft::command::{Command, CommandResponse, ProgressWrite};
use syncer_raft::model::JobState;
use tokio_util::sync::CancellationToken;

const JOBS: usize = 1000;
const RUN: Duration = Duration::from_secs(5);

async fn node(id: u64, dir: &std::path::Path, join: Vec<String>) -> NodeHandle {
    let mut cfg = NodeConfig::default();
    cfg.node.id = id;
    cfg.node.listen_host = "127.0.0.1".into();
    cfg.node.http_port = 0;
    cfg.node.raft_port = 0;
    cfg.node.data_dir = dir.join(format!("n{id}"));
    cfg.node.join = join;
    Node::start(NodeOptions::new(cfg), CancellationToken::new())
        .await
        .expect("node starts")
}

async fn wait_voters(n: &NodeHandle, voters: usize) {
    let start = Instant::now();
    while n.members().iter().filter(|m| m.voter).count() < voters {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "group never formed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Creates paused jobs assigned to node 1; returns their epochs.
async fn jobs(leader: &NodeHandle) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for i in 0..JOBS {
        let name = format!("bench{i}");
        let create = Command::CreateJob {
            name: name.clone(),
            spec: json!({}),
            state: JobState::Paused,
            at_ms: 0,
        };
        leader.fleet().writer.write(create).await.expect("create");
        let assign = Command::Assign {
            job: name.clone(),
            node: 1,
            expect_epoch: None,
        };
        match leader.fleet().writer.write(assign).await {
            Ok(CommandResponse::Assigned { epoch }) => out.push((name, epoch)),
            other => panic!("assign {name}: {other:?}"),
        }
    }
    out
}

/// One saver per job for `RUN`, each saving back to back (`pace` = None: closed loop,
/// measures the ceiling) or once per `pace` (open loop: latency at a given offered load);
/// returns (saves, sorted latencies).
async fn run(
    batcher: ProgressBatcher,
    jobs: &[(String, u64)],
    pace: Option<Duration>,
) -> (usize, Vec<Duration>) {
    let until = Instant::now() + RUN;
    let n = jobs.len().max(1) as u32;
    let tasks = jobs.iter().cloned().enumerate().map(|(i, (job, epoch))| {
        let batcher = batcher.clone();
        tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut seq = 0u64;
            // Spread the savers' phases evenly: runners are not synchronized.
            let mut tick = pace.map(|p| {
                let start = tokio::time::Instant::now() + p * (i as u32) / n;
                tokio::time::interval_at(start, p)
            });
            while Instant::now() < until {
                if let Some(tick) = tick.as_mut() {
                    tick.tick().await;
                }
                seq += 1;
                let write = ProgressWrite {
                    job: job.clone(),
                    epoch,
                    data: json!({ "commit_seq": seq }),
                };
                let t = Instant::now();
                let r = batcher.save(write).await;
                assert!(
                    matches!(r, Ok(CommandResponse::ProgressSaved { .. })),
                    "{r:?}"
                );
                lat.push(t.elapsed());
            }
            lat
        })
    });
    let mut all: Vec<Duration> = Vec::new();
    for t in futures::future::join_all(tasks).await {
        all.extend(t.expect("saver"));
    }
    all.sort();
    (all.len(), all)
}

fn report(what: &str, (n, lat): (usize, Vec<Duration>)) {
    let pct = |p: usize| lat.get(lat.len().saturating_sub(1) * p / 100).copied();
    eprintln!(
        "{what}: {:.0} saves/s, p50 {:?}, p99 {:?} ({n} saves, {JOBS} jobs)",
        n as f64 / RUN.as_secs_f64(),
        pct(50).unwrap_or_default(),
        pct(99).unwrap_or_default()
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark"]
async fn checkpoint_throughput_three_nodes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let n1 = node(1, tmp.path(), vec![]).await;
    let seed = n1.info().http_addr.clone();
    let n2 = node(2, tmp.path(), vec![seed.clone()]).await;
    let n3 = node(3, tmp.path(), vec![seed]).await;
    wait_voters(&n1, 3).await;
    let jobs = jobs(&n1).await;
    let cancel = CancellationToken::new();
    let leader = ProgressBatcher::spawn(n1.fleet().writer.clone(), cancel.clone());
    let follower = ProgressBatcher::spawn(n2.fleet().writer.clone(), cancel.clone());
    report(
        "leader, closed loop",
        run(leader.clone(), &jobs, None).await,
    );
    report(
        "follower (forwarded), closed loop",
        run(follower.clone(), &jobs, None).await,
    );
    // 1000 jobs x 10 saves/s = 10,000 saves/s offered.
    let pace = Some(Duration::from_millis(100));
    report("leader, 10k/s offered", run(leader, &jobs, pace).await);
    report("follower, 10k/s offered", run(follower, &jobs, pace).await);
    cancel.cancel();
    for n in [Arc::new(n3), Arc::new(n2), Arc::new(n1)] {
        n.shutdown().await;
    }
}
