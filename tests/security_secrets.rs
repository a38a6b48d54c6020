//! Secrets never leak: a node (debug logs, API token) replicating between two doris-emu
//! clusters whose `root` password is known. Every API answer, every syncerctl output
//! (tables and `--json`) and the node's log are searched for the password and the token.

mod fleet_common;
mod support;
mod syncerctl_common;

use std::time::Duration;

use ccr_syncer::doris::SqlClient;
use doris_emu::testing::EmuProcess;
use fleet_common::{poll, Fleet};
use serde_json::{json, Value};
use support::emu::{password_pair_with_db, side_with_password};

const PASSWORD: &str = "Pw-k7Q2-doris-S3cret";
const TOKEN: &str = "api-tok-51f0-S3cret";

/// `side` of a job on `e` with the root password.
fn side(e: &EmuProcess, db: &str, table: &str) -> Value {
    side_with_password(e, PASSWORD, db, table)
}

async fn call(http: &reqwest::Client, addr: &str, path: &str, body: &Value) -> String {
    let resp = http
        .post(format!("http://{addr}{path}"))
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(resp.status().is_success(), "{path}: HTTP {}", resp.status());
    resp.text().await.expect("body")
}

async fn count(c: &SqlClient, q: &str) -> Option<usize> {
    c.query(q).await.ok().map(|r| r.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_and_token_never_leak() {
    let ((src_emu, _src), (dst_emu, dst)) =
        password_pair_with_db(PASSWORD, (30_000, 10_001), (60_000, 20_001), "sec_db").await;

    let mut fleet = Fleet::new();
    let node = fleet.add(1, vec![]);
    node.dry_run = false;
    node.env = vec![
        ("CCR_SYNCER_API_TOKEN".into(), TOKEN.into()),
        ("RUST_LOG".into(), "debug".into()),
        ("CCR_SYNCER_LOG_LEVEL".into(), "debug".into()),
    ];
    fleet.start(1);
    let addr = fleet.addr(1);
    let http = reqwest::Client::new();
    poll("node leads", Duration::from_secs(20), || async {
        let r = http
            .post(format!("http://{addr}/internal/status"))
            .bearer_auth(TOKEN)
            .json(&json!({}))
            .send()
            .await
            .ok()?;
        let v: Value = r.json().await.ok()?;
        (v["lease_valid"] == json!(true) && !v["leader"].is_null()).then_some(())
    })
    .await;

    let mut seen = Vec::<(String, String)>::new();
    let body = json!({"name": "sec_db_job", "src": side(&src_emu, "sec_db", ""), "dest": side(&dst_emu, "sec_db", "")});
    let created = call(&http, &addr, "/create_ccr", &body).await;
    assert!(created.contains("\"success\":true"), "{created}");
    seen.push(("/create_ccr".into(), created));

    // A second job through syncerctl (from a JSON file that holds the password).
    let file = fleet.tmp.path().join("job.json");
    let table_job = json!({"name": "sec_tbl_job", "src": side(&src_emu, "sec_db", "t1"),
                           "dest": side(&dst_emu, "sec_tbl", "t1")});
    std::fs::write(&file, table_job.to_string()).expect("job file");
    let ctl = |args: Vec<String>| {
        let addr = addr.clone();
        async move {
            let mut all = vec![
                "--endpoint".to_string(),
                addr,
                "--token".into(),
                TOKEN.into(),
            ];
            all.extend(args);
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            syncerctl_common::syncerctl(&refs, &[]).await
        }
    };
    let run = ctl(vec![
        "job".into(),
        "create".into(),
        file.display().to_string(),
    ])
    .await;
    assert_eq!(run.code, 0, "job create: {} {}", run.stdout, run.stderr);
    seen.push((
        "syncerctl job create".into(),
        format!("{}{}", run.stdout, run.stderr),
    ));

    poll("db job replicated", Duration::from_secs(60), || async {
        (count(&dst, "SELECT * FROM `sec_db`.`t1`").await == Some(2)).then_some(())
    })
    .await;
    poll("table job replicated", Duration::from_secs(60), || async {
        (count(&dst, "SELECT * FROM `sec_tbl`.`t1`").await == Some(2)).then_some(())
    })
    .await;

    for job in ["sec_db_job", "sec_tbl_job"] {
        for path in ["/job_detail", "/job_progress", "/job_status", "/get_lag"] {
            let text = call(&http, &addr, path, &json!({ "name": job })).await;
            seen.push((format!("{path} {job}"), text));
        }
    }
    for path in [
        "/list_jobs",
        "/metrics",
        "/features",
        "/cluster/members",
        "/cluster/leader",
        "/cluster/status",
        "/cluster/jobs",
        "/internal/status",
    ] {
        seen.push((path.into(), call(&http, &addr, path, &json!({})).await));
    }
    let ctl_runs: Vec<Vec<&str>> = vec![
        vec!["job", "list"],
        vec!["job", "status", "sec_db_job"],
        vec!["job", "lag", "sec_db_job"],
        vec!["member", "list"],
        vec!["status"],
        vec!["leader"],
    ];
    for args in ctl_runs {
        for json_flag in [false, true] {
            let mut a: Vec<String> = if json_flag {
                vec!["--json".into()]
            } else {
                vec![]
            };
            a.extend(args.iter().map(|s| s.to_string()));
            let run = ctl(a.clone()).await;
            assert_eq!(
                run.code, 0,
                "syncerctl {a:?}: {} {}",
                run.stdout, run.stderr
            );
            seen.push((
                format!("syncerctl {a:?}"),
                format!("{}{}", run.stdout, run.stderr),
            ));
        }
    }
    let node_dir = fleet.node(1).dir.clone();
    for entry in std::fs::read_dir(&node_dir).expect("node dir").flatten() {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "log") {
            let text = std::fs::read_to_string(&p).expect("log");
            assert!(
                text.contains("DEBUG") || text.contains("debug"),
                "log not at debug level"
            );
            seen.push((p.display().to_string(), text));
        }
    }
    let leaks: Vec<String> = seen
        .iter()
        .filter(|(_, text)| text.contains(PASSWORD) || text.contains(TOKEN))
        .map(|(what, text)| {
            let at = text
                .find(PASSWORD)
                .or_else(|| text.find(TOKEN))
                .unwrap_or(0);
            let ctx: String = text[at.saturating_sub(120)..].chars().take(240).collect();
            format!("{what}: …{ctx}…")
        })
        .collect();
    assert!(
        leaks.is_empty(),
        "secrets leaked in {} place(s):\n{}",
        leaks.len(),
        leaks.join("\n")
    );
    assert!(seen.len() > 30, "too few outputs checked: {}", seen.len());
    let log_lines: usize = seen
        .iter()
        .filter(|(w, _)| w.ends_with(".log"))
        .map(|(_, t)| t.lines().count())
        .sum();
    eprintln!("checked {} outputs, {log_lines} log lines", seen.len());
}
