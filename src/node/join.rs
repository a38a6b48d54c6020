//! Joining an existing group: ask a member (any of `join`) to add this node. The member
//! forwards to the leader, which adds it as a learner, waits for it to catch up and
//! promotes it to voter. Retries (members may still be starting) until done or shutdown;
//! does nothing when this node is already a voter (restart of a joined node).

use std::sync::Arc;
use std::time::Duration;

use syncer_raft::NodeInfo;
use tokio_util::sync::CancellationToken;

use crate::fleet::admin::{AdminOp, AdminReply, ADMIN_PATH};
use crate::fleet::client::ClientError;
use crate::fleet::FleetCore;

/// Pause between join attempts.
const RETRY: Duration = Duration::from_millis(500);
/// Time limit of one join call (it includes the learner's catch-up).
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

fn is_voter(core: &FleetCore) -> bool {
    let metrics = core.raft.metrics();
    let m = metrics.borrow();
    m.membership_config
        .membership()
        .voter_ids()
        .any(|id| id == core.id)
}

/// Strips an optional `http://` prefix and trailing slash from a join address.
fn host_port(addr: &str) -> &str {
    addr.strip_prefix("http://")
        .or_else(|| addr.strip_prefix("https://"))
        .unwrap_or(addr)
        .trim_end_matches('/')
}

/// Asks the members in `join` to add this node until one succeeds.
pub async fn join(
    core: Arc<FleetCore>,
    me: NodeInfo,
    join: Vec<String>,
    cancel: CancellationToken,
) {
    if join.is_empty() {
        return;
    }
    let op = AdminOp::AddMember {
        id: core.id,
        raft_addr: me.raft_addr.clone(),
        http_addr: me.http_addr.clone(),
    };
    for attempt in 0usize.. {
        if is_voter(&core) {
            tracing::info!(node = core.id, "Already a voter; nothing to join.");
            return;
        }
        let addr = host_port(&join[attempt % join.len()]).to_string();
        let call = core.client.post(&addr, ADMIN_PATH, &op, CALL_TIMEOUT);
        let reply: Result<AdminReply, _> = tokio::select! {
            _ = cancel.cancelled() => return,
            r = call => r,
        };
        if joined(&core, &addr, reply) {
            return;
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(RETRY) => {}
        }
    }
}

/// Logs the outcome of one join call; `true` when joined.
fn joined(core: &FleetCore, addr: &str, reply: Result<AdminReply, ClientError>) -> bool {
    match reply {
        Ok(AdminReply::Done { message }) => {
            tracing::info!(node = core.id, via = %addr, %message, "Joined the group.");
            true
        }
        Ok(other) => {
            tracing::warn!(node = core.id, via = %addr, ?other, "Join refused; retrying.");
            false
        }
        Err(e) => {
            tracing::warn!(node = core.id, via = %addr, error = %e, "Join failed; retrying.");
            false
        }
    }
}
