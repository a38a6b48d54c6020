//! Ingest planning with getMeta trees reused across consecutive UPSERTs of the same
//! tables (two getMeta round trips saved per UPSERT; see `meta::TableMeta`).
//!
//! A cached tree is used only when it names every partition and index the binlog
//! writes; anything it cannot plan is planned again from fresh metadata. Source replica
//! versions in a cached tree are stale by design, so before caching, replicas that were
//! complete (version ≥ their partition's visible version) are marked as having every
//! version and lagging ones as having none newer: a replica that falls behind later only
//! fails its ingest, which rolls the txn back and drops the cache.

use std::collections::BTreeSet;
use std::sync::Arc;

use doris_thrift::frontend_service::TGetMetaDBMeta;

use super::{plan_table, IngestTask, MetaView, Target};
use crate::engine::context::JobCtx;
use crate::engine::error::EngineResult;
use crate::engine::meta::TableMeta;

/// The ingest calls of `targets` for txn `txn_id`.
pub(super) async fn plan(
    ctx: &JobCtx,
    txn_id: i64,
    targets: &[Target],
    shadow: &BTreeSet<i64>,
) -> EngineResult<Vec<IngestTask>> {
    let src_ids: Vec<i64> = targets.iter().map(|t| t.src_id).collect();
    let dest_ids: Vec<i64> = targets.iter().map(|t| t.dest_id).collect();
    if let Some(m) = ctx.meta.table_meta(&src_ids, &dest_ids) {
        if targets.iter().all(|t| covers(&m.src, t)) {
            match plan_from(ctx, &m, txn_id, targets, shadow).await {
                Ok(tasks) => return Ok(tasks),
                Err(e) => tracing::debug!(job = %ctx.spec.name, error = %e,
                    "cached metadata does not fit this binlog; fetching it again"),
            }
        }
        ctx.meta.invalidate_table_meta();
    }
    let src = ctx
        .guard(async {
            ctx.get_meta(&ctx.src, ctx.src_db_id().await?, &src_ids)
                .await
        })
        .await?;
    let dest = ctx
        .guard(async {
            ctx.get_meta(&ctx.dest, ctx.dest_db_id().await?, &dest_ids)
                .await
        })
        .await?;
    let mut m = TableMeta {
        src_ids,
        dest_ids,
        src: Arc::new(src),
        dest: Arc::new(dest),
    };
    let tasks = plan_from(ctx, &m, txn_id, targets, shadow).await?;
    m.src = Arc::new(normalised(&m.src));
    ctx.meta.store_table_meta(m);
    Ok(tasks)
}

async fn plan_from(
    ctx: &JobCtx,
    m: &TableMeta,
    txn_id: i64,
    targets: &[Target],
    shadow: &BTreeSet<i64>,
) -> EngineResult<Vec<IngestTask>> {
    let src_bes = ctx.guard(ctx.backends(true)).await?;
    let dest_bes = ctx.guard(ctx.backends(false)).await?;
    let view = MetaView {
        src: &m.src,
        dest: &m.dest,
        src_bes: &src_bes,
        dest_bes: &dest_bes,
        shadow,
    };
    let mut tasks = Vec::new();
    for t in targets {
        tasks.extend(plan_table(&view, txn_id, t)?);
    }
    Ok(tasks)
}

/// The cached source tree has the table, every (non-temp) partition the binlog wrote and
/// every index it names.
fn covers(src: &TGetMetaDBMeta, t: &Target) -> bool {
    let tables = src.tables.iter().flatten();
    let Some(table) = tables.into_iter().find(|x| x.id == Some(t.src_id)) else {
        return false;
    };
    let mut parts = t.record.partition_records.iter();
    parts.all(|pr| {
        pr.is_temp_partition
            || table
                .partitions
                .iter()
                .flatten()
                .find(|p| p.id == Some(pr.partition_id))
                .is_some_and(|p| {
                    let mut idx = p.indexes.iter().flatten();
                    t.record
                        .index_ids
                        .iter()
                        .all(|i| idx.clone().any(|x| x.id == Some(*i)))
                        && idx.next().is_some()
                })
    })
}

/// Replicas complete at fetch time get version `i64::MAX`; the others keep theirs (older
/// than any later binlog, so the planner skips them).
fn normalised(src: &TGetMetaDBMeta) -> TGetMetaDBMeta {
    let mut out = src.clone();
    for table in out.tables.iter_mut().flatten() {
        for p in table.partitions.iter_mut().flatten() {
            let Some(visible) = p.visible_version else {
                continue;
            };
            for index in p.indexes.iter_mut().flatten() {
                for tablet in index.tablets.iter_mut().flatten() {
                    for r in tablet.replicas.iter_mut().flatten() {
                        if r.version.is_some_and(|v| v >= visible) {
                            r.version = Some(i64::MAX);
                        }
                    }
                }
            }
        }
    }
    out
}
