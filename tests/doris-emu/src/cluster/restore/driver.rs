//! Drives restore jobs: checks under the lock, downloads tablet files from the source BEs
//! without it (extra_info.be_network_map + token), then installs under the lock.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{plan, RestoreJobState, RestoreOp, RestoreSpec};
use crate::cluster::backup::TabletFile;
use crate::cluster::remote_be;
use crate::cluster::{Cluster, JournalEntry, Writer};

/// One file to pull: source tablet, host, port, path.
struct Download {
    tablet_id: i64,
    ip: String,
    port: i64,
    url_path: String,
}

fn journal(w: &mut Writer<'_>, op: RestoreOp) {
    if let Err(e) = w.commit(JournalEntry::Restore(op)) {
        tracing::error!(error = %e, "journaling a restore step failed");
    }
}

fn cancel(w: &mut Writer<'_>, job_id: i64, msg: &str) {
    tracing::warn!(job_id, %msg, "restore job cancelled");
    journal(
        w,
        RestoreOp::Cancel {
            job_id,
            status: format!("[COMMON_ERROR, msg: {msg}]"),
        },
    );
}

/// Runs every unfinished restore job to completion (one task per job at a time).
pub async fn drive_restores(cluster: &Cluster) {
    let jobs: Vec<i64> = cluster.with_state_mut(|s| {
        let ids: Vec<i64> = s
            .restores
            .jobs
            .iter()
            .filter(|j| !j.state.is_final())
            .map(|j| j.job_id)
            .collect();
        ids.into_iter()
            .filter(|id| s.restores.driving.insert(*id))
            .collect()
    });
    for job_id in jobs {
        drive_one(cluster, job_id).await;
        cluster.with_state_mut(|s| s.restores.driving.remove(&job_id));
    }
}

async fn drive_one(cluster: &Cluster, job_id: i64) {
    let prepared = cluster.write(|w| prepare(w, job_id));
    let Some((spec, downloads, token)) = prepared else {
        return;
    };
    let mut files = BTreeMap::new();
    for d in downloads {
        match remote_be::download_snapshot_file(&d.ip, d.port, &token, &d.url_path).await {
            Ok(bytes) => match serde_json::from_slice::<TabletFile>(&bytes) {
                Ok(f) => {
                    files.insert(d.tablet_id, f);
                }
                Err(e) => {
                    return cluster.write(|w| {
                        cancel(w, job_id, &format!("bad snapshot file {}: {e}", d.url_path))
                    })
                }
            },
            Err(e) => {
                return cluster.write(|w| {
                    cancel(w, job_id, &format!("failed to download snapshot file: {e}"))
                })
            }
        }
    }
    cluster.write(|w| install(w, job_id, &spec, &files));
}

/// PENDING → … → DOWNLOADING: validates, returns what to download. None = nothing to do.
fn prepare(
    w: &mut Writer<'_>,
    job_id: i64,
) -> Option<(std::sync::Arc<RestoreSpec>, Vec<Download>, String)> {
    let job = w.state.restores.job(job_id)?.clone();
    if job.state.is_final() {
        return None;
    }
    if let Err(msg) = plan::check(w.state, job.db_id, &job.spec) {
        cancel(w, job_id, &msg);
        return None;
    }
    let (downloads, token) = match downloads(&job.spec) {
        Ok(v) => v,
        Err(msg) => {
            cancel(w, job_id, &msg);
            return None;
        }
    };
    let steps = [
        RestoreJobState::Snapshoting,
        RestoreJobState::Download,
        RestoreJobState::Downloading,
    ];
    // A job resumed after a restart continues from where it was.
    let done = steps
        .iter()
        .position(|s| *s == job.state)
        .map_or(0, |i| i + 1);
    for state in steps.into_iter().skip(done) {
        journal(w, RestoreOp::State { job_id, state });
    }
    Some((job.spec, downloads, token))
}

fn install(w: &mut Writer<'_>, job_id: i64, spec: &RestoreSpec, files: &BTreeMap<i64, TabletFile>) {
    let Some(job) = w.state.restores.job(job_id).cloned() else {
        return;
    };
    if job.state.is_final() {
        return;
    }
    journal(
        w,
        RestoreOp::State {
            job_id,
            state: RestoreJobState::Commit,
        },
    );
    journal(
        w,
        RestoreOp::State {
            job_id,
            state: RestoreJobState::Committing,
        },
    );
    match plan::build(w.state, job.db_id, spec, files) {
        Ok(catalog) => {
            tracing::info!(job_id, label = %job.label, "restore job finished");
            journal(w, RestoreOp::Commit { job_id, catalog })
        }
        Err(msg) => cancel(w, job_id, &msg),
    }
}

type JsonMap = serde_json::Map<String, Value>;

fn object<'a>(v: &'a Value, key: &str) -> Result<&'a JsonMap, String> {
    v.get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("job_info has no {key}"))
}

/// The `.dat` files of every restored tablet, and the token (from extra_info).
fn downloads(spec: &RestoreSpec) -> Result<(Vec<Download>, String), String> {
    let info: Value =
        serde_json::from_str(&spec.job_info).map_err(|e| format!("invalid job_info: {e}"))?;
    let extra = info.get("extra_info").ok_or("job_info has no extra_info")?;
    let token = extra
        .get("token")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let net = object(extra, "be_network_map")?;
    let (be_map, paths) = (
        object(&info, "tablet_be_map")?,
        object(&info, "tablet_snapshot_path_map")?,
    );
    let mut out = Vec::new();
    for (table, obj) in object(&info, "backup_objects")? {
        if spec.local_name(table).is_none() {
            continue;
        }
        for (tablet, files) in tablet_files(obj) {
            let be = be_map
                .get(&tablet)
                .map(|v| v.to_string())
                .ok_or(format!("tablet {tablet} has no backend"))?;
            let addr = net
                .get(be.trim_matches('"'))
                .ok_or(format!("backend {be} not in be_network_map"))?;
            let ip = addr
                .get("ip")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let port = addr
                .get("port")
                .and_then(|p| p.as_i64().or_else(|| p.as_str()?.parse().ok()))
                .unwrap_or_default();
            let dir = paths
                .get(&tablet)
                .and_then(Value::as_str)
                .ok_or(format!("tablet {tablet} has no snapshot path"))?;
            let tablet_id: i64 = tablet
                .parse()
                .map_err(|_| format!("bad tablet id {tablet}"))?;
            for f in files.into_iter().filter(|f| f.ends_with(".dat")) {
                out.push(Download {
                    tablet_id,
                    ip: ip.clone(),
                    port,
                    url_path: format!("{dir}/{f}"),
                });
            }
        }
    }
    Ok((out, token))
}

/// `(tablet id text, file names)` of every tablet of one backed-up table in job_info.
fn tablet_files(obj: &Value) -> Vec<(String, Vec<String>)> {
    let sub = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let parts = sub(obj, "partitions").into_values();
    let idxs: Vec<Value> = parts
        .flat_map(|p| sub(&p, "indexes").into_values())
        .collect();
    idxs.iter()
        .flat_map(|i| sub(i, "tablets"))
        .map(|(t, files)| {
            let names = files
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect();
            (t, names)
        })
        .collect()
}
