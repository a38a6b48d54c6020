//! `job create|list|status|pause|resume|delete|lag` over the original API endpoints.

use std::io::Read;
use std::path::Path;

use serde_json::{json, Value};

use super::client::{ApiClient, CliError};
use super::output::{cell, key_values, table};
use super::JobCmd;

/// Runs a `job` command.
pub(super) async fn run(client: &ApiClient, cmd: &JobCmd, json: bool) -> Result<String, CliError> {
    match cmd {
        JobCmd::Create { file } => create(client, file, json).await,
        JobCmd::List => list(client, json).await,
        JobCmd::Status { name } => status(client, name, json).await,
        JobCmd::Pause { name } => action(client, "/pause", name, "paused", json).await,
        JobCmd::Resume { name } => action(client, "/resume", name, "resumed", json).await,
        JobCmd::Delete { name } => action(client, "/delete", name, "deleted", json).await,
        JobCmd::Lag { name } => lag(client, name, json).await,
    }
}

fn read_input(file: &Path) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    let read = if file == Path::new("-") {
        std::io::stdin().read_to_end(&mut buf).map(|_| ())
    } else {
        std::fs::read(file).map(|b| buf = b)
    };
    read.map_err(|e| CliError::Input(format!("cannot read {}: {e}", file.display())))?;
    Ok(buf)
}

async fn create(client: &ApiClient, file: &Path, json: bool) -> Result<String, CliError> {
    let body = read_input(file)?;
    // Checked here so a typo gets a local message naming the file, not a server error.
    let parsed: Value = serde_json::from_slice(&body)
        .map_err(|e| CliError::Input(format!("{} is not valid JSON: {e}", file.display())))?;
    let name = cell(parsed.get("name"));
    let reply = client.post_raw("/create_ccr", body).await?;
    Ok(if json {
        reply.raw
    } else {
        format!("job {name} created")
    })
}

/// `job list`: `--json` prints `/list_jobs` (the original answer); the table adds state and
/// owner from `/cluster/jobs` (names only from a node without it).
async fn list(client: &ApiClient, json: bool) -> Result<String, CliError> {
    if json {
        return Ok(client.post("/list_jobs", &json!({})).await?.raw);
    }
    match client.get("/cluster/jobs").await {
        Ok(reply) => Ok(placement_table(&reply.value)),
        Err(CliError::Http { status: 404, .. }) => names_table(client).await,
        Err(e) => Err(e),
    }
}

fn placement_table(v: &Value) -> String {
    let rows: Vec<Vec<String>> = v
        .get("jobs")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(placement_row).collect())
        .unwrap_or_default();
    if rows.is_empty() {
        return "no jobs".to_string();
    }
    table(&["NAME", "STATE", "OWNER", "EPOCH", "REASON"], &rows)
}

fn placement_row(j: &Value) -> Vec<String> {
    vec![
        cell(j.get("name")),
        cell(j.get("state")),
        cell(j.get("owner")),
        cell(j.get("epoch")),
        cell(j.get("reason")),
    ]
}

async fn names_table(client: &ApiClient) -> Result<String, CliError> {
    let reply = client.post("/list_jobs", &json!({})).await?;
    let rows: Vec<Vec<String>> = reply
        .value
        .get("jobs")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|n| vec![cell(Some(n))]).collect())
        .unwrap_or_default();
    if rows.is_empty() {
        return Ok("no jobs".to_string());
    }
    Ok(table(&["NAME"], &rows))
}

async fn status(client: &ApiClient, name: &str, json: bool) -> Result<String, CliError> {
    let reply = client.post("/job_status", &json!({ "name": name })).await?;
    if json {
        return Ok(reply.raw);
    }
    let s = reply.value.get("status").cloned().unwrap_or(Value::Null);
    Ok(key_values(&[
        ("NAME", cell(s.get("name"))),
        ("STATE", cell(s.get("state"))),
        ("PROGRESS STATE", cell(s.get("progress_state"))),
        ("SUB STATE", cell(s.get("sub_state"))),
        ("LAST APPLIED SEQ", cell(s.get("last_applied_commit_seq"))),
        ("RETRIES", cell(s.get("retries"))),
        ("BLOCKED REASON", cell(s.get("blocked_reason"))),
        ("LAST ERROR", cell(s.get("last_error"))),
        ("OWNER", owner_of(client, name).await),
    ]))
}

/// `<node> (epoch <n>)` from `/cluster/jobs`, best effort (`-` when unknown).
async fn owner_of(client: &ApiClient, name: &str) -> String {
    let Ok(reply) = client.get("/cluster/jobs").await else {
        return "-".to_string();
    };
    let jobs = reply.value.get("jobs").and_then(Value::as_array).cloned();
    let job = jobs
        .unwrap_or_default()
        .into_iter()
        .find(|j| j.get("name").and_then(Value::as_str) == Some(name));
    match job
        .as_ref()
        .and_then(|j| Some((j.get("owner")?.as_u64()?, j.get("epoch")?)))
    {
        Some((node, epoch)) => format!("node {node} (epoch {epoch})"),
        None => "-".to_string(),
    }
}

async fn action(
    client: &ApiClient,
    path: &str,
    name: &str,
    done: &str,
    json: bool,
) -> Result<String, CliError> {
    let reply = client.post(path, &json!({ "name": name })).await?;
    Ok(if json {
        reply.raw
    } else {
        format!("job {name} {done}")
    })
}

async fn lag(client: &ApiClient, name: &str, json: bool) -> Result<String, CliError> {
    let reply = client.post("/get_lag", &json!({ "name": name })).await?;
    if json {
        return Ok(reply.raw);
    }
    let v = &reply.value;
    let secs = match v.get("lag_seconds").and_then(Value::as_i64) {
        Some(s) if s >= 0 => s.to_string(),
        _ => "-".to_string(),
    };
    let row = vec![name.to_string(), cell(v.get("lag")), secs];
    Ok(table(&["NAME", "LAG (BINLOGS)", "LAG (SECONDS)"], &[row]))
}
