//! The `doris-emu` binary: parse flags, start the emulated cluster, print one JSON line with
//! the bound ports on stdout, serve until SIGTERM/SIGINT. Logs go to stderr.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use doris_emu::server::{self, ServerConfig};

/// An emulated Apache Doris cluster (one FE, 1–3 BEs) speaking MySQL, Thrift and BE HTTP.
#[derive(Debug, Parser)]
#[command(name = "doris-emu", version)]
struct Args {
    /// MySQL port (0 = pick a free port).
    #[arg(long, default_value_t = 0)]
    query_port: u16,
    /// FE Thrift (FrontendService) port (0 = free).
    #[arg(long, default_value_t = 0)]
    rpc_port: u16,
    /// FE http port (0 = free).
    #[arg(long, default_value_t = 0)]
    http_port: u16,
    /// Admin HTTP port for fault injection and forced GC (0 = free).
    #[arg(long, default_value_t = 0)]
    admin_port: u16,
    /// Number of BEs (1–3).
    #[arg(long, default_value_t = 1)]
    be_count: usize,
    /// BE i's Thrift port = base + i (0 = free ports).
    #[arg(long, default_value_t = 0)]
    be_port_base: u16,
    /// BE i's http port = base + i (0 = free ports).
    #[arg(long, default_value_t = 0)]
    be_http_port_base: u16,
    /// BE i's brpc port = base + i (0 = free ports).
    #[arg(long, default_value_t = 0)]
    brpc_port_base: u16,
    /// Explicit BE Thrift ports, comma-separated (overrides --be-port-base).
    #[arg(long, value_delimiter = ',')]
    be_ports: Vec<u16>,
    /// Explicit BE http ports, comma-separated (overrides --be-http-port-base).
    #[arg(long, value_delimiter = ',')]
    be_http_ports: Vec<u16>,
    /// Explicit BE brpc ports, comma-separated (overrides --brpc-port-base).
    #[arg(long, value_delimiter = ',')]
    brpc_ports: Vec<u16>,
    /// Directory for the journal and identity; in-memory when absent.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Address to bind and advertise.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// First id of the catalog id allocator (use different bases for source and target).
    #[arg(long, default_value_t = 100_000)]
    id_base: i64,
    /// Id of the first BE on first start (ids persist in the data dir).
    #[arg(long, default_value_t = 10001)]
    be_id_base: i64,
    /// Password of `root`.
    #[arg(
        long,
        env = "DORIS_EMU_ROOT_PASSWORD",
        default_value = "",
        hide_env_values = true
    )]
    root_password: String,
    /// Cluster token (default: persisted in the data dir, else random).
    #[arg(long, env = "DORIS_EMU_CLUSTER_TOKEN", hide_env_values = true)]
    cluster_token: Option<String>,
    /// Period of the background binlog GC, e.g. `15s`; `0s` disables it.
    #[arg(long, default_value = "15s", value_parser = humantime::parse_duration)]
    binlog_gc_interval: Duration,
    /// Seed of the fault-injection RNG.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    /// Log as JSON lines instead of text.
    #[arg(long)]
    log_json: bool,
}

impl Args {
    fn config(self) -> ServerConfig {
        ServerConfig {
            host: self.host,
            query_port: self.query_port,
            rpc_port: self.rpc_port,
            fe_http_port: self.http_port,
            admin_port: self.admin_port,
            be_count: self.be_count,
            be_ports: ports(self.be_ports, self.be_port_base, self.be_count),
            be_http_ports: ports(self.be_http_ports, self.be_http_port_base, self.be_count),
            brpc_ports: ports(self.brpc_ports, self.brpc_port_base, self.be_count),
            data_dir: self.data_dir,
            id_base: self.id_base,
            be_id_base: self.be_id_base,
            root_password: self.root_password,
            cluster_token: self.cluster_token,
            binlog_gc_interval: Some(self.binlog_gc_interval),
            fault_seed: self.fault_seed,
        }
    }
}

/// An explicit port list, else `base + i` for each BE (all 0 when `base` is 0).
fn ports(explicit: Vec<u16>, base: u16, n: usize) -> Vec<u16> {
    if !explicit.is_empty() || base == 0 {
        return explicit;
    }
    (0..n).map(|i| base.saturating_add(i as u16)).collect()
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DORIS_EMU_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Completes on SIGTERM or SIGINT.
async fn signals() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot install SIGTERM handler");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    init_logs(args.log_json);
    let running = match server::run(args.config(), signals()).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "doris-emu failed to start");
            std::process::exit(1);
        }
    };
    let line = serde_json::to_string(&running.ports).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        tracing::warn!("stdout closed; continuing to serve");
    }
    drop(out);
    running.wait().await;
}
