//! Operator writes under load: pause a job through a random live node, resume it later.
//! Each acknowledged write is recorded in the ledger; an unanswered one makes the job's
//! state unknown until the next acknowledged write.

use std::sync::Arc;

use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::json;

use crate::fleet::Fleet;
use crate::ledger::{AckedState, Ledger};

/// Sends `/pause` or `/resume` for `job` through a random live node and records the result.
pub async fn pause_or_resume(
    fleet: &Fleet,
    ledger: &Mutex<Ledger>,
    rng: &mut StdRng,
    job: &str,
    pause: bool,
) {
    let live = fleet.live();
    if live.is_empty() {
        return;
    }
    let node = live[rng.gen_range(0..live.len())];
    let path = if pause { "/pause" } else { "/resume" };
    let reply = fleet.post(node, path, &json!({ "name": job })).await;
    let acked = reply.as_ref().is_some_and(|r| r["success"] == json!(true));
    let mut l = ledger.lock();
    l.api_writes += 1;
    let state = match (acked, pause) {
        (true, true) => AckedState::Paused,
        (true, false) => AckedState::Running,
        // A refused write (`success: false`) changed nothing; a lost one may have.
        (false, _) if reply.is_some() => return,
        (false, _) => AckedState::Unknown,
    };
    l.jobs.insert(job.to_string(), state);
}

/// Resumes every job until each resume is acknowledged (heal phase).
pub async fn resume_all(
    fleet: &Arc<Fleet>,
    ledger: &Mutex<Ledger>,
    jobs: &[String],
) -> Vec<String> {
    let mut failed = Vec::new();
    for job in jobs {
        let mut ok = false;
        for _ in 0..50 {
            for node in fleet.live() {
                let reply = fleet.post(node, "/resume", &json!({ "name": job })).await;
                if reply.as_ref().is_some_and(|r| r["success"] == json!(true)) {
                    ok = true;
                    break;
                }
            }
            if ok {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        if ok {
            ledger.lock().jobs.insert(job.clone(), AckedState::Running);
        } else {
            failed.push(job.clone());
        }
    }
    failed
}
