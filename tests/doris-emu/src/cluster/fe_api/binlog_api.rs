//! getBinlog / getBinlogLag (protocol §3.4–§3.6, §4).

use doris_thrift::frontend_service::{
    TBinlog, TBinlogType, TGetBinlogLagResult, TGetBinlogRequest, TGetBinlogResult,
};
use doris_thrift::status::{TStatus, TStatusCode};

use super::status::{FeError, FeResult};
use super::{check_auth, db_id, err_status, required, Creds};
use crate::cluster::binlog::GotBinlog;
use crate::cluster::{Cluster, State};

/// Resolves (db id, table id) of a getBinlog request: `table_id` if set, else the `table`
/// name (must be an OLAP table), else db level.
fn resolve(s: &State, req: &TGetBinlogRequest) -> FeResult<(i64, Option<i64>, i64)> {
    check_auth(
        s,
        &Creds {
            user: req.user.as_deref(),
            passwd: req.passwd.as_deref(),
            token: req.token.as_deref(),
        },
    )?;
    let db = required(req.db.as_deref(), "db")?;
    let prev = required(req.prev_commit_seq, "prev_commit_seq")?;
    let db_id = db_id(s, db)?;
    let table = match (
        req.table_id.filter(|t| *t > 0),
        req.table.as_deref().filter(|t| !t.is_empty()),
    ) {
        (Some(id), _) => Some(id),
        (None, Some(name)) => {
            let t = s
                .dbs
                .get(&db_id)
                .and_then(|d| d.table(name))
                .filter(|t| !t.is_view());
            Some(
                t.map(|t| t.id)
                    .ok_or_else(|| FeError::analysis(format!("unknown table, table={name}")))?,
            )
        }
        (None, None) => None,
    };
    Ok((db_id, table, prev))
}

fn to_tbinlog(b: GotBinlog) -> TBinlog {
    let e = b.entry;
    let is_dummy = b.belong.is_some();
    TBinlog {
        commit_seq: Some(e.commit_seq),
        timestamp: Some(e.timestamp_ms),
        type_: Some(TBinlogType(e.kind)),
        db_id: Some(e.db_id),
        table_ids: (!e.table_ids.is_empty()).then_some(e.table_ids),
        data: (!is_dummy).then_some(e.data),
        belong: b.belong,
        table_ref: None,
        remove_enable_cache: matches!(e.kind, 8 | 9).then_some(true),
    }
}

/// `FrontendService.getBinlog`.
pub fn get_binlog(cluster: &Cluster, req: TGetBinlogRequest) -> TGetBinlogResult {
    let r = cluster.with_state(|s| {
        let (db, table, prev) = resolve(s, &req)?;
        s.binlog.get(db, table, prev, req.num_acquired)
    });
    match r {
        Ok((code, binlogs)) => TGetBinlogResult {
            status: Some(TStatus {
                status_code: TStatusCode(code),
                error_msgs: None,
            }),
            binlogs: (!binlogs.is_empty()).then(|| binlogs.into_iter().map(to_tbinlog).collect()),
            ..Default::default()
        },
        Err(e) => TGetBinlogResult {
            status: Some(err_status(&e)),
            ..Default::default()
        },
    }
}

/// `FrontendService.getBinlogLag`.
pub fn get_binlog_lag(cluster: &Cluster, req: TGetBinlogRequest) -> TGetBinlogLagResult {
    let r = cluster.with_state(|s| {
        let (db, table, prev) = resolve(s, &req)?;
        s.binlog.lag(db, table, prev)
    });
    match r {
        Ok(l) => TGetBinlogLagResult {
            status: Some(super::ok_status()),
            lag: Some(l.lag),
            first_commit_seq: Some(l.first_commit_seq),
            last_commit_seq: Some(l.last_commit_seq),
            first_binlog_timestamp: Some(l.first_binlog_timestamp),
            last_binlog_timestamp: Some(l.last_binlog_timestamp),
            next_commit_seq: l.next_commit_seq,
            next_binlog_timestamp: l.next_binlog_timestamp,
            master_address: None,
        },
        Err(e) => TGetBinlogLagResult {
            status: Some(err_status(&e)),
            ..Default::default()
        },
    }
}
