//! TLS of the Raft gRPC links (rustls through tonic), from PEM material held in memory.
//!
//! Every node presents its certificate as a server and, when mutual TLS is on, as a client
//! too; peers are verified against the configured CA. The server requires client
//! certificates signed by that CA only when [`RaftTls::client_auth`] is set.

use std::fmt;

use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity, ServerTlsConfig};

/// TLS material of a node's Raft links.
#[derive(Clone, PartialEq, Eq)]
pub struct RaftTls {
    /// PEM CA certificate(s) that sign the peers' certificates.
    pub ca_pem: Vec<u8>,
    /// PEM certificate chain of this node.
    pub cert_pem: Vec<u8>,
    /// PEM private key of this node (never printed).
    pub key_pem: Vec<u8>,
    /// Mutual TLS: the server requires a client certificate signed by the CA.
    pub client_auth: bool,
}

impl fmt::Debug for RaftTls {
    // The key is a secret: Debug shows only sizes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RaftTls")
            .field("ca_pem_bytes", &self.ca_pem.len())
            .field("cert_pem_bytes", &self.cert_pem.len())
            .field("key_pem", &"***")
            .field("client_auth", &self.client_auth)
            .finish()
    }
}

impl RaftTls {
    fn identity(&self) -> Identity {
        Identity::from_pem(&self.cert_pem, &self.key_pem)
    }

    /// The server side: this node's identity, plus the client CA under mutual TLS.
    pub fn server_config(&self) -> ServerTlsConfig {
        let cfg = ServerTlsConfig::new().identity(self.identity());
        if self.client_auth {
            cfg.client_ca_root(Certificate::from_pem(&self.ca_pem))
        } else {
            cfg
        }
    }

    /// The client side: trust the CA, present this node's certificate (always: it costs
    /// nothing and lets a peer turn mutual TLS on first). `host` is the name checked
    /// against the peer's certificate.
    pub fn client_config(&self, host: &str) -> ClientTlsConfig {
        ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(&self.ca_pem))
            .identity(self.identity())
            .domain_name(host)
    }

    /// `endpoint` with TLS to `addr` (`host:port`).
    pub(crate) fn apply(&self, endpoint: Endpoint, addr: &str) -> Result<Endpoint, String> {
        endpoint
            .tls_config(self.client_config(host_of(addr)))
            .map_err(|e| format!("raft TLS config: {e}"))
    }
}

/// The host part of `host:port` (brackets of an IPv6 literal removed).
fn host_of(addr: &str) -> &str {
    let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
    host.trim_start_matches('[').trim_end_matches(']')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_debug() {
        assert_eq!(host_of("node-1:9000"), "node-1");
        assert_eq!(host_of("[::1]:9000"), "::1");
        assert_eq!(host_of("127.0.0.1:1"), "127.0.0.1");
        let t = RaftTls {
            ca_pem: b"ca".to_vec(),
            cert_pem: b"c".to_vec(),
            key_pem: b"SECRETKEY".to_vec(),
            client_auth: true,
        };
        assert!(!format!("{t:?}").contains("SECRETKEY"));
    }
}
