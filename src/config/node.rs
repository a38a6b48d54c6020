//! `[node]`: who this node is and where it listens.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The `[node]` section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NodeSection {
    /// Raft node id, unique in the fleet. Must be > 0. Default: 1.
    pub id: u64,
    /// Host advertised to clients and peers (HTTP redirects, Raft membership).
    /// Default: `127.0.0.1`.
    pub host: String,
    /// Interface the HTTP API and Raft gRPC servers bind. Default: `0.0.0.0`.
    pub listen_host: String,
    /// HTTP API port (the original syncer's `-port`); 0 = OS-assigned. Default: 9190.
    pub http_port: u16,
    /// Node-to-node Raft gRPC port; 0 = OS-assigned. Default: 9191.
    pub raft_port: u16,
    /// Directory of the Raft log, snapshots and state (the original's `-db_dir`).
    /// Default: `./data`.
    pub data_dir: PathBuf,
    /// HTTP addresses (`host:port`) of existing members to join. Empty = bootstrap a
    /// one-node group if the store is empty. Default: empty.
    pub join: Vec<String>,
}

impl Default for NodeSection {
    fn default() -> Self {
        NodeSection {
            id: 1,
            host: "127.0.0.1".to_string(),
            listen_host: "0.0.0.0".to_string(),
            http_port: 9190,
            raft_port: 9191,
            data_dir: PathBuf::from("./data"),
            join: Vec::new(),
        }
    }
}

impl NodeSection {
    /// `host:http_port`, the address other nodes and clients use for the HTTP API.
    pub fn http_addr(&self) -> String {
        format!("{}:{}", self.host, self.http_port)
    }

    /// `host:raft_port`, the address peers use for Raft RPCs.
    pub fn raft_addr(&self) -> String {
        format!("{}:{}", self.host, self.raft_port)
    }

    /// `listen_host:http_port`, for binding the HTTP listener.
    pub fn http_listen_addr(&self) -> String {
        format!("{}:{}", self.listen_host, self.http_port)
    }

    /// `listen_host:raft_port`, for binding the Raft gRPC listener.
    pub fn raft_listen_addr(&self) -> String {
        format!("{}:{}", self.listen_host, self.raft_port)
    }

    /// Checks values serde cannot: returns `(key, problem)` for the first bad one.
    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        if self.id == 0 {
            return Err(("node.id", "must be > 0".into()));
        }
        if self.host.trim().is_empty() {
            return Err(("node.host", "must not be empty".into()));
        }
        if self.listen_host.trim().is_empty() {
            return Err(("node.listen_host", "must not be empty".into()));
        }
        if self.data_dir.as_os_str().is_empty() {
            return Err(("node.data_dir", "must not be empty".into()));
        }
        if self.http_port != 0 && self.http_port == self.raft_port {
            return Err(("node.raft_port", "must differ from node.http_port".into()));
        }
        match self.join.iter().find(|a| !looks_like_host_port(a)) {
            Some(bad) => Err(("node.join", format!("`{bad}` is not a `host:port` address"))),
            None => Ok(()),
        }
    }
}

/// `host:port` or `http://host:port`, with a numeric port.
fn looks_like_host_port(addr: &str) -> bool {
    let rest = addr
        .strip_prefix("http://")
        .or_else(|| addr.strip_prefix("https://"))
        .unwrap_or(addr);
    match rest.trim_end_matches('/').rsplit_once(':') {
        Some((host, port)) => !host.is_empty() && port.parse::<u16>().is_ok(),
        None => false,
    }
}
