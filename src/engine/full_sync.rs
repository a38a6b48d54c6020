//! The snapshot state machine of full and partial sync (§3, §4), one checkpointed step
//! per call: BeginCreateSnapshot → GetSnapshotInfo → RestoreSnapshot →
//! PersistRestoreInfo → incremental.
//!
//! Crash safety: the snapshot name is checkpointed right after BACKUP is issued, the
//! restore label right after restoreSnapshot, so a restart polls the same jobs instead
//! of starting new ones. Restoring the same snapshot twice is harmless.

use std::collections::BTreeMap;

use crate::doris::quote_ident;
use crate::engine::context::JobCtx;
use crate::engine::error::{doris_err, EngineError, EngineResult};
use crate::engine::partial_sync;
use crate::engine::snapshot::{self, JobOutcome, SnapshotData};
use crate::job::progress::unix_now;
use crate::job::{PersistData, Progress, SubSyncState, SyncState};

/// Runs the next step of the full or partial sync `p` is in, and checkpoints it.
pub async fn step(ctx: &JobCtx, p: &mut Progress) -> EngineResult<()> {
    match p.sub_sync_state {
        SubSyncState::GetSnapshotInfo => get_snapshot_info(ctx, p).await,
        SubSyncState::RestoreSnapshot => restore_snapshot(ctx, p).await,
        SubSyncState::PersistRestoreInfo => persist_restore_info(ctx, p).await,
        _ => begin_snapshot(ctx, p).await,
    }
}

fn data_of(p: &Progress) -> EngineResult<SnapshotData> {
    if let Some(name) = p.data.as_text() {
        return Ok(SnapshotData {
            snapshot_name: name.to_string(),
            ..Default::default()
        });
    }
    p.data
        .to_value()
        .ok_or_else(|| EngineError::fatal("snapshot step without snapshot data in progress"))
}

fn store(p: &mut Progress, sub: SubSyncState, data: &SnapshotData) -> EngineResult<()> {
    let d = PersistData::from_value(data).map_err(|e| EngineError::fatal(e.to_string()))?;
    p.next_sub(sub, d);
    Ok(())
}

/// Tables to back up: the job's table, the partial sync's table, or every table of the db.
async fn backup_tables(ctx: &JobCtx, p: &Progress) -> EngineResult<Vec<String>> {
    if let Some(partial) = p
        .partial_sync_data
        .as_ref()
        .filter(|_| p.sync_state.is_partial_sync())
    {
        return Ok(vec![partial.table.clone()]);
    }
    if ctx.is_table() {
        return Ok(vec![ctx.spec.src.table.clone()]);
    }
    let db = ctx.src_db_id().await?;
    let tables = crate::engine::meta::list_tables(&ctx.src.sql, db).await?;
    if tables.is_empty() {
        return Err(EngineError::fatal(
            "source db is empty: it needs at least one table",
        ));
    }
    Ok(tables.into_keys().collect())
}

async fn begin_snapshot(ctx: &JobCtx, p: &mut Progress) -> EngineResult<()> {
    if p.sync_state.is_full_sync() {
        if p.sub_sync_state != SubSyncState::BeginCreateSnapshot {
            p.new_full_sync(p.commit_seq, ctx.is_table());
        }
        ensure_dest_db(ctx).await?;
    }
    let tables = backup_tables(ctx, p).await?;
    let partial = p.sync_state.is_partial_sync();
    let parts = partial_sync::partitions(p);
    let table_part = if ctx.is_table() {
        ctx.spec.src.table.as_str()
    } else if tables.len() == 1 {
        tables[0].as_str()
    } else {
        ""
    };
    let prefix = if partial { "ccrp" } else { "ccrs" };
    let name = snapshot_name(prefix, &ctx.spec.src.database, table_part);
    if ctx
        .options
        .features
        .feature_cancel_conflict_backup_restore_job
    {
        snapshot::cancel_conflicting_backups(ctx).await?;
    }
    snapshot::start_backup(ctx, &name, &tables, &parts).await?;
    let data = SnapshotData {
        snapshot_name: name,
        tables,
        ..Default::default()
    };
    store(p, SubSyncState::GetSnapshotInfo, &data)?;
    ctx.save(p).await?;
    // Counted once the BACKUP is issued and checkpointed: one per snapshot taken.
    match ctx.status.metrics() {
        Some(m) if partial => m.partial_sync(),
        Some(m) => m.full_sync(),
        None => {}
    }
    Ok(())
}

/// `<prefix>_<db>_<table>_<unix ms>` (db jobs: `<prefix>_<db>_<unix ms>`), with characters
/// a label cannot hold replaced. Milliseconds, not seconds: a forced full sync right after
/// the first one (same second) would otherwise reuse the first one's snapshot name and
/// restore label, and the BACKUP/RESTORE jobs are polled by name (scenario T9).
fn snapshot_name(prefix: &str, db: &str, table: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let clean = snapshot::label_part;
    match table {
        "" => format!("{prefix}_{}_{now}", clean(db)),
        t => format!("{prefix}_{}_{}_{now}", clean(db), clean(t)),
    }
}

async fn ensure_dest_db(ctx: &JobCtx) -> EngineResult<()> {
    let db = quote_ident(&ctx.spec.dest.database).map_err(doris_err("db name"))?;
    let sql = format!("CREATE DATABASE IF NOT EXISTS {db}");
    ctx.guard(async {
        ctx.dest
            .sql
            .exec(&sql)
            .await
            .map_err(doris_err("CREATE DATABASE"))
    })
    .await?;
    Ok(())
}

async fn get_snapshot_info(ctx: &JobCtx, p: &mut Progress) -> EngineResult<()> {
    let mut data = data_of(p)?;
    if let JobOutcome::Cancelled(why) = snapshot::wait_backup(ctx, &data.snapshot_name).await? {
        p.next_sub(SubSyncState::BeginCreateSnapshot, PersistData::Empty);
        ctx.save(p).await?;
        return Err(EngineError::retry(format!(
            "backup {} cancelled: {why}",
            data.snapshot_name
        )));
    }
    let snap = snapshot::fetch_snapshot(ctx, &data.snapshot_name).await?;
    let info = snapshot::parse_job_info(&snap)?;
    data.table_commit_seq_map = snapshot::seq_map(&info);
    data.tables = snapshot::snapshot_tables(&info);
    let seq = resume_seq(ctx, p, &data).await?;
    p.commit_seq = seq;
    store(p, SubSyncState::RestoreSnapshot, &data)?;
    ctx.save(p).await
}

/// Where incremental sync resumes after this snapshot: full table job → the table's
/// barrier seq; full db job → the minimum over tables; partial → unchanged (the
/// per-table seqs are applied when the restore is persisted).
async fn resume_seq(ctx: &JobCtx, p: &Progress, data: &SnapshotData) -> EngineResult<i64> {
    let map = &data.table_commit_seq_map;
    if ctx.is_table() {
        let id = ctx.src_table_id().await?;
        let seq = map.get(&id).copied().ok_or_else(|| {
            EngineError::fatal(format!(
                "snapshot {} lacks source table id {id}",
                data.snapshot_name
            ))
        })?;
        return Ok(if p.sync_state.is_partial_sync() {
            p.commit_seq
        } else {
            seq
        });
    }
    if p.sync_state.is_partial_sync() {
        return Ok(p.commit_seq);
    }
    Ok(map.values().copied().min().unwrap_or(p.commit_seq))
}

async fn restore_snapshot(ctx: &JobCtx, p: &mut Progress) -> EngineResult<()> {
    let mut data = data_of(p)?;
    let label = match data.restore_label.clone() {
        Some(label) => label,
        None => issue_restore(ctx, p, &mut data).await?,
    };
    match snapshot::wait_restore(ctx, &label).await? {
        JobOutcome::Finished => {
            store(p, SubSyncState::PersistRestoreInfo, &data)?;
            ctx.save(p).await
        }
        JobOutcome::Cancelled(status) => restore_cancelled(ctx, p, data, &status).await,
    }
}

async fn issue_restore(
    ctx: &JobCtx,
    p: &mut Progress,
    data: &mut SnapshotData,
) -> EngineResult<String> {
    let snap = snapshot::fetch_snapshot(ctx, &data.snapshot_name).await?;
    let mut info = snapshot::parse_job_info(&snap)?;
    snapshot::add_extra_info(ctx, &mut info).await?;
    let label = match data.restore_attempts {
        0 => format!("{}_r_{}", data.snapshot_name, unix_now()),
        n => format!("{}_r_{}_{n}", data.snapshot_name, unix_now()),
    };
    data.restore_attempts += 1;
    let refs = partial_sync::table_refs(ctx, p, &data.tables);
    let full = p.sync_state.is_full_sync();
    let features = &ctx.options.features;
    let flag = features.feature_clean_table_and_partitions;
    let clean = snapshot::restore_clean(flag, !ctx.is_table(), full, &refs);
    // Partial syncs never restore atomically (§4); full syncs follow the flag.
    let atomic = full && features.feature_atomic_restore;
    snapshot::start_restore(ctx, snap, &info, &label, refs, (atomic, clean)).await?;
    data.restore_label = Some(label.clone());
    store(p, SubSyncState::RestoreSnapshot, data)?;
    ctx.save(p).await?;
    Ok(label)
}

async fn restore_cancelled(
    ctx: &JobCtx,
    p: &mut Progress,
    mut data: SnapshotData,
    status: &str,
) -> EngineResult<()> {
    data.restore_label = None;
    let mismatch = snapshot::signature_mismatch(status);
    let alias = ctx.options.features.feature_replace_not_matched_with_alias;
    match &mismatch {
        // Feature off (§3): drop the target table, the retried restore recreates it.
        Some((name, true)) if !alias => snapshot::drop_conflicting_table(ctx, name).await?,
        Some((name, true)) => {
            let alias = format!("__ccr_{name}_{}", unix_now());
            tracing::warn!(job = %ctx.spec.name, table = %name, %alias, "schema differs: restoring into alias");
            p.table_aliases.insert(name.clone(), alias);
        }
        Some((name, false)) => drop_view(ctx, name).await?,
        None => {}
    }
    store(p, SubSyncState::RestoreSnapshot, &data)?;
    ctx.save(p).await?;
    match mismatch {
        Some(_) => Ok(()),
        None => Err(EngineError::retry(format!("restore cancelled: {status}"))),
    }
}

async fn drop_view(ctx: &JobCtx, name: &str) -> EngineResult<()> {
    let q = |s: &str| quote_ident(s).map_err(doris_err("identifier"));
    let sql = format!(
        "DROP VIEW IF EXISTS {}.{}",
        q(&ctx.spec.dest.database)?,
        q(name)?
    );
    ctx.guard(async {
        ctx.dest
            .sql
            .exec(&sql)
            .await
            .map_err(doris_err("DROP VIEW"))
    })
    .await?;
    Ok(())
}

/// Swaps alias tables in, then records table ids and the resume point.
async fn persist_restore_info(ctx: &JobCtx, p: &mut Progress) -> EngineResult<()> {
    let data = data_of(p)?;
    if !p.table_aliases.is_empty() {
        for (name, alias) in p.table_aliases.clone() {
            if crate::engine::meta::table_exists(&ctx.dest, &alias).await? {
                snapshot::replace_with_alias(ctx, &name, &alias).await?;
            }
        }
        p.table_aliases.clear();
        ctx.save(p).await?;
    }
    ctx.meta.invalidate_dest_tables();
    if p.sync_state.is_partial_sync() {
        return partial_sync::finish(ctx, p, &data).await;
    }
    if !ctx.is_table() {
        // Before incremental sync starts: tables dropped/renamed on the source meanwhile.
        crate::engine::clean::drop_stale_tables(ctx, &data.tables).await?;
    }
    let mapping = table_mapping(ctx, &data.table_commit_seq_map).await?;
    p.table_mapping = Some(mapping);
    p.shadow_index_map.clear();
    if ctx.is_table() {
        p.table_commit_seq_map = None;
        p.next_state(
            p.commit_seq,
            SyncState::TableIncrementalSync,
            SubSyncState::Done,
            PersistData::Empty,
        );
    } else {
        p.table_commit_seq_map = Some(data.table_commit_seq_map.clone());
        p.next_state(
            p.commit_seq,
            SyncState::DbTablesIncrementalSync,
            SubSyncState::Done,
            PersistData::Empty,
        );
    }
    ctx.save(p).await
}

/// Source table id → target table id for the tables of a snapshot (by name; a table job
/// maps its source table to the target table name).
pub async fn table_mapping(
    ctx: &JobCtx,
    seqs: &BTreeMap<i64, i64>,
) -> EngineResult<BTreeMap<i64, i64>> {
    let dest = ctx.dest_tables().await?;
    let mut out = BTreeMap::new();
    if ctx.is_table() {
        let src_id = ctx.src_table_id().await?;
        let id = dest.get(&ctx.spec.dest.table).copied().ok_or_else(|| {
            EngineError::retry(format!(
                "target table {} not found after restore",
                ctx.spec.dest.table
            ))
        })?;
        out.insert(src_id, id);
        return Ok(out);
    }
    let src = crate::engine::meta::list_tables(&ctx.src.sql, ctx.src_db_id().await?).await?;
    for (name, src_id) in src {
        if let (true, Some(d)) = (seqs.contains_key(&src_id), dest.get(&name)) {
            out.insert(src_id, *d);
        }
    }
    Ok(out)
}
