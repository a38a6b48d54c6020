//! Background loops: the replication tick (about every second: txn timeouts, pending
//! publishes, backup progress, restore jobs) and the periodic binlog GC
//! (`--binlog-gc-interval`, 15 s by default like Doris).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::backend;
use crate::cluster::Cluster;

fn interval(every: Duration) -> tokio::time::Interval {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}

/// Calls the periodic GC every `every` until `stop` is cancelled.
pub async fn periodic(cluster: Cluster, every: Duration, stop: CancellationToken) {
    let mut tick = interval(every);
    tick.tick().await; // the first tick fires immediately; GC after one full period
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tick.tick() => {
                let c = cluster.clone();
                if let Err(e) = tokio::task::spawn_blocking(move || backend::periodic_gc(&c)).await {
                    tracing::warn!(error = %e, "binlog gc pass failed");
                }
            }
        }
    }
}

/// Runs the replication tick every `every` until `stop` is cancelled.
pub async fn replication_tick(cluster: Cluster, every: Duration, stop: CancellationToken) {
    let mut tick = interval(every);
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tick.tick() => {
                let c = cluster.clone();
                // Own task: a panic in one pass must not end the loop.
                let pass = tokio::spawn(async move { backend::tick(&c).await });
                if let Err(e) = pass.await {
                    tracing::warn!(error = %e, "replication tick failed");
                }
            }
        }
    }
}
