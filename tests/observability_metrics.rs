//! `/metrics` and the JSON logs of a real node running a table job between two
//! `doris-emu` processes: after N single-row inserts the scrape (parsed with
//! `prometheus-parse`) shows ≥ N UPSERT binlogs applied, the lag gauges, the job running
//! on its owner, a full sync, the tablets ingested and the Raft gauges; every log line of
//! the job's runner carries `job` and `node`.

mod fleet_common;
mod observability_common;
mod support;

use std::time::Duration;

use ccr_syncer::doris::SqlClient;
use fleet_common::poll;
use observability_common::{client, create_job, get, scrape, start_engine_node, value, Node};
use prometheus_parse::Sample;
use serde_json::{json, Value};
use support::emu::{emu_opts, side, spawn_emu};
use support::sum_tables::sum_table_ddl;

const JOB: &str = "obs_metrics_job";
const INSERTS: usize = 5;

async fn count(sql: &SqlClient) -> Option<usize> {
    Some(sql.query("SELECT id FROM `obs`.`t`").await.ok()?.len())
}

/// Scrapes until the job has applied at least `INSERTS` UPSERTs and reports its lag.
async fn settled_scrape(http: &reqwest::Client, node: &Node) -> Vec<Sample> {
    let labels = [("job", JOB), ("node", "1"), ("type", "UPSERT")];
    poll(
        "UPSERTs counted and lag exported",
        Duration::from_secs(30),
        || async {
            let samples = scrape(http, &node.addr()).await?;
            let applied = value(&samples, "ccr_job_binlogs_applied_total", &labels)?;
            let lag = value(&samples, "ccr_job_lag_commit_seqs", &[("job", JOB)]);
            (applied >= INSERTS as f64 && lag.is_some()).then_some(samples)
        },
    )
    .await
}

fn check_job_series(samples: &[Sample]) {
    let job = [("job", JOB), ("node", "1")];
    let lag_s = value(samples, "ccr_job_lag_seconds", &job).expect("lag seconds gauge");
    assert!(lag_s >= 0.0, "lag seconds {lag_s}");
    let lag = value(samples, "ccr_job_lag_commit_seqs", &job).expect("lag seqs gauge");
    assert!(lag >= 0.0, "lag seqs {lag}");
    let running = [("job", JOB), ("node", "1"), ("state", "running")];
    assert_eq!(value(samples, "ccr_job_state", &running), Some(1.0));
    let owner = [("job", JOB), ("node", "1"), ("owner", "1")];
    assert_eq!(value(samples, "ccr_job_owner", &owner), Some(1.0));
    let full = value(samples, "ccr_job_full_syncs_total", &job).unwrap_or(0.0);
    assert!(full >= 1.0, "full syncs {full}");
    let tablets = value(samples, "ccr_job_tablets_ingested_total", &job).unwrap_or(0.0);
    assert!(tablets >= INSERTS as f64, "tablets ingested {tablets}");
}

fn check_node_series(samples: &[Sample]) {
    let node = [("node", "1")];
    assert_eq!(value(samples, "ccr_raft_leader_id", &node), Some(1.0));
    assert_eq!(value(samples, "ccr_node_jobs_owned", &node), Some(1.0));
    for m in [
        "ccr_raft_term",
        "ccr_raft_commit_index",
        "ccr_raft_applied_index",
    ] {
        let v = value(samples, m, &node).unwrap_or(-1.0);
        assert!(v >= 1.0, "{m} = {v}");
    }
}

/// Every line the job's runner logged (engine and runner supervisor) has `job` and
/// `node`; there are such lines.
fn check_logs(node: &Node) {
    let text = std::fs::read_to_string(&node.log).expect("log file");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let runner_lines: Vec<&Value> = lines
        .iter()
        .filter(|l| {
            let target = l["target"].as_str().unwrap_or_default();
            target.starts_with("ccr_syncer::engine") || target == "ccr_syncer::manager::runner"
        })
        .collect();
    assert!(!runner_lines.is_empty(), "no runner log lines in:\n{text}");
    eprintln!(
        "{} runner log lines, e.g. {}",
        runner_lines.len(),
        runner_lines[0]
    );
    for l in &runner_lines {
        assert_eq!(l["job"], json!(JOB), "job field: {l}");
        assert_eq!(l["node"], json!(1), "node field: {l}");
    }
    // Lines about the job logged while serving a request carry the node too.
    let created = lines
        .iter()
        .find(|l| l["job"] == json!(JOB) && l["message"] == json!("job created"))
        .unwrap_or_else(|| panic!("no 'job created' line in:\n{text}"));
    assert_eq!(created["node"], json!(1), "{created}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_job_exports_metrics_and_tags_its_logs() {
    let (src_emu, src) = spawn_emu(emu_opts(20_000)).await;
    let (dst_emu, dst) = spawn_emu(emu_opts(40_000)).await;
    src.exec("CREATE DATABASE `obs`").await.expect("db");
    src.exec(&sum_table_ddl("obs", "t", 1))
        .await
        .expect("table");
    src.exec("INSERT INTO `obs`.`t` VALUES (0, 1)")
        .await
        .expect("insert");

    let tmp = tempfile::tempdir().expect("temp dir");
    let http = client();
    let node = start_engine_node(tmp.path(), &http).await;
    let body = json!({"name": JOB, "src": side(&src_emu, "obs", "t"),
                      "dest": side(&dst_emu, "obs", "t")});
    create_job(&http, &node, JOB, &body).await;
    poll("full sync done", Duration::from_secs(60), || async {
        (count(&dst).await? == 1).then_some(())
    })
    .await;
    for k in 1..=INSERTS {
        let q = format!("INSERT INTO `obs`.`t` VALUES ({k}, 1)");
        src.exec(&q).await.expect("insert");
    }
    poll("rows replicated", Duration::from_secs(30), || async {
        (count(&dst).await? == INSERTS + 1).then_some(())
    })
    .await;

    let samples = settled_scrape(&http, &node).await;
    let (_, text) = get(&http, &node.addr(), "/metrics").await.expect("scrape");
    eprintln!("{text}");
    check_job_series(&samples);
    check_node_series(&samples);
    let health = get(&http, &node.addr(), "/health").await;
    assert_eq!(health.map(|h| h.0), Some(200));
    check_logs(&node);
}
