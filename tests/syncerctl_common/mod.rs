//! A fake syncer API on loopback with canned answers, and a runner for the built
//! `syncerctl` binary.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use parking_lot::Mutex;

/// One request the fake saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub auth: Option<String>,
    pub body: String,
}

/// The fake API: `path → (status, body)`; unknown paths answer 404.
#[derive(Clone, Default)]
pub struct FakeApi {
    answers: Arc<Mutex<HashMap<String, (u16, String)>>>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeApi {
    /// Sets the answer for `path`.
    pub fn answer(&self, path: &str, status: u16, body: &str) {
        let mut a = self.answers.lock();
        a.insert(path.to_string(), (status, body.to_string()));
    }

    /// The requests seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().clone()
    }

    async fn handle(self, req: Request<Body>) -> Response {
        let (parts, body) = req.into_parts();
        let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
        let auth = parts.headers.get("authorization");
        self.seen.lock().push(Seen {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            auth: auth.and_then(|v| v.to_str().ok()).map(str::to_string),
            body: String::from_utf8_lossy(&body).to_string(),
        });
        let answer = self.answers.lock().get(parts.uri.path()).cloned();
        match answer {
            Some((status, text)) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                let ctype = if text.starts_with('{') {
                    "application/json"
                } else {
                    "text/plain"
                };
                (status, [("content-type", ctype)], text).into_response()
            }
            None => (StatusCode::NOT_FOUND, "404 page not found").into_response(),
        }
    }

    /// Serves on 127.0.0.1:0; returns `host:port`.
    pub async fn spawn(&self) -> String {
        let me = self.clone();
        let app = Router::new().fallback(any(move |req| me.clone().handle(req)));
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = l.local_addr().expect("addr").to_string();
        tokio::spawn(async move { axum::serve(l, app).await });
        addr
    }
}

/// What a syncerctl run produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the built `syncerctl` with `args` (and no inherited SYNCERCTL_* variables).
pub async fn syncerctl(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_syncerctl"));
    cmd.args(args)
        .env_remove("SYNCERCTL_ENDPOINT")
        .env_remove("SYNCERCTL_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().await.expect("syncerctl runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
    }
}

/// Runs `syncerctl --endpoint <addr> args...`.
pub async fn ctl(addr: &str, args: &[&str]) -> Run {
    let mut all = vec!["--endpoint", addr];
    all.extend_from_slice(args);
    syncerctl(&all, &[]).await
}
