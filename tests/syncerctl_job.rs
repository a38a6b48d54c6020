//! `syncerctl job ...` against a fake API: the original endpoints, tables, `--json`,
//! errors.

mod syncerctl_common;

use serde_json::{json, Value};
use syncerctl_common::{ctl, FakeApi};

const OK: &str = r#"{"success":true}"#;

fn create_body() -> Value {
    let spec = |db: &str| {
        json!({"host": "fe", "port": "9030", "thrift_port": "9020", "user": "root",
               "password": "pw", "database": db, "table": ""})
    };
    json!({"name": "j1", "src": spec("src_db"), "dest": spec("dst_db")})
}

#[tokio::test]
async fn create_posts_the_file_verbatim() {
    let api = FakeApi::default();
    api.answer("/create_ccr", 200, OK);
    let addr = api.spawn().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("job.json");
    let text = serde_json::to_string_pretty(&create_body()).expect("json");
    std::fs::write(&file, &text).expect("write");
    let path = file.to_string_lossy().to_string();
    let run = ctl(&addr, &["job", "create", &path]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "job j1 created\n"),
        "{run:?}"
    );
    let seen = api.seen();
    assert_eq!(
        (seen[0].path.as_str(), seen[0].body.as_str()),
        ("/create_ccr", text.as_str())
    );
}

#[tokio::test]
async fn create_reports_bad_files_and_http_400() {
    let api = FakeApi::default();
    api.answer(
        "/create_ccr",
        400,
        "json: cannot unmarshal number into port",
    );
    let addr = api.spawn().await;
    let run = ctl(&addr, &["job", "create", "/nonexistent/job.json"]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("syncerctl: cannot read /nonexistent/job.json"),
        "{}",
        run.stderr
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{not json").expect("write");
    let run = ctl(&addr, &["job", "create", &bad.to_string_lossy()]).await;
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is not valid JSON"), "{}", run.stderr);
    assert!(api.seen().is_empty(), "nothing sent for a bad file");
    let good = dir.path().join("good.json");
    std::fs::write(&good, create_body().to_string()).expect("write");
    let run = ctl(&addr, &["job", "create", &good.to_string_lossy()]).await;
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "syncerctl: HTTP 400: json: cannot unmarshal number into port\n"
    );
}

#[tokio::test]
async fn list_shows_names_or_no_jobs() {
    let api = FakeApi::default();
    api.answer("/list_jobs", 200, r#"{"success":true,"jobs":["a","bb"]}"#);
    let addr = api.spawn().await;
    let run = ctl(&addr, &["job", "list"]).await;
    assert_eq!(run.stdout, "NAME\na\nbb\n");
    api.answer("/list_jobs", 200, OK);
    let run = ctl(&addr, &["job", "list"]).await;
    assert_eq!((run.code, run.stdout.as_str()), (0, "no jobs\n"));
    let run = ctl(&addr, &["--json", "job", "list"]).await;
    assert_eq!(run.stdout.trim(), OK);
}

#[tokio::test]
async fn list_shows_state_and_owner_when_the_node_can() {
    let api = FakeApi::default();
    let jobs = json!({"success": true, "jobs": [
        {"name": "a", "state": "running", "reason": null, "owner": 2, "epoch": 5},
        {"name": "bb", "state": "blocked", "reason": "needs a full sync", "owner": null, "epoch": 1}]});
    api.answer("/cluster/jobs", 200, &jobs.to_string());
    api.answer("/list_jobs", 200, r#"{"success":true,"jobs":["a","bb"]}"#);
    let addr = api.spawn().await;
    let run = ctl(&addr, &["job", "list"]).await;
    let want = "\
NAME  STATE    OWNER  EPOCH  REASON
a     running  2      5      -
bb    blocked  -      1      needs a full sync
";
    assert_eq!(run.stdout, want);
    let run = ctl(&addr, &["--json", "job", "list"]).await;
    assert_eq!(run.stdout.trim(), r#"{"success":true,"jobs":["a","bb"]}"#);
}

#[tokio::test]
async fn status_and_lag_tables() {
    let api = FakeApi::default();
    let status = json!({"success": true, "status": {"name": "j1", "state": "running",
        "progress_state": "DBIncrementalSync", "sub_state": null, "last_error": null,
        "retries": 0, "blocked_reason": null, "last_applied_commit_seq": 1234}});
    api.answer("/job_status", 200, &status.to_string());
    let jobs = r#"{"success":true,"jobs":[{"name":"j1","state":"running","owner":2,"epoch":5}]}"#;
    api.answer("/cluster/jobs", 200, jobs);
    api.answer(
        "/get_lag",
        200,
        r#"{"success":true,"lag":7,"lag_seconds":3}"#,
    );
    let addr = api.spawn().await;
    let run = ctl(&addr, &["job", "status", "j1"]).await;
    assert_eq!(run.code, 0);
    for line in [
        "STATE             running",
        "PROGRESS STATE    DBIncrementalSync",
        "LAST APPLIED SEQ  1234",
        "LAST ERROR        -",
        "OWNER             node 2 (epoch 5)",
    ] {
        assert!(
            run.stdout.contains(&format!("{line}\n")),
            "{line:?} in\n{}",
            run.stdout
        );
    }
    let run = ctl(&addr, &["job", "lag", "j1"]).await;
    assert_eq!(
        run.stdout,
        "NAME  LAG (BINLOGS)  LAG (SECONDS)\nj1    7              3\n"
    );
    let posts = api.seen().into_iter().filter(|s| s.method == "POST");
    let bodies: Vec<(String, String)> = posts.map(|s| (s.path, s.body)).collect();
    let name = r#"{"name":"j1"}"#.to_string();
    let want = [("/job_status", name.clone()), ("/get_lag", name)];
    assert_eq!(bodies, want.map(|(p, b)| (p.to_string(), b)));
}

#[tokio::test]
async fn pause_resume_delete() {
    let api = FakeApi::default();
    for p in ["/pause", "/resume", "/delete"] {
        api.answer(p, 200, OK);
    }
    let addr = api.spawn().await;
    for (cmd, word) in [
        ("pause", "paused"),
        ("resume", "resumed"),
        ("delete", "deleted"),
    ] {
        let run = ctl(&addr, &["job", cmd, "j1"]).await;
        assert_eq!(
            (run.code, run.stdout.clone()),
            (0, format!("job j1 {word}\n"))
        );
    }
    let paths: Vec<String> = api.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(paths, vec!["/pause", "/resume", "/delete"]);
}

#[tokio::test]
async fn job_errors_exit_1() {
    let api = FakeApi::default();
    let err = r#"{"success":false,"error_msg":"[normal] job not exist: nope","lag":0}"#;
    api.answer("/get_lag", 200, err);
    let addr = api.spawn().await;
    let run = ctl(&addr, &["job", "lag", "nope"]).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "syncerctl: [normal] job not exist: nope\n");
    let run = ctl(&addr, &["job", "status", "x"]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("syncerctl: HTTP 404"),
        "{}",
        run.stderr
    );
}
