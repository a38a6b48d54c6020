//! One handler per `/cluster/...` endpoint, plus the request checks they share.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};
use syncer_raft::NodeId;

use super::{ClusterApi, LeaderEntry, MemberEntry, NodeStatusView};
use crate::api::reply::{err, ok, parse};
use crate::fleet::admin::{AdminError, AdminOp, MemberView};

/// The message for a node that is not (yet) in any group.
pub(crate) fn not_in_group(id: NodeId) -> String {
    format!(
        "node {id} is not a member of any group (start it with --join <member> \
         or add it with `syncerctl member add`)"
    )
}

fn unknown_id(id: NodeId, members: &[MemberView]) -> String {
    let ids: Vec<String> = members.iter().map(|m| m.id.to_string()).collect();
    format!("unknown node id {id} (members: {})", ids.join(", "))
}

/// `Ok(members)` when this node is in a group; the error reply otherwise.
async fn members_in_group(s: &ClusterApi) -> Result<Vec<MemberView>, Response> {
    let members = s.admin.members().await;
    let me = s.admin.node_id();
    if members.iter().any(|m| m.id == me) {
        Ok(members)
    } else {
        Err(err(not_in_group(me), json!({})))
    }
}

/// Maps the outcome of an admin operation to a reply; no leader → HTTP 503.
fn op_reply(r: Result<String, AdminError>) -> Response {
    match r {
        Ok(message) => ok(json!({ "message": message })),
        Err(e @ AdminError::NoLeader(_)) => {
            let mut resp = err(e, json!({}));
            *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            resp
        }
        Err(e) => err(e, json!({})),
    }
}

#[derive(Deserialize)]
struct IdBody {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    undo: bool,
}

/// A node id from JSON: a positive integer (or a string of digits).
fn node_id(v: Option<&Value>) -> Result<NodeId, String> {
    let id = match v {
        None | Some(Value::Null) => return Err("id is empty".into()),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(_) => None,
    };
    match id {
        Some(id) if id > 0 => Ok(id),
        _ => Err(format!(
            "invalid node id {}: must be a positive integer",
            v.map_or(String::new(), Value::to_string)
        )),
    }
}

/// Checks a `host:port` address.
fn check_addr(what: &str, addr: &str) -> Result<(), String> {
    let valid = addr
        .rsplit_once(':')
        .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok_and(|p| p > 0));
    if valid && !addr.contains('/') {
        Ok(())
    } else {
        Err(format!("invalid {what} {addr:?}: expected host:port"))
    }
}

/// `GET /cluster/members`.
pub(super) async fn members(State(s): State<ClusterApi>) -> Response {
    let members = match members_in_group(&s).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let leader = s.admin.leader().map(|(id, _)| id);
    let entries: Vec<MemberEntry> = members.into_iter().map(MemberEntry::from).collect();
    ok(json!({ "node": s.admin.node_id(), "leader": leader, "members": entries }))
}

/// `GET /cluster/leader`.
pub(super) async fn leader(State(s): State<ClusterApi>) -> Response {
    if let Some((id, info)) = s.admin.leader() {
        let entry = LeaderEntry {
            id,
            raft_addr: info.raft_addr,
            http_addr: info.http_addr,
        };
        return ok(json!({ "leader": entry }));
    }
    if let Err(resp) = members_in_group(&s).await {
        return resp;
    }
    let me = s.admin.node_id();
    let mut resp = err(
        format!("node {me} knows no leader (an election may be in progress)"),
        json!({}),
    );
    *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    resp
}

/// `GET /health`: liveness (the HTTP server answers); names the node and its leader.
pub(super) async fn health(State(s): State<ClusterApi>) -> Response {
    let leader = s.admin.leader().map(|(id, _)| id);
    ok(json!({ "node": s.admin.node_id(), "leader": leader }))
}

/// `GET /cluster/jobs`: this node's replica (eventually consistent, like `/list_jobs`).
pub(super) async fn jobs(State(s): State<ClusterApi>) -> Response {
    ok(json!({ "jobs": s.admin.jobs() }))
}

/// `GET /cluster/status`.
pub(super) async fn status(State(s): State<ClusterApi>) -> Response {
    ok(json!({ "status": s.admin.status().await }))
}

#[derive(Deserialize)]
struct AddBody {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    raft_addr: String,
    #[serde(default)]
    http_addr: String,
}

fn add_op(body: &Bytes, members: &[MemberView]) -> Result<AdminOp, String> {
    let b: AddBody = parse(body)?;
    let id = node_id(b.id.as_ref())?;
    check_addr("raft_addr", &b.raft_addr)?;
    check_addr("http_addr", &b.http_addr)?;
    if let Some(m) = members.iter().find(|m| m.id == id) {
        if m.raft_addr != b.raft_addr || m.http_addr != b.http_addr {
            return Err(format!(
                "node {id} is already a member with raft address {} and http address {}",
                m.raft_addr, m.http_addr
            ));
        }
    }
    if let Some(m) = members
        .iter()
        .find(|m| m.id != id && m.raft_addr == b.raft_addr)
    {
        return Err(format!(
            "raft address {} is used by node {}",
            b.raft_addr, m.id
        ));
    }
    Ok(AdminOp::AddMember {
        id,
        raft_addr: b.raft_addr,
        http_addr: b.http_addr,
    })
}

/// Runs the op built by `build` from the body and the membership.
async fn run_op(
    s: &ClusterApi,
    body: &Bytes,
    build: impl FnOnce(&Bytes, &[MemberView]) -> Result<AdminOp, String>,
) -> Response {
    let members = match members_in_group(s).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    match build(body, &members) {
        Ok(op) => op_reply(s.admin.admin(op).await),
        Err(e) => err(e, json!({})),
    }
}

/// `POST /cluster/add_member {id, raft_addr, http_addr}`: the node must answer at its HTTP
/// address with the same id and be outside any group, so a typo or a node that
/// bootstrapped its own group is refused before the membership changes.
pub(super) async fn add_member(State(s): State<ClusterApi>, body: Bytes) -> Response {
    let members = match members_in_group(&s).await {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    let op = match add_op(&body, &members) {
        Ok(op) => op,
        Err(e) => return err(e, json!({})),
    };
    if let Err(e) = check_new_node(&s, &op, &members).await {
        return err(e, json!({}));
    }
    op_reply(s.admin.admin(op).await)
}

/// Checks a node about to be added (nothing to check when it is a member already).
async fn check_new_node(
    s: &ClusterApi,
    op: &AdminOp,
    members: &[MemberView],
) -> Result<(), String> {
    let AdminOp::AddMember {
        id,
        http_addr,
        raft_addr,
    } = op
    else {
        return Ok(());
    };
    if members.iter().any(|m| m.id == *id) {
        return Ok(());
    }
    let st = s.admin.probe(http_addr).await.map_err(|e| {
        format!(
            "cannot add node {id}: its API at {http_addr} does not answer ({e}); start it first"
        )
    })?;
    check_probe(*id, raft_addr, http_addr, &st)
}

/// What the node about to be added says about itself must match the request.
fn check_probe(
    id: NodeId,
    raft_addr: &str,
    http_addr: &str,
    st: &NodeStatusView,
) -> Result<(), String> {
    if st.id != id {
        return Err(format!(
            "cannot add node {id}: the node at {http_addr} is node {}",
            st.id
        ));
    }
    let given_port = raft_addr
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok());
    if let (Some(actual), Some(given)) = (st.raft_port, given_port) {
        if actual != given {
            return Err(format!(
                "cannot add node {id}: it listens for Raft on port {actual}, not {given}"
            ));
        }
    }
    if st.in_group {
        return Err(format!(
            "cannot add node {id}: it already belongs to a group (it bootstrapped its own \
             or kept an old membership); restart it with an empty data dir and --join"
        ));
    }
    Ok(())
}

/// The member with `id` from an `{id}` body.
fn target<'a>(body: &Bytes, members: &'a [MemberView]) -> Result<(&'a MemberView, bool), String> {
    let b: IdBody = parse(body)?;
    let id = node_id(b.id.as_ref())?;
    let m = members
        .iter()
        .find(|m| m.id == id)
        .ok_or_else(|| unknown_id(id, members))?;
    Ok((m, b.undo))
}

/// `POST /cluster/promote {id}`.
pub(super) async fn promote(State(s): State<ClusterApi>, body: Bytes) -> Response {
    run_op(&s, &body, |body, members| {
        let (m, _) = target(body, members)?;
        Ok(AdminOp::Promote { id: m.id })
    })
    .await
}

/// Refuses to drain `m` when no other member could take its jobs.
fn check_others_can_take(m: &MemberView, members: &[MemberView], verb: &str) -> Result<(), String> {
    let others = members.iter().any(|o| o.id != m.id && !o.draining);
    if others || m.jobs_owned == 0 {
        return Ok(());
    }
    Err(format!(
        "cannot {verb} node {}: no other member can take its {} job(s)",
        m.id, m.jobs_owned
    ))
}

fn remove_op(body: &Bytes, members: &[MemberView]) -> Result<AdminOp, String> {
    let (m, _) = target(body, members)?;
    let voters = members.iter().filter(|o| o.voter).count();
    if m.voter && voters <= 1 {
        return Err(format!("cannot remove node {}: it is the last voter", m.id));
    }
    check_others_can_take(m, members, "remove")?;
    Ok(AdminOp::RemoveMember { id: m.id })
}

/// `POST /cluster/remove {id}`: drains the node, then removes it.
pub(super) async fn remove(State(s): State<ClusterApi>, body: Bytes) -> Response {
    run_op(&s, &body, remove_op).await
}

fn drain_op(body: &Bytes, members: &[MemberView]) -> Result<AdminOp, String> {
    let (m, undo) = target(body, members)?;
    if !undo {
        check_others_can_take(m, members, "drain")?;
    }
    Ok(AdminOp::Drain {
        id: m.id,
        draining: !undo,
    })
}

/// `POST /cluster/drain {id, undo?}`: waits until the node owns nothing (bounded).
pub(super) async fn drain(State(s): State<ClusterApi>, body: Bytes) -> Response {
    run_op(&s, &body, drain_op).await
}
