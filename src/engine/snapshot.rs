//! Backup/restore primitives shared by full and partial sync (§3, §6): BACKUP SNAPSHOT,
//! SHOW BACKUP polling, getSnapshot, extra_info, restoreSnapshot, SHOW RESTORE polling.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use doris_thrift::frontend_service::{
    TGetSnapshotRequest, TGetSnapshotResult, TRestoreSnapshotRequest, TSnapshotType, TTableRef,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::doris::{quote_ident, quote_str, ErrorClass};
use crate::engine::backoff::Backoff;
use crate::engine::context::{JobCtx, Side};
use crate::engine::error::{doris_err, EngineError, EngineResult};

mod conflict;

pub use conflict::{
    cancel_conflicting_backups, conflicting_backup, drop_conflicting_table, label_part,
};

/// The repository name for snapshots kept on the source cluster.
pub const LOCAL_REPO: &str = "__keep_on_local__";

/// In-flight snapshot data, persisted in `progress.data` between steps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SnapshotData {
    /// BACKUP snapshot name (also the getSnapshot label).
    pub snapshot_name: String,
    /// Source table id → commit seq of the snapshot's barrier.
    #[serde(default)]
    pub table_commit_seq_map: BTreeMap<i64, i64>,
    /// Source table names in the snapshot.
    #[serde(default)]
    pub tables: Vec<String>,
    /// Label of the restore issued for this snapshot (poll it after a restart).
    #[serde(default)]
    pub restore_label: Option<String>,
    /// Restores issued for this snapshot (keeps retry labels distinct).
    #[serde(default)]
    pub restore_attempts: u32,
}

/// How a backup or restore job ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// FINISHED.
    Finished,
    /// CANCELLED, with the job's `Status` text.
    Cancelled(String),
}

/// `BACKUP SNAPSHOT `db`.`name` TO `__keep_on_local__` ON (...)` on the source.
/// `partitions` restricts a single table to some partitions.
pub async fn start_backup(
    ctx: &JobCtx,
    name: &str,
    tables: &[String],
    partitions: &[String],
) -> EngineResult<()> {
    let q = |s: &str| quote_ident(s).map_err(doris_err("identifier"));
    let mut refs = Vec::new();
    for t in tables {
        let mut r = q(t)?;
        if !partitions.is_empty() {
            let ps: EngineResult<Vec<String>> = partitions.iter().map(|p| q(p)).collect();
            r = format!("{r} PARTITION ({})", ps?.join(", "));
        }
        refs.push(r);
    }
    let sql = format!(
        "BACKUP SNAPSHOT {}.{} TO {} ON ({}) PROPERTIES (\"type\" = \"full\")",
        q(&ctx.spec.src.database)?,
        q(name)?,
        q(LOCAL_REPO)?,
        refs.join(", ")
    );
    tracing::info!(job = %ctx.spec.name, snapshot = name, "starting backup");
    ctx.guard(async {
        ctx.src
            .sql
            .exec(&sql)
            .await
            .map_err(doris_err("BACKUP SNAPSHOT"))
    })
    .await?;
    Ok(())
}

/// Polls `SHOW BACKUP` / `SHOW RESTORE` (`what`) until the job is final; transient
/// errors are tolerated, and after `limit` it gives up with a clear error.
async fn wait_job(
    ctx: &JobCtx,
    side: &Side,
    what: &str,
    filter: String,
    limit: Duration,
) -> EngineResult<JobOutcome> {
    let db = quote_ident(&side.spec.database).map_err(doris_err("db name"))?;
    let sql = format!("SHOW {what} FROM {db} WHERE {filter}");
    let started = Instant::now();
    let mut backoff = Backoff::new(Duration::from_millis(50), Duration::from_secs(3));
    loop {
        if let Some(outcome) = poll_job(ctx, side, what, &sql).await? {
            return Ok(outcome);
        }
        if started.elapsed() > limit {
            return Err(EngineError::fatal(format!(
                "{what} job ({filter}) did not finish within {limit:?}; check SHOW {what} \
                 on {}, then resume or force a full sync",
                side.spec.host
            )));
        }
        ctx.sleep(backoff.next_delay().max(Duration::from_millis(20)))
            .await?;
    }
}

/// One poll: `Some` once the job is final; transient errors read as "not yet".
async fn poll_job(
    ctx: &JobCtx,
    side: &Side,
    what: &str,
    sql: &str,
) -> EngineResult<Option<JobOutcome>> {
    let rows = match ctx.guard(async { Ok(side.sql.query(sql).await) }).await? {
        Ok(rows) => rows,
        Err(e) if e.class() == ErrorClass::Fatal => {
            return Err(EngineError::doris(&format!("SHOW {what}"), e))
        }
        Err(e) => {
            tracing::warn!(job = %ctx.spec.name, error = %e, "SHOW {what} failed; polling on");
            return Ok(None);
        }
    };
    let Some(row) = rows.last() else {
        return Ok(None);
    };
    let state = row
        .get_opt("State")
        .unwrap_or_default()
        .to_ascii_uppercase();
    Ok(match state.as_str() {
        "FINISHED" => Some(JobOutcome::Finished),
        "CANCELLED" => Some(JobOutcome::Cancelled(
            row.get_opt("Status").unwrap_or_default().to_string(),
        )),
        _ => None,
    })
}

/// Waits for the source backup `name`.
pub async fn wait_backup(ctx: &JobCtx, name: &str) -> EngineResult<JobOutcome> {
    let filter = format!("SnapshotName = {}", quote_str(name));
    wait_job(ctx, &ctx.src, "BACKUP", filter, ctx.options.backup_timeout).await
}

/// Waits for the target restore `label`.
pub async fn wait_restore(ctx: &JobCtx, label: &str) -> EngineResult<JobOutcome> {
    let filter = format!("Label = {}", quote_str(label));
    wait_job(
        ctx,
        &ctx.dest,
        "RESTORE",
        filter,
        ctx.options.restore_timeout,
    )
    .await
}

/// getSnapshot (LOCAL) of `name` on the source.
pub async fn fetch_snapshot(ctx: &JobCtx, name: &str) -> EngineResult<TGetSnapshotResult> {
    let req = TGetSnapshotRequest {
        label_name: Some(name.to_string()),
        snapshot_name: Some(String::new()),
        snapshot_type: Some(TSnapshotType::LOCAL),
        ..Default::default()
    };
    let res = ctx
        .guard(async {
            ctx.src
                .fe
                .get_snapshot(req)
                .await
                .map_err(doris_err("getSnapshot"))
        })
        .await?;
    if res.job_info.is_none() || res.meta.is_none() {
        return Err(EngineError::retry(format!(
            "getSnapshot {name}: no meta/job_info"
        )));
    }
    Ok(res)
}

/// Parses the snapshot's `job_info` JSON.
pub fn parse_job_info(res: &TGetSnapshotResult) -> EngineResult<Value> {
    let bytes = res.job_info.as_deref().unwrap_or_default();
    serde_json::from_slice(bytes)
        .map_err(|e| EngineError::fatal(format!("snapshot job_info is not JSON: {e}")))
}

/// `table_commit_seq_map` of a job_info (`{"<tableId>": seq}`).
pub fn seq_map(job_info: &Value) -> BTreeMap<i64, i64> {
    let Some(obj) = job_info
        .get("table_commit_seq_map")
        .and_then(Value::as_object)
    else {
        return BTreeMap::new();
    };
    obj.iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_i64()?)))
        .collect()
}

/// Table names in the snapshot (`backup_objects` keys).
pub fn snapshot_tables(job_info: &Value) -> Vec<String> {
    job_info
        .get("backup_objects")
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Adds `extra_info` {be_network_map (source BE http endpoints), token} to job_info.
pub async fn add_extra_info(ctx: &JobCtx, job_info: &mut Value) -> EngineResult<()> {
    let backends = ctx.guard(ctx.backends(true)).await?;
    let token = ctx.guard(ctx.master_token()).await?;
    let map: serde_json::Map<String, Value> = backends
        .iter()
        .map(|(id, b)| (id.to_string(), json!({"ip": b.host, "port": b.http_port})))
        .collect();
    let obj = job_info
        .as_object_mut()
        .ok_or_else(|| EngineError::fatal("snapshot job_info is not a JSON object"))?;
    obj.insert(
        "extra_info".into(),
        json!({"be_network_map": map, "token": token}),
    );
    Ok(())
}

/// restoreSnapshot's `clean_tables` / `clean_partitions` switches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RestoreClean {
    /// Drop target tables and views the snapshot lacks.
    pub tables: bool,
    /// Drop target partitions the snapshot lacks, of the snapshot's tables.
    pub partitions: bool,
}

/// The switches of a restore (§3): only with `feature_clean_table_and_partitions`, only for
/// a full sync (a partial snapshot holds some partitions only), `clean_tables` only for a
/// db job. Never when a ref renames a table: Doris matches both switches against the
/// snapshot's names, so clean_tables would drop the alias table just restored and
/// clean_partitions would trim an unrelated target table named like the source table.
pub fn restore_clean(
    flag: bool,
    db_job: bool,
    full_sync: bool,
    table_refs: &[(String, String)],
) -> RestoreClean {
    let renamed = table_refs.iter().any(|(table, alias)| table != alias);
    let on = flag && full_sync && !renamed;
    RestoreClean {
        tables: on && db_job,
        partitions: on,
    }
}

/// The restoreSnapshot request (§3 step 5): `atomic` is `atomic_restore`, which full
/// syncs take from `feature_atomic_restore` and partial syncs never set.
pub fn restore_request(
    snap: TGetSnapshotResult,
    job_info: &Value,
    label: &str,
    table_refs: Vec<(String, String)>,
    (atomic, clean): (bool, RestoreClean),
) -> TRestoreSnapshotRequest {
    let refs: Vec<TTableRef> = table_refs
        .into_iter()
        .map(|(table, alias)| TTableRef {
            table: Some(table),
            alias_name: Some(alias),
        })
        .collect();
    let properties = BTreeMap::from([("reserve_replica".to_string(), "true".to_string())]);
    TRestoreSnapshotRequest {
        label_name: Some(label.to_string()),
        repo_name: Some(LOCAL_REPO.to_string()),
        table_refs: (!refs.is_empty()).then_some(refs),
        properties: Some(properties),
        meta: snap.meta,
        job_info: Some(job_info.to_string().into_bytes()),
        clean_tables: Some(clean.tables),
        clean_partitions: Some(clean.partitions),
        atomic_restore: Some(atomic),
        ..Default::default()
    }
}

/// restoreSnapshot on the target with `label` (see [`restore_request`]).
pub async fn start_restore(
    ctx: &JobCtx,
    snap: TGetSnapshotResult,
    job_info: &Value,
    label: &str,
    table_refs: Vec<(String, String)>,
    (atomic, clean): (bool, RestoreClean),
) -> EngineResult<()> {
    let req = restore_request(snap, job_info, label, table_refs, (atomic, clean));
    tracing::info!(job = %ctx.spec.name, label, atomic, ?clean, "starting restore");
    ctx.guard(async {
        ctx.dest
            .fe
            .restore_snapshot(req)
            .await
            .map_err(doris_err("restoreSnapshot"))
    })
    .await?;
    Ok(())
}

/// From a CANCELLED restore status: the table (`true`) or view (`false`) whose existing
/// target schema differs, e.g. "Table t already exist but with different schema".
pub fn signature_mismatch(status: &str) -> Option<(String, bool)> {
    let pos = status.find(" already exist but with different schema")?;
    let head = &status[..pos];
    let (kind_at, is_table) = match (head.rfind("Table "), head.rfind("View ")) {
        (Some(t), Some(v)) if v > t => (v + 5, false),
        (Some(t), _) => (t + 6, true),
        (None, Some(v)) => (v + 5, false),
        (None, None) => return None,
    };
    let name = head[kind_at..]
        .trim()
        .trim_matches(|c| c == '`' || c == '\'' || c == '"');
    (!name.is_empty()).then(|| (name.to_string(), is_table))
}

/// `ALTER TABLE `db`.`name` REPLACE WITH TABLE `alias` PROPERTIES("swap"="false")`.
pub async fn replace_with_alias(ctx: &JobCtx, name: &str, alias: &str) -> EngineResult<()> {
    let q = |s: &str| quote_ident(s).map_err(doris_err("identifier"));
    let sql = format!(
        "ALTER TABLE {}.{} REPLACE WITH TABLE {} PROPERTIES(\"swap\"=\"false\")",
        q(&ctx.spec.dest.database)?,
        q(name)?,
        q(alias)?
    );
    ctx.guard(async {
        ctx.dest
            .sql
            .exec(&sql)
            .await
            .map_err(doris_err("REPLACE WITH TABLE"))
    })
    .await?;
    ctx.meta.invalidate_dest_tables();
    Ok(())
}

#[cfg(test)]
mod tests;
