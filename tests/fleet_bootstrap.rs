//! One real node process: bootstrap, jobs run and checkpoint through Raft, restart with
//! the same data dir resumes, and a stale-epoch progress write is rejected.

mod fleet_common;

use std::time::Duration;

use fleet_common::{check_no_stale_apply, poll, Fleet};
use serde_json::{json, Value};

/// The job's committed `commit_seq` as node `id` reports it.
async fn commit_seq(fleet: &Fleet, id: u64, job: &str) -> Option<i64> {
    let reply = fleet
        .post(id, "/job_progress", &json!({ "name": job }))
        .await?;
    let text = reply["job_progress"].as_str()?;
    let progress: Value = serde_json::from_str(text).ok()?;
    progress["commit_seq"].as_i64()
}

#[tokio::test]
async fn bootstrap_run_restart_resume() {
    let mut fleet = Fleet::new();
    let status = fleet.start_seed(true).await;
    assert_eq!(status["leader"], json!(1), "a lone node leads: {status}");

    fleet.create_job(1, "job_a").await;
    poll("job_a checkpoints", Duration::from_secs(10), || async {
        commit_seq(&fleet, 1, "job_a").await.filter(|s| *s >= 5)
    })
    .await;
    let detail = fleet
        .post(1, "/job_detail", &json!({"name": "job_a"}))
        .await;
    let detail = detail.map(|d| d.to_string()).unwrap_or_default();
    assert!(!detail.contains("secret-pw"), "password masked: {detail}");

    fleet.node(1).kill9();
    let before = fleet
        .applied()
        .iter()
        .map(|(_, _, s)| *s)
        .max()
        .unwrap_or(0);
    fleet.start(1);
    fleet.wait_ready(1).await;
    let list = fleet.post(1, "/list_jobs", &json!({})).await;
    assert_eq!(list.map(|l| l["jobs"].clone()), Some(json!(["job_a"])));
    poll(
        "job_a resumes after restart",
        Duration::from_secs(10),
        || async { commit_seq(&fleet, 1, "job_a").await.filter(|s| *s > before) },
    )
    .await;
    check_no_stale_apply(&fleet.applied()).unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn stale_epoch_progress_write_is_rejected() {
    let mut fleet = Fleet::new();
    fleet.start_seed(true).await;
    fleet.create_job(1, "job_e").await;
    let epoch = poll(
        "job_e runner holds an epoch",
        Duration::from_secs(10),
        || async { fleet.status(1).await?["runners"]["job_e"].as_u64() },
    )
    .await;
    let save = |epoch: u64| json!({"type": "save_progress", "job": "job_e", "epoch": epoch, "data": {"commit_seq": 1}});
    let stale = fleet
        .post(1, "/internal/raft_write", &save(epoch - 1))
        .await;
    let stale = stale.unwrap_or_default();
    assert_eq!(stale["outcome"], json!("applied"), "{stale}");
    assert_eq!(stale["response"]["result"], json!("rejected"), "{stale}");
    assert_eq!(
        stale["response"]["reason"]["kind"],
        json!("stale_epoch"),
        "{stale}"
    );
    assert_eq!(
        stale["response"]["reason"]["current"],
        json!(epoch),
        "{stale}"
    );
}
