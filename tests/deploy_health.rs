//! The endpoints the compose health checks call really answer 200: `/health` on a node's
//! HTTP port, `/health` on doris-emu's admin port.

mod deploy_common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use deploy_common::{free_base_port, SYNCER_BIN};
use doris_emu::testing::{EmuOptions, EmuProcess};

/// Status code of `GET http://127.0.0.1:{port}{path}`, or `None` when unreachable.
fn get_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).ok()?;
    let mut head = String::new();
    s.read_to_string(&mut head).ok()?;
    head.split_whitespace().nth(1)?.parse().ok()
}

/// Polls until `GET path` answers anything; returns that status.
fn first_answer(port: u16, path: &str, limit: Duration) -> Option<u16> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(code) = get_status(port, path) {
            return Some(code);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn node_serves_health() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_base_port();
    let child = Command::new(SYNCER_BIN)
        .args([
            "--node-id",
            "1",
            "--host",
            "127.0.0.1",
            "--listen-host",
            "127.0.0.1",
        ])
        .args([
            "--http-port",
            &port.to_string(),
            "--raft-port",
            &(port + 1).to_string(),
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ccr-syncer");
    let _guard = Kill(child);
    let code = first_answer(port, "/health", Duration::from_secs(30));
    assert_eq!(code, Some(200), "GET /health on the node's HTTP port");
}

#[test]
fn doris_emu_serves_health_on_the_admin_port() {
    let emu = EmuProcess::start(EmuOptions::default()).expect("start doris-emu");
    let code = first_answer(emu.admin_port(), "/health", Duration::from_secs(10));
    assert_eq!(code, Some(200), "GET /health on doris-emu's admin port");
}
