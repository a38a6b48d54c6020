//! The syncer's HTTP API as the scenarios use it. With three nodes, every request goes to
//! the next running node in turn ("any node answers").

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{json, Value};

use super::{poll, Scenario, API_TIMEOUT};

/// The parsed `/job_progress` fields the scenarios look at.
#[derive(Debug, Clone)]
pub struct ProgressView {
    /// `full_sync_start_at` (changes on every full sync).
    pub full_sync_start_at: i64,
    /// `sync_state` (numeric).
    pub sync_state: i64,
    /// `commit_seq`.
    pub commit_seq: i64,
    /// The whole progress JSON.
    pub raw: Value,
}

impl Scenario {
    /// HTTP addresses of the running nodes, starting at the rotation cursor.
    fn rotation(&self) -> Vec<(u64, String)> {
        let nodes = self.nodes.lock();
        let up: Vec<(u64, String)> = nodes
            .iter()
            .filter(|n| n.is_running())
            .map(|n| (n.id, n.http_addr()))
            .collect();
        if up.is_empty() {
            return up;
        }
        let start = self.cursor.fetch_add(1, Ordering::Relaxed) % up.len();
        up[start..].iter().chain(&up[..start]).cloned().collect()
    }

    /// POST to node `addr`; `None` on a transport or decode error.
    pub async fn post_to(&self, addr: &str, path: &str, body: &Value) -> Option<Value> {
        let url = format!("http://{addr}{path}");
        let resp = self.http.post(url).json(body).send().await.ok()?;
        if resp.status().is_server_error() {
            return None; // e.g. 503 during an election: try again
        }
        resp.json().await.ok()
    }

    /// POSTs to the next node in turn; retries (other nodes, then again) until a JSON reply.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        let what = format!("a JSON reply to {path} {body}");
        poll(&what, API_TIMEOUT, || async {
            for (_, addr) in self.rotation() {
                if let Some(v) = self.post_to(&addr, path, &body).await {
                    return Some(v);
                }
            }
            None
        })
        .await
    }

    /// POST that must succeed (`"success": true`).
    pub async fn post_ok(&self, path: &str, body: Value) -> Value {
        let reply = self.post(path, body.clone()).await;
        assert_eq!(reply["success"], json!(true), "{path} {body} → {reply}");
        reply
    }

    /// `/create_ccr` with the original's body (see [`Scenario::table_job`]).
    pub async fn create_job(&self, body: Value) {
        self.post_ok("/create_ccr", body).await;
    }

    /// `/job_status` → the `status` object.
    pub async fn job_status(&self, name: &str) -> Value {
        let r = self.post_ok("/job_status", json!({ "name": name })).await;
        r["status"].clone()
    }

    /// `/job_progress`, parsed; `None` before the job has a progress.
    pub async fn try_job_progress(&self, name: &str) -> Option<ProgressView> {
        let r = self.post("/job_progress", json!({ "name": name })).await;
        let raw: Value = serde_json::from_str(r["job_progress"].as_str()?).ok()?;
        Some(ProgressView {
            full_sync_start_at: raw["full_sync_start_at"].as_i64().unwrap_or(0),
            sync_state: raw["sync_state"].as_i64().unwrap_or(-1),
            commit_seq: raw["commit_seq"].as_i64().unwrap_or(0),
            raw,
        })
    }

    /// `/job_progress`, parsed (polls until the job has one).
    pub async fn job_progress(&self, name: &str) -> ProgressView {
        let what = format!("a progress of job {name}");
        poll(&what, API_TIMEOUT, || self.try_job_progress(name)).await
    }

    /// `/pause`.
    pub async fn pause(&self, name: &str) {
        self.post_ok("/pause", json!({ "name": name })).await;
    }

    /// `/resume`.
    pub async fn resume(&self, name: &str) {
        self.post_ok("/resume", json!({ "name": name })).await;
    }

    /// `/delete`.
    pub async fn delete(&self, name: &str) {
        self.post_ok("/delete", json!({ "name": name })).await;
    }

    /// `/desync`.
    pub async fn desync(&self, name: &str) {
        self.post_ok("/desync", json!({ "name": name })).await;
    }

    /// `/force_fullsync`.
    pub async fn force_fullsync(&self, name: &str) {
        self.post_ok("/force_fullsync", json!({ "name": name }))
            .await;
    }

    /// `/internal/status` of every running node.
    async fn node_statuses(&self) -> Vec<(u64, Value)> {
        let mut out = Vec::new();
        for (id, addr) in self.rotation() {
            let url = format!("http://{addr}/internal/status");
            let Ok(resp) = self.http.get(url).send().await else {
                continue;
            };
            if let Ok(s) = resp.json::<Value>().await {
                out.push((id, s));
            }
        }
        out
    }

    /// `/pause`, then waits until the job is paused and no node runs it.
    pub async fn pause_and_wait(&self, name: &str) {
        self.pause(name).await;
        self.wait_state(name, "paused").await;
        self.wait_no_runner(name).await;
    }

    /// Waits until no node holds a runner for job `name` (after a pause or delete, a
    /// runner stops after its current step, asynchronously).
    pub async fn wait_no_runner(&self, name: &str) {
        let what = format!("no runner of job {name}");
        poll(&what, API_TIMEOUT, || async {
            let statuses = self.node_statuses().await;
            let busy = statuses.iter().any(|(_, s)| !s["runners"][name].is_null());
            (!statuses.is_empty() && !busy).then_some(())
        })
        .await;
    }

    /// Job → owning node id, from every running node's `/internal/status`.
    pub async fn owners(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for (id, s) in self.node_statuses().await {
            for job in s["owned"].as_array().into_iter().flatten() {
                out.insert(job.as_str().unwrap_or_default().to_string(), id);
            }
        }
        out
    }

    /// The node owning job `name` (polls until one does).
    pub async fn owner_of(&self, name: &str) -> u64 {
        let what = format!("an owner of job {name}");
        poll(&what, Duration::from_secs(30), || async {
            self.owners().await.get(name).copied()
        })
        .await
    }

    /// Waits until the job's live state (from `/job_status`) is `state`, e.g. `"paused"`.
    pub async fn wait_state(&self, name: &str, state: &str) {
        let what = format!("job {name} in state {state}");
        poll(&what, API_TIMEOUT, || async {
            let s = self.job_status(name).await;
            (s["state"] == json!(state)).then_some(())
        })
        .await;
    }
}
