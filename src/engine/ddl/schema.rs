//! Schema DDL: alter jobs, light schema change, column rename/comment, rollups.

use super::sqltext::{alter_table_name, replace_alter_table_target, trim_statement};
use super::{qi, qs, DdlContext, DdlDecision, DdlError};
use crate::engine::records::{
    AlterJobRecord, DropRollupRecord, ModifyColumnsRecord, ModifyCommentRecord, RenameColumnRecord,
    RenameRollupRecord,
};
use crate::job::SyncType;
use std::collections::BTreeMap;

/// ALTER_JOB: a FINISHED schema change or rollup re-copies the table by partial sync
/// with replace (new indexes come with it); other states only update shadow indexes
/// (see [`shadow_index_update`]).
pub fn alter_job(ctx: &DdlContext, r: &AlterJobRecord) -> DdlDecision {
    let finished = r.job_state.eq_ignore_ascii_case("FINISHED");
    if !finished {
        return DdlDecision::Skip(format!(
            "{} job {} on `{}` is {}",
            r.kind, r.job_id, r.table_name, r.job_state
        ));
    }
    if !(r.is_schema_change() || r.is_rollup()) {
        return DdlDecision::Skip(format!("alter job type {:?} needs no replay", r.kind));
    }
    let table = match ctx.sync_type {
        SyncType::Table => ctx.src_table.clone(),
        SyncType::Db => r.table_name.clone(),
    };
    DdlDecision::PartialSync {
        table,
        partitions: Vec::new(),
        replace: true,
    }
}

/// Change to `progress.shadow_index_map` implied by an ALTER_JOB record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShadowIndexUpdate {
    /// PENDING: remember these shadow → origin index ids (their data is not replicated).
    Add(BTreeMap<i64, i64>),
    /// CANCELLED / FINISHED: forget these shadow index ids.
    Remove(Vec<i64>),
    /// Nothing to change.
    None,
}

/// What an ALTER_JOB record means for the shadow index map.
pub fn shadow_index_update(r: &AlterJobRecord) -> ShadowIndexUpdate {
    if r.iim.is_empty() {
        return ShadowIndexUpdate::None;
    }
    match r.job_state.to_ascii_uppercase().as_str() {
        "PENDING" => ShadowIndexUpdate::Add(r.iim.clone()),
        "CANCELLED" | "FINISHED" => ShadowIndexUpdate::Remove(r.iim.keys().copied().collect()),
        _ => ShadowIndexUpdate::None,
    }
}

/// Light schema change: the FE's `rawSql` with the table reference replaced by the
/// qualified target table (drops the source db qualifier, applies the alias).
pub fn modify_columns(ctx: &DdlContext, r: &ModifyColumnsRecord) -> Result<DdlDecision, DdlError> {
    let raw = trim_statement(&r.raw_sql);
    let src_name = alter_table_name(raw).unwrap_or_default();
    let target = ctx.target(r.table_id, &src_name)?;
    let Some(sql) = replace_alter_table_target(raw, &target) else {
        return Ok(DdlDecision::Block(format!(
            "cannot parse light schema change statement for table id {}: {raw}",
            r.table_id
        )));
    };
    // Doris renders a NULL default of REPLACE_IF_NOT_NULL columns as the string "null".
    let sql = sql.replace(
        "REPLACE_IF_NOT_NULL NULL DEFAULT \"null\"",
        "REPLACE_IF_NOT_NULL NULL DEFAULT NULL",
    );
    Ok(DdlDecision::Execute(vec![sql]))
}

/// RENAME COLUMN.
pub fn rename_column(ctx: &DdlContext, r: &RenameColumnRecord) -> Result<DdlDecision, DdlError> {
    Ok(DdlDecision::Execute(vec![format!(
        "ALTER TABLE {} RENAME COLUMN {} {}",
        ctx.target(r.table_id, "")?,
        qi(&r.col_name)?,
        qi(&r.new_col_name)?
    )]))
}

/// Column comments (one statement, comma-joined) or the table comment.
pub fn modify_comment(ctx: &DdlContext, r: &ModifyCommentRecord) -> Result<DdlDecision, DdlError> {
    let target = ctx.target(r.tbl_id, "")?;
    if r.kind.eq_ignore_ascii_case("TABLE") {
        return Ok(DdlDecision::Execute(vec![format!(
            "ALTER TABLE {target} MODIFY COMMENT {}",
            qs(&r.tbl_comment)
        )]));
    }
    if !r.kind.eq_ignore_ascii_case("COLUMN") {
        return Ok(DdlDecision::Skip(format!(
            "unknown comment type {:?}",
            r.kind
        )));
    }
    if r.col_to_comment.is_empty() {
        return Ok(DdlDecision::Skip(
            "column comment change names no column".into(),
        ));
    }
    let parts = r
        .col_to_comment
        .iter()
        .map(|(c, comment)| Ok(format!("MODIFY COLUMN {} COMMENT {}", qi(c)?, qs(comment))))
        .collect::<Result<Vec<_>, DdlError>>()?;
    Ok(DdlDecision::Execute(vec![format!(
        "ALTER TABLE {target} {}",
        parts.join(", ")
    )]))
}

/// RENAME ROLLUP (master record).
pub fn rename_rollup(ctx: &DdlContext, r: &RenameRollupRecord) -> Result<DdlDecision, DdlError> {
    Ok(DdlDecision::Execute(vec![format!(
        "ALTER TABLE {} RENAME ROLLUP {} {}",
        ctx.target(r.table_id, "")?,
        qi(&r.old_rollup_name)?,
        qi(&r.new_rollup_name)?
    )]))
}

/// DROP ROLLUP (master record).
pub fn drop_rollup(ctx: &DdlContext, r: &DropRollupRecord) -> Result<DdlDecision, DdlError> {
    Ok(DdlDecision::Execute(vec![format!(
        "ALTER TABLE {} DROP ROLLUP {}",
        ctx.target(r.table_id, &r.table_name)?,
        qi(&r.index_name)?
    )]))
}
