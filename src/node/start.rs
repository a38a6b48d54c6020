//! The start sequence of a node (see the parent module).

use std::sync::Arc;
use std::time::Duration;

use axum::middleware;
use parking_lot::Mutex;
use syncer_raft::node::{RaftNode, RaftNodeConfig, SnapshotPolicy};
use syncer_raft::NodeInfo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{join, metrics_feed, read_your_writes, DryRun, NodeError, NodeHandle, NodeOptions};
use crate::api::cluster::{ClusterApi, FleetAdmin};
use crate::api::forward::{FleetResolver, Forwarder};
use crate::api::{self, ApiState};
use crate::config::NodeConfig;
use crate::engine::create::{ClusterOps, DorisClusterOps, NoopClusterOps};
use crate::fleet::batcher::ProgressBatcher;
use crate::fleet::checkpoint::CheckpointDeps;
use crate::fleet::client::InternalClient;
use crate::fleet::internal::{self, InternalState};
use crate::fleet::reconciler::Reconciler;
use crate::fleet::sealing::SecretsKey;
use crate::fleet::store::RaftJobStore;
use crate::fleet::{heartbeat, leader_loop, FleetCore, FleetTiming};
use crate::manager::{engine_runner_factory_with, JobManager, RunnerFactory};
use crate::telemetry::Metrics;
use crate::tls::NodeTls;

async fn bind(addr: &str, what: &str) -> Result<TcpListener, NodeError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| NodeError::Io {
            what: format!("bind {what} listener {addr}"),
            source,
        })
}

/// The bound listeners and the addresses they give this node.
struct Listeners {
    http: TcpListener,
    raft: TcpListener,
    /// Advertised addresses (actual ports, so port 0 is allowed).
    info: NodeInfo,
    /// Local address of the HTTP listener.
    http_local: std::net::SocketAddr,
}

/// Binds both listeners.
async fn listeners(cfg: &NodeConfig) -> Result<Listeners, NodeError> {
    let http = bind(&cfg.node.http_listen_addr(), "HTTP").await?;
    let raft = bind(&cfg.node.raft_listen_addr(), "Raft").await?;
    let http_local = http.local_addr().map_err(|source| NodeError::Io {
        what: "inspect HTTP listener".into(),
        source,
    })?;
    let port = |l: &TcpListener| l.local_addr().map(|a| a.port()).unwrap_or(0);
    let info = NodeInfo::new(
        format!("{}:{}", cfg.node.host, port(&raft)),
        format!("{}:{}", cfg.node.host, http_local.port()),
    );
    Ok(Listeners {
        http,
        raft,
        info,
        http_local,
    })
}

fn raft_config(opts: &NodeOptions, info: &NodeInfo, tls: &NodeTls) -> RaftNodeConfig {
    let cfg = &opts.config;
    let dir = cfg.node.data_dir.join("raft");
    let mut rc = RaftNodeConfig::new(cfg.node.id, info.clone(), dir);
    rc.heartbeat_interval = cfg.raft.heartbeat_interval;
    rc.election_timeout_min = cfg.raft.election_timeout_min;
    rc.election_timeout_max = cfg.raft.election_timeout_max;
    rc.snapshot_policy = SnapshotPolicy::LogsSinceLast(cfg.raft.snapshot_logs_since_last);
    rc.network.addr_map = opts.addr_map.clone();
    rc.network.tls = tls.raft.clone();
    rc
}

fn timing(cfg: &NodeConfig) -> FleetTiming {
    FleetTiming {
        // Fine-grained: the failure detector and the lease both move in these steps.
        heartbeat_interval: (cfg.raft.lease / 10).min(Duration::from_millis(100)),
        lease: cfg.raft.lease,
        reassign_after: cfg.raft.reassign_after,
    }
}

/// Starts Raft and bootstraps a one-node group when not joining.
async fn start_raft(
    opts: &NodeOptions,
    info: &NodeInfo,
    listener: TcpListener,
    tls: &NodeTls,
) -> Result<Arc<RaftNode>, NodeError> {
    let dir = opts.config.node.data_dir.clone();
    std::fs::create_dir_all(&dir).map_err(|source| NodeError::Io {
        what: format!("create data dir {}", dir.display()),
        source,
    })?;
    let raft = RaftNode::start_with_listener(raft_config(opts, info, tls), listener).await?;
    let raft = Arc::new(raft);
    let bootstrap = opts.bootstrap && opts.config.node.join.is_empty();
    if bootstrap && raft.initialize_single(info.clone()).await? {
        tracing::info!(node = raft.id(), "Bootstrapped a one-node group.");
    }
    if !bootstrap && opts.config.node.join.is_empty() {
        tracing::info!(
            node = raft.id(),
            "Not bootstrapping: waiting to be added to a group."
        );
    }
    Ok(raft)
}

/// The runner factory and cluster checks: dry-run mode, the options, or the engine.
fn runners(opts: &NodeOptions) -> (Arc<dyn RunnerFactory>, Arc<dyn ClusterOps>) {
    if let Some(dry) = DryRun::from_env() {
        tracing::warn!("Dry-run mode: jobs run a stand-in runner, no Doris access.");
        return (dry.factory(opts.config.node.id), Arc::new(NoopClusterOps));
    }
    for warning in opts.config.features.warnings() {
        tracing::warn!("{warning}");
    }
    let factory = opts.runner_factory.clone().unwrap_or_else(|| {
        engine_runner_factory_with(crate::engine::EngineOptions {
            features: opts.config.features.clone(),
            ..Default::default()
        })
    });
    let ops = opts
        .cluster_ops
        .clone()
        .unwrap_or_else(|| Arc::new(DorisClusterOps::default()));
    (factory, ops)
}

fn spawn_http(
    listener: TcpListener,
    app: axum::Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    cancel: CancellationToken,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        if let Err(e) = crate::tls::serve(listener, app, tls, cancel).await {
            tracing::error!(error = %e, "HTTP server failed.");
        }
    })
}

/// The key sealing job passwords at rest, if configured (warns when it is not).
fn secrets_key(cfg: &NodeConfig) -> Result<Option<Arc<SecretsKey>>, NodeError> {
    let Some(path) = &cfg.security.secrets_key_file else {
        tracing::warn!(
            data_dir = %cfg.node.data_dir.display(),
            "security.secrets_key_file is unset: job passwords are stored unencrypted in the Raft data dir."
        );
        return Ok(None);
    };
    let key = SecretsKey::load(path).map_err(|e| NodeError::Config {
        key: "security.secrets_key_file".into(),
        msg: e.to_string(),
    })?;
    Ok(Some(Arc::new(key)))
}

/// Builds the job manager (fleet mode) and the reconciler that drives its runners, and
/// the state of the internal endpoints over them.
fn manager_and_reconciler(
    opts: &NodeOptions,
    core: &Arc<FleetCore>,
    metrics: &Metrics,
    cancel: &CancellationToken,
    key: Option<Arc<SecretsKey>>,
) -> (Arc<JobManager>, InternalState) {
    let batcher = ProgressBatcher::spawn(core.writer.clone(), cancel.clone());
    let (factory, ops) = runners(opts);
    let store = RaftJobStore::new(core.raft.clone(), core.writer.clone());
    let store = Arc::new(store.with_secrets_key(key.clone()));
    let manager = JobManager::new(store, ops, factory).with_external_runners();
    let manager = Arc::new(manager.with_metrics(metrics.clone()));
    let deps = CheckpointDeps {
        node: core.id,
        raft: core.raft.clone(),
        writer: core.writer.clone(),
        batcher,
        lease: core.lease.clone(),
    };
    let internal = InternalState {
        core: core.clone(),
        reconciler: Reconciler::new(deps, manager.clone(), key),
        token: opts.config.api.token.clone(),
    };
    (manager, internal)
}

/// Time limit of an API call forwarded to the leader or a job's owner.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// The public API, the `/cluster/...` admin routes and the internal routes, behind the
/// server-side forwarding layer (leader-bound writes, owner-bound job calls).
fn app(
    cfg: &NodeConfig,
    manager: &Arc<JobManager>,
    internal: &InternalState,
    forwarder: Forwarder,
    metrics: &Metrics,
) -> axum::Router {
    let admin = FleetAdmin::new(internal.clone(), Some(cfg.node.data_dir.clone()));
    let cluster = ClusterApi {
        admin: Arc::new(admin),
        token: cfg.api.token.clone(),
    };
    api::router(ApiState::new(manager.clone()).with_metrics(metrics.clone()))
        .merge(api::cluster::router(cluster))
        .merge(internal::router(internal.clone()))
        .layer(middleware::from_fn_with_state(
            forwarder,
            api::forward::forward,
        ))
        .layer(middleware::from_fn_with_state(
            internal.core.clone(),
            read_your_writes::layer,
        ))
        // Outermost: refuse unauthenticated and oversized requests before any work.
        .layer(middleware::from_fn_with_state(
            cfg.api.max_body_bytes,
            api::guard::limit_body,
        ))
        .layer(middleware::from_fn_with_state(
            cfg.api.token.clone(),
            api::guard::require_token,
        ))
        .layer(middleware::from_fn_with_state(
            cfg.node.id,
            crate::telemetry::logging::in_node_span,
        ))
}

/// The forwarding layer's state, over HTTPS when the API serves HTTPS.
fn forwarder(
    cfg: &NodeConfig,
    core: &Arc<FleetCore>,
    tls: &NodeTls,
) -> Result<Forwarder, NodeError> {
    let resolver = Arc::new(FleetResolver::new(core.clone()));
    let f = Forwarder::new(resolver, FORWARD_TIMEOUT, cfg.api.max_body_bytes);
    match &tls.api_ca {
        Some(ca) => f.with_tls(ca).map_err(tls_error),
        None => Ok(f),
    }
}

fn tls_error(e: crate::tls::TlsError) -> NodeError {
    NodeError::Config {
        key: "tls".into(),
        msg: e.to_string(),
    }
}

/// Spawns the HTTP server and the fleet tasks.
fn spawn_tasks(
    cfg: &NodeConfig,
    http: (TcpListener, Forwarder, Option<Arc<rustls::ServerConfig>>),
    internal: &InternalState,
    manager: &Arc<JobManager>,
    join: (NodeInfo, Vec<String>),
    metrics: Metrics,
    cancel: &CancellationToken,
) -> Vec<JoinHandle<()>> {
    let core = &internal.core;
    vec![
        spawn_http(
            http.0,
            app(cfg, manager, internal, http.1, &metrics),
            http.2,
            cancel.clone(),
        ),
        tokio::spawn(core.lease.clone().watchdog(cancel.clone())),
        tokio::spawn(heartbeat::run(core.clone(), cancel.clone())),
        tokio::spawn(leader_loop::run(core.clone(), cancel.clone())),
        tokio::spawn(internal.reconciler.clone().run(cancel.clone())),
        tokio::spawn(join::join(core.clone(), join.0, join.1, cancel.clone())),
        tokio::spawn(metrics_feed::run(core.clone(), metrics, cancel.clone())),
    ]
}

/// The whole start sequence.
pub(super) async fn start(
    opts: NodeOptions,
    shutdown: CancellationToken,
) -> Result<NodeHandle, NodeError> {
    let cfg = &opts.config;
    cfg.validate().map_err(|(key, msg)| NodeError::Config {
        key: key.to_string(),
        msg,
    })?;
    let tls = NodeTls::load(cfg).map_err(tls_error)?;
    let key = secrets_key(cfg)?;
    let l = listeners(cfg).await?;
    let raft = start_raft(&opts, &l.info, l.raft, &tls).await?;
    let client = InternalClient::new(cfg.api.token.clone(), opts.addr_map.clone());
    let client = match &tls.api_ca {
        Some(ca) => client.with_tls(ca).map_err(tls_error)?,
        None => client,
    };
    let core = FleetCore::new(raft, client, timing(cfg));
    let cancel = shutdown.child_token();
    let metrics = opts.metrics.clone();
    let metrics = metrics.unwrap_or_else(|| Metrics::new(cfg.node.id));
    let (manager, internal) = manager_and_reconciler(&opts, &core, &metrics, &cancel, key);
    let join = (l.info.clone(), cfg.node.join.clone());
    let forwarder = forwarder(cfg, &core, &tls)?;
    let tasks = spawn_tasks(
        cfg,
        (l.http, forwarder, tls.api_server.clone()),
        &internal,
        &manager,
        join,
        metrics.clone(),
        &cancel,
    );
    tracing::info!(node = core.id, http = %l.info.http_addr, raft = %l.info.raft_addr, "Node started.");
    Ok(NodeHandle {
        info: l.info,
        http_local: l.http_local,
        core,
        manager,
        internal,
        metrics,
        cancel,
        tasks: Mutex::new(tasks),
    })
}
