//! c. Progress checkpoints through Raft on three in-process nodes (release build),
//! batched by the `ProgressBatcher`, from the leader and from a follower (forwarded to
//! the leader): sustained saves/s closed-loop (the ceiling) and p50/p99 commit latency at
//! 10,000 saves/s offered (1,000 jobs x 10/s).
//!
//! Open-loop latency counts from each save's *intended* send time (its tick), not from when
//! it was sent: a saver whose previous save was slow sends late, and that wait is latency
//! its caller would see too (no coordinated omission). The line also shows the p99 counted
//! from the actual send, for comparison with older figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ccr_syncer::config::NodeConfig;
use ccr_syncer::fleet::batcher::ProgressBatcher;
use ccr_syncer::node::{Node, NodeHandle, NodeOptions};
use serde_json::json;
use syncer_raft::command::{Command, CommandResponse, ProgressWrite};
use syncer_raft::model::JobState;
use tokio_util::sync::CancellationToken;

use crate::util::{loadavg, pct};

const JOBS: usize = 1000;

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
/// returns (saves, sorted latencies from the intended send time, sorted latencies from the
/// actual send).
async fn run(
    batcher: ProgressBatcher,
    jobs: &[(String, u64)],
    pace: Option<Duration>,
    run_for: Duration,
) -> (usize, Vec<Duration>, Vec<Duration>) {
    let until = Instant::now() + run_for;
    let n = jobs.len().max(1) as u32;
    let tasks = jobs.iter().cloned().enumerate().map(|(i, (job, epoch))| {
        let batcher = batcher.clone();
        tokio::spawn(async move {
            let (mut lat, mut sent_lat) = (Vec::new(), Vec::new());
            let mut seq = 0u64;
            // Spread the savers' phases evenly: runners are not synchronized.
            let mut tick = pace.map(|p| {
                let start = tokio::time::Instant::now() + p * (i as u32) / n;
                tokio::time::interval_at(start, p)
            });
            while Instant::now() < until {
                // Closed loop: the intended time is now.
                let intended = match tick.as_mut() {
                    Some(tick) => tick.tick().await.into_std(),
                    None => Instant::now(),
                };
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
                sent_lat.push(t.elapsed());
                lat.push(intended.elapsed());
            }
            (lat, sent_lat)
        })
    });
    let (mut all, mut all_sent): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
    for t in futures::future::join_all(tasks).await {
        let (lat, sent_lat) = t.expect("saver");
        all.extend(lat);
        all_sent.extend(sent_lat);
    }
    all.sort();
    all_sent.sort();
    (all.len(), all, all_sent)
}

fn report(
    what: &str,
    run_for: Duration,
    (n, lat, sent_lat): (usize, Vec<Duration>, Vec<Duration>),
) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "   {what}: {:.0} saves/s, p50 {:.2} ms, p99 {:.2} ms (from send {:.2} ms), max {:.1} ms \
         ({n} saves, {JOBS} jobs, load {})",
        n as f64 / run_for.as_secs_f64(),
        ms(pct(&lat, 50)),
        ms(pct(&lat, 99)),
        ms(pct(&sent_lat, 99)),
        ms(lat.last().copied().unwrap_or_default()),
        loadavg()
    );
}

/// Runs every variant for `run_for` each and prints one line per variant.
pub async fn run_all(run_for: Duration) -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let n1 = node(1, tmp.path(), vec![]).await;
    let seed = n1.info().http_addr.clone();
    let n2 = node(2, tmp.path(), vec![seed.clone()]).await;
    let n3 = node(3, tmp.path(), vec![seed]).await;
    wait_voters(&n1, 3).await;
    let jobs = jobs(&n1).await;
    let cancel = CancellationToken::new();
    let leader = ProgressBatcher::spawn(n1.fleet().writer.clone(), cancel.clone());
    let follower = ProgressBatcher::spawn(n2.fleet().writer.clone(), cancel.clone());
    println!("c. progress checkpoints through Raft, 3 in-process nodes, batched:");
    let closed = run(leader.clone(), &jobs, None, run_for).await;
    report("leader, closed loop", run_for, closed);
    let closed = run(follower.clone(), &jobs, None, run_for).await;
    report("follower (forwarded), closed loop", run_for, closed);
    // 1000 jobs x 10 saves/s = 10,000 saves/s offered.
    let pace = Some(Duration::from_millis(100));
    report(
        "leader, 10k/s offered",
        run_for,
        run(leader, &jobs, pace, run_for).await,
    );
    report(
        "follower, 10k/s offered",
        run_for,
        run(follower, &jobs, pace, run_for).await,
    );
    cancel.cancel();
    for n in [Arc::new(n3), Arc::new(n2), Arc::new(n1)] {
        n.shutdown().await;
    }
    Ok(())
}
