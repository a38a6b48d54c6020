//! Load transactions driven over Thrift by the syncer (protocol §3.1–§3.3, §7): begin with
//! label dedup, per-tablet staged rowsets from `ingest_binlog`, commit (validated, then
//! published through core's load path), rollback, timeouts, SHOW TRANSACTION.
//!
//! Every state change is a [`TxnOp`] that the cluster journals and applies with
//! [`TxnManager::apply`]; run-time checks happen before the op is written.

mod label;
pub mod ops;
pub(crate) mod show;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::fe_api::status::{FeError, FeResult};
use super::rowset::Rowset;

pub use label::LabelUsed;
pub use ops::{BeginArgs, Begun, CommitOutcome};
pub use show::show_transaction_columns;

/// Journal hook: core's `Load` entry for `txn_id` was applied (data visible).
pub fn on_load_applied(state: &mut super::State, txn_id: i64, meta: super::EntryMeta) {
    state.txns.mark_visible(txn_id, meta.ts_ms);
}

/// Default txn timeout when beginTxn does not set one (seconds).
pub const DEFAULT_TIMEOUT_SECONDS: i64 = 300;

/// Transaction status as SHOW TRANSACTION prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnStatus {
    /// Begun, accepting ingests.
    Prepare,
    /// Committed, publish pending.
    Committed,
    /// Published: data visible.
    Visible,
    /// Rolled back or timed out.
    Aborted,
}

impl TxnStatus {
    /// Doris name.
    pub fn name(self) -> &'static str {
        match self {
            TxnStatus::Prepare => "PREPARE",
            TxnStatus::Committed => "COMMITTED",
            TxnStatus::Visible => "VISIBLE",
            TxnStatus::Aborted => "ABORTED",
        }
    }
}

/// A rowset ingested into a txn for one local tablet replica.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedRowset {
    /// Local tablet.
    pub tablet_id: i64,
    /// Local backend that ingested it.
    pub backend_id: i64,
    /// Local partition.
    pub partition_id: i64,
    /// The data (version is assigned at publish).
    pub rowset: Rowset,
}

/// One transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Txn {
    /// Txn id.
    pub id: i64,
    /// Database id.
    pub db_id: i64,
    /// Label.
    pub label: String,
    /// Tables the txn may load.
    pub table_ids: Vec<i64>,
    /// Client request id (hi, lo), for duplicate-begin detection.
    pub request_id: Option<(i64, i64)>,
    /// Status.
    pub status: TxnStatus,
    /// Coordinator text ("BE: <ip>").
    pub coordinator: String,
    /// Times (ms; -1 = not reached).
    pub prepare_time_ms: i64,
    /// Commit time.
    pub commit_time_ms: i64,
    /// Publish (visible) time.
    pub publish_time_ms: i64,
    /// Finish time (visible or aborted).
    pub finish_time_ms: i64,
    /// Abort reason.
    pub reason: String,
    /// Timeout (ms).
    pub timeout_ms: i64,
    /// Staged rowsets by (tablet, backend).
    pub staged: BTreeMap<(i64, i64), StagedRowset>,
    /// (tablet, backend) pairs named by the commit.
    pub commit_infos: Vec<(i64, i64)>,
}

/// A journaled transaction state change. (VISIBLE is not an op: core's `Load` entry that
/// publishes the data marks the txn visible through [`on_load_applied`], atomically.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "txn_op")]
pub enum TxnOp {
    /// beginTxn accepted.
    Begin {
        /// New txn id (allocated by the cluster's id allocator).
        txn_id: i64,
        /// Db.
        db_id: i64,
        /// Label.
        label: String,
        /// Tables.
        table_ids: Vec<i64>,
        /// Request id.
        request_id: Option<(i64, i64)>,
        /// Timeout ms.
        timeout_ms: i64,
        /// Coordinator text.
        coordinator: String,
        /// Now.
        time_ms: i64,
    },
    /// A tablet replica ingested its rowset.
    Stage {
        /// Txn.
        txn_id: i64,
        /// What was staged.
        staged: Box<StagedRowset>,
    },
    /// commitTxn validated: COMMITTED.
    Commit {
        /// Txn.
        txn_id: i64,
        /// Commit infos (tablet, backend).
        commit_infos: Vec<(i64, i64)>,
        /// Now.
        time_ms: i64,
    },
    /// rollbackTxn or timeout.
    Abort {
        /// Txn.
        txn_id: i64,
        /// Reason.
        reason: String,
        /// Now.
        time_ms: i64,
    },
}

/// All transactions of the FE.
#[derive(Debug, Clone, Default)]
pub struct TxnManager {
    txns: BTreeMap<i64, Txn>,
    /// (db id, label) → txn ids that used it.
    labels: HashMap<(i64, String), Vec<i64>>,
    /// Test hook: this many next commits answer PUBLISH_TIMEOUT and publish later.
    pub publish_timeout_faults: u32,
}

impl TxnManager {
    /// An empty manager.
    pub fn new() -> Self {
        Self::default()
    }

    /// A txn by id.
    pub fn get(&self, txn_id: i64) -> Option<&Txn> {
        self.txns.get(&txn_id)
    }

    /// A txn of `db_id` by id, with Doris' not-found message.
    pub fn get_in_db(&self, db_id: i64, txn_id: i64) -> FeResult<&Txn> {
        self.txns
            .get(&txn_id)
            .filter(|t| t.db_id == db_id)
            .ok_or_else(|| FeError::analysis(format!("transaction [{txn_id}] not found")))
    }

    /// Txns in PREPARE whose timeout elapsed at `now_ms` (to be aborted by the caller).
    pub fn expired(&self, now_ms: i64) -> Vec<i64> {
        self.txns
            .values()
            .filter(|t| t.status == TxnStatus::Prepare && now_ms > t.prepare_time_ms + t.timeout_ms)
            .map(|t| t.id)
            .collect()
    }

    /// COMMITTED txns (publish pending).
    pub fn committed(&self) -> Vec<i64> {
        self.txns
            .values()
            .filter(|t| t.status == TxnStatus::Committed)
            .map(|t| t.id)
            .collect()
    }

    /// Applies a journaled op (deterministic). Publishing data for `Visible` is the
    /// caller's job (it needs the catalog); this only records the status.
    pub fn apply(&mut self, op: &TxnOp) {
        match op {
            TxnOp::Begin { .. } => self.begin(op),
            TxnOp::Stage { txn_id, staged } => {
                if let Some(t) = self.txns.get_mut(txn_id) {
                    t.staged
                        .insert((staged.tablet_id, staged.backend_id), (**staged).clone());
                }
            }
            TxnOp::Commit {
                txn_id,
                commit_infos,
                time_ms,
            } => self.set(*txn_id, |t| {
                t.status = TxnStatus::Committed;
                t.commit_infos = commit_infos.clone();
                t.commit_time_ms = *time_ms;
            }),
            TxnOp::Abort {
                txn_id,
                reason,
                time_ms,
            } => self.set(*txn_id, |t| {
                t.status = TxnStatus::Aborted;
                t.reason = reason.clone();
                t.finish_time_ms = *time_ms;
                t.staged.clear();
            }),
        }
    }

    fn begin(&mut self, op: &TxnOp) {
        let TxnOp::Begin {
            txn_id,
            db_id,
            label,
            table_ids,
            request_id,
            timeout_ms,
            coordinator,
            time_ms,
        } = op
        else {
            return;
        };
        let txn = Txn {
            id: *txn_id,
            db_id: *db_id,
            label: label.clone(),
            table_ids: table_ids.clone(),
            request_id: *request_id,
            status: TxnStatus::Prepare,
            coordinator: coordinator.clone(),
            prepare_time_ms: *time_ms,
            commit_time_ms: -1,
            publish_time_ms: -1,
            finish_time_ms: -1,
            reason: String::new(),
            timeout_ms: *timeout_ms,
            staged: BTreeMap::new(),
            commit_infos: Vec::new(),
        };
        self.labels
            .entry((*db_id, label.clone()))
            .or_default()
            .push(*txn_id);
        self.txns.insert(*txn_id, txn);
    }

    /// Marks a COMMITTED txn VISIBLE (its data was just published) and frees staged data.
    pub fn mark_visible(&mut self, txn_id: i64, time_ms: i64) {
        self.set(txn_id, |t| {
            if t.status == TxnStatus::Committed {
                t.status = TxnStatus::Visible;
                t.publish_time_ms = time_ms;
                t.finish_time_ms = time_ms;
                t.staged.clear();
            }
        });
    }

    fn set(&mut self, txn_id: i64, f: impl FnOnce(&mut Txn)) {
        if let Some(t) = self.txns.get_mut(&txn_id) {
            f(t);
        }
    }
}
