//! Cluster configuration and per-connection session state.

use super::state::{Backend, Frontend, State};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One emulated BE as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendConfig {
    /// Backend id.
    pub id: i64,
    /// Advertised host.
    pub host: String,
    /// Thrift port.
    pub be_port: i32,
    /// HTTP port.
    pub http_port: i32,
    /// BRPC port.
    pub brpc_port: i32,
    /// Heartbeat port.
    pub heartbeat_port: i32,
}

/// Configuration of [`super::Cluster::open`].
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Journal directory; `None` = memory only.
    pub data_dir: Option<PathBuf>,
    /// Backends (1–3).
    pub backends: Vec<BackendConfig>,
    /// First id of the global id allocator (differs between source and target emulators).
    pub id_base: i64,
    /// Cluster token.
    pub cluster_token: String,
    /// FE endpoints.
    pub frontend: Frontend,
    /// Password of `root` (default empty).
    pub root_password: String,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            data_dir: None,
            backends: vec![BackendConfig {
                id: 10001,
                host: "127.0.0.1".into(),
                be_port: 9060,
                http_port: 8040,
                brpc_port: 8060,
                heartbeat_port: 9050,
            }],
            id_base: 100_000,
            cluster_token: uuid::Uuid::new_v4().to_string(),
            frontend: Frontend::default(),
            root_password: String::new(),
        }
    }
}

impl ClusterConfig {
    /// The state before any journal entry.
    pub(crate) fn initial_state(&self) -> State {
        let backends = self
            .backends
            .iter()
            .map(|b| Backend {
                id: b.id,
                host: b.host.clone(),
                be_port: b.be_port,
                http_port: b.http_port,
                brpc_port: b.brpc_port,
                heartbeat_port: b.heartbeat_port,
                alive: true,
            })
            .collect();
        let mut fe_config = BTreeMap::new();
        for (k, v) in [
            ("enable_feature_binlog", "true"),
            ("ignore_backup_tmp_partitions", "false"),
            ("max_backup_restore_job_num_per_db", "10"),
            ("enable_recycle_binlog_immediately", "false"),
            ("max_binlog_messsage_size", "1073741824"),
            ("allow_replica_on_same_host", "false"),
        ] {
            fe_config.insert(k.to_string(), v.to_string());
        }
        State {
            backends,
            frontend: self.frontend.clone(),
            token: self.cluster_token.clone(),
            root_password: self.root_password.clone(),
            next_id: self.id_base,
            fe_config,
            ..Default::default()
        }
    }
}

/// Per-connection state.
#[derive(Debug, Clone)]
pub struct Session {
    /// Current database (`USE db`).
    pub db: Option<String>,
    /// Logged-in user.
    pub user: String,
    /// MySQL connection id.
    pub connection_id: u32,
    /// Session variables (`SET x = y`), lower-case names.
    pub vars: BTreeMap<String, String>,
    /// User variables (`SET @x = y`).
    pub user_vars: BTreeMap<String, String>,
}

impl Session {
    /// A session for `user` with connection id `connection_id` and no current db.
    pub fn new(user: impl Into<String>, connection_id: u32) -> Self {
        Session {
            db: None,
            user: user.into(),
            connection_id,
            vars: BTreeMap::new(),
            user_vars: BTreeMap::new(),
        }
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new("root", 1)
    }
}
