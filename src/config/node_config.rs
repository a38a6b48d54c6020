//! [`NodeConfig`]: the whole, validated configuration of one syncer node.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::doris::Secret;

use super::{
    ApiConfig, DorisConfig, FeatureFlags, LogConfig, NodeSection, RaftConfig, SecurityConfig,
    TlsConfig,
};

/// Everything a node needs, typed and validated. Built by [`super::load`] (flags, env,
/// file, defaults) or by hand in tests (`NodeConfig::default()` plus field updates).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NodeConfig {
    /// `[node]`: identity and listen addresses.
    pub node: NodeSection,
    /// `[raft]`: Raft and ownership timing.
    pub raft: RaftConfig,
    /// `[api]`: HTTP API access control and limits.
    pub api: ApiConfig,
    /// `[tls]`: TLS between nodes.
    pub tls: TlsConfig,
    /// `[security]`: secrets at rest.
    pub security: SecurityConfig,
    /// `[doris]`: Doris client timeouts and limits.
    pub doris: DorisConfig,
    /// `[features]`: the original's feature switches.
    pub features: FeatureFlags,
    /// `[log]`: logging.
    pub log: LogConfig,
}

/// The placeholder printed instead of a secret.
pub const REDACTED: &str = "***";

impl NodeConfig {
    /// Checks the constraints serde cannot express. On failure returns the offending
    /// `section.key` and what is wrong with it.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        self.node.check()?;
        self.raft.check()?;
        self.api.check()?;
        self.tls.check()?;
        self.doris.check()?;
        self.log.check()
    }

    /// The effective configuration as TOML, with secrets replaced by `***`.
    /// Optional keys that are unset are left out.
    pub fn redacted_toml(&self) -> String {
        let mut shown = self.clone();
        if shown.api.token.is_some() {
            shown.api.token = Some(Secret::new(REDACTED));
        }
        // Cannot fail for these plain types; say so in the output rather than panic.
        toml::to_string(&shown).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

impl fmt::Display for NodeConfig {
    /// Same as [`NodeConfig::redacted_toml`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted_toml())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        assert_eq!(NodeConfig::default().validate(), Ok(()));
    }

    #[test]
    fn redacts_token() {
        let mut cfg = NodeConfig::default();
        cfg.api.token = Some(Secret::new("s3cret-value"));
        let text = cfg.to_string();
        assert!(!text.contains("s3cret-value"), "{text}");
        assert!(text.contains("token = \"***\""), "{text}");
        assert!(text.contains("reassign_after = \"1s 200ms\""), "{text}");
        assert!(!format!("{cfg:?}").contains("s3cret-value"));
    }

    #[test]
    fn reassign_after_must_exceed_lease() {
        let mut cfg = NodeConfig::default();
        cfg.raft.reassign_after = cfg.raft.lease;
        let (key, msg) = cfg.validate().unwrap_err();
        assert_eq!(key, "raft.reassign_after");
        assert!(msg.contains("raft.lease"), "{msg}");
    }
}
