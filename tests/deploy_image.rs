//! `deploy/Dockerfile`: builds every binary the compose file runs, and ships them in a
//! slim, non-root runtime image with the data volume and the node's ports.

mod deploy_common;

use ccr_syncer::config::NodeConfig;
use deploy_common::dockerfile::{self, exec_form, Stage};
use deploy_common::{compose, root};

fn two_stages() -> (Stage, Stage) {
    let stages = dockerfile::stages();
    assert_eq!(stages.len(), 2, "builder + runtime: {stages:?}");
    (stages[0].clone(), stages[1].clone())
}

#[test]
fn builder_compiles_the_three_binaries() {
    let (builder, runtime) = two_stages();
    assert_eq!(builder.from, "rust:1.95-bookworm");
    assert_eq!(builder.name.as_deref(), Some("builder"));
    assert_eq!(runtime.from, "debian:bookworm-slim");
    let runs = builder.all("RUN").join(" ");
    for needle in [
        "cargo build --release",
        "-p ccr-syncer",
        "-p doris-emu",
        "--bins",
    ] {
        assert!(
            runs.contains(needle),
            "builder RUN lacks `{needle}`: {runs}"
        );
    }
    let copies: Vec<&str> = runtime
        .all("COPY")
        .into_iter()
        .filter(|c| c.starts_with("--from=builder"))
        .collect();
    let copied = copies.join(" ");
    for bin in ["ccr-syncer", "syncerctl", "doris-emu"] {
        assert!(
            copied.contains(&format!("/{bin} ")),
            "{bin} not copied: {copied}"
        );
    }
    assert!(copied.trim_end().ends_with("/usr/local/bin/"), "{copied}");
}

#[test]
fn runtime_is_non_root_with_data_volume_ports_and_curl() {
    let (_, runtime) = two_stages();
    let installs = runtime.all("RUN").join(" ");
    assert!(
        installs.contains("ca-certificates") && installs.contains("curl"),
        "{installs}"
    );
    let user = runtime
        .all("USER")
        .last()
        .map(|u| u.to_string())
        .expect("a USER");
    assert!(user != "root" && user != "0", "runs as root");
    assert_eq!(runtime.all("VOLUME"), [r#"["/data"]"#]);
    let defaults = NodeConfig::default();
    let exposed = runtime.all("EXPOSE").join(" ");
    for port in [defaults.node.http_port, defaults.node.raft_port] {
        assert!(
            exposed.split_whitespace().any(|p| p == port.to_string()),
            "{exposed}"
        );
    }
    let entry = exec_form(runtime.all("ENTRYPOINT").last().expect("ENTRYPOINT"));
    assert_eq!(entry, ["ccr-syncer"]);
}

#[test]
fn compose_builds_this_image_and_runs_only_its_binaries() {
    let c = compose();
    let images: std::collections::BTreeSet<_> =
        c.services.values().map(|s| s.image.clone()).collect();
    assert_eq!(images.len(), 1, "one image for every service: {images:?}");
    for svc in c.services.values() {
        let (context, file) = svc.build.clone().expect("build");
        let deploy = root().join("deploy");
        assert_eq!(
            deploy.join(&context).canonicalize().ok(),
            root().canonicalize().ok()
        );
        assert_eq!(file, "deploy/Dockerfile", "{}", svc.name);
        if let Some(bin) = svc.entrypoint.first() {
            assert!(
                ["ccr-syncer", "doris-emu"].contains(&bin.as_str()),
                "{}",
                svc.name
            );
        }
    }
    let ignore = std::fs::read_to_string(root().join("deploy/Dockerfile.dockerignore"))
        .expect("deploy/Dockerfile.dockerignore");
    assert!(ignore.lines().any(|l| l.trim() == "target/"), "{ignore}");
}
