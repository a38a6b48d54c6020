//! `ccr-syncer` node processes the tests start, and reaping them.

use std::fs::File;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The node binary cargo built for these tests.
const NODE_BIN: &str = env!("CARGO_BIN_EXE_ccr-syncer");

/// The command of node `id` on loopback, with HTTP and Raft `ports` and its data in
/// `data_dir`; stdin closed, stdout and stderr into `out`. Callers add flags and env.
pub fn node_command(id: u64, ports: (u16, u16), data_dir: &Path, out: File) -> Command {
    let mut cmd = Command::new(NODE_BIN);
    cmd.args(["--node-id", &id.to_string()])
        .args(["--host", "127.0.0.1", "--listen-host", "127.0.0.1"])
        .args(["--http-port", &ports.0.to_string()])
        .args(["--raft-port", &ports.1.to_string()])
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("clone node log"))
        .stderr(out);
    cmd
}

/// SIGKILL (no cleanup at all) and reap the child in `slot`, if any; leaves `None`.
pub fn kill9(slot: &mut Option<Child>) {
    if let Some(mut child) = slot.take() {
        let _ = child.kill();
        let _ = child.wait();
    }
}
