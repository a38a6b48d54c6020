//! One `ccr-syncer` node process: fixed ports and data dir across restarts, one log file
//! per start (the audit lines are read back from them), kill -9 and SIGSTOP/SIGCONT.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A node process (possibly not running).
pub struct NodeProc {
    /// Node id.
    pub id: u64,
    /// API port.
    pub http_port: u16,
    /// Raft gRPC port.
    pub raft_port: u16,
    /// Node directory (data dir and logs).
    pub dir: PathBuf,
    /// HTTP addresses of members to join (empty: bootstrap or wait).
    pub join: Vec<String>,
    /// Extra environment (address map, no-bootstrap).
    pub env: Vec<(String, String)>,
    child: Option<Child>,
    starts: u32,
    stopped: bool,
}

impl NodeProc {
    /// A node that is not started yet.
    pub fn new(id: u64, dir: PathBuf, join: Vec<String>) -> std::io::Result<NodeProc> {
        std::fs::create_dir_all(&dir)?;
        Ok(NodeProc {
            id,
            http_port: free_port()?,
            raft_port: free_port()?,
            dir,
            join,
            env: Vec::new(),
            child: None,
            starts: 0,
            stopped: false,
        })
    }

    /// `127.0.0.1:<http_port>`.
    pub fn http_addr(&self) -> String {
        format!("127.0.0.1:{}", self.http_port)
    }

    /// `127.0.0.1:<raft_port>`.
    pub fn raft_addr(&self) -> String {
        format!("127.0.0.1:{}", self.raft_port)
    }

    /// Whether a process is running (stopped by SIGSTOP counts as running).
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Starts the process (its data dir is kept across starts).
    pub fn spawn(&mut self, bin: &Path) -> std::io::Result<()> {
        self.starts += 1;
        let log = std::fs::File::create(self.dir.join(format!("node-{}.log", self.starts)))?;
        let mut cmd = Command::new(bin);
        cmd.args(["--node-id", &self.id.to_string()])
            .args(["--host", "127.0.0.1", "--listen-host", "127.0.0.1"])
            .args(["--http-port", &self.http_port.to_string()])
            .args(["--raft-port", &self.raft_port.to_string()])
            .arg("--data-dir")
            .arg(self.dir.join("data"))
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        if !self.join.is_empty() {
            cmd.args(["--join", &self.join.join(",")]);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.child = Some(cmd.spawn()?);
        self.stopped = false;
        Ok(())
    }

    /// SIGKILL (no cleanup at all) and reap.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.stopped = false;
    }

    /// SIGSTOP (`true`) or SIGCONT (`false`).
    pub fn set_stopped(&mut self, stop: bool) {
        let Some(child) = &self.child else { return };
        let sig = if stop { "-STOP" } else { "-CONT" };
        let ok = Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            self.stopped = stop;
        }
    }

    /// Whether the process is SIGSTOPped.
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Every log file this node wrote.
    pub fn log_files(&self) -> Vec<PathBuf> {
        (1..=self.starts)
            .map(|n| self.dir.join(format!("node-{n}.log")))
            .collect()
    }
}

impl Drop for NodeProc {
    fn drop(&mut self) {
        self.set_stopped(false);
        self.kill9();
    }
}

/// A port that is free now, below the kernel's ephemeral range (32768+) so that no
/// outgoing connection or proxy `bind(:0)` takes it before the node binds it.
pub fn free_port() -> std::io::Result<u16> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let seed = u64::from(std::process::id()).wrapping_mul(7919);
    for _ in 0..12_000 {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let port = 20_000 + ((seed + n) % 12_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err(std::io::Error::other("no free port in 20000..32000"))
}
