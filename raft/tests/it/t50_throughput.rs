//! Write throughput on three nodes over gRPC (sled flush on every append). Prints the numbers;
//! asserts only that every write was applied everywhere.

use std::time::Instant;

use serde_json::json;
use syncer_raft::command::Command;
use syncer_raft::command::CommandResponse;
use syncer_raft::command::ProgressWrite;
use syncer_raft::model::JobState;

use crate::fixtures::Cluster;

const SEQUENTIAL: u64 = 200;
const WRITERS: u64 = 32;
const PER_WRITER: u64 = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t50_write_throughput_three_nodes() -> anyhow::Result<()> {
    let mut cluster = Cluster::new(|_| {})?;
    cluster.start_voters(3).await?;
    let leader = cluster.node(1)?;
    let create = Command::CreateJob {
        name: "j".into(),
        spec: json!({}),
        state: JobState::Running,
        at_ms: 0,
    };
    leader.write(create).await?;
    let CommandResponse::Assigned { epoch } = leader
        .write(Command::Assign {
            job: "j".into(),
            node: 1,
            expect_epoch: None,
        })
        .await?
    else {
        anyhow::bail!("assign must return an epoch");
    };
    let save = move |seq: u64| {
        Command::SaveProgress(ProgressWrite {
            job: "j".into(),
            epoch,
            data: json!({"commit_seq": seq}),
        })
    };

    tracing::info!("--- one writer, sequential");
    let started = Instant::now();
    for seq in 0..SEQUENTIAL {
        assert!(leader.write(save(seq)).await?.is_ok());
    }
    let seq_rate = SEQUENTIAL as f64 / started.elapsed().as_secs_f64();

    tracing::info!("--- {WRITERS} concurrent writers");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let leader = leader.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..PER_WRITER {
                leader.write(save(1_000_000 + w * PER_WRITER + i)).await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let conc_rate = (WRITERS * PER_WRITER) as f64 / started.elapsed().as_secs_f64();
    eprintln!("syncer-raft 3 nodes: sequential {seq_rate:.0} writes/s, {WRITERS} writers {conc_rate:.0} writes/s");

    cluster.wait_applied(*leader.applied().borrow()).await?;
    let states = cluster.states();
    assert_eq!(states[&1], states[&2]);
    assert_eq!(states[&1], states[&3]);
    assert_eq!(
        states[&1].progress_of("j").map(|p| p.seq),
        Some(SEQUENTIAL + WRITERS * PER_WRITER)
    );
    for id in [1, 2, 3] {
        cluster.stop(id).await?;
    }
    Ok(())
}
