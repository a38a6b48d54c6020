//! UPSERT replay: begin a target txn under a deterministic label, ingest every tablet,
//! commit.
//!
//! # Why a crash at any point loses no row and doubles none
//!
//! The label is a pure function of (job, ids, commit seq) and a label stays taken by any
//! non-aborted txn; the binlog counts as applied (`prev_commit_seq`) only after the
//! commit is known. A restart re-fetches the binlog after `prev_commit_seq` and replays:
//!
//! * before beginTxn: nothing happened on the target; the replay begins afresh.
//! * after beginTxn, before or during ingest, before commit: the txn is PREPARE; the
//!   replay's beginTxn gets LABEL_ALREADY_EXISTS with a RUNNING job, rolls that txn back
//!   (its rowsets are discarded) and begins again: the data lands once.
//! * commitTxn sent, outcome unknown (crash, lost reply): the txn is either still
//!   PREPARE (handled above), COMMITTED/VISIBLE (the replay sees FINISHED and skips the
//!   data: no double apply) or ABORTED (the label is free again: applied afresh).
//! * after commit, before the Done checkpoint: as above, FINISHED ⇒ skipped.
//!
//! In-process, an unknown commit outcome is resolved by polling SHOW TRANSACTION until
//! VISIBLE or ABORTED (bounded); ABORTED or a still-PREPARE txn ⇒ rollback and retry.
//! The txn id is checkpointed (IngestBinlog, CommitTransaction) for operators and so a
//! restart knows a txn was in flight; correctness rests on the label alone. The
//! CommitTransaction checkpoint also fences: a runner that lost the job cannot save it,
//! so it never commits behind the new owner's back.

use std::time::{Duration, Instant};

use doris_thrift::frontend_service::{TBeginTxnRequest, TCommitTxnRequest, TRollbackTxnRequest};
use doris_thrift::status::TStatusCode;
use doris_thrift::types::TTabletCommitInfo;
use serde::{Deserialize, Serialize};

use crate::doris::fe::{BeginTxn, LabelJobStatus};
use crate::doris::{quote_ident, DorisError, ErrorClass};
use crate::engine::backoff::Backoff;
use crate::engine::context::JobCtx;
use crate::engine::error::{doris_err, EngineError, EngineResult};
use crate::engine::ingest::{self, Target};
use crate::engine::meta::table_name_by_id;
use crate::engine::records::UpsertRecord;
use crate::job::{txn_label, LabelIds, PersistData, Progress, SubSyncState};

/// In-flight txn, persisted in `progress.data` during IngestBinlog / CommitTransaction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TxnData {
    /// Binlog being applied.
    pub commit_seq: i64,
    /// Target txn id.
    pub txn_id: i64,
    /// Its label.
    pub label: String,
    /// Target tables written.
    pub dest_table_ids: Vec<i64>,
    /// Number of tablet replicas ingested (CommitTransaction).
    #[serde(default)]
    pub commit_infos: usize,
}

/// Replays UPSERT `r` (binlog `p.commit_seq`). Ok = applied now or before.
pub async fn apply(ctx: &JobCtx, p: &mut Progress, r: &UpsertRecord) -> EngineResult<()> {
    let targets = select_targets(ctx, p, r).await?;
    if targets.is_empty() {
        return Ok(());
    }
    let label = label_for(ctx, p.commit_seq, &targets).await?;
    let dest_ids: Vec<i64> = targets.iter().map(|t| t.dest_id).collect();
    let Some(txn_id) = begin(ctx, &label, &dest_ids).await? else {
        tracing::info!(job = %ctx.spec.name, seq = p.commit_seq, %label, "already applied");
        return Ok(());
    };
    tracing::debug!(job = %ctx.spec.name, seq = p.commit_seq, txn_id, "txn begun");
    let mut data = TxnData {
        commit_seq: p.commit_seq,
        txn_id,
        label,
        dest_table_ids: dest_ids,
        commit_infos: 0,
    };
    checkpoint(ctx, p, SubSyncState::IngestBinlog, &data).await?;
    let shadow = ctx.options.upsert_shadow_filter(&p.shadow_index_map);
    let (infos, stats) = match ingest::ingest_all(ctx, txn_id, &targets, &shadow).await {
        Ok(ingested) => ingested,
        Err(e) => {
            // Target ids may be stale (table replaced or recreated): resolve them again.
            if let Some(m) = p.table_mapping.as_mut() {
                targets.iter().for_each(|t| {
                    m.remove(&t.src_id);
                });
            }
            ctx.meta.invalidate_dest_tables();
            return Err(abort(ctx, txn_id, e).await);
        }
    };
    data.commit_infos = infos.len();
    checkpoint(ctx, p, SubSyncState::CommitTransaction, &data).await?;
    commit(ctx, txn_id, infos).await?;
    stats.committed();
    if let Some(m) = ctx.status.metrics() {
        m.tablets_ingested(data.commit_infos as u64);
    }
    Ok(())
}

async fn checkpoint(
    ctx: &JobCtx,
    p: &mut Progress,
    sub: SubSyncState,
    d: &TxnData,
) -> EngineResult<()> {
    let data = PersistData::from_value(d).map_err(|e| EngineError::fatal(e.to_string()))?;
    p.next_sub(sub, data);
    ctx.save(p).await
}

/// Rolls back after a failed step (not when cancelled/fenced: Doris is left alone then,
/// and the next owner's replay rolls the txn back through the label).
async fn abort(ctx: &JobCtx, txn_id: i64, e: EngineError) -> EngineError {
    if matches!(e, EngineError::Retryable(_) | EngineError::Fatal(_)) {
        if let Err(re) = rollback(ctx, txn_id).await {
            tracing::warn!(job = %ctx.spec.name, txn_id, error = %re, "rollback failed");
        }
    }
    e
}

/// The table records this job replicates, with their target table ids.
async fn select_targets(
    ctx: &JobCtx,
    p: &mut Progress,
    r: &UpsertRecord,
) -> EngineResult<Vec<Target>> {
    if ctx.is_table() {
        let src_id = ctx.src_table_id().await?;
        let Some(rec) = r.table_records.get(&src_id) else {
            return Ok(Vec::new());
        };
        let dest_id = dest_id_of(ctx, p, src_id, Some(ctx.spec.dest.table.clone())).await?;
        return Ok(vec![Target {
            src_id,
            dest_id,
            record: rec.clone(),
        }]);
    }
    db_targets(ctx, p, r).await
}

/// Db jobs: every table record not already contained in the last snapshot.
async fn db_targets(ctx: &JobCtx, p: &mut Progress, r: &UpsertRecord) -> EngineResult<Vec<Target>> {
    let mut out = Vec::new();
    for (src_id, rec) in &r.table_records {
        let seqs = p.table_commit_seq_map.as_ref();
        if seqs
            .and_then(|m| m.get(src_id))
            .is_some_and(|s| p.commit_seq <= *s)
        {
            continue;
        }
        let mapped = p
            .table_mapping
            .as_ref()
            .and_then(|m| m.get(src_id))
            .copied();
        let dest_id = match mapped {
            Some(id) => id,
            None => {
                let Some(name) = ctx.guard(table_name_by_id(&ctx.src.sql, *src_id)).await? else {
                    continue; // dropped on the source since: nothing to replicate
                };
                dest_id_of(ctx, p, *src_id, Some(name)).await?
            }
        };
        out.push(Target {
            src_id: *src_id,
            dest_id,
            record: rec.clone(),
        });
    }
    Ok(out)
}

/// Target table id from `table_mapping`, else by name (then remembered).
async fn dest_id_of(
    ctx: &JobCtx,
    p: &mut Progress,
    src_id: i64,
    name: Option<String>,
) -> EngineResult<i64> {
    if let Some(id) = p.table_mapping.as_ref().and_then(|m| m.get(&src_id)) {
        return Ok(*id);
    }
    let name = name.unwrap_or_default();
    let id = ctx.guard(ctx.dest_table_id(&name)).await?.ok_or_else(|| {
        EngineError::fatal(format!(
            "target table {name:?} (source id {src_id}) does not exist"
        ))
    })?;
    p.table_mapping
        .get_or_insert_with(Default::default)
        .insert(src_id, id);
    Ok(id)
}

async fn label_for(ctx: &JobCtx, seq: i64, targets: &[Target]) -> EngineResult<String> {
    let (src_table, dest_table) = match (ctx.is_table(), targets.first()) {
        (true, Some(t)) => (t.src_id, t.dest_id),
        _ => (0, 0),
    };
    let ids = LabelIds {
        src_db: ctx.src_db_id().await?,
        src_table,
        dest_db: ctx.dest_db_id().await?,
        dest_table,
    };
    Ok(txn_label(&ctx.spec.name, ctx.sync_type(), ids, seq))
}

/// beginTxn; `None` when the label's txn is already committed (data applied before).
async fn begin(ctx: &JobCtx, label: &str, dest_ids: &[i64]) -> EngineResult<Option<i64>> {
    for _ in 0..4 {
        let req = TBeginTxnRequest {
            table_ids: Some(dest_ids.to_vec()),
            label: Some(label.to_string()),
            ..Default::default()
        };
        let res = ctx
            .guard(async { Ok(ctx.dest.fe.begin_txn(req).await) })
            .await?;
        let holder = match res {
            Ok(BeginTxn::Started { txn_id }) => return Ok(Some(txn_id)),
            Ok(BeginTxn::LabelExists {
                txn_id,
                job_status,
                message,
            }) => holder_state(ctx, txn_id, job_status, &message).await?,
            // A txn may have begun without us learning its id: the retry finds it by label.
            Err(e @ DorisError::BadReply { .. }) => {
                return Err(EngineError::retry(format!("beginTxn: {e}")))
            }
            Err(e) => return Err(EngineError::doris("beginTxn", e)),
        };
        match holder {
            Holder::Committed => return Ok(None),
            Holder::Uncommitted(txn) => {
                tracing::info!(job = %ctx.spec.name, txn, "rolling back a prepared leftover txn");
                rollback(ctx, txn).await?;
            }
            Holder::Unknown => ctx.sleep(Duration::from_millis(50)).await?,
        }
    }
    Err(EngineError::retry(format!("label {label} stays in use")))
}

/// What the txn holding a label is, for [`begin`].
enum Holder {
    /// COMMITTED/VISIBLE: the data is applied.
    Committed,
    /// PREPARE/PRECOMMITTED leftover with this id.
    Uncommitted(i64),
    /// Neither (e.g. aborting right now): ask again.
    Unknown,
}

/// The holder's state from `job_status`; SHOW TRANSACTION only when the FE omitted it
/// (or sent a value this syncer does not know).
async fn holder_state(
    ctx: &JobCtx,
    txn: Option<i64>,
    job_status: Option<LabelJobStatus>,
    message: &str,
) -> EngineResult<Holder> {
    if job_status
        .as_ref()
        .is_some_and(LabelJobStatus::is_committed)
    {
        return Ok(Holder::Committed);
    }
    let txn = txn.ok_or_else(|| EngineError::retry(format!("beginTxn: {message}")))?;
    if job_status
        .as_ref()
        .is_some_and(LabelJobStatus::is_uncommitted)
    {
        return Ok(Holder::Uncommitted(txn));
    }
    Ok(match txn_status(ctx, txn).await?.as_deref() {
        Some("VISIBLE") | Some("COMMITTED") => Holder::Committed,
        Some("PREPARE") | Some("PRECOMMITTED") => Holder::Uncommitted(txn),
        _ => Holder::Unknown,
    })
}

/// `SHOW TRANSACTION FROM db WHERE id = N` → TransactionStatus.
async fn txn_status(ctx: &JobCtx, txn: i64) -> EngineResult<Option<String>> {
    let db = quote_ident(&ctx.spec.dest.database).map_err(doris_err("db name"))?;
    let sql = format!("SHOW TRANSACTION FROM {db} WHERE id = {txn}");
    let rows = ctx
        .guard(async {
            ctx.dest
                .sql
                .query(&sql)
                .await
                .map_err(doris_err("SHOW TRANSACTION"))
        })
        .await?;
    Ok(rows
        .first()
        .and_then(|r| r.get_opt("TransactionStatus"))
        .map(str::to_ascii_uppercase))
}

async fn rollback(ctx: &JobCtx, txn_id: i64) -> EngineResult<()> {
    let req = TRollbackTxnRequest {
        txn_id: Some(txn_id),
        reason: Some("ccr syncer: replay aborted".into()),
        ..Default::default()
    };
    match ctx
        .guard(async { Ok(ctx.dest.fe.rollback_txn(req).await) })
        .await?
    {
        Ok(_) => Ok(()),
        Err(e) if e.message_contains("not found") || e.message_contains("already aborted") => {
            Ok(())
        }
        Err(e) => Err(EngineError::doris("rollbackTxn", e)),
    }
}

/// commitTxn; an unknown outcome or PUBLISH_TIMEOUT is resolved via SHOW TRANSACTION.
async fn commit(ctx: &JobCtx, txn_id: i64, infos: Vec<TTabletCommitInfo>) -> EngineResult<()> {
    let req = TCommitTxnRequest {
        txn_id: Some(txn_id),
        commit_infos: Some(infos),
        ..Default::default()
    };
    let res = ctx
        .guard(async { Ok(ctx.dest.fe.commit_txn(req).await) })
        .await?;
    // How long a still-PREPARE txn may be a commit in flight: only when no reply came.
    let grace = match res {
        Ok(r)
            if r.status
                .as_ref()
                .is_some_and(|s| s.status_code == TStatusCode::PUBLISH_TIMEOUT) =>
        {
            Duration::ZERO
        }
        Ok(_) => return Ok(()),
        Err(DorisError::NoReply { .. }) => Duration::from_secs(5),
        Err(e)
            if e.class() == ErrorClass::OutcomeUnknown
                || e.message_contains("is already COMMITTED") =>
        {
            Duration::ZERO
        }
        Err(e) => return Err(abort(ctx, txn_id, EngineError::doris("commitTxn", e)).await),
    };
    wait_visible(ctx, txn_id, grace).await
}

/// Polls until the txn is VISIBLE (Ok) or ABORTED / stuck PREPARE (retryable error: the
/// binlog is replayed under the same label); bounded by `visible_timeout`.
async fn wait_visible(ctx: &JobCtx, txn_id: i64, grace: Duration) -> EngineResult<()> {
    let started = Instant::now();
    let mut backoff = Backoff::new(Duration::from_millis(20), Duration::from_secs(1));
    loop {
        match txn_status(ctx, txn_id).await {
            Ok(Some(s)) if s == "VISIBLE" => return Ok(()),
            Ok(Some(s)) if s == "ABORTED" => {
                return Err(EngineError::retry(format!(
                    "txn {txn_id} aborted; replaying"
                )))
            }
            Ok(Some(s)) if s == "PREPARE" && started.elapsed() >= grace => {
                rollback(ctx, txn_id).await?;
                return Err(EngineError::retry(format!(
                    "txn {txn_id} was not committed; replaying"
                )));
            }
            Ok(_) => {}
            Err(EngineError::Retryable(m)) => {
                tracing::warn!(job = %ctx.spec.name, error = %m, "SHOW TRANSACTION failed")
            }
            Err(e) => return Err(e),
        }
        if started.elapsed() > ctx.options.visible_timeout {
            return Err(EngineError::retry(format!(
                "txn {txn_id} not visible within {:?}",
                ctx.options.visible_timeout
            )));
        }
        ctx.sleep(backoff.next_delay().max(Duration::from_millis(10)))
            .await?;
    }
}
