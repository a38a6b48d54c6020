//! What the BE HTTP server answers on `/api/_binlog/_download` (protocol §7): a rowset
//! binlog is served only while it is retained (binlog enabled on its table, not GC'd) and
//! its version is visible.

use crate::cluster::rowset::Rowset;
use crate::cluster::{Cluster, State};

/// An HTTP error answer: status code and body text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {msg}")]
pub struct HttpError {
    /// HTTP status (404 not found, 400 bad request, 401 bad token).
    pub status: u16,
    /// Body.
    pub msg: String,
}

fn not_found(msg: String) -> HttpError {
    HttpError { status: 404, msg }
}

/// The retained, visible rowset binlog of `tablet_id` at `version`.
fn binlog_rowset(s: &State, tablet_id: i64, version: i64) -> Result<&Rowset, HttpError> {
    let gone = || {
        not_found(format!(
            "binlog of tablet {tablet_id} version {version} not found"
        ))
    };
    let loc = s
        .tablet_loc(tablet_id)
        .ok_or_else(|| not_found(format!("tablet {tablet_id} not found")))?;
    let db = s.dbs.get(&loc.db_id).ok_or_else(gone)?;
    let table = db.tables.get(&loc.table_id).ok_or_else(gone)?;
    let visible = table
        .partition_by_id(loc.partition_id)
        .is_some_and(|p| p.visible_version >= version);
    let enabled = db.binlog_enabled() || table.binlog_enabled();
    if !visible || !enabled || !s.binlog.rowset_binlog_retained(loc.partition_id, version) {
        return Err(gone());
    }
    s.rowset(tablet_id, version).ok_or_else(gone)
}

/// `method=get_binlog_info`: `<rowset_id>:<num_segments>`.
pub fn binlog_info(cluster: &Cluster, tablet_id: i64, version: i64) -> Result<String, HttpError> {
    cluster.with_state(|s| {
        let r = binlog_rowset(s, tablet_id, version)?;
        Ok(format!("{}:{}", r.rowset_id, segments(r)))
    })
}

/// Segments a rowset is served with (an empty data rowset has none).
fn segments(r: &Rowset) -> u32 {
    if r.rows.is_empty() && r.delete.is_none() {
        0
    } else {
        1
    }
}

fn by_rowset_id<'a>(
    s: &'a State,
    tablet_id: i64,
    rowset_id: &str,
) -> Result<&'a Rowset, HttpError> {
    let t = s
        .tablets
        .get(&tablet_id)
        .ok_or_else(|| not_found(format!("tablet {tablet_id} not found")))?;
    // Newest first: downloads ask for recent rowsets, and a scan from the oldest made
    // every download O(versions of the tablet) (it dominated long replication benchmarks).
    let r = t
        .rowsets
        .iter()
        .rev()
        .find(|r| r.rowset_id == rowset_id)
        .ok_or_else(|| not_found(format!("rowset {rowset_id} not found")))?;
    binlog_rowset(s, tablet_id, r.version)
}

/// `method=get_rowset_meta`.
pub fn rowset_meta(
    cluster: &Cluster,
    tablet_id: i64,
    rowset_id: &str,
    version: i64,
) -> Result<Vec<u8>, HttpError> {
    cluster.with_state(|s| {
        let r = binlog_rowset(s, tablet_id, version)?;
        if r.rowset_id != rowset_id {
            return Err(not_found(format!("rowset {rowset_id} not found")));
        }
        Ok(r.to_meta_bytes())
    })
}

/// `method=get_segment_file` (segment 0 only exists).
pub fn segment_file(
    cluster: &Cluster,
    tablet_id: i64,
    rowset_id: &str,
    segment_index: i64,
) -> Result<Vec<u8>, HttpError> {
    cluster.with_state(|s| {
        let r = by_rowset_id(s, tablet_id, rowset_id)?;
        if segment_index != 0 || segments(r) == 0 {
            return Err(not_found(format!(
                "segment {segment_index} of rowset {rowset_id} not found"
            )));
        }
        Ok(r.to_segment_bytes())
    })
}

/// `/api/_tablet/_download?token=&file=`: a snapshot file; 401 on a wrong token, 404 when
/// the file (or its snapshot) is gone.
pub fn snapshot_file(cluster: &Cluster, token: &str, path: &str) -> Result<Vec<u8>, HttpError> {
    cluster.with_state(|s| {
        if token.is_empty() || token != s.token {
            return Err(HttpError {
                status: 401,
                msg: "invalid token".into(),
            });
        }
        s.backups
            .file(path)
            .map(|b| b.as_ref().clone())
            .ok_or_else(|| not_found(format!("file {path} not found")))
    })
}
