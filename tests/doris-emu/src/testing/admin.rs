//! Calls to the emulator's admin HTTP endpoint with plain std sockets (no HTTP client
//! dependency): fault injection and forced binlog GC from any test.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::EmuProcess;

impl EmuProcess {
    /// `POST <path>` with a JSON `body` to the admin port; returns (HTTP status, body).
    pub fn admin_post(&self, path: &str, body: &str) -> io::Result<(u16, String)> {
        let mut s = TcpStream::connect((self.host(), self.admin_port()))?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let req = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.host(),
            body.len()
        );
        s.write_all(req.as_bytes())?;
        let mut raw = String::new();
        s.read_to_string(&mut raw)?;
        let status = raw.split(' ').nth(1).and_then(|c| c.parse().ok());
        let status =
            status.ok_or_else(|| io::Error::other(format!("bad HTTP reply: {raw:.200}")))?;
        let body = raw
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        Ok((status, body))
    }

    /// Installs a fault rule (JSON as documented in the README), e.g.
    /// `{"target":"commitTxn","times":1,"publish_timeout":true}`.
    pub fn set_fault(&self, rule_json: &str) -> io::Result<()> {
        expect_ok(self.admin_post("/fault", rule_json)?)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) -> io::Result<()> {
        expect_ok(self.admin_post("/fault/clear", "")?)
    }

    /// Forced binlog GC of `db` (or every db), up to the newest binlog.
    pub fn gc_binlog(&self, db: Option<&str>) -> io::Result<()> {
        let body = match db {
            Some(db) => format!("{{\"db\":{}}}", serde_json::Value::from(db)),
            None => String::new(),
        };
        expect_ok(self.admin_post("/gc_binlog", &body)?)
    }
}

fn expect_ok((status, body): (u16, String)) -> io::Result<()> {
    if status == 200 {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "admin endpoint answered {status}: {body}"
        )))
    }
}
