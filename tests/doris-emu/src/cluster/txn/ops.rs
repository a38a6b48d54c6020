//! beginTxn / commitTxn / rollbackTxn / publish / timeouts, run under the cluster lock
//! through a [`Writer`]; each checks like Doris, then journals a [`TxnOp`].

use std::collections::{BTreeMap, BTreeSet};

use super::label::LabelUsed;
use super::{StagedRowset, TxnOp, TxnStatus, DEFAULT_TIMEOUT_SECONDS};
use crate::cluster::fe_api::status::{code, FeError, FeResult};
use crate::cluster::{now_ms, JournalEntry, LoadRequest, Writer};

/// What beginTxn needs after field/auth checks.
#[derive(Debug, Clone, Default)]
pub struct BeginArgs {
    /// Db name.
    pub db: String,
    /// Tables.
    pub table_ids: Vec<i64>,
    /// Label.
    pub label: String,
    /// Request id (hi, lo).
    pub request_id: Option<(i64, i64)>,
    /// Timeout (s); None/≤0 → default.
    pub timeout_s: Option<i64>,
    /// Coordinator text.
    pub coordinator: String,
}

/// A begun (or duplicate-request) txn, or a label conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begun {
    /// OK.
    Txn {
        /// Txn id.
        txn_id: i64,
        /// Db id.
        db_id: i64,
    },
    /// LABEL_ALREADY_EXISTS.
    LabelUsed(LabelUsed),
}

/// Outcome of a successful commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitOutcome {
    /// Committed and visible.
    Visible,
    /// Committed; publish pending (PUBLISH_TIMEOUT).
    PublishPending,
}

/// "transaction commit successfully, BUT data will be visible later".
pub const PUBLISH_TIMEOUT_MSG: &str =
    "transaction commit successfully, BUT data will be visible later";

fn db_id_of(w: &Writer<'_>, db: &str) -> FeResult<i64> {
    w.state
        .db(db)
        .map(|d| d.id)
        .ok_or_else(|| FeError::analysis(format!("unknown database, database={db}")))
}

impl Writer<'_> {
    /// beginTxn after the field and auth checks (protocol §3.1, §7 dedup).
    pub fn begin_txn(&mut self, a: BeginArgs) -> FeResult<Begun> {
        let db_id = db_id_of(self, &a.db)?;
        for t in &a.table_ids {
            if self.state.table_by_id(db_id, *t).is_none() {
                return Err(FeError::analysis(format!("unknown table, tableId={t}")));
            }
        }
        match self.state.txns.check_label(db_id, &a.label, a.request_id) {
            Ok(Some(txn_id)) => return Ok(Begun::Txn { txn_id, db_id }),
            Err(used) => return Ok(Begun::LabelUsed(used)),
            Ok(None) => {}
        }
        let txn_id = self.state.alloc_id();
        let timeout_s = a
            .timeout_s
            .filter(|t| *t > 0)
            .unwrap_or(DEFAULT_TIMEOUT_SECONDS);
        let op = TxnOp::Begin {
            txn_id,
            db_id,
            label: a.label,
            table_ids: a.table_ids,
            request_id: a.request_id,
            timeout_ms: timeout_s * 1000,
            coordinator: a.coordinator,
            time_ms: now_ms(),
        };
        self.journal_txn(op)?;
        Ok(Begun::Txn { txn_id, db_id })
    }

    /// Stages an ingested rowset into a PREPARE txn (called by `ingest_binlog`).
    pub fn stage_rowset(&mut self, txn_id: i64, staged: StagedRowset) -> FeResult<()> {
        let txn = self
            .state
            .txns
            .get(txn_id)
            .ok_or_else(|| FeError::analysis(format!("transaction [{txn_id}] not found")))?;
        if txn.status != TxnStatus::Prepare {
            return Err(FeError::analysis(format!(
                "transaction [{txn_id}] is not in PREPARE state, current status: {}",
                txn.status.name()
            )));
        }
        self.journal_txn(TxnOp::Stage {
            txn_id,
            staged: Box::new(staged),
        })
    }

    /// commitTxn (protocol §3.2): validate, journal COMMITTED, publish.
    pub fn commit_txn(
        &mut self,
        db: &str,
        txn_id: i64,
        infos: &[(i64, i64)],
    ) -> FeResult<CommitOutcome> {
        let db_id = db_id_of(self, db)?;
        self.abort_if_expired(txn_id, now_ms())?;
        let txn = self.state.txns.get_in_db(db_id, txn_id)?.clone();
        match txn.status {
            TxnStatus::Visible => return Ok(CommitOutcome::Visible),
            TxnStatus::Committed => return Ok(CommitOutcome::PublishPending),
            TxnStatus::Aborted => {
                return Err(FeError::analysis(format!(
                    "transaction [{txn_id}] is already aborted, abort reason: {}",
                    txn.reason
                )))
            }
            TxnStatus::Prepare => {}
        }
        for t in &txn.table_ids {
            if self.state.table_by_id(db_id, *t).is_none() {
                return Err(FeError::analysis(format!("unknown table, tableId={t}")));
            }
        }
        self.check_quorum(&txn, infos)?;
        let op = TxnOp::Commit {
            txn_id,
            commit_infos: infos.to_vec(),
            time_ms: now_ms(),
        };
        self.journal_txn(op)?;
        if self.state.txns.publish_timeout_faults > 0 {
            self.state.txns.publish_timeout_faults -= 1;
            return Ok(CommitOutcome::PublishPending);
        }
        self.publish_txn(txn_id)?;
        tracing::info!(txn_id, label = %txn.label, "remote txn committed and visible");
        Ok(CommitOutcome::Visible)
    }

    /// Every commit info must be staged; every tablet of each touched partition must reach
    /// a replica quorum (Doris' TabletQuorumFailedException otherwise).
    fn check_quorum(&self, txn: &super::Txn, infos: &[(i64, i64)]) -> FeResult<()> {
        let mut partitions = BTreeSet::new();
        for (tablet, backend) in infos {
            if !txn.staged.contains_key(&(*tablet, *backend)) {
                return Err(FeError::analysis(format!(
                    "Failed to commit txn {}. Tablet [{tablet}] on backend [{backend}] has no ingested data",
                    txn.id
                )));
            }
            if let Some(loc) = self.state.tablet_loc(*tablet) {
                partitions.insert((loc.table_id, loc.partition_id));
            }
        }
        let committed: BTreeSet<(i64, i64)> = infos.iter().copied().collect();
        for (table_id, pid) in partitions {
            let Some(p) = self
                .state
                .table_by_id(txn.db_id, table_id)
                .and_then(|t| t.partition_by_id(pid))
            else {
                continue;
            };
            for tablet in p.indexes.iter().flat_map(|i| &i.tablets) {
                let ok = tablet
                    .replicas
                    .iter()
                    .filter(|r| committed.contains(&(tablet.id, r.backend_id)))
                    .count();
                let quorum = tablet.replicas.len() / 2 + 1;
                if ok < quorum {
                    return Err(FeError::analysis(format!(
                        "Failed to commit txn {}. Tablet [{}] has few replicas: success replica num {ok} is less than quorum replica num {quorum}",
                        txn.id, tablet.id
                    )));
                }
            }
        }
        Ok(())
    }

    /// Publishes a COMMITTED txn through core's load path (one rowset per committed tablet).
    pub fn publish_txn(&mut self, txn_id: i64) -> FeResult<()> {
        let Some(txn) = self
            .state
            .txns
            .get(txn_id)
            .filter(|t| t.status == TxnStatus::Committed)
        else {
            return Ok(());
        };
        let mut by_tablet = BTreeMap::new();
        for key in &txn.commit_infos {
            if let Some(s) = txn.staged.get(key) {
                by_tablet
                    .entry(s.tablet_id)
                    .or_insert_with(|| s.rowset.clone());
            }
        }
        let partitions: BTreeSet<i64> = txn.staged.values().map(|s| s.partition_id).collect();
        let req = LoadRequest {
            db_id: txn.db_id,
            txn_id,
            label: txn.label.clone(),
            rowsets: by_tablet
                .into_values()
                .filter(|r| self.state.tablets.contains_key(&r.tablet_id))
                .collect(),
            partitions: partitions.into_iter().collect(),
        };
        match self.publish_load(req) {
            Ok(_) => Ok(()),
            Err(e) => {
                // The table/partition went away between commit and publish: nothing to show.
                let reason = format!("publish failed: {e}");
                self.journal_txn(TxnOp::Abort {
                    txn_id,
                    reason,
                    time_ms: now_ms(),
                })
            }
        }
    }

    /// rollbackTxn (protocol §3.3).
    pub fn rollback_txn(&mut self, db: &str, txn_id: i64, reason: Option<String>) -> FeResult<()> {
        let db_id = db_id_of(self, db)?;
        let txn = self.state.txns.get_in_db(db_id, txn_id)?;
        match txn.status {
            TxnStatus::Aborted => Err(FeError::analysis(format!(
                "transaction [{txn_id}] is already aborted, abort reason: {}",
                txn.reason
            ))),
            TxnStatus::Committed | TxnStatus::Visible => Err(FeError::analysis(format!(
                "transaction [{txn_id}] is already {}, could not abort",
                txn.status.name()
            ))),
            TxnStatus::Prepare => {
                let reason = reason
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| "system cancel".into());
                self.journal_txn(TxnOp::Abort {
                    txn_id,
                    reason,
                    time_ms: now_ms(),
                })
            }
        }
    }

    /// Periodic txn work: abort expired PREPARE txns, publish pending COMMITTED ones.
    pub fn txn_tick(&mut self, now: i64) {
        for txn_id in self.state.txns.expired(now) {
            let _ = self.abort_if_expired(txn_id, now);
        }
        for txn_id in self.state.txns.committed() {
            if let Err(e) = self.publish_txn(txn_id) {
                tracing::warn!(txn_id, error = %e, "publish of committed txn failed");
            }
        }
    }

    fn abort_if_expired(&mut self, txn_id: i64, now: i64) -> FeResult<()> {
        let expired = self.state.txns.get(txn_id).is_some_and(|t| {
            t.status == TxnStatus::Prepare && now > t.prepare_time_ms + t.timeout_ms
        });
        if expired {
            let reason = "timeout by txn manager".to_string();
            self.journal_txn(TxnOp::Abort {
                txn_id,
                reason,
                time_ms: now,
            })?;
        }
        Ok(())
    }

    fn journal_txn(&mut self, op: TxnOp) -> FeResult<()> {
        self.commit(JournalEntry::Txn(op))
            .map(|_| ())
            .map_err(|e| FeError::new(code::INTERNAL_ERROR, e.to_string()))
    }
}
