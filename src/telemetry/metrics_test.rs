//! The encoded registry parses as Prometheus text with the expected names and labels.

use std::collections::BTreeMap;

use prometheus_parse::{Sample, Scrape, Value};

use super::Metrics;

fn scrape(metrics: &Metrics) -> Vec<Sample> {
    let text = metrics.encode();
    let lines = text.lines().map(|l| Ok(l.to_string()));
    Scrape::parse(lines).expect("metrics text parses").samples
}

fn find<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Option<&'a Sample> {
    samples
        .iter()
        .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    match find(samples, name, labels).map(|s| &s.value) {
        Some(Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v)) => *v,
        other => panic!("{name}{labels:?}: {other:?}"),
    }
}

fn exercise(m: &Metrics) {
    let job = m.job("db1_job");
    job.set_lag_commit_seqs(7);
    job.set_lag_seconds(1.5);
    job.binlog_applied("UPSERT");
    job.binlog_applied("UPSERT");
    job.binlog_applied("ADD_PARTITION");
    job.rows_ingested(100);
    job.bytes_ingested(4096);
    job.error("network");
    job.full_sync();
    job.partial_sync();
    job.set_state("running");
    job.set_state("paused");
    job.set_owner(2);
    m.set_raft_term(4);
    m.set_raft_leader(Some(2));
    m.set_raft_commit_index(40);
    m.set_raft_applied_index(39);
    m.set_follower_lag(3, 5);
    m.set_jobs_owned(1);
}

#[test]
fn every_family_encodes_with_job_and_node_labels() {
    let m = Metrics::new(2);
    exercise(&m);
    let s = scrape(&m);
    let job = [("job", "db1_job"), ("node", "2")];
    assert_eq!(value(&s, "ccr_job_lag_commit_seqs", &job), 7.0);
    assert_eq!(value(&s, "ccr_job_lag_seconds", &job), 1.5);
    assert_eq!(
        value(
            &s,
            "ccr_job_binlogs_applied_total",
            &[("type", "UPSERT"), job[0]]
        ),
        2.0
    );
    assert_eq!(
        value(
            &s,
            "ccr_job_binlogs_applied_total",
            &[("type", "ADD_PARTITION")]
        ),
        1.0
    );
    assert_eq!(value(&s, "ccr_job_rows_ingested_total", &job), 100.0);
    assert_eq!(value(&s, "ccr_job_bytes_ingested_total", &job), 4096.0);
    assert_eq!(
        value(&s, "ccr_job_errors_total", &[("kind", "network"), job[1]]),
        1.0
    );
    assert_eq!(value(&s, "ccr_job_full_syncs_total", &job), 1.0);
    assert_eq!(value(&s, "ccr_job_partial_syncs_total", &job), 1.0);
    assert_eq!(
        value(&s, "ccr_job_state", &[("state", "paused"), job[0]]),
        1.0
    );
    assert!(
        find(&s, "ccr_job_state", &[("state", "running")]).is_none(),
        "old state kept"
    );
    assert_eq!(value(&s, "ccr_job_owner", &[("owner", "2"), job[0]]), 1.0);
    let node = [("node", "2")];
    assert_eq!(value(&s, "ccr_raft_term", &node), 4.0);
    assert_eq!(value(&s, "ccr_raft_leader_id", &node), 2.0);
    assert_eq!(value(&s, "ccr_raft_commit_index", &node), 40.0);
    assert_eq!(value(&s, "ccr_raft_applied_index", &node), 39.0);
    assert_eq!(
        value(&s, "ccr_raft_follower_lag", &[("follower", "3"), node[0]]),
        5.0
    );
    assert_eq!(value(&s, "ccr_node_jobs_owned", &node), 1.0);
}

#[test]
fn owner_change_replaces_the_series() {
    let m = Metrics::new(1);
    let job = m.job("j");
    job.set_owner(1);
    job.set_owner(3);
    let s = scrape(&m);
    let owners: Vec<_> = s
        .iter()
        .filter(|x| x.metric == "ccr_job_owner")
        .filter_map(|x| x.labels.get("owner"))
        .collect();
    assert_eq!(owners, ["3"]);
    job.clear_owner();
    assert!(find(&scrape(&m), "ccr_job_owner", &[]).is_none());
}

#[test]
fn removing_a_job_drops_all_its_series() {
    let m = Metrics::new(1);
    exercise(&m);
    m.job("other").full_sync();
    m.remove_job("db1_job");
    let s = scrape(&m);
    let left: BTreeMap<_, _> = s
        .iter()
        .filter(|x| x.labels.get("job") == Some("db1_job"))
        .map(|x| (x.metric.clone(), format!("{:?}", x.labels)))
        .collect();
    assert!(left.is_empty(), "series left behind: {left:?}");
    assert_eq!(
        value(&s, "ccr_job_full_syncs_total", &[("job", "other")]),
        1.0
    );
    assert_eq!(value(&s, "ccr_raft_term", &[]), 4.0);
}

#[test]
fn clones_share_one_registry() {
    let m = Metrics::new(1);
    let clone = m.clone();
    clone.job("j").rows_ingested(3);
    m.job("j").rows_ingested(4);
    let s = scrape(&m);
    assert_eq!(
        value(&s, "ccr_job_rows_ingested_total", &[("job", "j")]),
        7.0
    );
}

#[test]
fn placement_series_can_be_cleared_and_jobs_are_listed() {
    let m = Metrics::new(4);
    let j = m.job("j9");
    j.set_state("running");
    j.set_owner(4);
    j.set_lag_commit_seqs(3);
    j.set_lag_seconds(1.5);
    j.tablets_ingested(6);
    assert_eq!(m.job_names(), vec!["j9".to_string()]);
    assert_eq!(m.node_id(), 4);
    let text = m.encode();
    assert!(
        text.contains("ccr_job_tablets_ingested_total{node=\"4\",job=\"j9\"} 6"),
        "{text}"
    );
    j.clear_state();
    j.clear_owner();
    j.clear_lag();
    let text = m.encode();
    for gone in [
        "ccr_job_state{",
        "ccr_job_owner{",
        "ccr_job_lag_seconds{",
        "ccr_job_lag_commit_seqs{",
    ] {
        assert!(!text.contains(gone), "{gone} still in {text}");
    }
    assert!(
        text.contains("ccr_job_tablets_ingested_total{"),
        "counters stay: {text}"
    );
    m.remove_job("j9");
    assert!(m.job_names().is_empty());
    assert!(!m.encode().contains("j9"));
}
