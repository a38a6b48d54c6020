//! Every configuration key, with the environment variable that sets it.

/// How an environment variable's text becomes a TOML value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Unsigned integer.
    Int,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`).
    Bool,
    /// Text: strings, paths, durations, secrets.
    Str,
    /// Comma-separated list of strings.
    List,
}

/// One `section.key`.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    /// Section name.
    pub section: &'static str,
    /// Key name.
    pub name: &'static str,
    /// Value kind.
    pub kind: Kind,
}

const fn k(section: &'static str, name: &'static str, kind: Kind) -> Key {
    Key {
        section,
        name,
        kind,
    }
}

/// All keys, section by section, in the order of `deploy/syncer.example.toml`.
pub const KEYS: &[Key] = &[
    k("node", "id", Kind::Int),
    k("node", "host", Kind::Str),
    k("node", "listen_host", Kind::Str),
    k("node", "http_port", Kind::Int),
    k("node", "raft_port", Kind::Int),
    k("node", "data_dir", Kind::Str),
    k("node", "join", Kind::List),
    k("raft", "heartbeat_interval", Kind::Str),
    k("raft", "election_timeout_min", Kind::Str),
    k("raft", "election_timeout_max", Kind::Str),
    k("raft", "lease", Kind::Str),
    k("raft", "reassign_after", Kind::Str),
    k("raft", "snapshot_logs_since_last", Kind::Int),
    k("api", "token", Kind::Str),
    k("api", "max_body_bytes", Kind::Int),
    k("api", "tls_cert", Kind::Str),
    k("api", "tls_key", Kind::Str),
    k("tls", "raft_ca", Kind::Str),
    k("tls", "raft_cert", Kind::Str),
    k("tls", "raft_key", Kind::Str),
    k("tls", "raft_client_auth", Kind::Bool),
    k("tls", "api_ca", Kind::Str),
    k("security", "secrets_key_file", Kind::Str),
    k("doris", "connect_timeout", Kind::Str),
    k("doris", "rpc_timeout", Kind::Str),
    k("doris", "commit_txn_timeout", Kind::Str),
    k("doris", "max_ingest_concurrency_per_backend", Kind::Int),
    k("doris", "backup_poll_timeout", Kind::Str),
    k("doris", "restore_poll_timeout", Kind::Str),
    k("features", "feature_schema_change_partial_sync", Kind::Bool),
    k("features", "feature_clean_table_and_partitions", Kind::Bool),
    k("features", "feature_atomic_restore", Kind::Bool),
    k("features", "feature_create_view_drop_exists", Kind::Bool),
    k(
        "features",
        "feature_replace_not_matched_with_alias",
        Kind::Bool,
    ),
    k(
        "features",
        "feature_filter_shadow_indexes_upsert",
        Kind::Bool,
    ),
    k(
        "features",
        "feature_cancel_conflict_backup_restore_job",
        Kind::Bool,
    ),
    k("log", "level", Kind::Str),
    k("log", "format", Kind::Str),
    k("log", "file", Kind::Str),
];

/// Prefix of every environment variable.
pub const ENV_PREFIX: &str = "CCR_SYNCER_";

impl Key {
    /// `section.key`.
    pub fn dotted(&self) -> String {
        format!("{}.{}", self.section, self.name)
    }

    /// `CCR_SYNCER_<SECTION>_<KEY>`.
    pub fn env_var(&self) -> String {
        format!("{ENV_PREFIX}{}_{}", self.section, self.name).to_ascii_uppercase()
    }
}

/// The environment variable for `section.key`, or `None` for an unknown key.
pub fn env_var_for(section: &str, name: &str) -> Option<String> {
    KEYS.iter()
        .find(|key| key.section == section && key.name == name)
        .map(Key::env_var)
}
