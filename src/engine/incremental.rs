//! Incremental sync (§5): a continuous getBinlog loop applying binlogs strictly in commit
//! order, one checkpoint per applied binlog (`prev_commit_seq` = last applied).
//!
//! When caught up (TOO_NEW) it waits briefly — 10 ms growing to 500 ms while idle, reset
//! as soon as data arrives — instead of the original's fixed 3 s tick. TOO_OLD / DUMMY
//! start a full sync; NOT_FOUND_* / DISABLE are fatal with a clear reason.

mod apply_ddl;

use std::time::{Duration, Instant};

use doris_thrift::frontend_service::{TBinlog, TGetBinlogRequest, TGetBinlogResult};
use doris_thrift::status::TStatusCode;

use crate::doris::DorisError;
use crate::engine::backoff::Backoff;
use crate::engine::context::JobCtx;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::records::{BinlogRecord, BinlogType};
use crate::engine::runner::Commands;
use crate::engine::upsert;
use crate::job::progress::unix_now;
use crate::job::{Progress, SyncState};

/// Binlogs asked for per getBinlog (`num_acquired`): a job that is behind pays one
/// round trip per batch, not per binlog. FEs without the field answer with one binlog.
const BATCH: i64 = 32;

/// Polls and applies binlogs until the job leaves incremental sync (returns `Ok`) or a
/// step fails.
pub async fn run(ctx: &JobCtx, p: &mut Progress, cmds: &mut Commands) -> EngineResult<()> {
    let mut idle = Backoff::new(ctx.options.idle_min, ctx.options.idle_max);
    let mut last_lag = Instant::now();
    loop {
        ctx.check_cancel()?;
        if forced_full_sync(ctx, p, cmds).await? {
            return Ok(());
        }
        let res = fetch(ctx, p.prev_commit_seq).await?;
        let code = res
            .status
            .as_ref()
            .map_or(TStatusCode::OK, |s| s.status_code);
        let mut binlogs = res.binlogs.unwrap_or_default();
        // Already applied ones (an FE answering from an older position) would spin.
        binlogs.retain(|b| b.commit_seq.is_none_or(|s| s > p.prev_commit_seq));
        if binlogs.is_empty() {
            if code == TStatusCode::BINLOG_TOO_OLD_COMMIT_SEQ {
                return to_full_sync(ctx, p, p.prev_commit_seq, "binlog position expired").await;
            }
            // Caught up: poll again soon, backing off while idle.
            ctx.status.set_lag(0, 0);
            ctx.sleep(idle.next_delay().max(Duration::from_millis(5)))
                .await?;
            continue;
        }
        idle.reset();
        for b in &binlogs {
            apply(ctx, p, b).await?;
            if !p.sync_state.is_incremental() {
                return Ok(());
            }
        }
        if last_lag.elapsed() > Duration::from_secs(5) {
            last_lag = Instant::now();
            update_lag(ctx, p).await;
        }
    }
}

/// Honours `/force_fullsync`; also resets a binlog left in flight by a crash or error
/// (it is fetched again; labels and idempotent DDL make the replay safe).
async fn forced_full_sync(
    ctx: &JobCtx,
    p: &mut Progress,
    cmds: &mut Commands,
) -> EngineResult<bool> {
    cmds.poll();
    if !p.is_done() {
        p.rollback(false);
    }
    if !cmds.take_force_full_sync() {
        return Ok(false);
    }
    tracing::info!(job = %ctx.spec.name, "forced full sync");
    p.new_full_sync(p.prev_commit_seq, ctx.is_table());
    ctx.save(p).await?;
    Ok(true)
}

/// getBinlog after `prev`. Table jobs name their table by id too, so a renamed source
/// table still resolves (and its RENAME binlog is seen).
async fn fetch(ctx: &JobCtx, prev: i64) -> EngineResult<TGetBinlogResult> {
    let table_id = match ctx.is_table() {
        true => Some(ctx.src_table_id().await?),
        false => None,
    };
    let req = TGetBinlogRequest {
        prev_commit_seq: Some(prev),
        table_id,
        num_acquired: Some(BATCH),
        ..Default::default()
    };
    let res = ctx
        .guard(async { Ok(ctx.src.fe.get_binlog(req).await) })
        .await?;
    res.map_err(|e| binlog_error(ctx, e))
}

fn binlog_error(ctx: &JobCtx, e: DorisError) -> EngineError {
    let (db, table) = (&ctx.spec.src.database, &ctx.spec.src.table);
    match e.status_code() {
        Some(TStatusCode::BINLOG_NOT_FOUND_DB) => EngineError::fatal(format!(
            "source database {db} has no binlog (binlog disabled or db dropped?): {e}"
        )),
        Some(TStatusCode::BINLOG_NOT_FOUND_TABLE) => EngineError::fatal(format!(
            "source table {db}.{table} has no binlog (binlog disabled or table dropped?): {e}"
        )),
        Some(TStatusCode::BINLOG_DISABLE) => {
            EngineError::fatal(format!("binlog is disabled on the source: {e}"))
        }
        _ if e.message_contains("unknown table") => EngineError::fatal(format!(
            "source table {db}.{table} not found (dropped or renamed?): {e}"
        )),
        _ => EngineError::doris("getBinlog", e),
    }
}

async fn to_full_sync(ctx: &JobCtx, p: &mut Progress, seq: i64, why: &str) -> EngineResult<()> {
    tracing::warn!(job = %ctx.spec.name, seq, why, "starting a full sync");
    p.new_full_sync(seq, ctx.is_table());
    ctx.save(p).await
}

/// Applies one binlog and checkpoints it as done (unless it moved the job to a
/// full/partial sync, which then owns `commit_seq`).
async fn apply(ctx: &JobCtx, p: &mut Progress, b: &TBinlog) -> EngineResult<()> {
    let seq = b
        .commit_seq
        .ok_or_else(|| EngineError::fatal("binlog without commit_seq"))?;
    if seq <= p.prev_commit_seq {
        return Ok(());
    }
    let ty = b.type_.map_or(-1, |t| t.0);
    let record = BinlogRecord::parse(ty, b.data.as_deref().unwrap_or_default())
        .and_then(BinlogRecord::unwrap_barrier)
        .map_err(|e| EngineError::fatal(format!("binlog {seq}: {e}")))?;
    p.start_handle(seq);
    let contained = contained_in_snapshot(p, b, seq, &record);
    if contained {
        tracing::debug!(job = %ctx.spec.name, seq, "binlog already contained in the snapshot");
    } else {
        match &record {
            BinlogRecord::Upsert(r) => upsert::apply(ctx, p, r).await?,
            BinlogRecord::Dummy => return to_full_sync(ctx, p, seq, "DUMMY binlog").await,
            other => {
                // Any DDL may change partitions, indexes or tablets: plan ingests afresh.
                ctx.meta.invalidate_table_meta();
                let ids = b.table_ids.as_deref().unwrap_or_default();
                apply_ddl::apply(ctx, p, other, ids).await?
            }
        }
        if !p.sync_state.is_incremental() {
            return Ok(());
        }
    }
    leave_tables_mode(p, seq);
    p.done();
    ctx.save(p).await?;
    ctx.status.record_success();
    if let Some(m) = ctx.status.metrics().filter(|_| !contained) {
        m.binlog_applied(BinlogType::from_code(ty).name());
    }
    if let Some(ts) = b.timestamp.filter(|t| *t > 0) {
        let secs = (unix_now() * 1000 - ts).max(0) / 1000;
        ctx.status.set_lag(ctx.status.lag(), secs);
    }
    Ok(())
}

/// Db jobs after a snapshot: a non-UPSERT binlog whose tables all have a snapshot seq
/// ≥ its own is already in the restored data. (UPSERTs filter per table record.)
fn contained_in_snapshot(p: &Progress, b: &TBinlog, seq: i64, record: &BinlogRecord) -> bool {
    let Some(map) = p.table_commit_seq_map.as_ref() else {
        return false;
    };
    if matches!(record, BinlogRecord::Upsert(_))
        || p.sync_state != SyncState::DbTablesIncrementalSync
    {
        return false;
    }
    let ids = b.table_ids.as_deref().unwrap_or_default();
    !ids.is_empty() && ids.iter().all(|id| map.get(id).is_some_and(|s| seq <= *s))
}

/// Once every table's snapshot seq is behind us, the per-table filter is dropped.
fn leave_tables_mode(p: &mut Progress, seq: i64) {
    if p.sync_state != SyncState::DbTablesIncrementalSync {
        return;
    }
    let passed = p
        .table_commit_seq_map
        .as_ref()
        .is_none_or(|m| m.values().all(|s| *s <= seq));
    if passed {
        p.table_commit_seq_map = None;
        p.sync_state = SyncState::DbIncrementalSync;
        p.incremental_sync_start_at = unix_now();
    }
}

/// Source lag in binlogs (getBinlogLag); seconds come from applied binlog timestamps.
async fn update_lag(ctx: &JobCtx, p: &Progress) {
    let req = TGetBinlogRequest {
        prev_commit_seq: Some(p.prev_commit_seq),
        ..Default::default()
    };
    if let Ok(Some(lag)) = ctx.src.fe.get_binlog_lag(req).await.map(|r| r.lag) {
        ctx.status.set_lag(lag, ctx.status.snapshot().lag_seconds);
    }
}
