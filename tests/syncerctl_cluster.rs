//! `syncerctl` membership commands against a fake API: requests, tables, `--json`, exit
//! codes, unreachable endpoints, tokens.

mod syncerctl_common;

use serde_json::{json, Value};
use syncerctl_common::{ctl, syncerctl, FakeApi};

const MEMBERS: &str = r#"{"success":true,"node":1,"leader":1,"members":[
 {"id":1,"raft_addr":"127.0.0.1:9191","http_addr":"127.0.0.1:9190","role":"voter","is_leader":true,"last_contact_ms":null,"jobs_owned":2,"draining":false},
 {"id":12,"raft_addr":"10.0.0.12:9191","http_addr":"10.0.0.12:9190","role":"learner","is_leader":false,"last_contact_ms":1200,"jobs_owned":0,"draining":true}]}"#;

#[tokio::test]
async fn member_list_prints_an_aligned_table() {
    let api = FakeApi::default();
    api.answer("/cluster/members", 200, MEMBERS);
    let addr = api.spawn().await;
    let run = ctl(&addr, &["member", "list"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let want = "\
ID  RAFT ADDR       HTTP ADDR       ROLE     LEADER  LAST CONTACT  JOBS  DRAINING
1   127.0.0.1:9191  127.0.0.1:9190  voter    *       -             2     no
12  10.0.0.12:9191  10.0.0.12:9190  learner          1.2s          0     yes
";
    assert_eq!(run.stdout, want);
    assert_eq!(api.seen()[0].method, "GET");
}

#[tokio::test]
async fn json_prints_the_raw_answer() {
    let api = FakeApi::default();
    api.answer("/cluster/members", 200, MEMBERS);
    let addr = api.spawn().await;
    let run = ctl(&addr, &["--json", "member", "list"]).await;
    assert_eq!(run.code, 0);
    let got: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let want: Value = serde_json::from_str(MEMBERS).expect("fixture");
    assert_eq!(got, want);
}

#[tokio::test]
async fn membership_changes_send_their_bodies() {
    let api = FakeApi::default();
    let done = r#"{"success":true,"message":"node 4 added as a voter"}"#;
    for p in ["add_member", "promote", "remove", "drain"] {
        api.answer(&format!("/cluster/{p}"), 200, done);
    }
    let addr = api.spawn().await;
    let run = ctl(&addr, &["member", "add", "4", "h:9191", "h:9190"]).await;
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "node 4 added as a voter\n")
    );
    let runs: [&[&str]; 4] = [
        &["member", "promote", "4"],
        &["member", "remove", "4"],
        &["drain", "4"],
        &["drain", "4", "--undo"],
    ];
    for args in runs {
        assert_eq!(ctl(&addr, args).await.code, 0, "{args:?}");
    }
    let seen = api.seen().into_iter();
    let bodies: Vec<(String, Value)> = seen
        .map(|s| (s.path, serde_json::from_str(&s.body).unwrap_or_default()))
        .collect();
    let want = [
        (
            "add_member",
            json!({"id": 4, "raft_addr": "h:9191", "http_addr": "h:9190"}),
        ),
        ("promote", json!({"id": 4})),
        ("remove", json!({"id": 4})),
        ("drain", json!({"id": 4, "undo": false})),
        ("drain", json!({"id": 4, "undo": true})),
    ];
    let want: Vec<(String, Value)> = want
        .into_iter()
        .map(|(p, b)| (format!("/cluster/{p}"), b))
        .collect();
    assert_eq!(bodies, want);
}

#[tokio::test]
async fn leader_and_status() {
    let api = FakeApi::default();
    let leader = r#"{"success":true,"leader":{"id":2,"raft_addr":"h:9291","http_addr":"h:9290"}}"#;
    api.answer("/cluster/leader", 200, leader);
    let status = json!({"success": true, "status": {
        "id": 1, "role": "follower", "in_group": true, "term": 3, "leader": 2,
        "leader_http_addr": "h:9290", "last_log_index": 42, "applied_index": 41,
        "lease_ok": true, "last_quorum_contact_ms": 15, "jobs_owned": ["a", "b"],
        "runners": 2, "data_dir": "/d", "data_dir_bytes": 1536}});
    api.answer("/cluster/status", 200, &status.to_string());
    let addr = api.spawn().await;
    let run = ctl(&addr, &["leader"]).await;
    assert_eq!(
        run.stdout,
        "ID  RAFT ADDR  HTTP ADDR\n2   h:9291     h:9290\n"
    );
    let run = ctl(&addr, &["status"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    for line in [
        "ROLE            follower",
        "LEADER          2 (h:9290)",
        "APPLIED INDEX   41",
        "LEASE           ok",
        "QUORUM CONTACT  15ms",
        "JOBS OWNED      2 (a, b)",
        "DATA DIR        /d (1.5 KiB)",
    ] {
        assert!(
            run.stdout.contains(&format!("{line}\n")),
            "{line:?} in\n{}",
            run.stdout
        );
    }
}

#[tokio::test]
async fn node_outside_a_group_exits_1_with_a_clear_message() {
    let api = FakeApi::default();
    let status = json!({"success": true, "status": {"id": 4, "role": "none", "in_group": false}});
    api.answer("/cluster/status", 200, &status.to_string());
    let err = r#"{"success":false,"error_msg":"node 4 is not a member of any group (start it with --join <member> or add it with `syncerctl member add`)"}"#;
    api.answer("/cluster/members", 200, err);
    let addr = api.spawn().await;
    let run = ctl(&addr, &["status"]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("syncerctl: node 4 is not a member of any group"),
        "{}",
        run.stderr
    );
    let run = ctl(&addr, &["member", "list"]).await;
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("not a member of any group"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[tokio::test]
async fn api_errors_go_to_stderr_with_exit_1() {
    let api = FakeApi::default();
    let err = r#"{"success":false,"error_msg":"unknown node id 9 (members: 1, 2)"}"#;
    api.answer("/cluster/promote", 200, err);
    let addr = api.spawn().await;
    let run = ctl(&addr, &["member", "promote", "9"]).await;
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "syncerctl: unknown node id 9 (members: 1, 2)\n");
    assert!(run.stdout.is_empty());
    let run = ctl(&addr, &["--json", "member", "promote", "9"]).await;
    assert_eq!((run.code, run.stdout.trim()), (1, err));
}

#[tokio::test]
async fn unreachable_endpoint_is_reported() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = l.local_addr().expect("addr").to_string();
    drop(l);
    let run = ctl(&addr, &["member", "list"]).await;
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!("syncerctl: cannot reach {addr}: connection refused\n")
    );
}

#[tokio::test]
async fn bad_usage_exits_2() {
    let run = syncerctl(&["member", "add", "x"], &[]).await;
    assert_eq!(run.code, 2, "{run:?}");
    let run = syncerctl(&["frobnicate"], &[]).await;
    assert_eq!(run.code, 2);
}

#[tokio::test]
async fn endpoint_and_token_come_from_the_environment() {
    let api = FakeApi::default();
    api.answer("/cluster/members", 200, MEMBERS);
    let addr = api.spawn().await;
    let env = [
        ("SYNCERCTL_ENDPOINT", addr.as_str()),
        ("SYNCERCTL_TOKEN", "s3cret"),
    ];
    let run = syncerctl(&["member", "list"], &env).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(api.seen()[0].auth.as_deref(), Some("Bearer s3cret"));
    assert!(!run.stdout.contains("s3cret") && !run.stderr.contains("s3cret"));
    let run = ctl(&addr, &["--token", "t2", "member", "list"]).await;
    assert_eq!(run.code, 0);
    assert_eq!(api.seen()[1].auth.as_deref(), Some("Bearer t2"));
}

#[tokio::test]
async fn unauthorized_says_what_to_do() {
    let api = FakeApi::default();
    let body = r#"{"success":false,"error_msg":"unauthorized"}"#;
    api.answer("/cluster/leader", 401, body);
    let addr = api.spawn().await;
    let run = ctl(&addr, &["leader"]).await;
    assert_eq!(run.code, 1);
    let want =
        "syncerctl: unauthorized: the node requires an API token (--token or SYNCERCTL_TOKEN)\n";
    assert_eq!(run.stderr, want);
    let run = ctl(&addr, &["--token", "bad", "leader"]).await;
    assert_eq!(
        run.stderr,
        "syncerctl: unauthorized: the node refused the API token\n"
    );
}

#[tokio::test]
async fn member_list_without_a_leader_warns_on_stderr() {
    let api = FakeApi::default();
    api.answer(
        "/cluster/members",
        200,
        &MEMBERS.replace(r#""leader":1,"#, r#""leader":null,"#),
    );
    let addr = api.spawn().await;
    let run = ctl(&addr, &["member", "list"]).await;
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("ID  RAFT ADDR"), "{}", run.stdout);
    assert!(run.stderr.contains("knows no leader"), "{}", run.stderr);
}
