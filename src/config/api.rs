//! `[api]`: the HTTP API's access control and limits.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::doris::Secret;

/// The `[api]` section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Bearer token required on every request when set (`Authorization: Bearer <token>`).
    /// Never logged. Default: unset (no authentication, as in the original).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// Largest accepted request body, in bytes. Must be > 0. Default: 1048576 (1 MiB).
    pub max_body_bytes: usize,
    /// PEM certificate chain; with `tls_key`, serve HTTPS. Default: unset (plain HTTP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for `tls_cert`. Default: unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_key: Option<PathBuf>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            token: None,
            max_body_bytes: 1024 * 1024,
            tls_cert: None,
            tls_key: None,
        }
    }
}

impl ApiConfig {
    /// Whether HTTPS is configured (both `tls_cert` and `tls_key`).
    pub fn tls_enabled(&self) -> bool {
        self.tls_cert.is_some() && self.tls_key.is_some()
    }

    /// Checks the body limit and that TLS paths come in pairs.
    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        if self.max_body_bytes == 0 {
            return Err(("api.max_body_bytes", "must be > 0".into()));
        }
        if self.token.as_ref().is_some_and(|t| t.expose().is_empty()) {
            return Err(("api.token", "must not be empty when set".into()));
        }
        match (&self.tls_cert, &self.tls_key) {
            (Some(_), None) => Err(("api.tls_key", "is required with api.tls_cert".into())),
            (None, Some(_)) => Err(("api.tls_cert", "is required with api.tls_key".into())),
            _ => Ok(()),
        }
    }
}
