//! Partial sync (§4): backup/restore of one table (optionally some partitions), e.g. after
//! a heavy schema change (restore into an alias and swap it in) or a strict-range
//! REPLACE PARTITION. The steps are the full sync's (see `full_sync`); this module holds
//! what differs: how it starts, which table refs the restore uses, and how it ends.

use crate::engine::context::JobCtx;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::snapshot::SnapshotData;
use crate::job::progress::unix_now;
use crate::job::{PartialSyncData, PersistData, Progress, SubSyncState, SyncState};

/// Starts a partial sync of source table `table` at the current `commit_seq` (the
/// triggering binlog). `replace` restores into an alias and swaps it in.
pub fn start(ctx: &JobCtx, p: &mut Progress, table: &str, partitions: Vec<String>, replace: bool) {
    let state = if ctx.is_table() {
        SyncState::TablePartialSync
    } else {
        SyncState::DbPartialSync
    };
    p.partial_sync_data = Some(PartialSyncData {
        table: table.to_string(),
        partitions: if replace { Vec::new() } else { partitions },
        ..Default::default()
    });
    p.table_aliases.clear();
    if replace {
        let target = target_name(ctx, table);
        p.table_aliases
            .insert(target.clone(), format!("__ccr_{target}_{}", unix_now()));
    }
    p.next_state(
        p.commit_seq,
        state,
        SubSyncState::BeginCreateSnapshot,
        PersistData::Empty,
    );
}

/// Target name of source table `table` (the alias target for table jobs).
fn target_name(ctx: &JobCtx, table: &str) -> String {
    if ctx.is_table() {
        ctx.spec.dest.table.clone()
    } else {
        table.to_string()
    }
}

/// Partitions of an in-flight partial sync (empty = whole table / full sync).
pub fn partitions(p: &Progress) -> Vec<String> {
    match (&p.partial_sync_data, p.sync_state.is_partial_sync()) {
        (Some(d), true) => d.partitions.clone(),
        _ => Vec::new(),
    }
}

/// `(snapshot table, target name)` refs of a restore: a table job always names its
/// table (target name or alias; the snapshot side is the *source* name, see §11.13);
/// a db job only when aliases are in play (every snapshot table, aliased or not).
pub fn table_refs(ctx: &JobCtx, p: &Progress, tables: &[String]) -> Vec<(String, String)> {
    if ctx.is_table() {
        let dest = &ctx.spec.dest.table;
        let alias = p.table_aliases.get(dest).unwrap_or(dest);
        return vec![(ctx.spec.src.table.clone(), alias.clone())];
    }
    if p.table_aliases.is_empty() {
        return Vec::new();
    }
    tables
        .iter()
        .map(|t| (t.clone(), p.table_aliases.get(t).unwrap_or(t).clone()))
        .collect()
}

/// After the restore: record the table's new target id and resume incremental sync.
/// Table job: resume at the snapshot's seq of the table. Db job: the trigger binlog is
/// consumed; the snapshot's per-table seq filters what the restore already contains.
pub async fn finish(ctx: &JobCtx, p: &mut Progress, data: &SnapshotData) -> EngineResult<()> {
    let table = p
        .partial_sync_data
        .as_ref()
        .map(|d| d.table.clone())
        .ok_or_else(|| EngineError::fatal("partial sync without partial_sync_data"))?;
    let mapping = crate::engine::full_sync::table_mapping(ctx, &data.table_commit_seq_map).await?;
    let mut all = p.table_mapping.clone().unwrap_or_default();
    all.extend(mapping);
    p.table_mapping = Some(all);
    p.partial_sync_data = None;
    if ctx.is_table() {
        let src_id = ctx.src_table_id().await?;
        let seq = data
            .table_commit_seq_map
            .get(&src_id)
            .copied()
            .unwrap_or(p.commit_seq);
        p.table_commit_seq_map = None;
        p.next_state(
            seq.max(p.commit_seq),
            SyncState::TableIncrementalSync,
            SubSyncState::Done,
            PersistData::Empty,
        );
    } else {
        let mut seqs = p.table_commit_seq_map.clone().unwrap_or_default();
        seqs.extend(data.table_commit_seq_map.iter().map(|(k, v)| (*k, *v)));
        p.table_commit_seq_map = Some(seqs);
        tracing::info!(job = %ctx.spec.name, %table, "partial sync finished");
        p.next_state(
            p.commit_seq,
            SyncState::DbTablesIncrementalSync,
            SubSyncState::Done,
            PersistData::Empty,
        );
    }
    ctx.save(p).await
}
