//! Raft gRPC over TLS: a mutual-TLS node answers peers holding a CA-signed certificate and
//! refuses clients without one (or with one from another CA).

use std::time::Duration;

use openraft::network::RPCOption;
use openraft::RaftNetwork;
use openraft::RaftNetworkFactory;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use syncer_raft::network::{NetworkConfig, NetworkFactory, RaftTls};
use syncer_raft::node::{RaftNode, RaftNodeConfig};
use syncer_raft::pb::raft_service_client::RaftServiceClient;
use syncer_raft::pb::RaftRequest;
use syncer_raft::typ::{RPCError, Vote, VoteRequest};
use syncer_raft::NodeInfo;
use tonic::transport::{Certificate, ClientTlsConfig, Endpoint};

/// A CA and one certificate it signs for `localhost` / `127.0.0.1`, as PEM.
struct Pki {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
}

fn pki(name: &str) -> anyhow::Result<Pki> {
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, name);
    let ca_key = KeyPair::generate()?;
    let ca_cert = ca.self_signed(&ca_key)?;
    let leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])?;
    let key = KeyPair::generate()?;
    let cert = leaf.signed_by(&key, &ca_cert, &ca_key)?;
    Ok(Pki {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

fn tls(p: &Pki, client_auth: bool) -> RaftTls {
    RaftTls {
        ca_pem: p.ca_pem.clone().into_bytes(),
        cert_pem: p.cert_pem.clone().into_bytes(),
        key_pem: p.key_pem.clone().into_bytes(),
        client_auth,
    }
}

async fn vote(tls: Option<RaftTls>, addr: &str) -> Result<(), RPCError> {
    let config = NetworkConfig {
        tls,
        ..Default::default()
    };
    let mut conn = NetworkFactory::new(config)
        .new_client(1, &NodeInfo::new(addr, ""))
        .await;
    let option = RPCOption::new(Duration::from_secs(3));
    conn.vote(VoteRequest::new(Vote::new(1, 9), None), option)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn t60_mutual_tls_refuses_clients_without_a_ca_signed_cert() -> anyhow::Result<()> {
    let good = pki("fleet ca")?;
    let dir = tempfile::tempdir()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let mut cfg = RaftNodeConfig::new(1, NodeInfo::new(&addr, ""), dir.path());
    cfg.network.tls = Some(tls(&good, true));
    let node = RaftNode::start_with_listener(cfg, listener).await?;
    node.initialize_single(NodeInfo::new(&addr, "")).await?;

    // A peer with a CA-signed certificate is answered.
    vote(Some(tls(&good, true)), &addr).await?;
    // Plain text is refused.
    assert!(vote(None, &addr).await.is_err(), "plain TCP accepted");
    // A certificate from another CA is refused.
    let other = pki("rogue ca")?;
    let mut rogue = tls(&other, true);
    rogue.ca_pem = good.ca_pem.clone().into_bytes();
    assert!(
        vote(Some(rogue), &addr).await.is_err(),
        "foreign cert accepted"
    );

    // A TLS client trusting the server but presenting no certificate is refused.
    let client_tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&good.ca_pem))
        .domain_name("127.0.0.1");
    let channel = Endpoint::from_shared(format!("https://{addr}"))?
        .tls_config(client_tls)?
        .timeout(Duration::from_secs(3));
    let json = serde_json::to_vec(&VoteRequest::new(Vote::new(1, 9), None))?;
    let refused = match channel.connect().await {
        Err(_) => true,
        Ok(ch) => RaftServiceClient::new(ch)
            .vote(RaftRequest { json })
            .await
            .is_err(),
    };
    assert!(refused, "a client without a certificate was served");
    node.shutdown().await;
    Ok(())
}
