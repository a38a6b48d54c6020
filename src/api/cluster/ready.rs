//! `GET /ready` (no token): readiness for load balancers and orchestrators.
//!
//! 200 `{"ready":true,...}` when this node is a member of a group, knows a leader and
//! holds its lease — a quorum contact less than a lease ago *and* its state machine caught
//! up with the leader's applied index as of that lease's acquisition (the same condition
//! under which it may run jobs); otherwise 503 `{"ready":false,"reason":...}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::{ClusterApi, NodeStatusView};

/// Why the node is not ready, or `None` when it is.
pub(crate) fn not_ready_reason(v: &NodeStatusView) -> Option<String> {
    if !v.in_group {
        return Some(format!(
            "node {} is not a member of any group (waiting to be added)",
            v.id
        ));
    }
    if v.leader.is_none() {
        return Some("no known leader (an election may be in progress)".into());
    }
    if !v.lease_ok {
        let age = v
            .last_quorum_contact_ms
            .map_or("never".to_string(), |ms| format!("{ms} ms ago"));
        return Some(format!(
            "lease not held: no recent quorum contact (last {age}) or not yet caught up \
             with the leader"
        ));
    }
    None
}

/// `GET /ready`.
pub(super) async fn ready(State(s): State<ClusterApi>) -> Response {
    let v = s.admin.readiness().await;
    let reason = not_ready_reason(&v);
    let code = match reason {
        None => StatusCode::OK,
        Some(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    let body = json!({
        "ready": reason.is_none(),
        "reason": reason,
        "node": v.id,
        "role": v.role,
        "leader": v.leader,
        "term": v.term,
        "applied_index": v.applied_index,
        "last_quorum_contact_ms": v.last_quorum_contact_ms,
    });
    (code, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(in_group: bool, leader: Option<u64>, lease_ok: bool) -> NodeStatusView {
        NodeStatusView {
            id: 2,
            in_group,
            leader,
            lease_ok,
            last_quorum_contact_ms: Some(1500),
            ..Default::default()
        }
    }

    #[test]
    fn each_missing_condition_is_named() {
        let reason = |v| not_ready_reason(&v).unwrap_or_default();
        assert!(reason(view(false, None, false)).contains("not a member"));
        assert!(reason(view(true, None, false)).contains("no known leader"));
        let lease = reason(view(true, Some(1), false));
        assert!(
            lease.contains("lease not held") && lease.contains("1500 ms"),
            "{lease}"
        );
        assert_eq!(not_ready_reason(&view(true, Some(1), true)), None);
    }
}
