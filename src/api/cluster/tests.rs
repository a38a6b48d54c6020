//! The admin router against a fake [`ClusterAdmin`].

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use parking_lot::Mutex;
use serde_json::{json, Value};
use syncer_raft::{NodeId, NodeInfo};
use tower::ServiceExt;

use super::{router, ClusterAdmin, ClusterApi, JobPlacement, NodeStatusView};
use crate::doris::Secret;
use crate::fleet::admin::{AdminError, AdminOp, MemberView};

struct Fake {
    me: NodeId,
    members: Vec<MemberView>,
    leader: Option<NodeId>,
    ops: Mutex<Vec<AdminOp>>,
    answer: Result<String, AdminError>,
    /// http addr → what the node there says about itself.
    probes: Mutex<BTreeMap<String, NodeStatusView>>,
}

fn member(id: NodeId, voter: bool, jobs: usize) -> MemberView {
    MemberView {
        id,
        raft_addr: format!("127.0.0.1:{}", 9100 + id),
        http_addr: format!("127.0.0.1:{}", 9200 + id),
        voter,
        leader: id == 1,
        last_contact_ms: Some(12 * id),
        jobs_owned: jobs,
        draining: false,
    }
}

fn fake(members: Vec<MemberView>) -> Arc<Fake> {
    Arc::new(Fake::with(members))
}

impl Fake {
    fn with(members: Vec<MemberView>) -> Fake {
        Fake {
            me: 1,
            members,
            leader: Some(1),
            ops: Mutex::new(Vec::new()),
            answer: Ok("done".into()),
            probes: Mutex::new(BTreeMap::new()),
        }
    }
}

#[async_trait]
impl ClusterAdmin for Fake {
    fn node_id(&self) -> NodeId {
        self.me
    }
    async fn members(&self) -> Vec<MemberView> {
        self.members.clone()
    }
    fn leader(&self) -> Option<(NodeId, NodeInfo)> {
        let id = self.leader?;
        let m = self.members.iter().find(|m| m.id == id)?;
        Some((id, NodeInfo::new(m.raft_addr.clone(), m.http_addr.clone())))
    }
    async fn status(&self) -> NodeStatusView {
        NodeStatusView {
            id: self.me,
            role: "leader".into(),
            in_group: true,
            ..Default::default()
        }
    }
    async fn admin(&self, op: AdminOp) -> Result<String, AdminError> {
        self.ops.lock().push(op);
        self.answer.clone()
    }
    fn jobs(&self) -> Vec<JobPlacement> {
        vec![JobPlacement {
            name: "j1".into(),
            state: "blocked".into(),
            reason: Some("needs a full sync".into()),
            owner: None,
            epoch: 3,
        }]
    }
    async fn probe(&self, http_addr: &str) -> Result<NodeStatusView, String> {
        self.probes
            .lock()
            .get(http_addr)
            .cloned()
            .ok_or_else(|| "connection refused".to_string())
    }
}

async fn call_with(f: Arc<Fake>, token: Option<&str>, req: Request<Body>) -> (StatusCode, Value) {
    let app = router(ClusterApi {
        admin: f,
        token: token.map(Secret::new),
    });
    let resp = app.oneshot(req).await.expect("router answers");
    let status = resp.status();
    let bytes = to_bytes(resp.into_body(), 1 << 20).await.expect("body");
    (status, serde_json::from_slice(&bytes).expect("JSON reply"))
}

async fn post(f: &Arc<Fake>, path: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::post(path)
        .body(Body::from(body.to_string()))
        .expect("request");
    call_with(f.clone(), None, req).await
}

async fn get(f: &Arc<Fake>, path: &str) -> (StatusCode, Value) {
    let req = Request::get(path).body(Body::empty()).expect("request");
    call_with(f.clone(), None, req).await
}

fn three() -> Vec<MemberView> {
    vec![member(1, true, 2), member(2, true, 1), member(3, false, 0)]
}

#[tokio::test]
async fn members_lists_roles_leader_and_jobs() {
    let f = fake(three());
    let (status, v) = get(&f, "/cluster/members").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["success"], true);
    assert_eq!(v["leader"], 1);
    let m = &v["members"];
    assert_eq!(m[0]["role"], "voter");
    assert_eq!(m[0]["is_leader"], true);
    assert_eq!(m[2]["role"], "learner");
    assert_eq!(m[1]["last_contact_ms"], 24);
    assert_eq!(m[0]["jobs_owned"], 2);
}

#[tokio::test]
async fn node_outside_a_group_is_told_so() {
    let f = fake(vec![member(2, true, 0)]);
    let (_, v) = get(&f, "/cluster/members").await;
    assert_eq!(v["success"], false);
    let msg = v["error_msg"].as_str().unwrap_or_default();
    assert!(msg.contains("node 1 is not a member of any group"), "{msg}");
    let (_, v) = post(&f, "/cluster/promote", json!({"id": 2})).await;
    assert_eq!(v["success"], false);
    assert!(f.ops.lock().is_empty());
}

#[tokio::test]
async fn leader_and_status_answer() {
    let f = fake(three());
    let (_, v) = get(&f, "/cluster/leader").await;
    assert_eq!(
        v["leader"],
        json!({"id": 1, "raft_addr": "127.0.0.1:9101", "http_addr": "127.0.0.1:9201"})
    );
    let (_, v) = get(&f, "/cluster/status").await;
    assert_eq!(v["status"]["role"], "leader");
    assert_eq!(v["status"]["in_group"], true);
}

#[tokio::test]
async fn jobs_lists_state_and_owner() {
    let f = fake(three());
    let (_, v) = get(&f, "/cluster/jobs").await;
    let want = json!({"success": true, "jobs": [{"name": "j1", "state": "blocked",
        "reason": "needs a full sync", "owner": null, "epoch": 3}]});
    assert_eq!(v, want);
}

#[tokio::test]
async fn no_leader_is_503() {
    let mut f = Fake::with(three());
    f.leader = None;
    let (status, v) = get(&Arc::new(f), "/cluster/leader").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(v["success"], false);
}

fn unjoined(id: NodeId) -> NodeStatusView {
    NodeStatusView {
        id,
        role: "none".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn add_member_checks_addresses_then_runs() {
    let f = fake(three());
    let bad = json!({"id": 4, "raft_addr": "nope", "http_addr": "127.0.0.1:1"});
    let (_, v) = post(&f, "/cluster/add_member", bad).await;
    assert!(v["error_msg"]
        .as_str()
        .unwrap_or_default()
        .contains("invalid raft_addr"));
    let clash = json!({"id": 2, "raft_addr": "h:1", "http_addr": "h:2"});
    let (_, v) = post(&f, "/cluster/add_member", clash).await;
    assert!(v["error_msg"]
        .as_str()
        .unwrap_or_default()
        .contains("already a member"));
    f.probes.lock().insert("h:2".into(), unjoined(4));
    let good = json!({"id": 4, "raft_addr": "h:1", "http_addr": "h:2"});
    let (_, v) = post(&f, "/cluster/add_member", good).await;
    assert_eq!(v, json!({"success": true, "message": "done"}));
    let want = AdminOp::AddMember {
        id: 4,
        raft_addr: "h:1".into(),
        http_addr: "h:2".into(),
    };
    assert_eq!(*f.ops.lock(), vec![want]);
}

#[tokio::test]
async fn add_member_probes_the_new_node() {
    let f = fake(three());
    let body = json!({"id": 4, "raft_addr": "h:1", "http_addr": "h:2"});
    let (_, v) = post(&f, "/cluster/add_member", body.clone()).await;
    let msg = v["error_msg"].as_str().unwrap_or_default();
    assert!(
        msg.contains("its API at h:2 does not answer (connection refused)"),
        "{msg}"
    );
    let mut wrong_port = unjoined(4);
    wrong_port.raft_port = Some(7);
    f.probes.lock().insert("h:2".into(), wrong_port);
    let (_, v) = post(&f, "/cluster/add_member", body.clone()).await;
    let want = "cannot add node 4: it listens for Raft on port 7, not 1";
    assert_eq!(v["error_msg"], want);
    f.probes.lock().insert("h:2".into(), unjoined(5));
    let (_, v) = post(&f, "/cluster/add_member", body.clone()).await;
    assert_eq!(
        v["error_msg"],
        "cannot add node 4: the node at h:2 is node 5"
    );
    let mut bootstrapped = unjoined(4);
    bootstrapped.in_group = true;
    f.probes.lock().insert("h:2".into(), bootstrapped);
    let (_, v) = post(&f, "/cluster/add_member", body).await;
    let msg = v["error_msg"].as_str().unwrap_or_default();
    assert!(msg.contains("already belongs to a group"), "{msg}");
    assert!(f.ops.lock().is_empty());
    // Re-adding an existing member (same addresses) needs no probe: idempotent.
    let again = json!({"id": 3, "raft_addr": "127.0.0.1:9103", "http_addr": "127.0.0.1:9203"});
    let (_, v) = post(&f, "/cluster/add_member", again).await;
    assert_eq!(v["success"], true);
}

#[tokio::test]
async fn unknown_and_invalid_ids_are_refused() {
    let f = fake(three());
    let (_, v) = post(&f, "/cluster/promote", json!({"id": 9})).await;
    assert_eq!(v["error_msg"], "unknown node id 9 (members: 1, 2, 3)");
    let (_, v) = post(&f, "/cluster/remove", json!({"id": -1})).await;
    assert!(v["error_msg"]
        .as_str()
        .unwrap_or_default()
        .contains("invalid node id"));
    let (_, v) = post(&f, "/cluster/drain", json!({})).await;
    assert_eq!(v["error_msg"], "id is empty");
    assert!(f.ops.lock().is_empty());
}

#[tokio::test]
async fn remove_refuses_the_last_voter_and_a_lone_owner() {
    let f = fake(vec![member(1, true, 3)]);
    let (_, v) = post(&f, "/cluster/remove", json!({"id": 1})).await;
    assert_eq!(v["error_msg"], "cannot remove node 1: it is the last voter");
    let (_, v) = post(&f, "/cluster/drain", json!({"id": 1})).await;
    let msg = v["error_msg"].as_str().unwrap_or_default();
    assert!(
        msg.contains("no other member can take its 3 job(s)"),
        "{msg}"
    );
    let (_, v) = post(&f, "/cluster/drain", json!({"id": 1, "undo": true})).await;
    assert_eq!(v["success"], true);
}

#[tokio::test]
async fn remove_drain_promote_run_on_the_admin() {
    let f = fake(three());
    for (path, body) in [
        ("/cluster/promote", json!({"id": 3})),
        ("/cluster/drain", json!({"id": "2"})),
        ("/cluster/remove", json!({"id": 2})),
    ] {
        let (_, v) = post(&f, path, body).await;
        assert_eq!(v["success"], true, "{path}: {v}");
    }
    let want = vec![
        AdminOp::Promote { id: 3 },
        AdminOp::Drain {
            id: 2,
            draining: true,
        },
        AdminOp::RemoveMember { id: 2 },
    ];
    assert_eq!(*f.ops.lock(), want);
}

#[tokio::test]
async fn admin_errors_are_reported() {
    let mut f = Fake::with(three());
    f.answer = Err(AdminError::NoLeader("no leader known".into()));
    let f = Arc::new(f);
    let (status, v) = post(&f, "/cluster/promote", json!({"id": 3})).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(v["error_msg"], "no reachable leader: no leader known");
}

#[tokio::test]
async fn token_is_required_when_configured() {
    let f = fake(three());
    let req = Request::get("/cluster/members")
        .body(Body::empty())
        .expect("req");
    let (status, v) = call_with(f.clone(), Some("s3cret"), req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(v["success"], false);
    let req = Request::get("/cluster/members")
        .header("authorization", "Bearer s3cret")
        .body(Body::empty())
        .expect("req");
    let (status, _) = call_with(f.clone(), Some("s3cret"), req).await;
    assert_eq!(status, StatusCode::OK);
    let req = Request::get("/health").body(Body::empty()).expect("req");
    let (status, v) = call_with(f, Some("s3cret"), req).await;
    assert_eq!(status, StatusCode::OK, "health needs no token");
    assert_eq!(v, json!({"success": true, "node": 1, "leader": 1}));
}

#[tokio::test]
async fn ready_needs_no_token_and_says_why_not() {
    let req = Request::get("/ready").body(Body::empty()).expect("req");
    let (status, v) = call_with(fake(three()), Some("s3cret"), req).await;
    // The fake's status knows no leader and holds no lease.
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["ready"], false);
    assert!(
        v["reason"].as_str().is_some_and(|r| r.contains("leader")),
        "{v}"
    );
}
