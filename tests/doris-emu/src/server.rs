//! Network front ends and process wiring: [`run`] binds every listener (MySQL query port,
//! FE Thrift rpc port, FE http port, admin port, and per BE a Thrift be_port, an HTTP port
//! and a placeholder brpc port), opens the [`Cluster`], then serves until shut down.

pub mod admin;
pub mod backend;
pub mod be_http;
mod config;
pub mod fault;
mod gc;
mod identity;
pub mod mysql;
pub mod thrift;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::cluster::state::Frontend;
use crate::cluster::{BackendConfig, Cluster, ClusterConfig};
pub use config::{BackendPorts, Ports, ServerConfig};
use fault::Faults;

/// State shared by all front ends (cheap to clone).
#[derive(Clone)]
pub struct Shared {
    /// The emulated cluster.
    pub cluster: Cluster,
    /// Runtime fault injection.
    pub faults: Faults,
    /// Password of `root` (never logged).
    pub root_password: Arc<str>,
    /// Cluster token (never logged).
    pub cluster_token: Arc<str>,
}

/// Errors starting the emulator.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A port could not be bound.
    #[error("cannot bind {what} on {addr}: {source}")]
    Bind {
        /// Which listener.
        what: String,
        /// host:port.
        addr: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// Bad configuration.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The data dir could not be read or written.
    #[error("data dir: {0}")]
    DataDir(#[from] std::io::Error),
    /// The cluster could not be opened (journal replay).
    #[error("cannot open cluster: {0}")]
    Cluster(String),
}

/// A running emulator.
pub struct RunningEmu {
    /// Bound ports.
    pub ports: Ports,
    /// The cluster (tests may inspect it directly).
    pub cluster: Cluster,
    /// The fault table.
    pub faults: Faults,
    stop: CancellationToken,
    join: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmu {
    /// Asks every server to stop (the same as the shutdown future completing).
    pub fn stop(&self) {
        self.stop.cancel();
    }

    /// Waits until every server has stopped (after the shutdown future or [`Self::stop`]).
    pub async fn wait(mut self) {
        if let Some(join) = self.join.take() {
            if let Err(e) = join.await {
                tracing::error!(error = %e, "server task failed");
            }
        }
    }
}

/// Dropping the handle stops the servers (in-process tests need no explicit shutdown).
impl Drop for RunningEmu {
    fn drop(&mut self) {
        if self.join.is_some() {
            self.stop.cancel();
        }
    }
}

async fn bind(host: &str, port: u16, what: &str) -> Result<TcpListener, ServerError> {
    TcpListener::bind((host, port))
        .await
        .map_err(|source| ServerError::Bind {
            what: what.to_string(),
            addr: format!("{host}:{port}"),
            source,
        })
}

fn port_of(l: &TcpListener) -> u16 {
    l.local_addr().map(|a| a.port()).unwrap_or(0)
}

fn nth(ports: &[u16], i: usize) -> u16 {
    ports.get(i).copied().unwrap_or(0)
}

struct BeListeners {
    ports: BackendPorts,
    thrift: TcpListener,
    http: TcpListener,
    brpc: TcpListener,
}

async fn bind_backends(cfg: &ServerConfig, ids: &[i64]) -> Result<Vec<BeListeners>, ServerError> {
    let mut out = Vec::new();
    for (i, &id) in ids.iter().enumerate().take(cfg.be_count) {
        let thrift = bind(&cfg.host, nth(&cfg.be_ports, i), "be_port").await?;
        let http = bind(&cfg.host, nth(&cfg.be_http_ports, i), "be http_port").await?;
        let brpc = bind(&cfg.host, nth(&cfg.brpc_ports, i), "brpc_port").await?;
        let ports = BackendPorts {
            id,
            be_port: port_of(&thrift),
            http_port: port_of(&http),
            brpc_port: port_of(&brpc),
        };
        out.push(BeListeners {
            ports,
            thrift,
            http,
            brpc,
        });
    }
    Ok(out)
}

fn cluster_config(cfg: &ServerConfig, ports: &Ports, token: &str) -> ClusterConfig {
    let backends = ports
        .backends
        .iter()
        .map(|b| BackendConfig {
            id: b.id,
            host: cfg.host.clone(),
            be_port: i32::from(b.be_port),
            http_port: i32::from(b.http_port),
            brpc_port: i32::from(b.brpc_port),
            heartbeat_port: 0,
        })
        .collect();
    let frontend = Frontend {
        host: cfg.host.clone(),
        query_port: i32::from(ports.query_port),
        rpc_port: i32::from(ports.rpc_port),
        http_port: i32::from(ports.fe_http_port),
        edit_log_port: 0,
    };
    ClusterConfig {
        data_dir: cfg.data_dir.clone(),
        backends,
        id_base: cfg.id_base,
        cluster_token: token.to_string(),
        frontend,
        root_password: cfg.root_password.clone(),
    }
}

/// Binds every listener, opens the cluster and starts serving; returns once everything is
/// bound (the ports are final). Serving stops when `shutdown` completes or
/// [`RunningEmu::stop`] is called.
pub async fn run(
    cfg: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<RunningEmu, ServerError> {
    if !(1..=3).contains(&cfg.be_count) {
        let msg = format!("--be-count must be 1..3, got {}", cfg.be_count);
        return Err(ServerError::Config(msg));
    }
    let identity = identity::resolve(
        cfg.data_dir.as_deref(),
        cfg.be_count,
        cfg.be_id_base,
        cfg.cluster_token.as_deref(),
    )?;
    let listeners = Listeners::bind(&cfg, &identity.backend_ids).await?;
    let ports = listeners.ports(&cfg.host);
    let ccfg = cluster_config(&cfg, &ports, &identity.cluster_token);
    let cluster = tokio::task::spawn_blocking(move || Cluster::open(ccfg))
        .await
        .map_err(|e| ServerError::Cluster(e.to_string()))?
        .map_err(|e| ServerError::Cluster(e.to_string()))?;
    let shared = Shared {
        cluster: cluster.clone(),
        faults: Faults::new(cfg.fault_seed),
        root_password: cfg.root_password.as_str().into(),
        cluster_token: identity.cluster_token.as_str().into(),
    };
    let stop = CancellationToken::new();
    let tasks = listeners.serve(&shared, &cfg, &stop);
    let join = tokio::spawn(supervise(tasks, shutdown, stop.clone()));
    tracing::info!(?ports, data_dir = ?cfg.data_dir, "doris-emu serving");
    Ok(RunningEmu {
        ports,
        cluster,
        faults: shared.faults,
        stop,
        join: Some(join),
    })
}

/// Every bound listener, before serving starts.
struct Listeners {
    query: TcpListener,
    rpc: TcpListener,
    fe_http: TcpListener,
    admin: TcpListener,
    bes: Vec<BeListeners>,
}

impl Listeners {
    async fn bind(cfg: &ServerConfig, be_ids: &[i64]) -> Result<Self, ServerError> {
        Ok(Listeners {
            query: bind(&cfg.host, cfg.query_port, "query_port").await?,
            rpc: bind(&cfg.host, cfg.rpc_port, "rpc_port").await?,
            fe_http: bind(&cfg.host, cfg.fe_http_port, "fe http_port").await?,
            admin: bind(&cfg.host, cfg.admin_port, "admin_port").await?,
            bes: bind_backends(cfg, be_ids).await?,
        })
    }

    fn ports(&self, host: &str) -> Ports {
        Ports {
            host: host.to_string(),
            query_port: port_of(&self.query),
            rpc_port: port_of(&self.rpc),
            fe_http_port: port_of(&self.fe_http),
            admin_port: port_of(&self.admin),
            backends: self.bes.iter().map(|b| b.ports.clone()).collect(),
        }
    }

    /// Starts every server and background loop.
    fn serve(self, shared: &Shared, cfg: &ServerConfig, stop: &CancellationToken) -> JoinSet<()> {
        let mut tasks = JoinSet::new();
        tasks.spawn(mysql::serve(self.query, shared.clone(), stop.clone()));
        let fe = Arc::new(thrift::fe::FrontendService::new(shared.clone()));
        tasks.spawn(thrift::serve(self.rpc, fe, stop.clone()));
        tasks.spawn(serve_http(self.fe_http, fe_http_router(), stop.clone()));
        let admin = admin::router(shared.clone());
        tasks.spawn(serve_http(self.admin, admin, stop.clone()));
        for be in self.bes {
            let svc = Arc::new(thrift::be::BackendService::new(shared.clone(), be.ports.id));
            tasks.spawn(thrift::serve(be.thrift, svc, stop.clone()));
            let router = be_http::router(shared.clone(), be.ports.id, &be.ports);
            tasks.spawn(serve_http(be.http, router, stop.clone()));
            tasks.spawn(placeholder(be.brpc, stop.clone()));
        }
        let cluster = shared.cluster.clone();
        let tick = Duration::from_secs(1);
        tasks.spawn(gc::replication_tick(cluster.clone(), tick, stop.clone()));
        if let Some(every) = cfg.binlog_gc_interval.filter(|d| !d.is_zero()) {
            tasks.spawn(gc::periodic(cluster, every, stop.clone()));
        }
        tasks
    }
}

async fn supervise(
    mut tasks: JoinSet<()>,
    shutdown: impl Future<Output = ()> + Send,
    stop: CancellationToken,
) {
    tokio::select! {
        _ = shutdown => tracing::info!("shutdown requested"),
        _ = stop.cancelled() => {}
    }
    stop.cancel();
    // Servers stop accepting at once; give open HTTP requests a moment, then abort.
    let drained = tokio::time::timeout(Duration::from_secs(5), async {
        while tasks.join_next().await.is_some() {}
    });
    if drained.await.is_err() {
        tracing::warn!("servers did not stop within 5 s; aborting them");
        tasks.shutdown().await;
    }
    tracing::info!("doris-emu stopped");
}

fn fe_http_router() -> axum::Router {
    use axum::routing::get;
    axum::Router::new().route(
        "/api/health",
        get(|| async { axum::Json(serde_json::json!({"code": 0, "msg": "success"})) }),
    )
}

async fn serve_http(listener: TcpListener, router: axum::Router, stop: CancellationToken) {
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await;
    if let Err(e) = served {
        tracing::warn!(error = %e, "http server failed");
    }
}

/// Accepts and immediately closes connections: brpc is advertised but not spoken.
async fn placeholder(listener: TcpListener, stop: CancellationToken) {
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => drop(accepted),
        }
    }
}
