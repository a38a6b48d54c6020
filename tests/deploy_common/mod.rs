//! Shared helpers of the deploy tests: the compose file and Dockerfile as data, the real
//! binaries, and free port ranges for the local-cluster scripts.
#![allow(dead_code)]

pub mod dockerfile;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ccr_syncer::config::NodeConfig;
use serde_yaml::Value;

/// The node binary built by cargo for these tests.
pub const SYNCER_BIN: &str = env!("CARGO_BIN_EXE_ccr-syncer");
/// The admin CLI built by cargo for these tests.
pub const SYNCERCTL_BIN: &str = env!("CARGO_BIN_EXE_syncerctl");

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory of the test binaries (`target/debug`), for the scripts' `--bin-dir`.
pub fn bin_dir() -> PathBuf {
    Path::new(SYNCER_BIN)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root().join("target/debug"))
}

/// The `doris-emu` binary next to ours (`$DORIS_EMU_BIN` wins); built when missing.
pub fn emu_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("DORIS_EMU_BIN") {
        return PathBuf::from(bin);
    }
    let bin = bin_dir().join("doris-emu");
    if !bin.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "-p", "doris-emu", "--bin", "doris-emu"])
            .current_dir(root())
            .status()
            .expect("run cargo build -p doris-emu");
        assert!(status.success(), "cargo build -p doris-emu failed");
    }
    bin
}

/// One compose service, with `${VAR:-default}` already interpolated (to the default).
#[derive(Debug, Default, Clone)]
pub struct Service {
    /// Service name.
    pub name: String,
    /// `entrypoint` (empty: the image's).
    pub entrypoint: Vec<String>,
    /// `command`.
    pub command: Vec<String>,
    /// `environment`.
    pub environment: BTreeMap<String, String>,
    /// `ports` as (host, container).
    pub ports: Vec<(u16, u16)>,
    /// `volumes` as (source, target).
    pub volumes: Vec<(String, String)>,
    /// `healthcheck.test`.
    pub healthcheck: Vec<String>,
    /// `depends_on`: service → condition.
    pub depends_on: BTreeMap<String, String>,
    /// `profiles`.
    pub profiles: Vec<String>,
    /// `build.context`, `build.dockerfile`.
    pub build: Option<(String, String)>,
    /// `image`.
    pub image: Option<String>,
}

/// The compose file.
#[derive(Debug, Default)]
pub struct Compose {
    /// Services by name.
    pub services: BTreeMap<String, Service>,
    /// Top-level named volumes.
    pub volumes: Vec<String>,
}

/// `${NAME:-default}` → `default`, `${NAME}` → empty: the value compose uses when the
/// variable is unset.
pub fn interpolate(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let inner = &rest[start + 2..start + end];
        if let Some((_, default)) = inner.split_once(":-") {
            out.push_str(default);
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => interpolate(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => panic!("expected a scalar, got {other:?}"),
    }
}

fn list(v: Option<&Value>) -> Vec<String> {
    match v {
        None => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().map(text).collect(),
        Some(Value::String(s)) => s.split_whitespace().map(interpolate).collect(),
        Some(other) => panic!("expected a list, got {other:?}"),
    }
}

fn pair(s: &str, what: &str) -> (String, String) {
    let (a, b) = s
        .split_once(':')
        .unwrap_or_else(|| panic!("{what} `{s}` is not a:b"));
    (a.to_string(), b.split(':').next().unwrap_or(b).to_string())
}

fn port_pair(s: &str) -> (u16, u16) {
    let (h, c) = pair(s, "port mapping");
    let parse = |p: &str| {
        p.parse::<u16>()
            .unwrap_or_else(|e| panic!("port `{p}` in `{s}`: {e}"))
    };
    (parse(&h), parse(&c))
}

fn map(v: Option<&Value>) -> BTreeMap<String, String> {
    match v {
        None => BTreeMap::new(),
        Some(Value::Mapping(m)) => m.iter().map(|(k, v)| (text(k), text(v))).collect(),
        Some(Value::Sequence(items)) => items
            .iter()
            .map(|i| pair(&text(i).replacen('=', ":", 1), "environment entry"))
            .collect(),
        Some(other) => panic!("expected a mapping, got {other:?}"),
    }
}

fn depends_on(v: Option<&Value>) -> BTreeMap<String, String> {
    match v {
        None => BTreeMap::new(),
        Some(Value::Sequence(_)) => list(v)
            .into_iter()
            .map(|s| (s, "service_started".into()))
            .collect(),
        Some(Value::Mapping(m)) => m
            .iter()
            .map(|(k, v)| (text(k), v.get("condition").map(text).unwrap_or_default()))
            .collect(),
        Some(other) => panic!("bad depends_on {other:?}"),
    }
}

fn service(name: &str, v: &Value) -> Service {
    let build = v.get("build").map(|b| match b {
        Value::String(ctx) => (ctx.clone(), "Dockerfile".to_string()),
        b => (
            b.get("context").map(text).unwrap_or_else(|| ".".into()),
            b.get("dockerfile")
                .map(text)
                .unwrap_or_else(|| "Dockerfile".into()),
        ),
    });
    Service {
        name: name.to_string(),
        entrypoint: list(v.get("entrypoint")),
        command: list(v.get("command")),
        environment: map(v.get("environment")),
        ports: list(v.get("ports")).iter().map(|p| port_pair(p)).collect(),
        volumes: list(v.get("volumes"))
            .iter()
            .map(|m| pair(m, "volume"))
            .collect(),
        healthcheck: list(v.get("healthcheck").and_then(|h| h.get("test"))),
        depends_on: depends_on(v.get("depends_on")),
        profiles: list(v.get("profiles")),
        build,
        image: v.get("image").map(text),
    }
}

/// Parses `deploy/docker-compose.yml` (merge keys applied).
pub fn compose() -> Compose {
    let path = root().join("deploy/docker-compose.yml");
    let raw = std::fs::read_to_string(&path).expect("read deploy/docker-compose.yml");
    let mut doc: Value = serde_yaml::from_str(&raw).expect("docker-compose.yml is YAML");
    doc.apply_merge().expect("merge keys");
    let services = doc
        .get("services")
        .and_then(Value::as_mapping)
        .expect("a services mapping");
    let volumes = match doc.get("volumes") {
        Some(Value::Mapping(m)) => m.keys().map(text).collect(),
        _ => Vec::new(),
    };
    Compose {
        services: services
            .iter()
            .map(|(k, v)| (text(k), service(&text(k), v)))
            .collect(),
        volumes,
    }
}

/// The effective config of `ccr-syncer <args> --print-config` under exactly `env` (the
/// test process's own `CCR_SYNCER_*` variables removed).
pub fn print_config(args: &[String], env: &[(String, String)]) -> NodeConfig {
    let mut cmd = Command::new(SYNCER_BIN);
    cmd.args(args).arg("--print-config");
    for (k, _) in std::env::vars() {
        if k.starts_with("CCR_SYNCER_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    let out = cmd.output().expect("run ccr-syncer --print-config");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ccr-syncer {args:?}: {stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    toml::from_str(&stdout).unwrap_or_else(|e| panic!("--print-config output: {e}\n{stdout}"))
}

/// A base port such that base, base+1, base+100, base+101, base+200 and base+201 are
/// free now: below the ephemeral range, randomized so parallel tests rarely collide.
pub fn free_base_port() -> u16 {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
        ^ std::process::id();
    for n in 0..2_000u32 {
        let base = 20_000 + ((seed.wrapping_add(n * 7)) % 12_000) as u16;
        let all_free = [0u16, 1, 100, 101, 200, 201]
            .iter()
            .all(|d| std::net::TcpListener::bind(("127.0.0.1", base + d)).is_ok());
        if all_free {
            return base;
        }
    }
    panic!("no free port range in 20000..32201");
}
