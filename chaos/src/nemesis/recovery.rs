//! Recovery measurement: the time from a heal until every live node holds a lease and
//! knows the leader, and every job has an owner among them. While it waits, it keeps the
//! sequence of what was still missing (with when it changed), and a slow recovery puts
//! that trace on the timeline, so the cause can be matched with the node logs.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::Nemesis;
use crate::schema::jobs;

/// A recovery slower than this gets its trace on the timeline.
const TRACE_OVER: Duration = Duration::from_secs(3);
/// Bound of one status call while measuring (a node that cannot answer is not healthy).
const STATUS_TIMEOUT: Duration = Duration::from_secs(1);

impl Nemesis {
    /// Time until every live node holds a lease and knows the leader and every job has an
    /// owner; `None` if that does not happen within `limit`.
    pub async fn recovered(&self, limit: Duration) -> Option<Duration> {
        let start = Instant::now();
        let want: BTreeSet<String> = jobs().into_iter().map(|j| j.name).collect();
        let mut trace: Vec<(Duration, String)> = Vec::new();
        while start.elapsed() < limit {
            let missing = self.missing(&want).await;
            if trace.last().is_none_or(|(_, m)| *m != missing) {
                trace.push((start.elapsed(), missing.clone()));
            }
            if missing.is_empty() {
                let took = start.elapsed();
                self.record_trace(took, &trace);
                return Some(took);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.record_trace(limit, &trace);
        None
    }

    fn record_trace(&self, took: Duration, trace: &[(Duration, String)]) {
        if took < TRACE_OVER {
            return;
        }
        let mut out = String::new();
        for (at, missing) in trace {
            let what = if missing.is_empty() { "ok" } else { missing };
            let _ = write!(out, "\n      +{:.1}s {what}", at.as_secs_f64());
        }
        self.timeline.record("waited-for", &out);
    }

    /// What is still missing for recovery (empty: recovered).
    async fn missing(&self, want: &BTreeSet<String>) -> String {
        let mut out = Vec::new();
        let mut owned = BTreeSet::new();
        for id in self.fleet.live() {
            let Some(s) = self.fleet.status_within(id, STATUS_TIMEOUT).await else {
                out.push(format!("n{id}: no status"));
                continue;
            };
            if s["lease_valid"] != json!(true) || s["leader"].is_null() {
                out.push(node_state(id, &s));
                continue;
            }
            for job in s["owned"].as_array().into_iter().flatten() {
                owned.insert(job.as_str().unwrap_or_default().to_string());
            }
        }
        let unowned: Vec<&str> = want
            .iter()
            .filter(|j| !owned.contains(*j))
            .map(String::as_str)
            .collect();
        if out.is_empty() && !unowned.is_empty() {
            out.push(format!("unowned: {}", unowned.join(",")));
        }
        out.join("; ")
    }
}

/// One node's unmet state, e.g. `n2: lease=false leader=1 term=5 contact=3400ms`.
fn node_state(id: u64, s: &Value) -> String {
    let contact = s["last_quorum_contact_ms"]
        .as_u64()
        .map_or("never".to_string(), |ms| format!("{}ms", ms / 100 * 100));
    format!(
        "n{id}: lease={} leader={} term={} contact={contact} owns={}",
        s["lease_valid"],
        s["leader"],
        s["term"],
        s["owned"].as_array().map_or(0, Vec::len),
    )
}
