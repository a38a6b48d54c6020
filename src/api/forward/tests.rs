//! The forwarding layer with a fake resolver and a real peer on loopback.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::middleware;
use axum::routing::any;
use axum::Router;
use parking_lot::Mutex;
use serde_json::{json, Value};
use syncer_raft::NodeId;
use tower::ServiceExt;

use super::{forward, ForwardResolver, Forwarder, Peer, FORWARDED_HEADER};

struct FakeResolver {
    me: NodeId,
    /// Successive answers of `leader()`; the last one sticks.
    leaders: Mutex<VecDeque<Option<Peer>>>,
    owners: BTreeMap<String, Peer>,
}

impl ForwardResolver for FakeResolver {
    fn my_id(&self) -> NodeId {
        self.me
    }
    fn leader(&self) -> Option<Peer> {
        let mut l = self.leaders.lock();
        if l.len() > 1 {
            l.pop_front().flatten()
        } else {
            l.front().cloned().flatten()
        }
    }
    fn owner(&self, name: &str) -> Option<Peer> {
        self.owners.get(name).cloned()
    }
}

fn peer(id: NodeId, addr: &str) -> Peer {
    Peer {
        id,
        http_addr: addr.to_string(),
        dial_addr: addr.to_string(),
    }
}

/// What the peer saw: (path, forwarded header, authorization, body).
type Seen = Arc<Mutex<Vec<(String, String, String, String)>>>;

/// A peer answering `{"success":true,"from":"peer"}` and recording requests.
async fn spawn_peer() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let rec = seen.clone();
    let app = Router::new().fallback(any(move |req: Request<Body>| {
        let rec = rec.clone();
        async move {
            let h = |k: &str, m: &HeaderMap| {
                let v = m.get(k).and_then(|v| v.to_str().ok());
                v.unwrap_or_default().to_string()
            };
            let (parts, body) = req.into_parts();
            let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
            rec.lock().push((
                parts.uri.path().to_string(),
                h(FORWARDED_HEADER, &parts.headers),
                h("authorization", &parts.headers),
                String::from_utf8_lossy(&body).to_string(),
            ));
            axum::Json(json!({"success": true, "from": "peer"}))
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

/// An address nothing listens on.
async fn dead_addr() -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    l.local_addr().expect("addr").to_string()
}

fn app(resolver: FakeResolver, timeout: Duration) -> Router {
    let f = Forwarder::new(Arc::new(resolver), timeout, 1 << 20);
    Router::new()
        .fallback(any(|| async {
            axum::Json(json!({"success": true, "from": "local"}))
        }))
        .layer(middleware::from_fn_with_state(f, forward))
}

async fn call(
    app: &Router,
    path: &str,
    body: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut req = Request::post(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Body::from(body.to_string())).expect("request");
    let resp = app.clone().oneshot(req).await.expect("answer");
    let status = resp.status();
    let bytes: Bytes = to_bytes(resp.into_body(), 1 << 20).await.expect("body");
    (status, serde_json::from_slice(&bytes).expect("JSON"))
}

fn resolver(leader: Option<Peer>, owners: &[(&str, Peer)]) -> FakeResolver {
    FakeResolver {
        me: 1,
        leaders: Mutex::new(VecDeque::from([leader])),
        owners: owners
            .iter()
            .map(|(n, p)| (n.to_string(), p.clone()))
            .collect(),
    }
}

#[tokio::test]
async fn writes_go_to_the_leader_with_token_and_hop_mark() {
    let (addr, seen) = spawn_peer().await;
    let a = app(resolver(Some(peer(2, &addr)), &[]), Duration::from_secs(5));
    let auth = [("authorization", "Bearer tok")];
    let (status, v) = call(&a, "/pause", json!({"name": "j1"}), &auth).await;
    assert_eq!((status, v["from"].clone()), (StatusCode::OK, json!("peer")));
    let (_, v) = call(&a, "/cluster/drain", json!({"id": 3}), &auth).await;
    assert_eq!(v["from"], "peer");
    let seen = seen.lock().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].0, "/pause");
    assert_eq!(seen[0].1, "1", "hop mark carries the sender id");
    assert_eq!(seen[0].2, "Bearer tok");
    assert_eq!(seen[0].3, r#"{"name":"j1"}"#);
}

#[tokio::test]
async fn reads_and_own_requests_stay_local() {
    let (addr, seen) = spawn_peer().await;
    let a = app(resolver(Some(peer(2, &addr)), &[]), Duration::from_secs(5));
    let (_, v) = call(&a, "/list_jobs", json!({}), &[]).await;
    assert_eq!(v["from"], "local");
    let (_, v) = call(&a, "/cluster/members", json!({}), &[]).await;
    assert_eq!(v["from"], "local");
    let (_, v) = call(
        &a,
        "/pause",
        json!({"name": "j"}),
        &[(FORWARDED_HEADER, "3")],
    )
    .await;
    assert_eq!(
        v["from"], "local",
        "a forwarded request is never forwarded again"
    );
    let me = resolver(Some(peer(1, &addr)), &[]);
    let (_, v) = call(
        &app(me, Duration::from_secs(5)),
        "/pause",
        json!({"name": "j"}),
        &[],
    )
    .await;
    assert_eq!(v["from"], "local", "the leader handles its own writes");
    let none = resolver(None, &[]);
    let (_, v) = call(
        &app(none, Duration::from_secs(5)),
        "/resume",
        json!({"name": "j"}),
        &[],
    )
    .await;
    assert_eq!(
        v["from"], "local",
        "no leader known: the local writer waits for one"
    );
    assert!(seen.lock().is_empty());
}

#[tokio::test]
async fn runner_calls_go_to_the_owner() {
    let (addr, seen) = spawn_peer().await;
    let a = app(
        resolver(None, &[("j1", peer(3, &addr))]),
        Duration::from_secs(5),
    );
    for path in ["/get_lag", "/job_status", "/force_fullsync"] {
        let (_, v) = call(&a, path, json!({"name": "j1"}), &[]).await;
        assert_eq!(v["from"], "peer", "{path}");
    }
    let (_, v) = call(&a, "/get_lag", json!({"name": "other"}), &[]).await;
    assert_eq!(v["from"], "local", "unowned job: local answer");
    assert_eq!(seen.lock().len(), 3);
}

#[tokio::test]
async fn unreachable_leader_is_a_clear_503() {
    let dead = dead_addr().await;
    let a = app(resolver(Some(peer(2, &dead)), &[]), Duration::from_secs(5));
    let (status, v) = call(&a, "/create_ccr", json!({"name": "j"}), &[]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(v["success"], false);
    let want = format!("leader node 2 ({dead}) unreachable: connection refused");
    let msg = v["error_msg"].as_str().unwrap_or_default();
    assert!(msg.starts_with(&want), "{msg}");
}

#[tokio::test]
async fn a_write_follows_a_new_leader_after_the_old_one_died() {
    let dead = dead_addr().await;
    let (addr, seen) = spawn_peer().await;
    let r = resolver(None, &[]);
    *r.leaders.lock() = VecDeque::from([Some(peer(2, &dead)), None, Some(peer(3, &addr))]);
    let a = app(r, Duration::from_secs(5));
    let (status, v) = call(&a, "/pause", json!({"name": "j"}), &[]).await;
    assert_eq!((status, v["from"].clone()), (StatusCode::OK, json!("peer")));
    assert_eq!(seen.lock().len(), 1);
    let r = resolver(None, &[]);
    *r.leaders.lock() = VecDeque::from([Some(peer(2, &dead)), Some(peer(1, &dead))]);
    let (_, v) = call(
        &app(r, Duration::from_secs(5)),
        "/pause",
        json!({"name": "j"}),
        &[],
    )
    .await;
    assert_eq!(v["from"], "local", "this node became the leader");
}

#[tokio::test]
async fn unreachable_owner_falls_back_for_reads_only() {
    let dead = dead_addr().await;
    let a = app(
        resolver(None, &[("j", peer(2, &dead))]),
        Duration::from_secs(5),
    );
    let (_, v) = call(&a, "/job_status", json!({"name": "j"}), &[]).await;
    assert_eq!(v["from"], "local");
    let (status, v) = call(&a, "/force_fullsync", json!({"name": "j"}), &[]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let msg = v["error_msg"].as_str().unwrap_or_default();
    assert!(msg.starts_with("owner node 2"), "{msg}");
}

#[tokio::test]
async fn a_silent_leader_times_out() {
    // Accepts connections but never answers.
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = l.local_addr().expect("addr").to_string();
    let held = tokio::spawn(async move {
        let mut conns = Vec::new();
        while let Ok((c, _)) = l.accept().await {
            conns.push(c);
        }
    });
    let a = app(
        resolver(Some(peer(2, &addr)), &[]),
        Duration::from_millis(300),
    );
    let answer = call(&a, "/delete", json!({"name": "j"}), &[]);
    let (status, v) = tokio::time::timeout(Duration::from_secs(10), answer)
        .await
        .expect("the forwarder gives up within its timeout");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let msg = v["error_msg"].as_str().unwrap_or_default();
    assert!(msg.contains("did not answer within"), "{msg}");
    held.abort();
}
