//! [`ApiClient`]: one JSON call to a node's HTTP API, with errors worded for a terminal.

use std::time::Duration;

use serde_json::Value;

/// Why a command failed (printed as `syncerctl: <error>`).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The endpoint could not be reached.
    #[error("cannot reach {endpoint}: {cause}")]
    Unreachable {
        /// The endpoint as given.
        endpoint: String,
        /// Why (e.g. "connection refused").
        cause: String,
    },
    /// No answer in time.
    #[error("{endpoint} did not answer within {after}")]
    Timeout {
        /// The endpoint as given.
        endpoint: String,
        /// The time limit, human-readable.
        after: String,
    },
    /// The API answered `success: false`.
    #[error("{msg}")]
    Api {
        /// Its `error_msg`.
        msg: String,
        /// The raw answer (printed with `--json`).
        raw: String,
    },
    /// A non-JSON error answer (e.g. HTTP 400 with a decoder message).
    #[error("HTTP {status}: {body}")]
    Http {
        /// HTTP status code.
        status: u16,
        /// Body text.
        body: String,
    },
    /// The answer could not be understood.
    #[error("unexpected answer from {endpoint}: {msg}")]
    BadReply {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong.
        msg: String,
    },
    /// Local input problem (e.g. unreadable file).
    #[error("{0}")]
    Input(String),
    /// The node is not in any group.
    #[error("{0}")]
    NotInGroup(String),
}

impl CliError {
    /// The raw JSON answer, when there is one.
    pub fn raw(&self) -> Option<&str> {
        match self {
            CliError::Api { raw, .. } => Some(raw),
            _ => None,
        }
    }
}

/// A successful API answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The body as received.
    pub raw: String,
    /// The body decoded.
    pub value: Value,
}

/// Calls one node's HTTP API.
pub struct ApiClient {
    http: reqwest::Client,
    endpoint: String,
    base: String,
    token: Option<String>,
    timeout: Duration,
}

impl ApiClient {
    /// A client for `endpoint` (`host:port` or a URL).
    pub fn new(endpoint: &str, token: Option<String>, timeout: Duration) -> Self {
        let endpoint = endpoint.trim().trim_end_matches('/').to_string();
        let base = if endpoint.starts_with("http://") || endpoint.starts_with("https://") {
            endpoint.clone()
        } else {
            format!("http://{endpoint}")
        };
        let http = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            http,
            endpoint,
            base,
            token: token.filter(|t| !t.is_empty()),
            timeout,
        }
    }

    /// The same client trusting only the PEM CA `ca_pem` for HTTPS endpoints.
    pub fn with_ca(mut self, ca_pem: &[u8]) -> Result<Self, CliError> {
        let bad = |e: &dyn std::fmt::Display| CliError::Input(format!("--ca-cert: {e}"));
        self.http = crate::tls::https_client(ca_pem)
            .map_err(|e| bad(&e))?
            .connect_timeout(self.timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| bad(&e))?;
        Ok(self)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Result<Reply, CliError> {
        self.call(reqwest::Method::GET, path, None).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: &Value) -> Result<Reply, CliError> {
        self.post_raw(path, body.to_string().into_bytes()).await
    }

    /// `POST path` with raw JSON bytes.
    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> Result<Reply, CliError> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Reply, CliError> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .timeout(self.timeout);
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.map_err(|e| self.transport(&e))?;
        let status = resp.status().as_u16();
        let raw = resp.text().await.map_err(|e| self.transport(&e))?;
        self.decode(status, raw)
    }

    fn decode(&self, status: u16, raw: String) -> Result<Reply, CliError> {
        if status == 401 {
            let msg = match self.token {
                None => "unauthorized: the node requires an API token (--token or SYNCERCTL_TOKEN)",
                Some(_) => "unauthorized: the node refused the API token",
            };
            return Err(CliError::Api {
                msg: msg.to_string(),
                raw,
            });
        }
        let value: Value = match serde_json::from_str(&raw) {
            Ok(v) => v,
            Err(_) if !(200..300).contains(&status) => {
                let body = raw.trim().to_string();
                return Err(CliError::Http { status, body });
            }
            Err(e) => {
                return Err(CliError::BadReply {
                    endpoint: self.endpoint.clone(),
                    msg: format!("not JSON ({e})"),
                })
            }
        };
        if value.get("success").and_then(Value::as_bool) == Some(false) {
            let msg = value
                .get("error_msg")
                .and_then(Value::as_str)
                .unwrap_or("request failed")
                .to_string();
            return Err(CliError::Api { msg, raw });
        }
        if !(200..300).contains(&status) {
            return Err(CliError::Http { status, body: raw });
        }
        Ok(Reply { raw, value })
    }

    fn transport(&self, e: &reqwest::Error) -> CliError {
        if e.is_timeout() {
            return CliError::Timeout {
                endpoint: self.endpoint.clone(),
                after: humantime::format_duration(self.timeout).to_string(),
            };
        }
        CliError::Unreachable {
            endpoint: self.endpoint.clone(),
            cause: root_cause(e),
        }
    }
}

/// The innermost cause, worded like `connection refused`.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    loop {
        if let Some(io) = cur.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
                std::io::ErrorKind::ConnectionReset => "connection reset".to_string(),
                _ => strip_os_error(&io.to_string()),
            };
        }
        match cur.source() {
            Some(next) => cur = next,
            None => return strip_os_error(&cur.to_string()),
        }
    }
}

/// `Connection refused (os error 111)` → `connection refused`.
fn strip_os_error(s: &str) -> String {
    let s = s.split(" (os error").next().unwrap_or(s);
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
