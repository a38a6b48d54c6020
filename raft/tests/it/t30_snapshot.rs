//! Snapshots: a node that missed purged log entries is caught up by a snapshot transfer, and
//! the installed snapshot survives its restart.

use serde_json::json;
use syncer_raft::command::Command;
use syncer_raft::command::CommandResponse;
use syncer_raft::model::JobState;
use syncer_raft::node::SnapshotPolicy;

use crate::fixtures::wait_applied;
use crate::fixtures::wait_metrics;
use crate::fixtures::Cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t30_snapshot_installed_on_lagging_node() -> anyhow::Result<()> {
    let mut cluster = Cluster::new(|c| {
        c.snapshot_policy = SnapshotPolicy::Never;
        c.max_in_snapshot_log_to_keep = 0;
    })?;
    cluster.start_voters(3).await?;
    let leader = cluster.node(1)?;

    tracing::info!("--- stop node 3, then write while it is away");
    cluster.stop(3).await?;
    for i in 0..30 {
        let cmd = Command::CreateJob {
            name: format!("job-{i}"),
            spec: json!({"i": i}),
            state: JobState::Paused,
            at_ms: 7,
        };
        assert_eq!(leader.write(cmd).await?, CommandResponse::Ok);
    }
    let last = *leader.applied().borrow();

    tracing::info!(
        last,
        "--- snapshot and purge the leader's log up to the last applied entry"
    );
    {
        leader.trigger_snapshot().await?;
        wait_metrics(&leader, "snapshot built", |m| {
            m.snapshot.map(|s| s.index) >= Some(last)
        })
        .await?;
        leader.purge_log(last).await?;
        wait_metrics(&leader, "log purged", |m| {
            m.purged.map(|p| p.index) >= Some(last)
        })
        .await?;
    }

    tracing::info!("--- restart node 3: it can only catch up through the snapshot");
    {
        let node3 = cluster.start(3).await?;
        wait_metrics(&node3, "snapshot installed", |m| {
            m.snapshot.map(|s| s.index) >= Some(last)
        })
        .await?;
        wait_applied(&node3, last).await?;
        let states = cluster.states();
        assert_eq!(states[&3], states[&1]);
        assert_eq!(states[&3].jobs.len(), 30);
    }

    tracing::info!("--- restart node 3 again: the persisted snapshot restores its state");
    {
        cluster.stop(3).await?;
        let node3 = cluster.start(3).await?;
        let jobs = node3.read_state(|d| d.state.jobs.len());
        assert_eq!(
            jobs, 30,
            "state must come back from the stored snapshot before any replication"
        );
    }

    for id in [1, 2, 3] {
        cluster.stop(id).await?;
    }
    Ok(())
}
