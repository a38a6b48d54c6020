//! `/metrics`: Prometheus text exposition: the node's registry, or (standalone API) the
//! live job statuses.

use super::ApiState;
use crate::telemetry::Metrics;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use std::fmt::Write;

fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn gauge(out: &mut String, name: &str, help: &str, rows: &[(String, i64)]) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
    for (job, v) in rows {
        let _ = writeln!(out, "{name}{{job=\"{}\"}} {v}", label(job));
    }
}

type Snapshot = crate::engine::status::JobStatusSnapshot;

/// A per-job gauge: name, help, value.
type Gauge = (&'static str, &'static str, fn(&Snapshot) -> i64);

const GAUGES: [Gauge; 5] = [
    (
        "ccr_job_lag",
        "Source binlogs not yet applied (-1 unknown).",
        |s| s.lag,
    ),
    (
        "ccr_job_lag_seconds",
        "Age of the oldest unapplied binlog (-1 unknown).",
        |s| s.lag_seconds,
    ),
    (
        "ccr_job_last_applied_commit_seq",
        "Last applied source commit seq.",
        |s| s.last_applied_seq,
    ),
    ("ccr_job_retries", "Consecutive failed attempts.", |s| {
        i64::try_from(s.retries).unwrap_or(i64::MAX)
    }),
    ("ccr_job_blocked", "1 when the job is blocked.", |s| {
        i64::from(s.blocked_reason.is_some())
    }),
];

/// Renders the metrics text.
pub(crate) fn render(state: &ApiState) -> String {
    let statuses = state.manager.live_statuses();
    let mut out = String::new();
    let _ = writeln!(out, "# HELP ccr_jobs Jobs known to this node.");
    let _ = writeln!(out, "# TYPE ccr_jobs gauge");
    let _ = writeln!(out, "ccr_jobs {}", statuses.len());
    for (name, help, f) in GAUGES {
        let rows: Vec<(String, i64)> = statuses.iter().map(|(n, s)| (n.clone(), f(s))).collect();
        gauge(&mut out, name, help, &rows);
    }
    out
}

/// `/metrics` handler: the node's registry (OpenMetrics text, every series labelled
/// `node`) when there is one; a standalone API serves the live job gauges above.
pub(crate) async fn metrics(axum::extract::State(state): State<ApiState>) -> Response {
    if let Some(m) = &state.metrics {
        return ([(CONTENT_TYPE, Metrics::CONTENT_TYPE)], m.encode()).into_response();
    }
    let body = render(&state);
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
