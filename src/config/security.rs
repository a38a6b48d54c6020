//! `[security]`: protection of secrets at rest.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The `[security]` section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityConfig {
    /// File holding a 32-byte key, base64, that seals the job passwords before they enter
    /// the Raft log, snapshots and state (ChaCha20-Poly1305). Every node of a fleet must use
    /// the same key. Default: unset (passwords stored in clear; a warning at startup).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secrets_key_file: Option<PathBuf>,
}
