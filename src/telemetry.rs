//! Logs and metrics of a syncer node.
//!
//! Layout:
//! - [`logging`]: [`init_logging`] installs the global `tracing` subscriber from
//!   [`crate::config::LogConfig`] (level filter, text or JSON, stderr or a file);
//! - [`metrics`]: [`Metrics`], the Prometheus registry with every metric family the node
//!   exports, and [`JobMetrics`], the per-job handle the runners use.
//!
//! Naming: `ccr_job_*` (labels `job`, `node`), `ccr_raft_*` and `ccr_node_*` (label
//! `node`); counters end in `_total`.

pub mod job_metrics;
mod json_format;
pub mod logging;
pub mod metrics;
#[cfg(test)]
mod metrics_test;

pub use job_metrics::JobMetrics;
pub use logging::{init_logging, subscriber, TelemetryError};
pub use metrics::Metrics;
