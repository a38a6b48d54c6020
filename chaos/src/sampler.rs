//! Samples every live node continuously during the run: each job's checkpointed
//! `commit_seq` (`/job_progress`) and each job's owner (failovers).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::fleet::Fleet;
use crate::schema::jobs;

/// One `commit_seq` observation.
#[derive(Clone, Debug)]
pub struct Sample {
    /// Node that answered.
    pub node: u64,
    /// Job.
    pub job: String,
    /// Checkpointed commit seq.
    pub commit_seq: i64,
}

/// What the sampler collected.
#[derive(Debug, Default)]
pub struct Samples {
    /// Every observation, in time order.
    pub progress: Vec<Sample>,
    /// Owner changes seen (a job moving from one node to another).
    pub failovers: u64,
}

/// Samples until `stop`.
pub async fn run(fleet: Arc<Fleet>, stop: Arc<AtomicBool>) -> Samples {
    let mut out = Samples::default();
    let mut owners: BTreeMap<String, u64> = BTreeMap::new();
    let names: Vec<String> = jobs().into_iter().map(|j| j.name).collect();
    while !stop.load(Ordering::SeqCst) {
        for node in fleet.live() {
            for job in &names {
                if let Some(seq) = commit_seq(&fleet, node, job).await {
                    out.progress.push(Sample {
                        node,
                        job: job.clone(),
                        commit_seq: seq,
                    });
                }
            }
        }
        for (job, node) in fleet.owners().await {
            if owners.insert(job, node).is_some_and(|prev| prev != node) {
                out.failovers += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    out
}

async fn commit_seq(fleet: &Fleet, node: u64, job: &str) -> Option<i64> {
    let reply = fleet
        .post(node, "/job_progress", &json!({ "name": job }))
        .await?;
    let text = reply["job_progress"].as_str()?;
    let progress: Value = serde_json::from_str(text).ok()?;
    progress["commit_seq"].as_i64()
}
