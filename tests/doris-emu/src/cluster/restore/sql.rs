//! SHOW RESTORE / CANCEL RESTORE.

use serde_json::Value;

use super::{RestoreJob, RestoreOp};
use crate::cluster::backup::sql_support::resolve_db;
use crate::cluster::txn::show::{eq_filters, time_text};
use crate::cluster::{JournalEntry, Writer};
use crate::result::{Column, QueryResult, SqlError};
use crate::sql::ast::Expr;

/// SHOW RESTORE columns (current Doris).
pub const RESTORE_COLUMNS: [&str; 21] = [
    "JobId",
    "Label",
    "Timestamp",
    "DbName",
    "State",
    "AllowLoad",
    "ReplicationNum",
    "ReplicaAllocation",
    "ReserveReplica",
    "ReserveDynamicPartitionEnable",
    "RestoreObjs",
    "CreateTime",
    "MetaPreparedTime",
    "SnapshotFinishedTime",
    "DownloadFinishedTime",
    "FinishedTime",
    "UnfinishedTasks",
    "Progress",
    "TaskErrMsg",
    "Status",
    "Timeout",
];

/// `SHOW RESTORE [FROM db] [WHERE Label = "x"]`.
pub fn show_restore(
    w: &mut Writer<'_>,
    current_db: Option<&str>,
    db: Option<&str>,
    filter: Option<&Expr>,
) -> Result<QueryResult, SqlError> {
    let (db_id, _) = resolve_db(w.state, db, current_db)?;
    let label = filter
        .map(eq_filters)
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "label")
        .map(|(_, v)| v);
    let rows = w
        .state
        .restores
        .jobs
        .iter()
        .filter(|j| j.db_id == db_id && label.as_ref().is_none_or(|l| *l == j.label))
        .map(row)
        .collect();
    Ok(QueryResult::Rows {
        columns: RESTORE_COLUMNS.iter().map(|c| Column::text(*c)).collect(),
        rows,
    })
}

fn row(j: &RestoreJob) -> Vec<Option<String>> {
    let info: Value = serde_json::from_str(&j.spec.job_info).unwrap_or(Value::Null);
    let backup_time = info
        .get("backup_time")
        .and_then(Value::as_i64)
        .unwrap_or(j.create_ms);
    let timestamp = time_text(backup_time).replace([' ', ':'], "-");
    let rep = j
        .spec
        .snapshot_meta()
        .ok()
        .and_then(|m| {
            m.tables
                .first()
                .and_then(|t| t.partitions.first().map(|p| p.replication_num))
        })
        .unwrap_or(1);
    let reserve = j
        .spec
        .properties
        .get("reserve_replica")
        .is_some_and(|v| v == "true");
    let objs: Vec<String> = info
        .get("backup_objects")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(|k| format!("`{k}`")).collect())
        .unwrap_or_default();
    let cells = [
        j.job_id.to_string(),
        j.label.clone(),
        timestamp,
        j.db_name.clone(),
        j.state.name().to_string(),
        "false".into(),
        rep.to_string(),
        format!("tag.location.default: {rep}"),
        reserve.to_string(),
        "false".into(),
        objs.join(", "),
        time_text(j.create_ms),
        time_text(j.meta_prepared_ms),
        time_text(j.snapshot_ms),
        time_text(j.download_ms),
        time_text(j.finished_ms),
        String::new(),
        String::new(),
        String::new(),
        j.status.clone(),
        "86400".into(),
    ];
    cells.into_iter().map(Some).collect()
}

/// `CANCEL RESTORE [FROM db]`.
pub fn cancel_restore(
    w: &mut Writer<'_>,
    current_db: Option<&str>,
    db: Option<&str>,
) -> Result<QueryResult, SqlError> {
    let (db_id, _) = resolve_db(w.state, db, current_db)?;
    let Some(job_id) = w.state.restores.running(db_id).map(|j| j.job_id) else {
        return Err(SqlError::new("No restore job is currently running"));
    };
    let op = RestoreOp::Cancel {
        job_id,
        status: "[CANCELLED, msg: user cancelled]".into(),
    };
    w.commit(JournalEntry::Restore(op))
        .map_err(|e| SqlError::new(e.to_string()))?;
    Ok(QueryResult::ok())
}
