//! The background binlog GC loop (`--binlog-gc-interval`, 15 s by default like Doris).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::backend;
use crate::cluster::Cluster;

/// Calls the periodic GC every `every` until `stop` is cancelled.
pub async fn periodic(cluster: Cluster, every: Duration, stop: CancellationToken) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
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
