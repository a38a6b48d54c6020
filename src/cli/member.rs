//! `member list|add|promote|remove`.

use serde_json::{json, Value};

use super::client::{ApiClient, CliError, Reply};
use super::output::{cell, millis, table, yes_no};
use super::MemberCmd;

/// Runs a `member` command.
pub(super) async fn run(
    client: &ApiClient,
    cmd: &MemberCmd,
    json: bool,
) -> Result<String, CliError> {
    match cmd {
        MemberCmd::List => list(client, json).await,
        MemberCmd::Add {
            id,
            raft_addr,
            http_addr,
        } => {
            let body = json!({ "id": id, "raft_addr": raft_addr, "http_addr": http_addr });
            let reply = client.post("/cluster/add_member", &body).await?;
            Ok(message(reply, json, &format!("node {id} added")))
        }
        MemberCmd::Promote { id } => {
            let reply = client
                .post("/cluster/promote", &json!({ "id": id }))
                .await?;
            Ok(message(reply, json, &format!("node {id} promoted")))
        }
        MemberCmd::Remove { id } => {
            let reply = client.post("/cluster/remove", &json!({ "id": id })).await?;
            Ok(message(reply, json, &format!("node {id} removed")))
        }
    }
}

/// The raw answer with `--json`, else the server's `message` (or `fallback`).
pub(super) fn message(reply: Reply, json: bool, fallback: &str) -> String {
    if json {
        return reply.raw;
    }
    reply
        .value
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or(fallback)
        .to_string()
}

async fn list(client: &ApiClient, json: bool) -> Result<String, CliError> {
    let reply = client.get("/cluster/members").await?;
    if json {
        return Ok(reply.raw);
    }
    let members = reply
        .value
        .get("members")
        .and_then(Value::as_array)
        .ok_or_else(|| CliError::BadReply {
            endpoint: "node".into(),
            msg: "no `members` list".into(),
        })?;
    if reply.value.get("leader").is_none_or(Value::is_null) {
        eprintln!(
            "syncerctl: note: this node knows no leader, so the list may be stale \
             (an election may be in progress, or the node was removed from the group)"
        );
    }
    let rows: Vec<Vec<String>> = members.iter().map(member_row).collect();
    let headers = [
        "ID",
        "RAFT ADDR",
        "HTTP ADDR",
        "ROLE",
        "LEADER",
        "LAST CONTACT",
        "JOBS",
        "DRAINING",
    ];
    Ok(table(&headers, &rows))
}

fn member_row(m: &Value) -> Vec<String> {
    let flag = |k: &str| m.get(k).and_then(Value::as_bool).unwrap_or(false);
    let leader = if flag("is_leader") { "*" } else { "" };
    vec![
        cell(m.get("id")),
        cell(m.get("raft_addr")),
        cell(m.get("http_addr")),
        cell(m.get("role")),
        leader.to_string(),
        millis(m.get("last_contact_ms").and_then(Value::as_u64)),
        cell(m.get("jobs_owned")),
        yes_no(flag("draining")),
    ]
}
