//! `ccr-syncer` node processes of a scenario: free ports, own data dirs under the
//! scenario's temp dir, kill -9 and restart on the same data dir and ports.

use std::path::{Path, PathBuf};
use std::process::Child;

pub use super::ports::free_port;

/// One syncer node process.
pub struct Node {
    /// Raft node id (1-based).
    pub id: u64,
    /// HTTP API port.
    pub http_port: u16,
    raft_port: u16,
    dir: PathBuf,
    join: Option<String>,
    child: Option<Child>,
    starts: u32,
}

impl Node {
    /// A node (not started) with its dir under `root`; `join` = a member's HTTP address.
    pub fn new(root: &Path, id: u64, join: Option<String>) -> Node {
        let dir = root.join(format!("node{id}"));
        std::fs::create_dir_all(&dir).expect("node dir");
        Node {
            id,
            http_port: free_port(),
            raft_port: free_port(),
            dir,
            join,
            child: None,
            starts: 0,
        }
    }

    /// `127.0.0.1:<http_port>`.
    pub fn http_addr(&self) -> String {
        format!("127.0.0.1:{}", self.http_port)
    }

    /// Whether the process runs.
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Starts (or restarts, on the same data dir and ports) the process.
    pub fn start(&mut self) {
        self.starts += 1;
        let log_path = self.dir.join(format!("node-{}.log", self.starts));
        let log = std::fs::File::create(&log_path).expect("node log");
        let ports = (self.http_port, self.raft_port);
        let mut cmd = super::process::node_command(self.id, ports, &self.dir.join("data"), log);
        let level = std::env::var("SCENARIO_NODE_LOG").unwrap_or_else(|_| "info".into());
        cmd.env("RUST_LOG", level).env_remove("CCR_FLEET_DRY_RUN");
        if let Some(seed) = &self.join {
            cmd.args(["--join", seed]);
        }
        self.child = Some(cmd.spawn().expect("spawn ccr-syncer"));
    }

    /// SIGKILL (no cleanup at all) and reap.
    pub fn kill9(&mut self) {
        super::process::kill9(&mut self.child);
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill9();
    }
}
