//! `deploy/docker-compose.yml` and `deploy/Dockerfile` checked against the real binaries
//! (no Docker engine runs here): every flag, env var, port, volume and health check the
//! compose file uses exists and agrees with the configuration the node derives from it.

mod deploy_common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use ccr_syncer::config::{keys::KEYS, NodeConfig, CONFIG_ENV};
use deploy_common::dockerfile::{self, env_pairs, exec_form};
use deploy_common::{compose, emu_bin, print_config, Compose, Service};

/// The runtime stage's `ENTRYPOINT`.
fn image_entrypoint() -> Vec<String> {
    let stages = dockerfile::stages();
    let last = stages.last().expect("a stage");
    exec_form(last.all("ENTRYPOINT").last().expect("an ENTRYPOINT"))
}

fn program(svc: &Service) -> String {
    let argv0 = match svc.entrypoint.first() {
        Some(p) => p.clone(),
        None => image_entrypoint()[0].clone(),
    };
    argv0.rsplit('/').next().unwrap_or(&argv0).to_string()
}

/// The syncer services with the config each one runs with (image ENV, then the service's
/// environment, then its command line: what the container would see).
fn syncers(c: &Compose) -> BTreeMap<String, (Service, NodeConfig)> {
    let stages = dockerfile::stages();
    let mut env = env_pairs(stages.last().expect("a stage"));
    let mut out = BTreeMap::new();
    for svc in c.services.values().filter(|s| program(s) == "ccr-syncer") {
        let mut args: Vec<String> = svc.entrypoint.iter().skip(1).cloned().collect();
        args.extend(svc.command.iter().cloned());
        env.retain(|(k, _)| !svc.environment.contains_key(k));
        let mut all = env.clone();
        all.extend(svc.environment.clone());
        out.insert(svc.name.clone(), (svc.clone(), print_config(&args, &all)));
    }
    out
}

#[test]
fn every_syncer_service_runs_a_valid_config() {
    let c = compose();
    let syncers = syncers(&c);
    assert_eq!(
        syncers.len(),
        3,
        "three syncer services: {:?}",
        syncers.keys()
    );
    let ids: BTreeSet<u64> = syncers.values().map(|(_, cfg)| cfg.node.id).collect();
    assert_eq!(ids.len(), 3, "node ids must differ: {ids:?}");
    for (name, (svc, cfg)) in &syncers {
        assert_eq!(
            &cfg.node.host, name,
            "{name}: advertised host = service name"
        );
        assert_eq!(
            svc.ports,
            [(cfg.node.http_port, cfg.node.http_port)],
            "{name}: publishes exactly its HTTP port, same number inside and out"
        );
        let data = cfg.node.data_dir.to_string_lossy();
        let vol = svc.volumes.iter().find(|(_, target)| *target == data);
        let (source, _) = vol.unwrap_or_else(|| panic!("{name}: no volume at {data}"));
        assert!(
            c.volumes.contains(source),
            "{name}: `{source}` is not a named volume"
        );
        assert!(
            svc.profiles.is_empty(),
            "{name}: syncers run without a profile"
        );
    }
    let sources: BTreeSet<&String> = syncers.values().map(|(s, _)| &s.volumes[0].0).collect();
    assert_eq!(sources.len(), 3, "each node has its own volume");
}

#[test]
fn every_environment_variable_is_a_config_key() {
    let known: BTreeSet<String> = KEYS.iter().map(|k| k.env_var()).collect();
    let stages = dockerfile::stages();
    let image_env = env_pairs(stages.last().expect("a stage"));
    let c = compose();
    let service_env = c.services.values().flat_map(|s| s.environment.clone());
    for (var, _) in image_env.into_iter().chain(service_env) {
        if var.starts_with("CCR_SYNCER_") {
            assert!(
                known.contains(&var) || var == CONFIG_ENV,
                "{var} sets no config key"
            );
        } else {
            assert!(var.starts_with("DORIS_EMU_"), "unexpected variable {var}");
        }
    }
}

#[test]
fn joiners_join_a_healthy_member_by_its_http_address() {
    let c = compose();
    let syncers = syncers(&c);
    let bootstraps: Vec<&String> = syncers
        .iter()
        .filter(|(_, (_, cfg))| cfg.node.join.is_empty())
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        bootstraps.len(),
        1,
        "exactly one node bootstraps: {bootstraps:?}"
    );
    for (name, (svc, cfg)) in syncers.iter().filter(|(_, (_, c))| !c.node.join.is_empty()) {
        for addr in &cfg.node.join {
            let (host, port) = addr.rsplit_once(':').expect("host:port");
            let (_, target) = syncers
                .get(host)
                .unwrap_or_else(|| panic!("{name} joins `{addr}`: not a syncer service"));
            assert_eq!(port, target.node.http_port.to_string(), "{name}: `{addr}`");
            assert_eq!(
                svc.depends_on.get(host).map(String::as_str),
                Some("service_healthy"),
                "{name} must wait for {host} to be healthy"
            );
        }
    }
}

/// `http://host:port/path` of a `["CMD", "curl", ..., url]` health check.
fn health_url(svc: &Service) -> (String, u16, String) {
    let test = &svc.healthcheck;
    assert!(
        test.first().is_some_and(|t| t == "CMD") && test.get(1).is_some_and(|t| t == "curl"),
        "{}: health check must be [CMD, curl, ...]: {test:?}",
        svc.name
    );
    assert!(
        test.iter().any(|a| a.starts_with("-f")),
        "{}: curl -f",
        svc.name
    );
    let url = test.last().expect("a URL");
    let rest = url.strip_prefix("http://").expect("http:// URL");
    let (authority, path) = rest.split_once('/').expect("a path");
    let (host, port) = authority.rsplit_once(':').expect("an explicit port");
    (
        host.into(),
        port.parse().expect("numeric port"),
        format!("/{path}"),
    )
}

#[test]
fn syncer_health_checks_call_health_on_the_http_port() {
    for (name, (svc, cfg)) in syncers(&compose()) {
        let (host, port, path) = health_url(&svc);
        assert!(
            ["127.0.0.1", "localhost", &name].contains(&host.as_str()),
            "{name}: {host}"
        );
        assert_eq!(port, cfg.node.http_port, "{name}: health check port");
        assert_eq!(path, "/health", "{name}");
    }
}

/// The value after `--flag` in a command line.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).map(String::as_str)
}

/// Every `--flag` of the service is in `doris-emu --help`, and the whole command line
/// parses (clap reaches the trailing `--help` only when everything before it is valid).
fn check_emu_flags(svc: &Service, help: &str) {
    let name = &svc.name;
    for word in svc.command.iter().filter(|w| w.starts_with("--")) {
        assert!(
            help.contains(&format!("{word} ")),
            "{name}: doris-emu has no {word}"
        );
    }
    let out = Command::new(emu_bin())
        .args(&svc.command)
        .arg("--help")
        .output();
    let out = out.expect("run doris-emu");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name}: {stderr}");
}

/// Host, data volume, health check and published port agree with the flags.
fn check_emu_wiring(svc: &Service, named_volumes: &[String]) {
    let (name, cmd) = (svc.name.as_str(), &svc.command);
    assert_eq!(svc.profiles, ["demo"], "{name}: only in the demo profile");
    assert_eq!(flag(cmd, "--host"), Some(name), "{name}: --host");
    let data = flag(cmd, "--data-dir").expect("--data-dir");
    let mounted = svc
        .volumes
        .iter()
        .any(|(s, t)| t == data && named_volumes.contains(s));
    assert!(mounted, "{name}: no named volume at {data}");
    let (host, port, path) = health_url(svc);
    assert_eq!((host.as_str(), path.as_str()), (name, "/health"), "{name}");
    assert_eq!(
        Some(port.to_string().as_str()),
        flag(cmd, "--admin-port"),
        "{name}"
    );
    for (_, inside) in &svc.ports {
        let query = flag(cmd, "--query-port");
        assert_eq!(
            Some(inside.to_string().as_str()),
            query,
            "{name}: published port"
        );
    }
}

#[test]
fn doris_emu_services_use_flags_the_emulator_has() {
    let c = compose();
    let emus: Vec<&Service> = c
        .services
        .values()
        .filter(|s| program(s) == "doris-emu")
        .collect();
    assert_eq!(emus.len(), 2, "source and target emulators");
    let help = Command::new(emu_bin())
        .arg("--help")
        .output()
        .expect("doris-emu --help");
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    for svc in emus {
        check_emu_flags(svc, &help);
        check_emu_wiring(svc, &c.volumes);
    }
}
