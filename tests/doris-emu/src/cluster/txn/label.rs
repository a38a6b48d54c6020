//! Label dedup at beginTxn (protocol §7 "Dedup").

use super::{TxnManager, TxnStatus};

/// A label already held by a non-aborted txn: LABEL_ALREADY_EXISTS material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelUsed {
    /// The holder.
    pub txn_id: i64,
    /// `job_status` of the result: RUNNING / PRECOMMITTED / FINISHED.
    pub job_status: &'static str,
    /// "Label [L] has already been used, relate to txn [N]".
    pub msg: String,
}

impl TxnManager {
    /// Label check for a new txn: Ok(None) = free; Ok(Some(id)) = duplicate request of a
    /// PREPARE txn with the same request id (answer OK with it); Err = label in use.
    pub fn check_label(
        &self,
        db_id: i64,
        label: &str,
        request_id: Option<(i64, i64)>,
    ) -> Result<Option<i64>, LabelUsed> {
        let Some(ids) = self.labels.get(&(db_id, label.to_string())) else {
            return Ok(None);
        };
        let holder = ids
            .iter()
            .filter_map(|id| self.txns.get(id))
            .find(|t| t.status != TxnStatus::Aborted);
        let Some(t) = holder else { return Ok(None) };
        if t.status == TxnStatus::Prepare && request_id.is_some() && t.request_id == request_id {
            return Ok(Some(t.id));
        }
        let job_status = match t.status {
            TxnStatus::Prepare => "RUNNING",
            _ => "FINISHED",
        };
        Err(LabelUsed {
            txn_id: t.id,
            job_status,
            msg: format!(
                "Label [{label}] has already been used, relate to txn [{}]",
                t.id
            ),
        })
    }
}
