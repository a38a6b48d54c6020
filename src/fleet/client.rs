//! [`InternalClient`]: HTTP client for the node-to-node internal endpoints
//! (`/internal/...` on a peer's API port).
//!
//! Errors say whether the request may have reached the peer: a request that was never
//! sent can be retried blindly, one whose outcome is unknown cannot.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::doris::Secret;

/// Header set on a request a node forwards for a client, so it is never forwarded twice.
pub const FORWARDED_HEADER: &str = "x-ccr-forwarded";

/// Why an internal call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The request did not reach the peer (connect refused / timed out): safe to retry.
    #[error("peer {addr} unreachable: {msg}")]
    NotSent {
        /// Peer address.
        addr: String,
        /// Cause.
        msg: String,
    },
    /// The request may have reached the peer but no usable answer came back.
    #[error("call to {addr} failed: {msg}")]
    Failed {
        /// Peer address.
        addr: String,
        /// Cause.
        msg: String,
    },
}

fn failed(addr: &str, msg: String) -> ClientError {
    ClientError::Failed {
        addr: addr.to_string(),
        msg,
    }
}

/// Calls peers' internal endpoints. Cheap to clone.
#[derive(Clone)]
pub struct InternalClient {
    http: reqwest::Client,
    token: Option<Secret>,
    /// Rewrites of advertised HTTP addresses (NAT, fault-injecting proxies in tests).
    addr_map: BTreeMap<String, String>,
    /// `http` or, when the peers serve HTTPS, `https`.
    scheme: &'static str,
}

impl InternalClient {
    /// A client sending `Authorization: Bearer <token>` when a token is configured.
    pub fn new(token: Option<Secret>, addr_map: BTreeMap<String, String>) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(500))
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Self {
            http,
            token,
            addr_map,
            scheme: "http",
        }
    }

    /// The same client calling peers over HTTPS, trusting only the PEM CA `ca_pem`.
    pub fn with_tls(mut self, ca_pem: &[u8]) -> Result<Self, crate::tls::TlsError> {
        self.http = crate::tls::https_client(ca_pem)?
            .connect_timeout(Duration::from_millis(500))
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| crate::tls::TlsError::Invalid {
                what: "internal HTTPS client".into(),
                msg: e.to_string(),
            })?;
        self.scheme = "https";
        Ok(self)
    }

    /// The URL of `path` on the peer advertised at `addr`.
    pub fn url(&self, addr: &str, path: &str) -> String {
        format!("{}://{}{path}", self.scheme, self.dial_addr(addr))
    }

    /// The underlying HTTP client (trusts the peers' CA when TLS is on).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The address actually dialed for an advertised `addr`.
    pub fn dial_addr<'a>(&'a self, addr: &'a str) -> &'a str {
        self.addr_map.get(addr).map_or(addr, String::as_str)
    }

    /// POSTs `body` as JSON to `http://<addr><path>` and decodes the JSON answer.
    pub async fn post<B, R>(
        &self,
        addr: &str,
        path: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<R, ClientError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.post_inner(addr, path, body, timeout, false).await
    }

    /// Like [`InternalClient::post`], marked as forwarded by a node: the receiver must
    /// handle it itself, never forward it again.
    pub async fn post_forwarded<B, R>(
        &self,
        addr: &str,
        path: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<R, ClientError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.post_inner(addr, path, body, timeout, true).await
    }

    async fn post_inner<B, R>(
        &self,
        addr: &str,
        path: &str,
        body: &B,
        timeout: Duration,
        forwarded: bool,
    ) -> Result<R, ClientError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let url = self.url(addr, path);
        let mut req = self.http.post(&url).timeout(timeout).json(body);
        if forwarded {
            req = req.header(FORWARDED_HEADER, "1");
        }
        if let Some(token) = &self.token {
            req = req.bearer_auth(token.expose());
        }
        let resp = req.send().await.map_err(|e| {
            if e.is_connect() {
                ClientError::NotSent {
                    addr: addr.to_string(),
                    msg: e.to_string(),
                }
            } else {
                failed(addr, e.to_string())
            }
        })?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| failed(addr, e.to_string()))?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&bytes);
            return Err(failed(addr, format!("HTTP {status}: {text}")));
        }
        serde_json::from_slice(&bytes).map_err(|e| failed(addr, format!("bad reply: {e}")))
    }

    /// Forwards a raw request body to `http://<addr><path>` and returns status and body
    /// (used to send API calls to a job's owner).
    pub async fn forward_raw(
        &self,
        addr: &str,
        path_and_query: &str,
        body: axum::body::Bytes,
        timeout: Duration,
    ) -> Result<(u16, axum::body::Bytes), ClientError> {
        let url = self.url(addr, path_and_query);
        let mut req = self
            .http
            .post(&url)
            .timeout(timeout)
            .header(FORWARDED_HEADER, "1")
            .body(body);
        if let Some(token) = &self.token {
            req = req.bearer_auth(token.expose());
        }
        let resp = req.send().await.map_err(|e| ClientError::Failed {
            addr: addr.to_string(),
            msg: e.to_string(),
        })?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(|e| ClientError::Failed {
            addr: addr.to_string(),
            msg: e.to_string(),
        })?;
        Ok((status, body))
    }
}
