//! Applying the command line on top of the file and environment layers.

use super::{Args, ConfigError, NodeConfig};

/// The only `--db_type` values accepted: the embedded store replaces them all.
pub const ACCEPTED_DB_TYPES: [&str; 2] = ["sqlite3", "embedded"];

/// Why `--db_type mysql|postgresql` is refused.
pub const DB_TYPE_REFUSAL: &str = "the Raft-replicated embedded store replaces \
    MySQL/PostgreSQL-based HA; run several nodes instead";

/// Copies `Some` flag values into the config and records the key they set.
macro_rules! take {
    ($set:ident, $flag:expr => $dst:expr, $key:expr) => {
        if let Some(value) = &$flag {
            $dst = value.clone();
            $set.push($key);
        }
    };
}

impl Args {
    /// Overrides `cfg` with every flag given; returns the `section.key`s that were set.
    pub(crate) fn apply(&self, cfg: &mut NodeConfig) -> Result<Vec<&'static str>, ConfigError> {
        check_db_type(self.db_type.as_deref())?;
        let mut set = Vec::new();
        let n = &mut cfg.node;
        take!(set, self.node_id => n.id, "node.id");
        take!(set, self.host => n.host, "node.host");
        take!(set, self.listen_host => n.listen_host, "node.listen_host");
        take!(set, self.http_port => n.http_port, "node.http_port");
        take!(set, self.raft_port => n.raft_port, "node.raft_port");
        take!(set, self.data_dir => n.data_dir, "node.data_dir");
        take!(set, self.join => n.join, "node.join");
        let r = &mut cfg.raft;
        take!(set, self.heartbeat_interval => r.heartbeat_interval, "raft.heartbeat_interval");
        take!(set, self.election_timeout_min
            => r.election_timeout_min, "raft.election_timeout_min");
        take!(set, self.election_timeout_max
            => r.election_timeout_max, "raft.election_timeout_max");
        take!(set, self.lease => r.lease, "raft.lease");
        take!(set, self.reassign_after => r.reassign_after, "raft.reassign_after");
        take!(set, self.snapshot_logs_since_last
            => r.snapshot_logs_since_last, "raft.snapshot_logs_since_last");
        self.apply_api(cfg, &mut set);
        self.apply_doris(cfg, &mut set);
        self.apply_features(cfg, &mut set);
        let l = &mut cfg.log;
        take!(set, self.log_level => l.level, "log.level");
        take!(set, self.log_format => l.format, "log.format");
        if let Some(file) = &self.log_file {
            // An empty --log_filename means stderr, as in the original.
            l.file = (!file.as_os_str().is_empty()).then(|| file.clone());
            set.push("log.file");
        }
        Ok(set)
    }

    fn apply_api(&self, cfg: &mut NodeConfig, set: &mut Vec<&'static str>) {
        let a = &mut cfg.api;
        if let Some(token) = &self.api_token {
            a.token = Some(token.clone());
            set.push("api.token");
        }
        take!(set, self.max_body_bytes => a.max_body_bytes, "api.max_body_bytes");
        if let Some(cert) = &self.tls_cert {
            a.tls_cert = Some(cert.clone());
            set.push("api.tls_cert");
        }
        if let Some(key) = &self.tls_key {
            a.tls_key = Some(key.clone());
            set.push("api.tls_key");
        }
        if let Some(file) = &self.secrets_key_file {
            cfg.security.secrets_key_file = Some(file.clone());
            set.push("security.secrets_key_file");
        }
    }

    fn apply_doris(&self, cfg: &mut NodeConfig, set: &mut Vec<&'static str>) {
        let d = &mut cfg.doris;
        take!(set, self.connect_timeout => d.connect_timeout, "doris.connect_timeout");
        take!(set, self.rpc_timeout => d.rpc_timeout, "doris.rpc_timeout");
        take!(set, self.commit_txn_timeout => d.commit_txn_timeout, "doris.commit_txn_timeout");
        take!(set, self.max_ingest_concurrency_per_backend
            => d.max_ingest_concurrency_per_backend, "doris.max_ingest_concurrency_per_backend");
        take!(set, self.backup_poll_timeout => d.backup_poll_timeout, "doris.backup_poll_timeout");
        take!(set, self.restore_poll_timeout
            => d.restore_poll_timeout, "doris.restore_poll_timeout");
    }

    fn apply_features(&self, cfg: &mut NodeConfig, set: &mut Vec<&'static str>) {
        let f = &mut cfg.features;
        // Flag field and config field share the name; the key is `features.<name>`.
        macro_rules! feature {
            ($($name:ident),*) => {$(
                take!(set, self.$name => f.$name, concat!("features.", stringify!($name)));
            )*};
        }
        feature!(
            feature_schema_change_partial_sync,
            feature_clean_table_and_partitions,
            feature_atomic_restore,
            feature_create_view_drop_exists,
            feature_replace_not_matched_with_alias,
            feature_filter_shadow_indexes_upsert,
            feature_cancel_conflict_backup_restore_job
        );
    }
}

/// `--db_type` must be absent, `sqlite3` or `embedded`.
fn check_db_type(db_type: Option<&str>) -> Result<(), ConfigError> {
    match db_type {
        Some(t) if !ACCEPTED_DB_TYPES.contains(&t.trim().to_ascii_lowercase().as_str()) => {
            Err(ConfigError::InvalidValue {
                key: "--db_type".into(),
                origin: "command line".into(),
                message: format!("`{t}` is not supported: {DB_TYPE_REFUSAL}"),
            })
        }
        _ => Ok(()),
    }
}
