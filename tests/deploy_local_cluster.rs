//! `scripts/local-cluster.sh`: help and bad options, the same topology as the compose
//! file (checked through the config loader), and an up / status / down round trip.

mod deploy_common;

use std::collections::BTreeMap;
use std::process::{Command, Output};

use ccr_syncer::config::{load_from, NodeConfig};
use deploy_common::{bin_dir, compose, free_base_port, print_config, root};

fn script(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(root().join("scripts/local-cluster.sh"))
        .args(args)
        .env_remove("CCR_SYNCER_BIN_DIR")
        .output()
        .expect("run local-cluster.sh")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn help_and_bad_options() {
    let out = script(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for needle in [
        "Usage:",
        "up|down|status",
        "--nodes",
        "--base-port",
        "--dir",
        "--no-build",
    ] {
        assert!(help.contains(needle), "help lacks {needle}: {help}");
    }
    let cases: [(&[&str], &str); 6] = [
        (&[], "missing command"),
        (&["up", "--bogus"], "unknown option '--bogus'"),
        (&["up", "--nodes"], "--nodes needs a value"),
        (&["up", "--nodes", "x"], "--nodes must be"),
        (&["up", "--base-port", "65500"], "--base-port must"),
        (&["up", "down"], "only one command"),
    ];
    for (args, needle) in cases {
        let out = script(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

/// Node id → config, for the compose file's syncer services.
fn compose_nodes() -> BTreeMap<u64, (NodeConfig, Vec<String>)> {
    let mut nodes = BTreeMap::new();
    for svc in compose().services.values() {
        if svc.entrypoint.first().is_some_and(|e| e != "ccr-syncer") {
            continue;
        }
        let cfg = print_config(&svc.command, &[]);
        nodes.insert(cfg.node.id, (cfg, svc.command.clone()));
    }
    nodes
}

/// The ports of a node's join addresses.
fn join_ports(c: &NodeConfig) -> Vec<String> {
    let port = |a: &String| a.rsplit(':').next().unwrap_or("").to_string();
    c.node.join.iter().map(port).collect()
}

#[test]
fn runs_the_compose_topology_with_the_same_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dir_arg = dir.path().to_string_lossy().into_owned();
    let out = script(&[
        "up",
        "--dry-run",
        "--no-build",
        "--base-port",
        "9190",
        "--dir",
        &dir_arg,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let composed = compose_nodes();
    assert_eq!(lines.len(), composed.len(), "{stdout}");
    let http_of = |id: u64| composed[&id].0.node.http_port;
    for line in lines {
        let argv: Vec<&str> = line.split_whitespace().collect();
        assert!(argv[0].ends_with("/ccr-syncer"), "{line}");
        let local = load_from(argv.iter().copied(), |_| None)
            .expect(line)
            .config;
        let (cfg, flags) = &composed[&local.node.id];
        assert_eq!(local.node.http_port, cfg.node.http_port, "{line}");
        assert_eq!(local.node.raft_port, cfg.node.raft_port, "{line}");
        for f in flags.iter().filter(|f| f.starts_with("--")) {
            assert!(
                argv.contains(&f.as_str()),
                "compose flag {f} missing in: {line}"
            );
        }
        // Both join the same node (by its HTTP port), or both bootstrap.
        assert_eq!(join_ports(&local), join_ports(cfg), "{line}");
        if let Some(port) = join_ports(cfg).first() {
            assert_eq!(port, &http_of(1).to_string(), "joiners join node 1");
        }
    }
}

#[test]
fn up_status_down_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dir_arg = dir.path().to_string_lossy().into_owned();
    let base = free_base_port().to_string();
    let bins = bin_dir().to_string_lossy().into_owned();
    let common = ["--dir", &dir_arg, "--bin-dir", &bins, "--no-build"];
    let up = script(
        &[
            &["up", "--base-port", &base, "--timeout", "60"],
            &common[..],
        ]
        .concat(),
    );
    let down = |extra: &[&str]| script(&[&["down"], &common[..], extra].concat());
    if up.status.code() != Some(0) {
        down(&[]);
        panic!("up failed: {}{}", text(&up.stdout), text(&up.stderr));
    }
    assert!(
        text(&up.stdout).contains("all 3 nodes are voters"),
        "{}",
        text(&up.stdout)
    );
    let again = script(&[&["up", "--base-port", &base], &common[..]].concat());
    let status = script(&[&["status"], &common[..]].concat());
    let stopped = down(&["--stop-timeout", "15"]);
    assert_eq!(again.status.code(), Some(1), "second up must refuse");
    let again_err = text(&again.stderr);
    assert!(again_err.contains("already running"), "{again_err}");
    check_status(&status);
    check_down(&stopped, dir.path());
}

/// `status`: each node's pid and healthy /health, then three voters.
fn check_status(status: &Output) {
    let st = text(&status.stdout);
    let err = text(&status.stderr);
    assert_eq!(status.status.code(), Some(0), "status: {st}{err}");
    for i in 1..=3 {
        assert!(st.contains(&format!("node {i}: pid ")), "{st}");
    }
    let voters = st
        .lines()
        .filter(|l| l.split_whitespace().nth(3) == Some("voter"));
    assert_eq!(voters.count(), 3, "member list shows three voters: {st}");
    assert_eq!(
        st.matches("(HTTP 200)").count(),
        3,
        "three healthy nodes: {st}"
    );
}

/// `down`: every node stopped, no pid file left.
fn check_down(stopped: &Output, dir: &std::path::Path) {
    assert_eq!(stopped.status.code(), Some(0), "{}", text(&stopped.stderr));
    let out = text(&stopped.stdout);
    assert!(out.contains("3 node(s) stopped"), "{out}");
    let leftover = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".pid"))
        .count();
    assert_eq!(leftover, 0, "pid files removed");
}
