//! Flags win over environment variables, which win over the file, over the defaults.

use std::collections::HashMap;
use std::time::Duration;

use ccr_syncer::config::{load_from, NodeConfig};

fn write_config(text: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), text).unwrap();
    file
}

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

const FILE: &str = r#"
[node]
http_port = 1001
raft_port = 2001
host = "file-host"
[raft]
lease = "2s"
reassign_after = "3s"
[log]
level = "debug"
"#;

#[test]
fn file_beats_defaults() {
    let file = write_config(FILE);
    let path = file.path().to_str().unwrap();
    let cfg = load_from(["ccr-syncer", "--config", path], |_| None)
        .unwrap()
        .config;
    assert_eq!(cfg.node.http_port, 1001);
    assert_eq!(cfg.node.host, "file-host");
    assert_eq!(cfg.raft.lease, Duration::from_secs(2));
    assert_eq!(cfg.log.level, "debug");
    // Keys the file leaves out keep their defaults.
    assert_eq!(cfg.node.id, 1);
    assert_eq!(cfg.doris, NodeConfig::default().doris);
}

#[test]
fn env_beats_file_and_flags_beat_env() {
    let file = write_config(FILE);
    let path = file.path().to_str().unwrap();
    let env = env_of(&[
        ("CCR_SYNCER_NODE_HTTP_PORT", "1002"),
        ("CCR_SYNCER_NODE_HOST", "env-host"),
        ("CCR_SYNCER_NODE_JOIN", "a:1, b:2"),
        ("CCR_SYNCER_API_TOKEN", "env-token"),
        ("CCR_SYNCER_FEATURES_FEATURE_ATOMIC_RESTORE", "false"),
        ("CCR_SYNCER_DORIS_RPC_TIMEOUT", "45s"),
    ]);
    let cfg = load_from(["ccr-syncer", "--config", path, "--port", "1003"], &env)
        .unwrap()
        .config;
    assert_eq!(cfg.node.http_port, 1003, "flag wins");
    assert_eq!(cfg.node.host, "env-host", "env beats file");
    assert_eq!(cfg.node.raft_port, 2001, "file beats default");
    assert_eq!(cfg.node.join, ["a:1", "b:2"]);
    assert_eq!(
        cfg.api.token.as_ref().map(|t| t.expose()),
        Some("env-token")
    );
    assert!(!cfg.features.feature_atomic_restore);
    assert_eq!(cfg.doris.rpc_timeout, Duration::from_secs(45));
    assert!(!cfg.to_string().contains("env-token"));
}

#[test]
fn secrets_from_flags_never_show_in_debug_output() {
    let argv = ["x", "--api-token", "flag-token", "-db_password=db-pass"];
    let loaded = load_from(argv, |_| None).unwrap();
    assert_eq!(
        loaded.config.api.token.as_ref().map(|t| t.expose()),
        Some("flag-token")
    );
    let shown = format!("{loaded:?}\n{}", loaded.config);
    assert!(
        !shown.contains("flag-token") && !shown.contains("db-pass"),
        "{shown}"
    );
}

#[test]
fn config_file_from_environment() {
    let file = write_config(FILE);
    let env = env_of(&[("CCR_SYNCER_CONFIG", file.path().to_str().unwrap())]);
    let cfg = load_from(["ccr-syncer"], &env).unwrap().config;
    assert_eq!(cfg.node.http_port, 1001);
}

#[test]
fn new_style_flags_cover_every_section() {
    let argv = [
        "ccr-syncer",
        "--node-id",
        "3",
        "--raft-port",
        "7001",
        "--data-dir",
        "/tmp/d",
        "--join",
        "h1:9190",
        "--join",
        "h2:9190",
        "--lease",
        "2s",
        "--reassign-after",
        "2.5s",
        "--api-token",
        "t",
        "--max-body-bytes",
        "10",
        "--commit-txn-timeout",
        "1m",
        "--log-format",
        "json",
        "--log-file",
        "/tmp/x.log",
        "--feature-atomic-restore=false",
    ];
    let cfg = load_from(argv, |_| None).unwrap().config;
    assert_eq!(cfg.node.id, 3);
    assert_eq!(cfg.node.raft_port, 7001);
    assert_eq!(cfg.node.data_dir.to_str(), Some("/tmp/d"));
    assert_eq!(cfg.node.join, ["h1:9190", "h2:9190"]);
    assert_eq!(cfg.raft.reassign_after, Duration::from_millis(2500));
    assert_eq!(cfg.api.max_body_bytes, 10);
    assert_eq!(cfg.doris.commit_txn_timeout, Duration::from_secs(60));
    assert_eq!(cfg.log.format, ccr_syncer::config::LogFormat::Json);
    assert_eq!(
        cfg.log.file.as_deref().and_then(|p| p.to_str()),
        Some("/tmp/x.log")
    );
    assert!(!cfg.features.feature_atomic_restore);
}
