//! `ccr-syncer` node processes of a scenario: free ports, own data dirs under the
//! scenario's temp dir, kill -9 and restart on the same data dir and ports.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The node binary cargo built for this test.
const BIN: &str = env!("CARGO_BIN_EXE_ccr-syncer");

/// A port free now, below the ephemeral range (so no outgoing connection takes it before
/// the node binds it), spread by a per-process seed so parallel tests rarely collide.
pub fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static SEED: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let seed = *SEED.get_or_init(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        let nanos = now.map(|d| d.subsec_nanos()).unwrap_or(0) as u64;
        nanos ^ u64::from(std::process::id()).wrapping_mul(7919)
    });
    for _ in 0..12_000 {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let port = 20_000 + ((seed.wrapping_add(n)) % 12_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in 20000..32000");
}

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
        let mut cmd = Command::new(BIN);
        cmd.args(["--node-id", &self.id.to_string()])
            .args(["--host", "127.0.0.1", "--listen-host", "127.0.0.1"])
            .args(["--http-port", &self.http_port.to_string()])
            .args(["--raft-port", &self.raft_port.to_string()])
            .arg("--data-dir")
            .arg(self.dir.join("data"))
            .env(
                "RUST_LOG",
                std::env::var("SCENARIO_NODE_LOG").unwrap_or_else(|_| "info".into()),
            )
            .env_remove("CCR_FLEET_DRY_RUN")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log"))
            .stderr(log);
        if let Some(seed) = &self.join {
            cmd.args(["--join", seed]);
        }
        self.child = Some(cmd.spawn().expect("spawn ccr-syncer"));
    }

    /// SIGKILL (no cleanup at all) and reap.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill9();
    }
}
