//! getSnapshot / restoreSnapshot (protocol §3.7, §3.8, §6).

use doris_thrift::frontend_service::{
    TGetSnapshotRequest, TGetSnapshotResult, TRestoreSnapshotRequest, TRestoreSnapshotResult,
    TSnapshotType,
};
use serde_json::Value;

use super::status::{code, FeError, FeResult};
use super::{check_auth, db_id, err_status, ok_status, required, Creds};
use crate::cluster::backup::sql_support::check_no_running_job;
use crate::cluster::backup::LOCAL_REPO;
use crate::cluster::restore::{drive_restores, RestoreOp, RestoreSpec};
use crate::cluster::{now_ms, Cluster, JournalEntry};

/// `FrontendService.getSnapshot`: meta + job_info of a FINISHED local snapshot.
pub fn get_snapshot(cluster: &Cluster, req: TGetSnapshotRequest) -> TGetSnapshotResult {
    let r = cluster.with_state(|s| {
        check_auth(
            s,
            &Creds {
                user: req.user.as_deref(),
                passwd: req.passwd.as_deref(),
                token: req.token.as_deref(),
            },
        )?;
        let db = required(req.db.as_deref(), "db")?;
        let label = required(req.label_name.as_deref(), "label_name")?;
        required(req.snapshot_name.as_deref(), "snapshot_name")?;
        let ty = required(req.snapshot_type, "snapshot_type")?;
        if ty != TSnapshotType::LOCAL {
            return Err(FeError::analysis("snapshot_type is not LOCAL"));
        }
        let db_id = db_id(s, db)?;
        s.backups.snapshot(db_id, label, now_ms()).ok_or_else(|| {
            FeError::new(
                code::SNAPSHOT_NOT_EXIST,
                format!("snapshot {label} not exist"),
            )
        })
    });
    match r {
        Ok(snap) => TGetSnapshotResult {
            status: Some(ok_status()),
            meta: Some(snap.meta.clone()),
            job_info: Some(snap.job_info.to_string().into_bytes()),
            expired_at: Some(snap.expire_at_ms),
            commit_seq: snap
                .job_info
                .get("table_commit_seq_map")
                .and_then(Value::as_object)
                .and_then(|m| m.values().filter_map(Value::as_i64).max()),
            compressed: Some(false),
            master_address: None,
        },
        Err(e) => TGetSnapshotResult {
            status: Some(err_status(&e)),
            ..Default::default()
        },
    }
}

/// Checks the job_info's extra_info like Doris (restore needs it to reach the source BEs).
fn check_extra_info(job_info: &Value) -> FeResult<()> {
    let extra = job_info
        .get("extra_info")
        .filter(|v| v.is_object())
        .ok_or_else(|| FeError::analysis("Invalid job extra info empty"))?;
    if !extra.get("be_network_map").is_some_and(Value::is_object) {
        return Err(FeError::analysis(
            "Invalid job extra info be network map empty",
        ));
    }
    if extra
        .get("token")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err(FeError::analysis("Invalid job extra info token empty"));
    }
    Ok(())
}

fn spec_of(req: &TRestoreSnapshotRequest) -> FeResult<RestoreSpec> {
    let meta = required(req.meta.as_ref(), "meta")?;
    let job_info = required(req.job_info.as_ref(), "job_info")?;
    if req.compressed == Some(true) {
        return Err(FeError::analysis(
            "compressed snapshot is not supported by the emulator",
        ));
    }
    let info: Value = serde_json::from_slice(job_info)
        .map_err(|e| FeError::analysis(format!("invalid job info: {e}")))?;
    check_extra_info(&info)?;
    let table_refs = req
        .table_refs
        .iter()
        .flatten()
        .filter_map(|r| {
            let t = r.table.clone()?;
            Some((
                t.clone(),
                r.alias_name.clone().filter(|a| !a.is_empty()).unwrap_or(t),
            ))
        })
        .collect();
    Ok(RestoreSpec {
        meta: String::from_utf8_lossy(meta).into_owned(),
        job_info: info.to_string(),
        table_refs,
        properties: req.properties.clone().unwrap_or_default(),
        clean_tables: req.clean_tables == Some(true),
        clean_partitions: req.clean_partitions == Some(true),
        atomic_restore: req.atomic_restore == Some(true),
    })
}

/// `FrontendService.restoreSnapshot`: creates the restore job (asynchronous).
pub fn restore_snapshot(cluster: &Cluster, req: TRestoreSnapshotRequest) -> TRestoreSnapshotResult {
    let r = cluster.write(|w| -> FeResult<()> {
        check_auth(
            w.state,
            &Creds {
                user: req.user.as_deref(),
                passwd: req.passwd.as_deref(),
                token: req.token.as_deref(),
            },
        )?;
        let db = required(req.db.as_deref(), "db")?;
        let label = required(req.label_name.clone(), "label_name")?;
        let repo = required(req.repo_name.as_deref(), "repo_name")?;
        if repo != LOCAL_REPO {
            return Err(FeError::analysis(format!(
                "Repository {repo} does not exist"
            )));
        }
        let db_id = db_id(w.state, db)?;
        let spec = spec_of(&req)?;
        spec.snapshot_meta().map_err(FeError::analysis)?;
        check_no_running_job(w.state, db_id, &label).map_err(|e| FeError::analysis(e.message))?;
        let job_id = w.state.alloc_id();
        let op = RestoreOp::Create {
            job_id,
            db_id,
            label,
            spec: Box::new(spec),
        };
        w.commit(JournalEntry::Restore(op))
            .map(|_| ())
            .map_err(|e| FeError::internal(e.to_string()))
    });
    if r.is_ok() {
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            let cluster = cluster.clone();
            handle.spawn(async move { drive_restores(&cluster).await });
        }
    }
    TRestoreSnapshotResult {
        status: Some(super::to_tstatus(r)),
        master_address: None,
    }
}
