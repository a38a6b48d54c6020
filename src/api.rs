//! HTTP API with the original syncer's request/response JSON (original-syncer.md §1).
//!
//! Every path accepts any HTTP method, like the original. Logical errors are HTTP 200
//! with `{"success":false,"error_msg":...}`; only `/create_ccr` with an undecodable body
//! answers HTTP 400 (plain text), as the original does.

pub mod cluster;
pub mod forward;
pub mod guard;
mod handlers;
mod metrics;
mod reply;

use crate::manager::JobManager;
use crate::telemetry::Metrics;
use axum::routing::any;
use axum::Router;
use serde::Serialize;
use std::sync::Arc;

/// Default `/version` string.
pub const DEFAULT_VERSION: &str = concat!("ccr-syncer ", env!("CARGO_PKG_VERSION"));

/// One `feature_*` flag as listed by `/features`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FeatureFlag {
    /// Flag name (`feature_...`).
    pub feature: String,
    /// Current value.
    pub value: bool,
    /// Default value, as text (`"true"` / `"false"`).
    pub default: String,
}

impl FeatureFlag {
    /// A flag with its current and default value.
    pub fn new(name: &str, value: bool, default: bool) -> Self {
        FeatureFlag {
            feature: name.to_string(),
            value,
            default: default.to_string(),
        }
    }
}

/// The original's feature flags with their defaults (sorted by name).
pub fn default_features() -> Vec<FeatureFlag> {
    let mut v = vec![
        FeatureFlag::new("feature_atomic_restore", true, true),
        FeatureFlag::new("feature_cancel_conflict_backup_restore_job", false, false),
        FeatureFlag::new("feature_clean_table_and_partitions", false, false),
        FeatureFlag::new("feature_create_view_drop_exists", true, true),
        FeatureFlag::new("feature_filter_shadow_indexes_upsert", true, true),
        FeatureFlag::new("feature_replace_not_matched_with_alias", true, true),
        FeatureFlag::new("feature_schema_change_partial_sync", true, true),
    ];
    v.sort_by(|a, b| a.feature.cmp(&b.feature));
    v
}

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct ApiState {
    /// The job manager.
    pub manager: Arc<JobManager>,
    /// `/version` value.
    pub version: String,
    /// `/features` list.
    pub features: Vec<FeatureFlag>,
    /// The node's registry; `/metrics` serves it when set (else the live job gauges).
    pub metrics: Option<Metrics>,
}

impl ApiState {
    /// State with the default version string and feature list.
    pub fn new(manager: Arc<JobManager>) -> Self {
        ApiState {
            manager,
            version: DEFAULT_VERSION.to_string(),
            features: default_features(),
            metrics: None,
        }
    }

    /// Serves `metrics` (the node's registry) on `/metrics`.
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }
}

/// All endpoints; any method is accepted on every path.
pub fn router(state: ApiState) -> Router {
    use handlers as h;
    Router::new()
        .route("/version", any(h::version))
        .route("/create_ccr", any(h::create_ccr))
        .route("/get_lag", any(h::get_lag))
        .route("/pause", any(h::pause))
        .route("/resume", any(h::resume))
        .route("/delete", any(h::delete))
        .route("/job_status", any(h::job_status))
        .route("/desync", any(h::desync))
        .route("/update_job", any(h::update_job))
        .route("/list_jobs", any(h::list_jobs))
        .route("/job_detail", any(h::job_detail))
        .route("/job_progress", any(h::job_progress))
        .route("/force_fullsync", any(h::force_fullsync))
        .route("/features", any(h::features))
        .route("/metrics", any(metrics::metrics))
        .with_state(state)
}

/// Serves the API on `listener` until `shutdown` fires.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: ApiState,
    shutdown: tokio_util::sync::CancellationToken,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
}

#[cfg(test)]
mod tests;
