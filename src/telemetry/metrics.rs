//! [`Metrics`]: the node's Prometheus registry and every metric family it exports.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use parking_lot::Mutex;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::JobMetrics;

/// A label set: `("job", name)` plus per-family extras. The `node` label is added to
/// every series by the registry.
pub(crate) type Labels = Vec<(&'static str, String)>;
pub(crate) type IntGauges = Family<Labels, Gauge>;
pub(crate) type FloatGauges = Family<Labels, Gauge<f64, AtomicU64>>;
pub(crate) type Counters = Family<Labels, Counter>;

/// Per-job families (labels `job`, `node`, plus the one named in each doc).
#[derive(Default)]
pub(crate) struct JobFamilies {
    pub lag_commit_seqs: IntGauges,
    pub lag_seconds: FloatGauges,
    /// Extra label `type` (binlog type name).
    pub binlogs_applied: Counters,
    pub rows_ingested: Counters,
    pub bytes_ingested: Counters,
    /// Extra label `kind` (error category).
    pub errors: Counters,
    pub full_syncs: Counters,
    pub partial_syncs: Counters,
    /// Extra label `state`; 1 for the current state only.
    pub state: IntGauges,
    /// Extra label `owner` (node id); 1 for the current owner only.
    pub owner: IntGauges,
    /// Target tablet replicas ingested (one `ingest_binlog` call each).
    pub tablets_ingested: Counters,
}

/// Per-node families (label `node`).
#[derive(Default)]
struct NodeFamilies {
    raft_term: Gauge,
    raft_leader_id: Gauge,
    raft_commit_index: Gauge,
    raft_applied_index: Gauge,
    /// Extra label `follower`: log entries the follower is behind the leader.
    raft_follower_lag: IntGauges,
    jobs_owned: Gauge,
}

/// The label values a job has used, so [`Metrics::remove_job`] can delete every series.
#[derive(Default)]
pub(crate) struct JobSeries {
    pub types: BTreeSet<String>,
    pub kinds: BTreeSet<String>,
    pub state: Option<String>,
    pub owner: Option<String>,
}

pub(crate) struct Inner {
    registry: Registry,
    node_id: u64,
    pub job: JobFamilies,
    node: NodeFamilies,
    /// Guards only bookkeeping of label values; never held across an await.
    pub series: Mutex<HashMap<String, JobSeries>>,
}

/// The node's metrics. Cheap to clone (an `Arc`); every clone updates the same registry.
#[derive(Clone)]
pub struct Metrics {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// `(name, help)` of the per-job families, in registration order.
const JOB_HELP: [(&str, &str); 11] = [
    (
        "ccr_job_lag_commit_seqs",
        "Upstream commit seqs not yet applied downstream",
    ),
    (
        "ccr_job_lag_seconds",
        "Age in seconds of the oldest binlog not yet applied",
    ),
    (
        "ccr_job_binlogs_applied",
        "Binlogs applied downstream, by binlog type",
    ),
    (
        "ccr_job_rows_ingested",
        "Rows ingested into the downstream cluster",
    ),
    (
        "ccr_job_bytes_ingested",
        "Bytes ingested into the downstream cluster",
    ),
    ("ccr_job_errors", "Errors returned by sync steps, by kind"),
    ("ccr_job_full_syncs", "Full syncs started"),
    ("ccr_job_partial_syncs", "Partial syncs started"),
    ("ccr_job_state", "1 for the job's current state"),
    (
        "ccr_job_owner",
        "1 for the node that currently owns the job",
    ),
    (
        "ccr_job_tablets_ingested",
        "Target tablet replicas ingested (ingest_binlog calls of committed UPSERTs)",
    ),
];

impl Metrics {
    /// HTTP `Content-Type` of [`Metrics::encode`]'s output.
    pub const CONTENT_TYPE: &'static str =
        "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// A fresh registry whose series all carry `node="<node_id>"`.
    pub fn new(node_id: u64) -> Metrics {
        let mut registry = Registry::default();
        let job = JobFamilies::default();
        let node = NodeFamilies::default();
        let sub = registry.sub_registry_with_label(("node".into(), node_id.to_string().into()));
        let h = |i: usize| JOB_HELP[i];
        sub.register(h(0).0, h(0).1, job.lag_commit_seqs.clone());
        sub.register(h(1).0, h(1).1, job.lag_seconds.clone());
        sub.register(h(2).0, h(2).1, job.binlogs_applied.clone());
        sub.register(h(3).0, h(3).1, job.rows_ingested.clone());
        sub.register(h(4).0, h(4).1, job.bytes_ingested.clone());
        sub.register(h(5).0, h(5).1, job.errors.clone());
        sub.register(h(6).0, h(6).1, job.full_syncs.clone());
        sub.register(h(7).0, h(7).1, job.partial_syncs.clone());
        sub.register(h(8).0, h(8).1, job.state.clone());
        sub.register(h(9).0, h(9).1, job.owner.clone());
        sub.register(h(10).0, h(10).1, job.tablets_ingested.clone());
        register_node(sub, &node);
        Metrics {
            inner: Arc::new(Inner {
                registry,
                node_id,
                job,
                node,
                series: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The node id every series is labelled with.
    pub fn node_id(&self) -> u64 {
        self.inner.node_id
    }

    /// Jobs that have (or had) series here and were not removed since.
    pub fn job_names(&self) -> Vec<String> {
        self.inner.series.lock().keys().cloned().collect()
    }

    /// The handle for one job's series (created lazily on first update).
    pub fn job(&self, name: &str) -> JobMetrics {
        JobMetrics::new(self.clone(), name)
    }

    /// Deletes every series of a deleted job.
    pub fn remove_job(&self, name: &str) {
        let seen = self.inner.series.lock().remove(name).unwrap_or_default();
        let j = &self.inner.job;
        let base: Labels = vec![("job", name.to_string())];
        let with = |k: &'static str, v: &str| {
            let mut l = base.clone();
            l.push((k, v.to_string()));
            l
        };
        j.lag_commit_seqs.remove(&base);
        j.lag_seconds.remove(&base);
        j.rows_ingested.remove(&base);
        j.bytes_ingested.remove(&base);
        j.full_syncs.remove(&base);
        j.partial_syncs.remove(&base);
        j.tablets_ingested.remove(&base);
        seen.types
            .iter()
            .for_each(|t| _ = j.binlogs_applied.remove(&with("type", t)));
        seen.kinds
            .iter()
            .for_each(|k| _ = j.errors.remove(&with("kind", k)));
        seen.state
            .iter()
            .for_each(|s| _ = j.state.remove(&with("state", s)));
        seen.owner
            .iter()
            .for_each(|o| _ = j.owner.remove(&with("owner", o)));
    }

    /// `ccr_raft_term`.
    pub fn set_raft_term(&self, term: u64) {
        self.inner.node.raft_term.set(to_i64(term));
    }

    /// `ccr_raft_leader_id`; 0 when there is no known leader.
    pub fn set_raft_leader(&self, leader: Option<u64>) {
        self.inner
            .node
            .raft_leader_id
            .set(to_i64(leader.unwrap_or(0)));
    }

    /// `ccr_raft_commit_index`.
    pub fn set_raft_commit_index(&self, index: u64) {
        self.inner.node.raft_commit_index.set(to_i64(index));
    }

    /// `ccr_raft_applied_index`.
    pub fn set_raft_applied_index(&self, index: u64) {
        self.inner.node.raft_applied_index.set(to_i64(index));
    }

    /// `ccr_raft_follower_lag{follower}` (set on the leader only).
    pub fn set_follower_lag(&self, follower: u64, lag_entries: u64) {
        let labels = vec![("follower", follower.to_string())];
        self.inner
            .node
            .raft_follower_lag
            .get_or_create(&labels)
            .set(to_i64(lag_entries));
    }

    /// Drops one follower's lag series (it left, or this node is no longer leader).
    pub fn remove_follower(&self, follower: u64) {
        self.inner
            .node
            .raft_follower_lag
            .remove(&vec![("follower", follower.to_string())]);
    }

    /// Drops every follower lag series (on losing leadership).
    pub fn clear_followers(&self) {
        self.inner.node.raft_follower_lag.clear();
    }

    /// `ccr_node_jobs_owned`.
    pub fn set_jobs_owned(&self, jobs: usize) {
        self.inner
            .node
            .jobs_owned
            .set(i64::try_from(jobs).unwrap_or(i64::MAX));
    }

    /// The registry in the Prometheus/OpenMetrics text format (ends with `# EOF`).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.inner.registry) {
            // Only a `fmt::Error` writing into a String; keep what was written.
            tracing::warn!(error = %e, "Encoding metrics failed.");
        }
        out
    }
}

fn register_node(sub: &mut Registry, n: &NodeFamilies) {
    sub.register("ccr_raft_term", "Current Raft term", n.raft_term.clone());
    sub.register(
        "ccr_raft_leader_id",
        "Known Raft leader id; 0 = none",
        n.raft_leader_id.clone(),
    );
    sub.register(
        "ccr_raft_commit_index",
        "Raft committed log index",
        n.raft_commit_index.clone(),
    );
    sub.register(
        "ccr_raft_applied_index",
        "Raft applied log index",
        n.raft_applied_index.clone(),
    );
    sub.register(
        "ccr_raft_follower_lag",
        "Log entries a follower is behind the leader",
        n.raft_follower_lag.clone(),
    );
    sub.register(
        "ccr_node_jobs_owned",
        "Jobs this node currently runs",
        n.jobs_owned.clone(),
    );
}

/// Raft indexes and ids are u64; gauges are i64. Saturate rather than wrap.
fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
