//! Run a `doris-emu` process from any crate's integration tests.
//!
//! ```no_run
//! use doris_emu::testing::{EmuOptions, EmuProcess};
//! let mut emu = EmuProcess::start(EmuOptions { be_count: 2, ..Default::default() }).unwrap();
//! let url = emu.mysql_url(); // mysql://root:@127.0.0.1:<query_port>
//! emu.restart().unwrap(); // SIGKILL, then start again on the same data dir and ports
//! ```
//!
//! The binary is found, in order: [`EmuOptions::binary`]; `$DORIS_EMU_BIN`;
//! `$CARGO_BIN_EXE_doris-emu`; `doris-emu` next to the running test executable's `deps/`
//! directory (i.e. `target/<profile>/doris-emu`: run `cargo build -p doris-emu` first);
//! `<workspace>/target/{debug,release}/doris-emu`; and as a last resort it is built with
//! `cargo build -p doris-emu --target-dir <workspace>/target/emu-build` (a separate target
//! dir, so it cannot wait on the lock held by the running `cargo test`).
//!
//! Only std and serde_json: usable from any test without extra dependencies. The child is
//! SIGKILLed when the [`EmuProcess`] is dropped; its stderr (logs) goes to
//! `<data_dir>/doris-emu.log`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod admin;
mod binary;

pub use crate::server::{BackendPorts, Ports};

/// How to start the emulator.
#[derive(Debug, Clone)]
pub struct EmuOptions {
    /// Number of BEs (1–3).
    pub be_count: usize,
    /// Data dir; a fresh temporary one (deleted on drop) when `None`.
    pub data_dir: Option<PathBuf>,
    /// Password of `root`.
    pub root_password: String,
    /// Cluster token (`None` = generated and persisted by the emulator).
    pub cluster_token: Option<String>,
    /// Catalog id base (`None` = the emulator's default).
    pub id_base: Option<i64>,
    /// Id of the first BE (`None` = 10001).
    pub be_id_base: Option<i64>,
    /// Background binlog GC period (`None` = the emulator's default of 15 s).
    pub binlog_gc_interval: Option<Duration>,
    /// Extra command-line arguments.
    pub extra_args: Vec<String>,
    /// Explicit path of the `doris-emu` binary.
    pub binary: Option<PathBuf>,
    /// How long to wait for the JSON line with the ports.
    pub startup_timeout: Duration,
}

impl Default for EmuOptions {
    fn default() -> Self {
        EmuOptions {
            be_count: 1,
            data_dir: None,
            root_password: String::new(),
            cluster_token: None,
            id_base: None,
            be_id_base: None,
            binlog_gc_interval: None,
            extra_args: Vec::new(),
            binary: None,
            startup_timeout: Duration::from_secs(60),
        }
    }
}

/// Why the emulator could not be started.
#[derive(Debug, thiserror::Error)]
pub enum EmuError {
    /// Spawning or building failed.
    #[error("doris-emu: {0}")]
    Io(#[from] std::io::Error),
    /// No usable JSON line appeared in time (the log file path is in the message).
    #[error("doris-emu did not report its ports: {0}")]
    Startup(String),
    /// The binary could not be found or built.
    #[error("doris-emu binary: {0}")]
    Binary(String),
}

/// A running `doris-emu` child process.
#[derive(Debug)]
pub struct EmuProcess {
    child: Option<Child>,
    ports: Ports,
    opts: EmuOptions,
    binary: PathBuf,
    data_dir: PathBuf,
    owned_dir: bool,
}

static DIR_COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_data_dir() -> std::io::Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = DIR_COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("doris-emu-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

impl EmuProcess {
    /// Starts the emulator (free ports) and waits for its ports.
    pub fn start(opts: EmuOptions) -> Result<EmuProcess, EmuError> {
        let binary = match &opts.binary {
            Some(b) => b.clone(),
            None => binary::find()?,
        };
        let (data_dir, owned_dir) = match &opts.data_dir {
            Some(d) => (d.clone(), false),
            None => (temp_data_dir()?, true),
        };
        let placeholder = Ports {
            host: String::new(),
            query_port: 0,
            rpc_port: 0,
            fe_http_port: 0,
            admin_port: 0,
            backends: Vec::new(),
        };
        let mut emu = EmuProcess {
            child: None,
            ports: placeholder,
            opts,
            binary,
            data_dir,
            owned_dir,
        };
        emu.spawn(None)?;
        Ok(emu)
    }

    /// The ports reported by the running process.
    pub fn ports(&self) -> &Ports {
        &self.ports
    }

    /// The MySQL port.
    pub fn query_port(&self) -> u16 {
        self.ports.query_port
    }

    /// The FE Thrift port.
    pub fn rpc_port(&self) -> u16 {
        self.ports.rpc_port
    }

    /// The admin HTTP port (`POST /fault`, `POST /gc_binlog`).
    pub fn admin_port(&self) -> u16 {
        self.ports.admin_port
    }

    /// The advertised host.
    pub fn host(&self) -> &str {
        &self.ports.host
    }

    /// `mysql://root:<password>@<host>:<query_port>` (password not escaped).
    pub fn mysql_url(&self) -> String {
        format!(
            "mysql://root:{}@{}:{}",
            self.opts.root_password, self.ports.host, self.ports.query_port
        )
    }

    /// The data dir (journal and identity).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The stderr log file of the child.
    pub fn log_path(&self) -> PathBuf {
        self.data_dir.join("doris-emu.log")
    }

    /// The last `n` log lines and the log path, for error messages.
    fn log_tail(&self, n: usize) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(n)..].join("\n");
        format!("{tail}\n(log: {})", self.log_path().display())
    }

    /// Whether the child is still running.
    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// SIGKILLs the child and reaps it (no-op when not running).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Sends SIGTERM and waits up to `timeout` for a graceful exit (then SIGKILL).
    /// Returns whether the process exited by itself.
    pub fn terminate(&mut self, timeout: Duration) -> bool {
        let Some(mut c) = self.child.take() else {
            return true;
        };
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(c.id().to_string())
            .status();
        let deadline = Instant::now() + timeout;
        while sent.as_ref().is_ok_and(|s| s.success()) && Instant::now() < deadline {
            if let Ok(Some(_)) = c.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = c.kill();
        let _ = c.wait();
        false
    }

    /// SIGKILLs the child and starts it again on the same data dir and the same ports.
    /// Retries a few times: another process may briefly hold a freed port.
    pub fn restart(&mut self) -> Result<(), EmuError> {
        self.kill();
        let ports = self.ports.clone();
        let mut last = None;
        for attempt in 0..5u64 {
            match self.spawn(Some(&ports)) {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
            std::thread::sleep(Duration::from_millis(100 * (attempt + 1)));
        }
        Err(last.unwrap_or_else(|| EmuError::Startup("restart failed".into())))
    }

    /// SIGKILLs the child and starts it again on the same data dir with fresh ports.
    pub fn restart_on_new_ports(&mut self) -> Result<(), EmuError> {
        self.kill();
        self.spawn(None)
    }

    fn command(&self, same: Option<&Ports>) -> Command {
        let o = &self.opts;
        let mut cmd = Command::new(&self.binary);
        cmd.arg("--be-count").arg(o.be_count.to_string());
        cmd.arg("--data-dir").arg(&self.data_dir);
        cmd.env("DORIS_EMU_ROOT_PASSWORD", &o.root_password);
        if let Some(t) = &o.cluster_token {
            cmd.env("DORIS_EMU_CLUSTER_TOKEN", t);
        }
        if let Some(i) = o.id_base {
            cmd.arg("--id-base").arg(i.to_string());
        }
        if let Some(i) = o.be_id_base {
            cmd.arg("--be-id-base").arg(i.to_string());
        }
        if let Some(d) = o.binlog_gc_interval {
            cmd.arg("--binlog-gc-interval")
                .arg(format!("{}ms", d.as_millis()));
        }
        if let Some(p) = same {
            let list = |f: fn(&BackendPorts) -> u16| {
                p.backends
                    .iter()
                    .map(|b| f(b).to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            cmd.args([
                "--query-port",
                &p.query_port.to_string(),
                "--rpc-port",
                &p.rpc_port.to_string(),
            ]);
            cmd.args([
                "--http-port",
                &p.fe_http_port.to_string(),
                "--admin-port",
                &p.admin_port.to_string(),
            ]);
            cmd.args([
                "--be-ports",
                &list(|b| b.be_port),
                "--be-http-ports",
                &list(|b| b.http_port),
            ]);
            cmd.args(["--brpc-ports", &list(|b| b.brpc_port)]);
        }
        cmd.args(&o.extra_args);
        cmd
    }

    fn spawn(&mut self, same: Option<&Ports>) -> Result<(), EmuError> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())?;
        let mut cmd = self.command(same);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log));
        let mut child = cmd.spawn()?;
        let stdout = child.stdout.take();
        self.child = Some(child);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let Some(out) = stdout else { return };
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if let Ok(ports) = serde_json::from_str::<Ports>(&line) {
                    let _ = tx.send(ports);
                }
            }
        });
        match rx.recv_timeout(self.opts.startup_timeout) {
            Ok(ports) => {
                self.ports = ports;
                Ok(())
            }
            Err(_) => {
                self.kill();
                Err(EmuError::Startup(self.log_tail(5)))
            }
        }
    }
}

impl Drop for EmuProcess {
    fn drop(&mut self) {
        self.kill();
        if self.owned_dir {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}
