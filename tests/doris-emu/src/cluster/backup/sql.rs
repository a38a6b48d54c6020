//! BACKUP SNAPSHOT / SHOW BACKUP / CANCEL BACKUP, and time-driven job progress.

use super::{BackupJob, BackupJobState, BackupObject, BackupOp, LOCAL_REPO, STEP_MS};
use crate::cluster::txn::show::{eq_filters, time_text};
use crate::cluster::{now_ms, JournalEntry, State, Writer};
use crate::result::{Column, QueryResult, SqlError};
use crate::sql::ast::{BackupRestore, Expr};

/// SHOW BACKUP columns (protocol §6).
pub const BACKUP_COLUMNS: [&str; 14] = [
    "JobId",
    "SnapshotName",
    "DbName",
    "State",
    "BackupObjs",
    "CreateTime",
    "SnapshotFinishedTime",
    "UploadFinishedTime",
    "FinishedTime",
    "UnfinishedTasks",
    "Progress",
    "TaskErrMsg",
    "Status",
    "Timeout",
];

fn journal(w: &mut Writer<'_>, op: BackupOp) -> Result<(), SqlError> {
    w.commit(JournalEntry::Backup(op))
        .map(|_| ())
        .map_err(|e| SqlError::new(e.to_string()))
}

/// Resolves the statement's db (qualifier, else the session's).
pub(crate) fn resolve_db(
    state: &State,
    qualifier: Option<&str>,
    current: Option<&str>,
) -> Result<(i64, String), SqlError> {
    let name = qualifier
        .or(current)
        .ok_or_else(|| SqlError::with_code(1046, "No database selected"))?;
    let db = state.db(name).ok_or_else(|| {
        SqlError::with_code(SqlError::BAD_DB, format!("Unknown database '{name}'"))
    })?;
    Ok((db.id, db.name.clone()))
}

/// Doris' "one job per db" rule across backups and restores.
pub(crate) fn check_no_running_job(state: &State, db_id: i64, label: &str) -> Result<(), SqlError> {
    let running = state
        .backups
        .running(db_id)
        .map(|j| (j.name.clone(), j.job_id))
        .or_else(|| {
            state
                .restores
                .running(db_id)
                .map(|j| (j.label.clone(), j.job_id))
        });
    match running {
        None => Ok(()),
        Some((l, id)) => Err(SqlError::new(format!(
            "Can only run one backup or restore job of a database at same time, current running: label = {l} jobId = {id}, to run label = {label}"
        ))),
    }
}

/// `BACKUP SNAPSHOT [db.]name TO __keep_on_local__ [ON (...)] [EXCLUDE (...)] PROPERTIES (...)`.
pub fn start_backup(
    w: &mut Writer<'_>,
    current_db: Option<&str>,
    stmt: &BackupRestore,
) -> Result<QueryResult, SqlError> {
    let (db_id, _) = resolve_db(w.state, stmt.db.as_deref(), current_db)?;
    if stmt.repo != LOCAL_REPO {
        return Err(SqlError::new(format!(
            "Repository {} does not exist",
            stmt.repo
        )));
    }
    check_no_running_job(w.state, db_id, &stmt.name)?;
    let objects = resolve_objects(w.state, db_id, stmt)?;
    let job_id = w.state.alloc_id();
    journal(
        w,
        BackupOp::Create {
            job_id,
            db_id,
            name: stmt.name.clone(),
            objects,
        },
    )?;
    Ok(QueryResult::ok())
}

fn resolve_objects(
    state: &State,
    db_id: i64,
    stmt: &BackupRestore,
) -> Result<Vec<BackupObject>, SqlError> {
    let db = state
        .dbs
        .get(&db_id)
        .ok_or_else(|| SqlError::new("database dropped"))?;
    let mut out = Vec::new();
    if stmt.on.is_empty() {
        let excluded = |n: &str| stmt.exclude.iter().any(|e| e.name == n);
        out.extend(
            db.tables
                .values()
                .filter(|t| !excluded(&t.name))
                .map(|t| BackupObject {
                    table_id: t.id,
                    partitions: vec![],
                }),
        );
    }
    for obj in &stmt.on {
        let t = db.table(&obj.name).ok_or_else(|| {
            SqlError::with_code(SqlError::BAD_TABLE, format!("Unknown table '{}'", obj.name))
        })?;
        for p in &obj.partitions {
            if t.partition(p, false).is_none() {
                return Err(SqlError::new(format!(
                    "Partition {p} does not exist in table {}",
                    t.name
                )));
            }
        }
        out.push(BackupObject {
            table_id: t.id,
            partitions: obj.partitions.clone(),
        });
    }
    Ok(out)
}

/// Moves every unfinished backup forward by elapsed time: each state lasts [`STEP_MS`].
pub fn advance_backups(w: &mut Writer<'_>, now: i64) -> Result<(), SqlError> {
    let jobs: Vec<(i64, BackupJobState, i64)> = w
        .state
        .backups
        .jobs
        .iter()
        .filter(|j| !j.state.is_final())
        .map(|j| (j.job_id, j.state, j.create_ms))
        .collect();
    for (job_id, mut st, created) in jobs {
        let mut step = 1;
        while !st.is_final() && now >= created + step * STEP_MS {
            st = step_job(w, job_id, st)?;
            step += 1;
        }
    }
    Ok(())
}

fn step_job(
    w: &mut Writer<'_>,
    job_id: i64,
    st: BackupJobState,
) -> Result<BackupJobState, SqlError> {
    match st {
        BackupJobState::Pending => {
            let tables: Vec<i64> = w.state.backups.job(job_id).map_or_else(Vec::new, |j| {
                let olap = |id: &i64| {
                    w.state
                        .table_by_id(j.db_id, *id)
                        .is_some_and(|t| !t.is_view())
                };
                j.objects.iter().map(|o| o.table_id).filter(olap).collect()
            });
            for table_id in tables {
                journal(w, BackupOp::Barrier { job_id, table_id })?;
            }
            journal(w, BackupOp::Snapshot { job_id })?;
            Ok(BackupJobState::Snapshoting)
        }
        BackupJobState::Snapshoting => {
            journal(
                w,
                BackupOp::State {
                    job_id,
                    state: BackupJobState::UploadInfo,
                },
            )?;
            Ok(BackupJobState::UploadInfo)
        }
        _ => {
            journal(
                w,
                BackupOp::State {
                    job_id,
                    state: BackupJobState::Finished,
                },
            )?;
            Ok(BackupJobState::Finished)
        }
    }
}

/// `SHOW BACKUP [FROM db] [WHERE SnapshotName = "x"]` (advances jobs first).
pub fn show_backup(
    w: &mut Writer<'_>,
    current_db: Option<&str>,
    db: Option<&str>,
    filter: Option<&Expr>,
) -> Result<QueryResult, SqlError> {
    let (db_id, _) = resolve_db(w.state, db, current_db)?;
    advance_backups(w, now_ms())?;
    let name = filter
        .map(eq_filters)
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "snapshotname")
        .map(|(_, v)| v);
    let rows = w
        .state
        .backups
        .jobs
        .iter()
        .filter(|j| j.db_id == db_id && name.as_ref().is_none_or(|n| *n == j.name))
        .map(|j| row(w.state, j))
        .collect();
    Ok(QueryResult::Rows {
        columns: BACKUP_COLUMNS.iter().map(|c| Column::text(*c)).collect(),
        rows,
    })
}

fn row(state: &State, j: &BackupJob) -> Vec<Option<String>> {
    let objs: Vec<String> = j
        .objects
        .iter()
        .map(|o| {
            let name = state
                .table_by_id(j.db_id, o.table_id)
                .map_or_else(|| o.table_id.to_string(), |t| t.name.clone());
            format!("[default_cluster:{}.{name}]", j.db_name)
        })
        .collect();
    let cells = [
        j.job_id.to_string(),
        j.name.clone(),
        j.db_name.clone(),
        j.state.name().to_string(),
        objs.join(", "),
        time_text(j.create_ms),
        time_text(j.snapshot_ms),
        time_text(j.upload_ms),
        time_text(j.finished_ms),
        String::new(),
        String::new(),
        String::new(),
        j.status.clone(),
        "86400".to_string(),
    ];
    cells.into_iter().map(Some).collect()
}

/// `CANCEL BACKUP [FROM db]`.
pub fn cancel_backup(
    w: &mut Writer<'_>,
    current_db: Option<&str>,
    db: Option<&str>,
) -> Result<QueryResult, SqlError> {
    let (db_id, _) = resolve_db(w.state, db, current_db)?;
    let Some(job_id) = w.state.backups.running(db_id).map(|j| j.job_id) else {
        return Err(SqlError::new("No backup job is currently running"));
    };
    journal(
        w,
        BackupOp::Cancel {
            job_id,
            msg: "[CANCELLED, msg: user cancelled]".into(),
        },
    )?;
    Ok(QueryResult::ok())
}
