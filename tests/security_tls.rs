//! A three-node group over TLS: HTTPS API with a bearer token, mutual TLS on Raft gRPC,
//! HTTPS between nodes (join, heartbeats, forwarding). Bootstrap, join, a forwarded write,
//! kill -9 of the leader → a new leader that takes writes. Certificates are generated at
//! test time (rcgen).

mod fleet_common;
mod syncerctl_common;

use std::path::Path;
use std::time::Duration;

use fleet_common::{job_body, poll, Fleet};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use serde_json::{json, Value};

const TOKEN: &str = "tls-test-token-7f3a";

/// Writes `ca.pem`, `node.pem`, `node.key` (for `localhost` / `127.0.0.1`) into `dir`.
fn write_pki(dir: &Path) -> anyhow::Result<()> {
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "syncer test ca");
    let ca_key = KeyPair::generate()?;
    let ca_cert = ca.self_signed(&ca_key)?;
    let leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])?;
    let key = KeyPair::generate()?;
    let cert = leaf.signed_by(&key, &ca_cert, &ca_key)?;
    std::fs::write(dir.join("ca.pem"), ca_cert.pem())?;
    std::fs::write(dir.join("node.pem"), cert.pem())?;
    std::fs::write(dir.join("node.key"), key.serialize_pem())?;
    Ok(())
}

fn tls_env(dir: &Path) -> Vec<(String, String)> {
    let p = |f: &str| dir.join(f).display().to_string();
    vec![
        ("CCR_SYNCER_API_TOKEN".into(), TOKEN.into()),
        ("CCR_SYNCER_API_TLS_CERT".into(), p("node.pem")),
        ("CCR_SYNCER_API_TLS_KEY".into(), p("node.key")),
        ("CCR_SYNCER_TLS_RAFT_CA".into(), p("ca.pem")),
        ("CCR_SYNCER_TLS_RAFT_CERT".into(), p("node.pem")),
        ("CCR_SYNCER_TLS_RAFT_KEY".into(), p("node.key")),
        ("CCR_SYNCER_TLS_RAFT_CLIENT_AUTH".into(), "true".into()),
    ]
}

struct Https {
    http: reqwest::Client,
}

impl Https {
    fn new(ca: &Path) -> Https {
        let ca = std::fs::read(ca).expect("read ca");
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .add_root_certificate(reqwest::Certificate::from_pem(&ca).expect("ca pem"))
            .timeout(Duration::from_secs(10))
            .build()
            .expect("https client");
        Https { http }
    }

    async fn call(
        &self,
        addr: &str,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> Option<(u16, Value)> {
        let mut req = self.http.post(format!("https://{addr}{path}")).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.ok()?;
        let status = resp.status().as_u16();
        Some((status, resp.json().await.ok()?))
    }

    async fn post(&self, addr: &str, path: &str, body: &Value) -> Option<Value> {
        self.call(addr, path, body, Some(TOKEN))
            .await
            .map(|(_, v)| v)
    }

    /// The leader node `addr` reports, once it has one and a valid lease.
    async fn leader(&self, addr: &str) -> Option<u64> {
        let s = self.post(addr, "/internal/status", &json!({})).await?;
        if s["lease_valid"] != json!(true) {
            return None;
        }
        s["leader"].as_u64()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_node_tls_group_survives_leader_kill() -> anyhow::Result<()> {
    let mut fleet = Fleet::new();
    let pki = fleet.tmp.path().join("pki");
    std::fs::create_dir_all(&pki)?;
    write_pki(&pki)?;
    let https = Https::new(&pki.join("ca.pem"));
    fleet.add(1, vec![]).env = tls_env(&pki);
    fleet.start(1);
    let seed = fleet.addr(1);
    poll("node 1 leads", Duration::from_secs(20), || {
        https.leader(&seed)
    })
    .await;
    for id in [2, 3] {
        fleet.add(id, vec![seed.clone()]).env = tls_env(&pki);
        fleet.start(id);
    }
    for id in [2u64, 3] {
        let addr = fleet.addr(id);
        poll(
            &format!("node {id} joined"),
            Duration::from_secs(30),
            || https.leader(&addr),
        )
        .await;
    }
    let members = https.post(&seed, "/cluster/members", &json!({})).await;
    let n = members
        .as_ref()
        .and_then(|m| m["members"].as_array().map(Vec::len));
    assert_eq!(n, Some(3), "members: {members:?}");

    // Plain HTTP is not served; HTTPS without the token → 401 JSON; /health needs none.
    let plain = reqwest::get(format!("http://{seed}/version")).await;
    assert!(plain.is_err() || !plain.is_ok_and(|r| r.status().is_success()));
    let (status, body) = https
        .call(&seed, "/list_jobs", &json!({}), None)
        .await
        .expect("reply");
    assert_eq!((status, &body["success"]), (401, &json!(false)), "{body}");
    let (status, _) = https
        .call(&seed, "/health", &json!({}), None)
        .await
        .expect("health");
    assert_eq!(status, 200);

    // A write through a follower is forwarded to the leader over HTTPS.
    let old = https.leader(&seed).await.expect("leader");
    let follower = [1u64, 2, 3]
        .into_iter()
        .find(|n| *n != old)
        .expect("follower");
    let reply = https
        .post(&fleet.addr(follower), "/create_ccr", &job_body("tls_job_1"))
        .await;
    assert_eq!(
        reply.as_ref().map(|r| r["success"].clone()),
        Some(json!(true)),
        "{reply:?}"
    );

    fleet.node(old).kill9();
    let survivors: Vec<u64> = [1, 2, 3].into_iter().filter(|n| *n != old).collect();
    let a0 = fleet.addr(survivors[0]);
    let a1 = fleet.addr(survivors[1]);
    let new = poll("a new leader over TLS", Duration::from_secs(15), || async {
        let l = https.leader(&a0).await?;
        (l != old && https.leader(&a1).await == Some(l)).then_some(l)
    })
    .await;
    assert_ne!(new, old);
    let reply = https.post(&a1, "/create_ccr", &job_body("tls_job_2")).await;
    assert_eq!(
        reply.as_ref().map(|r| r["success"].clone()),
        Some(json!(true)),
        "{reply:?}"
    );
    let list = https
        .post(&a0, "/list_jobs", &json!({}))
        .await
        .expect("list");
    let text = list.to_string();
    assert!(
        text.contains("tls_job_1") && text.contains("tls_job_2"),
        "{text}"
    );
    Ok(())
}
