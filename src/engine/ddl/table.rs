//! Table-level DDL: create/drop table or view, truncate, rename, table properties,
//! view definition changes.

use super::sqltext::{create_name_start, qualified_name_range, trim_statement};
use super::{qi, DdlContext, DdlDecision, DdlError};
use crate::engine::records::{
    CreateTableRecord, DropTableRecord, ModifyTablePropertyRecord, ModifyViewDefRecord,
    RenameTableRecord, TruncateTableRecord,
};
use crate::job::SyncType;

/// Rewrites the source db qualifiers a view definition carries
/// (`` `internal`.`src`. `` and the 2.0 form `` `default_cluster:src`. ``) to the target db.
pub(crate) fn rewrite_db_qualifiers(ctx: &DdlContext, sql: &str) -> Result<String, DdlError> {
    let to = format!("{}.{}.", qi("internal")?, qi(&ctx.dest_db)?);
    let internal = format!("{}.{}.", qi("internal")?, qi(&ctx.src_db)?);
    let legacy = format!("{}.", qi(&format!("default_cluster:{}", ctx.src_db))?);
    Ok(sql.replace(&internal, &to).replace(&legacy, &to))
}

/// Qualifies the object name of `CREATE [OR REPLACE] TABLE|VIEW [IF NOT EXISTS] name`
/// with the target db; statements of another shape are returned unchanged.
fn qualify_create_target(ctx: &DdlContext, sql: &str, name: &str) -> Result<String, DdlError> {
    let range = create_name_start(sql).and_then(|i| qualified_name_range(sql, i));
    match range {
        Some((a, b)) => Ok(format!(
            "{}{}{}",
            &sql[..a],
            ctx.qualified(name)?,
            &sql[b..]
        )),
        None => Ok(sql.to_string()),
    }
}

/// CREATE TABLE / VIEW (db jobs). A view that already exists on the target is dropped
/// first (it may be a leftover of an earlier run).
pub fn create_table(ctx: &DdlContext, r: &CreateTableRecord) -> Result<DdlDecision, DdlError> {
    if ctx.sync_type == SyncType::Table {
        return Ok(DdlDecision::Skip(
            "CREATE TABLE of another table is outside this table job".into(),
        ));
    }
    let mut sql = trim_statement(&r.sql).to_string();
    let mut stmts = Vec::new();
    if r.is_view() {
        sql = rewrite_db_qualifiers(ctx, &sql)?;
    }
    if !r.table_name.is_empty() {
        sql = qualify_create_target(ctx, &sql, &r.table_name)?;
        if r.is_view() {
            stmts.push(format!(
                "DROP VIEW IF EXISTS {}",
                ctx.qualified(&r.table_name)?
            ));
        }
    }
    stmts.push(sql);
    Ok(DdlDecision::Execute(stmts))
}

/// DROP TABLE / VIEW (db jobs): `DROP TABLE IF EXISTS ... FORCE` (replay-safe). If the
/// target says the object is not a table, run [`drop_view_statement`] instead.
pub fn drop_table(ctx: &DdlContext, r: &DropTableRecord) -> Result<DdlDecision, DdlError> {
    if ctx.sync_type == SyncType::Table {
        return Ok(DdlDecision::Skip(
            "DROP TABLE of another table is outside this table job".into(),
        ));
    }
    if r.is_view {
        return Ok(DdlDecision::Execute(vec![drop_view_statement(ctx, r)?]));
    }
    let Some(name) = ctx.dest_name(r.table_id, &r.table_name) else {
        return Ok(DdlDecision::Block(format!(
            "DROP TABLE binlog for source table id {} carries no table name and the \
             target table is unknown; drop it on the target by hand, then resume",
            r.table_id
        )));
    };
    Ok(DdlDecision::Execute(vec![format!(
        "DROP TABLE IF EXISTS {} FORCE",
        ctx.qualified(&name)?
    )]))
}

/// `DROP VIEW IF EXISTS` for a DROP_TABLE record whose object is a view.
pub fn drop_view_statement(ctx: &DdlContext, r: &DropTableRecord) -> Result<String, DdlError> {
    let name = ctx
        .dest_name(r.table_id, &r.table_name)
        .ok_or_else(|| DdlError::Name(format!("no name for view id {}", r.table_id)))?;
    Ok(format!("DROP VIEW IF EXISTS {}", ctx.qualified(&name)?))
}

/// TRUNCATE TABLE, keeping the partition clause (`PARTITIONS (p1, p2)`).
pub fn truncate_table(ctx: &DdlContext, r: &TruncateTableRecord) -> Result<DdlDecision, DdlError> {
    let target = ctx.target(r.tbl_id, &r.table)?;
    let clause = trim_statement(&r.raw_sql);
    let sql = if clause.is_empty() || r.is_entire_table {
        format!("TRUNCATE TABLE {target}")
    } else {
        format!("TRUNCATE TABLE {target} {clause}")
    };
    Ok(DdlDecision::Execute(vec![sql]))
}

/// RENAME of a table, rollup or partition. A table job cannot follow a rename of its
/// table: that is a `Block` with instructions, not a retry loop.
pub fn rename_table(ctx: &DdlContext, r: &RenameTableRecord) -> Result<DdlDecision, DdlError> {
    let target = || ctx.target(r.table_id, &r.old_table_name);
    if !r.new_partition_name.is_empty() {
        return Ok(DdlDecision::Execute(vec![format!(
            "ALTER TABLE {} RENAME PARTITION {} {}",
            target()?,
            qi(&r.old_partition_name)?,
            qi(&r.new_partition_name)?
        )]));
    }
    if !r.new_rollup_name.is_empty() {
        return Ok(DdlDecision::Execute(vec![format!(
            "ALTER TABLE {} RENAME ROLLUP {} {}",
            target()?,
            qi(&r.old_rollup_name)?,
            qi(&r.new_rollup_name)?
        )]));
    }
    if r.new_table_name.is_empty() {
        return Ok(DdlDecision::Skip(
            "rename record names nothing to rename".into(),
        ));
    }
    if ctx.sync_type == SyncType::Table {
        return Ok(DdlDecision::Block(format!(
            "source table `{}`.`{}` was renamed to `{}`; a table-level job cannot follow \
             a table rename. Delete this job and create a new one for the new name \
             (target table `{}`.`{}` is left as it is)",
            ctx.src_db, r.old_table_name, r.new_table_name, ctx.dest_db, ctx.dest_table
        )));
    }
    Ok(DdlDecision::Execute(vec![format!(
        "ALTER TABLE {} RENAME {}",
        target()?,
        qi(&r.new_table_name)?
    )]))
}

/// Properties whose change rebuilds index data: replayed by re-copying the table.
const REBUILD_PROPERTIES: [&str; 4] = [
    "bloom_filter_columns",
    "bloom_filter_fpp",
    "store_row_column",
    "row_store_columns",
];

/// ALTER TABLE ... SET (...): bloom filter / row store changes ⇒ partial sync of the
/// table; everything else is not replicated (see the feature matrix).
pub fn modify_table_property(ctx: &DdlContext, r: &ModifyTablePropertyRecord) -> DdlDecision {
    let rebuild = r
        .properties
        .keys()
        .any(|k| REBUILD_PROPERTIES.contains(&k.as_str()));
    if !rebuild {
        return DdlDecision::Skip(format!(
            "table property change on `{}` is not replicated: {:?}",
            r.table_name, r.properties
        ));
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

/// ALTER VIEW: `ALTER VIEW <target> AS <definition>` with db qualifiers rewritten.
pub fn modify_view_def(ctx: &DdlContext, r: &ModifyViewDefRecord) -> Result<DdlDecision, DdlError> {
    let Some(name) = ctx.dest_name(r.table_id, "") else {
        return Ok(DdlDecision::Block(format!(
            "ALTER VIEW binlog for view id {}: the view name is unknown to the syncer; \
             recreate the view on the target by hand, then resume",
            r.table_id
        )));
    };
    let def = rewrite_db_qualifiers(ctx, trim_statement(&r.inline_view_def))?;
    Ok(DdlDecision::Execute(vec![format!(
        "ALTER VIEW {} AS {def}",
        ctx.qualified(&name)?
    )]))
}
