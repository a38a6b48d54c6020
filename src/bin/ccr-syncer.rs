//! The `ccr-syncer` node binary: load the configuration (flags > environment > file >
//! defaults), set up logging, start the node, and stop it cleanly on Ctrl-C / SIGTERM.
//!
//! With no flags it starts a one-node group on a sled store in `./data` and serves the
//! API on port 9190; restarting with the same data dir resumes everything.
//!
//! `CCR_FLEET_ADDR_MAP="advertised=dialed,..."` rewrites peers' advertised addresses
//! (NAT, or a fault-injecting proxy in tests). `CCR_FLEET_NO_BOOTSTRAP=1` keeps a node
//! with no `join` from bootstrapping its own group: it waits to be added
//! (`syncerctl member add`).

use std::collections::BTreeMap;
use std::process::ExitCode;

use ccr_syncer::config;
use ccr_syncer::node::{Node, NodeOptions};
use ccr_syncer::telemetry;
use tokio_util::sync::CancellationToken;

/// Environment variable with the peer address rewrites.
const ADDR_MAP_ENV: &str = "CCR_FLEET_ADDR_MAP";
/// Environment switch: do not bootstrap a one-node group.
const NO_BOOTSTRAP_ENV: &str = "CCR_FLEET_NO_BOOTSTRAP";

fn addr_map() -> BTreeMap<String, String> {
    let text = std::env::var(ADDR_MAP_ENV).unwrap_or_default();
    text.split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(from, to)| (from.trim().to_string(), to.trim().to_string()))
        .filter(|(from, to)| !from.is_empty() && !to.is_empty())
        .collect()
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let loaded = match config::load() {
        Ok(loaded) => loaded,
        Err(config::ConfigError::Cli(e)) => e.exit(),
        Err(e) => {
            eprintln!("ccr-syncer: {e}");
            return ExitCode::from(2);
        }
    };
    if loaded.args.print_config {
        print!("{}", loaded.config);
        return ExitCode::SUCCESS;
    }
    if let Err(e) = telemetry::init_logging(&loaded.config.log) {
        eprintln!("ccr-syncer: {e}");
        return ExitCode::from(2);
    }
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let mut opts = NodeOptions::new(loaded.config);
    opts.addr_map = addr_map();
    opts.bootstrap = !std::env::var(NO_BOOTSTRAP_ENV).is_ok_and(|v| v == "1" || v == "true");
    let shutdown = CancellationToken::new();
    let node = match Node::start(opts, shutdown.clone()).await {
        Ok(node) => node,
        Err(e) => {
            tracing::error!(error = %e, "Node failed to start.");
            eprintln!("ccr-syncer: {e}");
            return ExitCode::FAILURE;
        }
    };
    stop_signal().await;
    tracing::info!(node = node.id(), "Stopping.");
    shutdown.cancel();
    node.shutdown().await;
    ExitCode::SUCCESS
}
