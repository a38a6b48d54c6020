//! Every acknowledged API write is present: each created job is listed by every live node,
//! and each job is in the state its last acknowledged pause/resume left it in.

use serde_json::{json, Value};

use super::Violation;
use crate::fleet::Fleet;
use crate::ledger::AckedState;

const NAME: &str = "acked_writes";

/// Checks `acked` (job → state of its last acknowledged write) against the fleet.
pub async fn check(fleet: &Fleet, acked: &[(String, AckedState)]) -> Vec<Violation> {
    let mut out = Vec::new();
    for node in fleet.live() {
        let reply = fleet.post(node, "/list_jobs", &json!({})).await;
        let listed: Vec<String> = reply
            .as_ref()
            .and_then(|r| r["jobs"].as_array())
            .into_iter()
            .flatten()
            .filter_map(|j| {
                j.as_str()
                    .or_else(|| j["name"].as_str())
                    .map(str::to_string)
            })
            .collect();
        for (job, _) in acked {
            if !listed.contains(job) {
                out.push(Violation::new(
                    NAME,
                    format!("node {node} does not list created job {job}"),
                ));
            }
        }
    }
    for (job, want) in acked {
        let Some(state) = job_state(fleet, job).await else {
            out.push(Violation::new(
                NAME,
                format!("no node answers /job_status for {job}"),
            ));
            continue;
        };
        let paused = state == "paused";
        let ok = match want {
            AckedState::Paused => paused,
            AckedState::Running => !paused,
            AckedState::Unknown => true,
        };
        if !ok {
            out.push(Violation::new(
                NAME,
                format!("job {job}: state {state}, last acked write {want:?}"),
            ));
        }
    }
    out
}

async fn job_state(fleet: &Fleet, job: &str) -> Option<String> {
    for node in fleet.live() {
        let reply: Option<Value> = fleet
            .post(node, "/job_status", &json!({ "name": job }))
            .await;
        if let Some(s) = reply.as_ref().and_then(|r| r["status"]["state"].as_str()) {
            return Some(s.to_string());
        }
    }
    None
}
