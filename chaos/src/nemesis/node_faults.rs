//! Faults on syncer nodes: kill -9 and restart, SIGSTOP/SIGCONT, partition, membership.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

use super::{hold, Nemesis};
use crate::fleet::BASE;

impl Nemesis {
    fn pick_base(rng: &mut StdRng) -> u64 {
        BASE[rng.gen_range(0..BASE.len())]
    }

    /// kill -9 `target` (a random base node when `None`), hold, restart.
    pub(super) async fn kill_restart(&self, rng: &mut StdRng, target: Option<u64>) -> String {
        let id = target.unwrap_or_else(|| Self::pick_base(rng));
        let name = if target.is_some() {
            "kill-leader"
        } else {
            "kill-restart"
        };
        self.timeline.record(name, &format!("node {id}"));
        self.fleet.with(id, |n| n.kill9());
        hold(rng, 1_000..6_000).await;
        if let Err(e) = self.fleet.spawn(id) {
            self.timeline
                .record("restart-failed", &format!("node {id}: {e}"));
        }
        format!("node {id}")
    }

    /// SIGSTOP a node for 2–5 s (longer than the lease and `reassign_after`), then SIGCONT.
    pub(super) async fn stop_cont(&self, rng: &mut StdRng) -> String {
        let id = Self::pick_base(rng);
        let role = self.role(id).await;
        self.timeline
            .record("sigstop", &format!("node {id} ({role})"));
        self.fleet.with(id, |n| n.set_stopped(true));
        hold(rng, 2_000..5_000).await;
        self.fleet.with(id, |n| n.set_stopped(false));
        format!("node {id}")
    }

    /// `leader`/`follower` and the jobs node `id` owns, for the timeline.
    async fn role(&self, id: u64) -> String {
        let Some(s) = self.fleet.status(id).await else {
            return "no status".into();
        };
        let role = if s["leader"].as_u64() == Some(id) {
            "leader"
        } else {
            "follower"
        };
        let owned: Vec<&str> = s["owned"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        format!("{role}, term {}, owns [{}]", s["term"], owned.join(","))
    }

    /// Cuts a node off from the other nodes for 2–8 s (it still reaches Doris).
    pub(super) async fn partition(&self, rng: &mut StdRng) -> String {
        let id = Self::pick_base(rng);
        self.timeline.record("partition", &format!("node {id}"));
        self.fleet.links.set_isolated(id, true);
        hold(rng, 2_000..8_000).await;
        self.fleet.links.set_isolated(id, false);
        format!("node {id}")
    }

    /// Starts fresh node `id`, adds it through the leader, keeps it under load, removes it.
    pub(super) async fn membership(&self, rng: &mut StdRng, id: u64) -> String {
        let target = format!("node {id}");
        self.timeline.record("membership", &format!("add {target}"));
        let (raft_addr, http_addr) = match self.fleet.add_waiting(id) {
            Ok(a) => a,
            Err(e) => return format!("{target} (start failed: {e})"),
        };
        let body = json!({"id": id, "raft_addr": raft_addr, "http_addr": http_addr});
        if !self.admin_call("/cluster/add_member", &body).await {
            self.timeline
                .record("membership", &format!("add {target} refused"));
        } else if self
            .fleet
            .wait_ready(id, Duration::from_secs(30))
            .await
            .is_ok()
        {
            hold(rng, 3_000..8_000).await;
        }
        self.timeline
            .record("membership", &format!("remove {target}"));
        let removed = self
            .admin_call("/cluster/remove", &json!({ "id": id }))
            .await;
        if removed {
            self.wait_removed(id).await;
        } else {
            self.timeline
                .record("membership", &format!("remove {target} refused"));
        }
        self.fleet.with(id, |n| n.kill9());
        target
    }

    /// Posts an admin write to the leader (then to any base node) until one acknowledges.
    async fn admin_call(&self, path: &str, body: &Value) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            let mut order: Vec<u64> = self.fleet.leader().await.into_iter().collect();
            order.extend(BASE);
            for node in order {
                let reply = self.fleet.post(node, path, body).await;
                if reply.as_ref().is_some_and(|r| r["success"] == json!(true)) {
                    return true;
                }
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        false
    }

    /// Waits until the base nodes no longer list `id` as a member.
    async fn wait_removed(&self, id: u64) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(15) {
            let mut gone = true;
            for node in BASE {
                let members = self.fleet.post(node, "/internal/members", &json!({})).await;
                let listed = members
                    .as_ref()
                    .and_then(Value::as_array)
                    .is_none_or(|m| m.iter().any(|m| m["id"].as_u64() == Some(id)));
                gone &= !listed;
            }
            if gone {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.timeline
            .record("membership", &format!("node {id} still listed after 15s"));
    }
}
