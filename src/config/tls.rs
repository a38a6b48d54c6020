//! `[tls]`: TLS between nodes (Raft gRPC, and trust of the peers' HTTPS API).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The `[tls]` section. The API's own certificate is `api.tls_cert` / `api.tls_key`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM CA certificate that signs every node's Raft (and API) certificate. With
    /// `raft_cert` and `raft_key`, Raft gRPC runs over TLS. Default: unset (plain TCP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raft_ca: Option<PathBuf>,
    /// PEM certificate chain this node presents on Raft links (server and client).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raft_cert: Option<PathBuf>,
    /// PEM private key of `raft_cert`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raft_key: Option<PathBuf>,
    /// Mutual TLS: the Raft server refuses clients without a certificate signed by
    /// `raft_ca`. Default: `false`.
    pub raft_client_auth: bool,
    /// PEM CA trusted for the peers' HTTPS API (forwarding, heartbeats, join) when
    /// `api.tls_cert` is set. Default: unset (use `raft_ca`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_ca: Option<PathBuf>,
}

impl TlsConfig {
    /// Whether Raft links use TLS.
    pub fn raft_enabled(&self) -> bool {
        self.raft_ca.is_some() && self.raft_cert.is_some() && self.raft_key.is_some()
    }

    /// The CA trusted for the peers' HTTPS API.
    pub fn api_ca_path(&self) -> Option<&PathBuf> {
        self.api_ca.as_ref().or(self.raft_ca.as_ref())
    }

    /// Raft TLS paths come as a set; mutual TLS needs them.
    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        let set = [&self.raft_ca, &self.raft_cert, &self.raft_key];
        let n = set.iter().filter(|p| p.is_some()).count();
        if n != 0 && n != 3 {
            let msg = "tls.raft_ca, tls.raft_cert and tls.raft_key go together".to_string();
            return Err(("tls.raft_cert", msg));
        }
        if self.raft_client_auth && n == 0 {
            let msg = "needs tls.raft_ca, tls.raft_cert and tls.raft_key".to_string();
            return Err(("tls.raft_client_auth", msg));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_go_together() {
        let mut t = TlsConfig {
            raft_cert: Some("c.pem".into()),
            ..Default::default()
        };
        assert_eq!(t.check().unwrap_err().0, "tls.raft_cert");
        t.raft_ca = Some("ca.pem".into());
        t.raft_key = Some("k.pem".into());
        assert!(t.check().is_ok() && t.raft_enabled());
        assert_eq!(t.api_ca_path(), Some(&PathBuf::from("ca.pem")));
        let t = TlsConfig {
            raft_client_auth: true,
            ..Default::default()
        };
        assert_eq!(t.check().unwrap_err().0, "tls.raft_client_auth");
    }
}
