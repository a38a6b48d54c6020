//! beginTxn / commitTxn / rollbackTxn (protocol §3.1–§3.3).

use doris_thrift::frontend_service::{
    TBeginTxnRequest, TBeginTxnResult, TCommitTxnRequest, TCommitTxnResult, TRollbackTxnRequest,
    TRollbackTxnResult,
};
use doris_thrift::status::{TStatus, TStatusCode};

use super::status::{code, FeError, FeResult};
use super::{check_auth, err_status, ok_status, required, Creds};
use crate::cluster::txn::ops::PUBLISH_TIMEOUT_MSG;
use crate::cluster::txn::{BeginArgs, Begun, CommitOutcome};
use crate::cluster::Cluster;

/// `FrontendService.beginTxn`.
pub fn begin_txn(cluster: &Cluster, req: TBeginTxnRequest) -> TBeginTxnResult {
    let r = cluster.write(|w| -> FeResult<Begun> {
        let creds = Creds {
            user: req.user.as_deref(),
            passwd: req.passwd.as_deref(),
            token: req.token.as_deref(),
        };
        if creds.token.is_none_or(str::is_empty) {
            required(creds.user, "user")?;
            required(creds.passwd, "passwd")?;
        }
        let db = required(req.db.clone(), "db")?;
        let table_ids = required(req.table_ids.clone(), "table_ids")?;
        let label = required(req.label.clone(), "label")?;
        check_auth(w.state, &creds)?;
        let args = BeginArgs {
            db,
            table_ids,
            label,
            request_id: req.request_id.as_ref().map(|r| (r.hi, r.lo)),
            timeout_s: req.timeout,
            coordinator: format!(
                "BE: {}",
                req.user_ip.clone().unwrap_or_else(|| "127.0.0.1".into())
            ),
        };
        w.begin_txn(args)
    });
    match r {
        Ok(Begun::Txn { txn_id, db_id }) => TBeginTxnResult {
            status: Some(ok_status()),
            txn_id: Some(txn_id),
            db_id: Some(db_id),
            ..Default::default()
        },
        Ok(Begun::LabelUsed(u)) => TBeginTxnResult {
            status: Some(err_status(&FeError::new(code::LABEL_ALREADY_EXISTS, u.msg))),
            job_status: Some(u.job_status.to_string()),
            ..Default::default()
        },
        Err(e) => TBeginTxnResult {
            status: Some(err_status(&e)),
            ..Default::default()
        },
    }
}

/// `FrontendService.commitTxn`: commit and wait for publish; PUBLISH_TIMEOUT when the
/// publish is still pending (then the txn becomes VISIBLE shortly after).
pub fn commit_txn(cluster: &Cluster, req: TCommitTxnRequest) -> TCommitTxnResult {
    let r = cluster.write(|w| -> FeResult<CommitOutcome> {
        let creds = Creds {
            user: req.user.as_deref(),
            passwd: req.passwd.as_deref(),
            token: req.token.as_deref(),
        };
        check_auth(w.state, &creds)?;
        let db = match (req.db_id.filter(|d| *d > 0), req.db.as_deref()) {
            (Some(id), _) => w
                .state
                .dbs
                .get(&id)
                .map(|d| d.name.clone())
                .ok_or_else(|| FeError::analysis(format!("unknown database, database id={id}")))?,
            (None, Some(name)) => name.to_string(),
            (None, None) => return Err(FeError::analysis("db is not set")),
        };
        let txn_id = required(req.txn_id, "txn_id")?;
        if req.txn_insert == Some(true) {
            return Err(FeError::analysis(
                "txn insert (sub transactions) is not supported by the emulator",
            ));
        }
        let infos: Vec<(i64, i64)> = req
            .commit_infos
            .iter()
            .flatten()
            .map(|c| (c.tablet_id, c.backend_id))
            .collect();
        w.commit_txn(&db, txn_id, &infos)
    });
    let status = match r {
        Ok(CommitOutcome::Visible) => ok_status(),
        Ok(CommitOutcome::PublishPending) => TStatus {
            status_code: TStatusCode::PUBLISH_TIMEOUT,
            error_msgs: Some(vec![PUBLISH_TIMEOUT_MSG.to_string()]),
        },
        Err(e) => err_status(&e),
    };
    TCommitTxnResult {
        status: Some(status),
        master_address: None,
    }
}

/// `FrontendService.rollbackTxn`.
pub fn rollback_txn(cluster: &Cluster, req: TRollbackTxnRequest) -> TRollbackTxnResult {
    let r = cluster.write(|w| -> FeResult<()> {
        let creds = Creds {
            user: req.user.as_deref(),
            passwd: req.passwd.as_deref(),
            token: req.token.as_deref(),
        };
        check_auth(w.state, &creds)?;
        let db = match (req.db_id.filter(|d| *d > 0), req.db.as_deref()) {
            (Some(id), _) => w
                .state
                .dbs
                .get(&id)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            (None, Some(name)) => name.to_string(),
            (None, None) => return Err(FeError::analysis("db is not set")),
        };
        let txn_id = required(req.txn_id, "txn_id")?;
        w.rollback_txn(&db, txn_id, req.reason.clone())
    });
    TRollbackTxnResult {
        status: Some(super::to_tstatus(r)),
        master_address: None,
    }
}
