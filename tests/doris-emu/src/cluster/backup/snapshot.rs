//! Taking a snapshot: per-tablet files frozen at the partition's visible version, the
//! `meta` bytes (our own JSON of the table/view definitions) and the `job_info` JSON with
//! the exact keys the syncer reads (protocol §6).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{BackupJob, SNAPSHOT_KEEP_MS};
use crate::cluster::binlog::kind;
use crate::cluster::catalog::Table;
use crate::cluster::catalog_ops::{write_binlog, PendingBinlog};
use crate::cluster::journal::EntryMeta;
use crate::cluster::rowset::Rowset;
use crate::cluster::State;

/// The `meta` bytes of a snapshot (opaque to the syncer): full definitions of the backed-up
/// tables (only the backed-up partitions) and views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotMeta {
    /// OLAP tables.
    pub tables: Vec<Table>,
    /// Views.
    pub views: Vec<Table>,
}

/// One tablet's frozen data file (`<tablet>.dat`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TabletFile {
    /// Source tablet.
    pub tablet_id: i64,
    /// Partition visible version at snapshot time.
    pub version: i64,
    /// Rowsets with version ≤ `version`.
    pub rowsets: Vec<Rowset>,
}

/// A finished snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Snapshot name.
    pub name: String,
    /// Db id.
    pub db_id: i64,
    /// Expiry (ms).
    pub expire_at_ms: i64,
    /// `meta` bytes.
    pub meta: Vec<u8>,
    /// `job_info` JSON.
    pub job_info: Value,
    /// Files by full path (`<tablet_snapshot_path>/<file>`).
    pub files: BTreeMap<String, Arc<Vec<u8>>>,
}

/// The schema hash reported for an index (stable, positive).
pub fn schema_hash(index_id: i64, schema_version: i32) -> i64 {
    ((index_id.wrapping_mul(31) ^ i64::from(schema_version)) & 0x7fff_ffff).max(1)
}

/// Writes the BARRIER binlog of `table_id` and records its seq in the job.
pub(super) fn write_barrier(state: &mut State, job_id: i64, table_id: i64, meta: EntryMeta) {
    let Some(job) = state.backups.job(job_id) else {
        return;
    };
    let db_id = job.db_id;
    let Some(db) = state.dbs.get(&db_id) else {
        return;
    };
    let table_name = db
        .tables
        .get(&table_id)
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let data =
        json!({"dbId": db_id, "dbName": db.name, "tableId": table_id, "tableName": table_name});
    let b = PendingBinlog {
        kind: kind::BARRIER,
        db_id,
        table_ids: vec![table_id],
        data,
    };
    write_binlog(state, b, meta, &HashSet::new());
    if let Some(j) = state.backups.jobs.iter_mut().find(|j| j.job_id == job_id) {
        j.table_commit_seq_map.insert(table_id, meta.journal_id);
    }
}

/// Freezes the job's objects at their current visible versions.
pub(super) fn take(state: &State, job: &BackupJob, now_ms: i64) -> Snapshot {
    let mut tables = Vec::new();
    let mut views = Vec::new();
    let db = state.dbs.get(&job.db_id);
    for obj in &job.objects {
        let Some(t) = db.and_then(|d| d.tables.get(&obj.table_id)) else {
            continue;
        };
        if t.is_view() {
            views.push(t.clone());
            continue;
        }
        let mut t = t.clone();
        t.partitions.retain(|p| {
            !p.is_temp
                && (obj.partitions.is_empty()
                    || obj
                        .partitions
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(&p.name)))
        });
        tables.push(t);
    }
    let mut files = BTreeMap::new();
    let mut info = JobInfoBuilder::default();
    for t in &tables {
        info.add_table(state, job.job_id, t, &mut files);
    }
    let meta = SnapshotMeta { tables, views };
    let job_info = info.finish(job, &meta, now_ms);
    Snapshot {
        name: job.name.clone(),
        db_id: job.db_id,
        expire_at_ms: now_ms + SNAPSHOT_KEEP_MS,
        meta: serde_json::to_vec(&meta).unwrap_or_default(),
        job_info,
        files,
    }
}

#[derive(Default)]
struct JobInfoBuilder {
    objects: Map<String, Value>,
    tablet_be: Map<String, Value>,
    tablet_path: Map<String, Value>,
}

impl JobInfoBuilder {
    fn add_table(
        &mut self,
        state: &State,
        job_id: i64,
        t: &Table,
        files: &mut BTreeMap<String, Arc<Vec<u8>>>,
    ) {
        let mut parts = Map::new();
        for p in &t.partitions {
            let mut idxs = Map::new();
            for pi in &p.indexes {
                let Some(meta) = t.indexes.iter().find(|i| i.id == pi.index_id) else {
                    continue;
                };
                let hash = schema_hash(meta.id, meta.schema_version);
                let mut tablets = Map::new();
                for tablet in &pi.tablets {
                    let path = format!("/emu_snapshot/{job_id}/{}/{hash}", tablet.id);
                    let data = tablet_file(state, tablet.id, p.visible_version);
                    let names = [format!("{}.dat", tablet.id), format!("{}.hdr", tablet.id)];
                    let hdr = json!({"tablet_id": tablet.id, "version": p.visible_version, "schema_hash": hash});
                    files.insert(format!("{path}/{}", names[0]), Arc::new(data));
                    files.insert(
                        format!("{path}/{}", names[1]),
                        Arc::new(hdr.to_string().into_bytes()),
                    );
                    tablets.insert(tablet.id.to_string(), json!(names));
                    let be = tablet.replicas.first().map_or(-1, |r| r.backend_id);
                    self.tablet_be.insert(tablet.id.to_string(), json!(be));
                    self.tablet_path.insert(tablet.id.to_string(), json!(path));
                }
                let order: Vec<i64> = pi.tablets.iter().map(|t| t.id).collect();
                idxs.insert(
                    meta.name.clone(),
                    json!({"id": meta.id, "schema_hash": hash, "tablets": tablets, "tablets_order": order}),
                );
            }
            parts.insert(
                p.name.clone(),
                json!({"id": p.id, "version": p.visible_version, "indexes": idxs}),
            );
        }
        self.objects
            .insert(t.name.clone(), json!({"id": t.id, "partitions": parts}));
    }

    fn finish(self, job: &BackupJob, meta: &SnapshotMeta, now_ms: i64) -> Value {
        let views: Vec<Value> = meta
            .views
            .iter()
            .map(|v| json!({"id": v.id, "name": v.name}))
            .collect();
        let seqs: Map<String, Value> = job
            .table_commit_seq_map
            .iter()
            .map(|(t, s)| (t.to_string(), json!(s)))
            .collect();
        json!({
            "name": job.name,
            "database": job.db_name,
            "id": job.db_id,
            "backup_time": now_ms,
            "content": "ALL",
            "backup_objects": self.objects,
            "backup_tables_error_ignore": {},
            "new_backup_objects": {"views": views, "odbc_tables": [], "odbc_resources": []},
            "backup_result": "succeed",
            "meta_version": 129,
            "major_version": 2,
            "minor_version": 1,
            "patch_version": 0,
            "tablet_be_map": self.tablet_be,
            "tablet_snapshot_path_map": self.tablet_path,
            "table_commit_seq_map": seqs,
        })
    }
}

fn tablet_file(state: &State, tablet_id: i64, version: i64) -> Vec<u8> {
    let rowsets = state
        .tablets
        .get(&tablet_id)
        .map(|d| {
            d.rowsets
                .iter()
                .filter(|r| r.version <= version)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    serde_json::to_vec(&TabletFile {
        tablet_id,
        version,
        rowsets,
    })
    .unwrap_or_default()
}
