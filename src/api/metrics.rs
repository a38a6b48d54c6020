//! `/metrics`: Prometheus text exposition of the live job statuses.

use super::ApiState;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use std::fmt::Write;

fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn gauge(out: &mut String, name: &str, help: &str, rows: &[(String, i64)]) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
    for (job, v) in rows {
        let _ = writeln!(out, "{name}{{job=\"{}\"}} {v}", label(job));
    }
}

/// Renders the metrics text.
pub(crate) fn render(state: &ApiState) -> String {
    let statuses = state.manager.live_statuses();
    let col = |f: &dyn Fn(&crate::engine::status::JobStatusSnapshot) -> i64| {
        statuses
            .iter()
            .map(|(n, s)| (n.clone(), f(s)))
            .collect::<Vec<_>>()
    };
    let mut out = String::new();
    let _ = writeln!(out, "# HELP ccr_jobs Jobs known to this node.");
    let _ = writeln!(out, "# TYPE ccr_jobs gauge");
    let _ = writeln!(out, "ccr_jobs {}", statuses.len());
    gauge(&mut out, "ccr_job_lag", "Source binlogs not yet applied (-1 unknown).", &col(&|s| s.lag));
    gauge(&mut out, "ccr_job_lag_seconds", "Age of the oldest unapplied binlog (-1 unknown).", &col(&|s| s.lag_seconds));
    gauge(&mut out, "ccr_job_last_applied_commit_seq", "Last applied source commit seq.", &col(&|s| s.last_applied_seq));
    gauge(&mut out, "ccr_job_retries", "Consecutive failed attempts.", &col(&|s| s.retries as i64));
    gauge(&mut out, "ccr_job_blocked", "1 when the job is blocked.", &col(&|s| i64::from(s.blocked_reason.is_some())));
    out
}

/// `/metrics` handler.
pub(crate) async fn metrics(axum::extract::State(state): State<ApiState>) -> Response {
    let body = render(&state);
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
