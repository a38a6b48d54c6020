//! `leader`, `status`, `drain`.

use serde_json::{json, Value};

use super::client::{ApiClient, CliError};
use super::member::message;
use super::output::{bytes, cell, key_values, millis, table, yes_no};

/// `leader`: the leader's id and addresses.
pub(super) async fn leader(client: &ApiClient, json: bool) -> Result<String, CliError> {
    let reply = client.get("/cluster/leader").await?;
    if json {
        return Ok(reply.raw);
    }
    let l = reply.value.get("leader").cloned().unwrap_or(Value::Null);
    let row = vec![
        cell(l.get("id")),
        cell(l.get("raft_addr")),
        cell(l.get("http_addr")),
    ];
    Ok(table(&["ID", "RAFT ADDR", "HTTP ADDR"], &[row]))
}

/// `status`: the node's view of itself. A node outside a group is an error (exit 1)
/// after its status is shown.
pub(super) async fn status(client: &ApiClient, json: bool) -> Result<String, CliError> {
    let reply = client.get("/cluster/status").await?;
    let s = reply.value.get("status").cloned().unwrap_or(Value::Null);
    let in_group = s.get("in_group").and_then(Value::as_bool).unwrap_or(true);
    let text = if json { reply.raw } else { status_text(&s) };
    if in_group {
        return Ok(text);
    }
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    Err(CliError::NotInGroup(format!(
        "node {} is not a member of any group (start it with --join <member> \
         or add it with `syncerctl member add`)",
        cell(s.get("id"))
    )))
}

fn status_text(s: &Value) -> String {
    let u = |k: &str| s.get(k).and_then(Value::as_u64);
    let leader = match (s.get("leader"), s.get("leader_http_addr")) {
        (Some(Value::Number(id)), Some(Value::String(addr))) => format!("{id} ({addr})"),
        (l, _) => cell(l),
    };
    let owned: Vec<String> = s
        .get("jobs_owned")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|v| cell(Some(v))).collect())
        .unwrap_or_default();
    let jobs = match owned.len() {
        0 => "0".to_string(),
        n => format!("{n} ({})", owned.join(", ")),
    };
    let lease = s.get("lease_ok").and_then(Value::as_bool).unwrap_or(false);
    let dir = match (s.get("data_dir"), u("data_dir_bytes")) {
        (d, Some(n)) => format!("{} ({})", cell(d), bytes(n)),
        (d, None) => cell(d),
    };
    key_values(&[
        ("NODE", cell(s.get("id"))),
        ("ROLE", cell(s.get("role"))),
        (
            "IN GROUP",
            yes_no(s.get("in_group").and_then(Value::as_bool) == Some(true)),
        ),
        ("TERM", cell(s.get("term"))),
        ("LEADER", leader),
        ("LAST LOG INDEX", cell(s.get("last_log_index"))),
        ("APPLIED INDEX", cell(s.get("applied_index"))),
        ("LEASE", if lease { "ok" } else { "expired" }.to_string()),
        ("QUORUM CONTACT", millis(u("last_quorum_contact_ms"))),
        ("JOBS OWNED", jobs),
        ("RUNNERS", cell(s.get("runners"))),
        ("DATA DIR", dir),
    ])
}

/// `drain <id> [--undo]`.
pub(super) async fn drain(
    client: &ApiClient,
    id: u64,
    undo: bool,
    json: bool,
) -> Result<String, CliError> {
    let reply = client
        .post("/cluster/drain", &json!({ "id": id, "undo": undo }))
        .await?;
    let fallback = if undo {
        format!("node {id} accepts jobs again")
    } else {
        format!("node {id} drained")
    };
    Ok(message(reply, json, &fallback))
}
