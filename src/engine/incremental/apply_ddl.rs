//! Applies a non-UPSERT binlog: plans it with `engine::ddl` and executes the decision on
//! the target (already-applied errors count as success: a crash between apply and
//! checkpoint replays the binlog).

use std::collections::BTreeMap;

use crate::doris::DorisError;
use crate::engine::context::JobCtx;
use crate::engine::ddl::{self, DdlContext, DdlDecision, ShadowIndexUpdate};
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::meta::table_name_by_id;
use crate::engine::partial_sync;
use crate::engine::records::BinlogRecord;
use crate::job::Progress;

/// Plans and applies `record` (binlog `p.commit_seq`).
pub async fn apply(
    ctx: &JobCtx,
    p: &mut Progress,
    record: &BinlogRecord,
    table_ids: &[i64],
) -> EngineResult<()> {
    if let BinlogRecord::AlterJob(r) = record {
        update_shadow_indexes(p, ddl::shadow_index_update(r));
    }
    let dc = ddl_context(ctx, p, table_ids).await?;
    let decision = ddl::plan(&dc, record);
    let decision = ddl::apply_features(&dc, record, decision, &ctx.options.features);
    match decision {
        DdlDecision::Execute(stmts) => execute(ctx, p, record, &dc, &stmts).await,
        DdlDecision::Skip(why) => {
            tracing::info!(job = %ctx.spec.name, seq = p.commit_seq, %why, "binlog skipped");
            Ok(())
        }
        DdlDecision::PartialSync {
            table,
            partitions,
            replace,
        } => {
            tracing::info!(job = %ctx.spec.name, %table, ?partitions, replace, "partial sync");
            partial_sync::start(ctx, p, &table, partitions, replace);
            ctx.save(p).await
        }
        DdlDecision::FullSync(why) => {
            tracing::warn!(job = %ctx.spec.name, seq = p.commit_seq, %why, "full sync");
            p.new_full_sync(p.commit_seq, ctx.is_table());
            ctx.save(p).await
        }
        DdlDecision::DropThenFullSync { statements, reason } => {
            tracing::warn!(job = %ctx.spec.name, seq = p.commit_seq, %reason, "drop and full sync");
            drop_then_full_sync(ctx, p, record, &dc, &statements).await
        }
        DdlDecision::Block(why) => Err(EngineError::Block(format!(
            "binlog {} cannot be replayed: {why}",
            p.commit_seq
        ))),
    }
}

/// Runs the (replay-safe) drops, then starts a full sync at this binlog. Checkpointed
/// first, as for any DDL, so a runner that lost the job is fenced before dropping.
async fn drop_then_full_sync(
    ctx: &JobCtx,
    p: &mut Progress,
    record: &BinlogRecord,
    dc: &DdlContext,
    statements: &[String],
) -> EngineResult<()> {
    ctx.save(p).await?;
    for stmt in statements {
        exec_one(ctx, record, dc, stmt).await?;
    }
    ctx.meta.invalidate_dest_tables();
    p.new_full_sync(p.commit_seq, ctx.is_table());
    ctx.save(p).await
}

/// Shadow indexes of running schema changes are not replicated by UPSERTs.
fn update_shadow_indexes(p: &mut Progress, update: ShadowIndexUpdate) {
    match update {
        ShadowIndexUpdate::Add(m) => p.shadow_index_map.extend(m),
        ShadowIndexUpdate::Remove(ids) => ids.iter().for_each(|id| {
            p.shadow_index_map.remove(id);
        }),
        ShadowIndexUpdate::None => {}
    }
}

/// The planner's view of the job; db jobs also get the target name of every table the
/// binlog touches (from `table_mapping`, else the source name, which db jobs keep).
async fn ddl_context(ctx: &JobCtx, p: &Progress, table_ids: &[i64]) -> EngineResult<DdlContext> {
    let mut dc = DdlContext {
        sync_type: ctx.sync_type(),
        src_db: ctx.spec.src.database.clone(),
        dest_db: ctx.spec.dest.database.clone(),
        src_table: ctx.spec.src.table.clone(),
        dest_table: ctx.spec.dest.table.clone(),
        dest_names: Default::default(),
    };
    if ctx.is_table() || table_ids.is_empty() {
        return Ok(dc);
    }
    let by_id: BTreeMap<i64, String> = ctx
        .dest_tables()
        .await?
        .into_iter()
        .map(|(n, id)| (id, n))
        .collect();
    for src_id in table_ids {
        let mapped = p.table_mapping.as_ref().and_then(|m| m.get(src_id));
        let name = match mapped.and_then(|d| by_id.get(d)) {
            Some(n) => Some(n.clone()),
            None => ctx.guard(table_name_by_id(&ctx.src.sql, *src_id)).await?,
        };
        if let Some(n) = name {
            dc.dest_names.insert(*src_id, n);
        }
    }
    Ok(dc)
}

async fn execute(
    ctx: &JobCtx,
    p: &mut Progress,
    record: &BinlogRecord,
    dc: &DdlContext,
    stmts: &[String],
) -> EngineResult<()> {
    // Checkpoint first (commit_seq = this binlog, not done): a runner that lost the job
    // is fenced here instead of replaying a DDL late, behind the new owner's back.
    ctx.save(p).await?;
    for stmt in stmts {
        exec_one(ctx, record, dc, stmt).await?;
    }
    ctx.meta.invalidate_dest_tables();
    update_mapping(ctx, p, record).await
}

async fn exec_one(
    ctx: &JobCtx,
    record: &BinlogRecord,
    dc: &DdlContext,
    stmt: &str,
) -> EngineResult<()> {
    tracing::info!(job = %ctx.spec.name, sql = %first_words(stmt), "replaying DDL");
    let res = ctx
        .guard(async { Ok(ctx.dest.sql_db.exec(stmt).await) })
        .await?;
    let Err(e) = res else { return Ok(()) };
    let msg = e.to_string();
    if ddl::is_already_applied(stmt, &msg) {
        tracing::info!(job = %ctx.spec.name, error = %msg, "DDL already applied");
        return Ok(());
    }
    if let (true, BinlogRecord::DropTable(r)) = (ddl::is_not_table_error(&msg), record) {
        let view =
            ddl::drop_view_statement(dc, r).map_err(|e| EngineError::fatal(e.to_string()))?;
        return ctx
            .guard(async { ctx.dest.sql_db.exec(&view).await.map_err(ddl_error) })
            .await
            .map(|_| ());
    }
    Err(ddl_error(e))
}

fn ddl_error(e: DorisError) -> EngineError {
    EngineError::doris("DDL replay", e)
}

/// Keeps `table_mapping` in step with CREATE/DROP TABLE of db jobs.
async fn update_mapping(ctx: &JobCtx, p: &mut Progress, record: &BinlogRecord) -> EngineResult<()> {
    match record {
        BinlogRecord::CreateTable(r) if !ctx.is_table() => {
            if let Some(id) = ctx.dest_table_id(&r.table_name).await? {
                p.table_mapping
                    .get_or_insert_with(Default::default)
                    .insert(r.table_id, id);
            }
        }
        BinlogRecord::DropTable(r) if !ctx.is_table() => {
            if let Some(m) = p.table_mapping.as_mut() {
                m.remove(&r.table_id);
            }
        }
        _ => {}
    }
    Ok(())
}

/// The statement's first words, for logs (no literals).
fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(4).collect::<Vec<_>>().join(" ")
}
