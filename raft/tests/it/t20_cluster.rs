//! Three nodes over real gRPC: replication, leader failover, restart and catch-up.

use std::time::Instant;

use serde_json::json;
use syncer_raft::command::Command;
use syncer_raft::command::CommandResponse;
use syncer_raft::command::ProgressWrite;
use syncer_raft::errors::RaftNodeError;
use syncer_raft::model::JobState;
use syncer_raft::node::RaftNode;

use crate::fixtures::wait_applied;
use crate::fixtures::Cluster;

fn create(name: &str) -> Command {
    Command::CreateJob {
        name: name.into(),
        spec: json!({"db": name}),
        state: JobState::Running,
        at_ms: 1,
    }
}

fn save(job: &str, epoch: u64, seq: u64) -> Command {
    Command::SaveProgress(ProgressWrite {
        job: job.into(),
        epoch,
        data: json!({"commit_seq": seq}),
    })
}

fn applied(node: &RaftNode) -> u64 {
    *node.applied().borrow()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t20_replicate_failover_restart() -> anyhow::Result<()> {
    let mut cluster = Cluster::new(|_| {})?;

    tracing::info!("--- bootstrap node 1, add 2 and 3 as learners, promote all to voters");
    cluster.start_voters(3).await?;
    let leader = cluster.node(1)?;
    let voters = leader
        .metrics()
        .borrow()
        .membership_config
        .membership()
        .voter_ids()
        .count();
    assert_eq!(voters, 3);

    tracing::info!("--- write jobs, assignment and progress; all three apply the same state");
    {
        assert_eq!(leader.write(create("j1")).await?, CommandResponse::Ok);
        assert_eq!(
            leader
                .write(Command::Assign {
                    job: "j1".into(),
                    node: 2,
                    expect_epoch: None
                })
                .await?,
            CommandResponse::Assigned { epoch: 1 }
        );
        assert_eq!(
            leader.write(save("j1", 1, 100)).await?,
            CommandResponse::ProgressSaved { seq: 1 }
        );
        let stale = leader.write(save("j1", 0, 99)).await?;
        assert!(!stale.is_ok(), "stale epoch must be fenced: {stale:?}");
        cluster.wait_applied(applied(&leader)).await?;
        let states = cluster.states();
        assert_eq!(states[&1], states[&2]);
        assert_eq!(states[&1], states[&3]);
        assert_eq!(states[&3].progress_of("j1").map(|p| p.seq), Some(1));
    }

    tracing::info!("--- a follower refuses writes and names the leader");
    {
        let follower = cluster.node(2)?;
        match follower.write(Command::Noop).await {
            Err(RaftNodeError::ForwardToLeader {
                leader_id: Some(1),
                leader_node: Some(info),
            }) => {
                assert_eq!(info, cluster.infos[&1]);
            }
            other => panic!("expected ForwardToLeader(1), got {other:?}"),
        }
        assert_eq!(follower.leader_info().map(|(id, _)| id), Some(1));
    }

    tracing::info!("--- kill the leader: a new one is elected and writes continue");
    let new_leader = {
        let started = Instant::now();
        cluster.stop(1).await?;
        let stopped_ms = started.elapsed().as_millis() as u64;
        let id = cluster.wait_for_leader(Some(1)).await?;
        tracing::info!(
            stopped_ms,
            elapsed_ms = started.elapsed().as_millis() as u64,
            new_leader = id,
            "Failover done."
        );
        let node = cluster.node(id)?;
        node.ensure_linearizable().await?;
        assert_eq!(
            node.write(Command::Assign {
                job: "j1".into(),
                node: 3,
                expect_epoch: Some(1)
            })
            .await?,
            CommandResponse::Assigned { epoch: 2 }
        );
        assert_eq!(
            node.write(save("j1", 2, 101)).await?,
            CommandResponse::ProgressSaved { seq: 2 }
        );
        cluster.wait_applied(applied(&node)).await?;
        node
    };

    tracing::info!("--- restart node 1 from its data dir: it catches up");
    {
        let restarted = cluster.start(1).await?;
        assert!(
            !restarted
                .initialize_single(cluster.infos[&1].clone())
                .await?,
            "never initialize twice"
        );
        wait_applied(&restarted, applied(&new_leader)).await?;
        let states = cluster.states();
        assert_eq!(states[&1], states[&new_leader.id()]);
        assert_eq!(
            states[&1].owner("j1").map(|o| (o.node, o.epoch)),
            Some((Some(3), 2))
        );
    }

    for id in [1, 2, 3] {
        cluster.stop(id).await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t20_single_node_restart_recovers_from_own_log() -> anyhow::Result<()> {
    let mut cluster = Cluster::new(|_| {})?;
    cluster.start_voters(1).await?;
    let node = cluster.node(1)?;

    tracing::info!("--- write, then stop the only node");
    node.write(create("j1")).await?;
    node.write(Command::Assign {
        job: "j1".into(),
        node: 1,
        expect_epoch: None,
    })
    .await?;
    node.write(save("j1", 1, 5)).await?;
    let before = node.read_state(|d| d.state.clone());
    let last = applied(&node);
    cluster.stop(1).await?;

    tracing::info!(
        last,
        "--- restart: no re-init, it leads again and re-applies its log"
    );
    let node = cluster.start(1).await?;
    assert!(!node.initialize_single(cluster.infos[&1].clone()).await?);
    cluster.wait_for_leader(None).await?;
    wait_applied(&node, last).await?;
    assert_eq!(node.read_state(|d| d.state.clone()), before);
    let seq = node.write(save("j1", 1, 6)).await?;
    assert_eq!(seq, CommandResponse::ProgressSaved { seq: 2 });
    cluster.stop(1).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t20_quorum_loss_fails_writes_and_reads() -> anyhow::Result<()> {
    let mut cluster = Cluster::new(|c| c.api_timeout = std::time::Duration::from_millis(800))?;
    cluster.start_voters(3).await?;
    let leader = cluster.node(1)?;
    leader.write(create("j1")).await?;

    tracing::info!("--- stop both followers: the leader can neither commit nor confirm leadership");
    cluster.stop(2).await?;
    cluster.stop(3).await?;
    let write = leader.write(Command::Noop).await;
    assert!(
        matches!(write, Err(RaftNodeError::Timeout(_))),
        "got {write:?}"
    );
    let read = leader.ensure_linearizable().await;
    assert!(
        matches!(
            read,
            Err(RaftNodeError::Timeout(_) | RaftNodeError::QuorumNotEnough(_))
        ),
        "got {read:?}"
    );
    assert!(read.err().is_some_and(|e| e.is_retryable()));
    cluster.stop(1).await?;
    Ok(())
}
