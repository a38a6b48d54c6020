//! DDL replay planning: each binlog record becomes a [`DdlDecision`] — the SQL to run on
//! the target, or a skip / partial sync / full sync / block decision.
//!
//! Pure functions (no I/O) so every rewrite is unit-tested. Statements are meant to run
//! on the target FE with the target database as the session's default database; names
//! we build are fully qualified anyway. Every identifier goes through `quote_ident`,
//! every literal through `quote_str`.

mod features;
mod idempotency;
mod partition;
mod schema;
mod sqltext;
mod table;

pub use features::apply_features;
pub use idempotency::{is_already_applied, is_not_table_error};
pub use partition::{
    add_partition, drop_partition, modify_partitions, rename_partition, replace_partitions,
};
pub use schema::{
    alter_job, drop_rollup, modify_columns, modify_comment, rename_column, rename_rollup,
    shadow_index_update, ShadowIndexUpdate,
};
pub use table::{
    create_table, drop_table, drop_view_statement, modify_table_property, modify_view_def,
    rename_table, truncate_table,
};

use crate::doris::{quote_ident, quote_str};
use crate::engine::records::BinlogRecord;
use crate::job::{JobSpec, SyncType};
use std::collections::BTreeMap;

/// What to do with a binlog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DdlDecision {
    /// Run these statements on the target, in order.
    Execute(Vec<String>),
    /// Nothing to do (reason is logged).
    Skip(String),
    /// Re-copy a source table (or some of its partitions) by backup/restore.
    PartialSync {
        /// Source table name.
        table: String,
        /// Partitions; empty = whole table.
        partitions: Vec<String>,
        /// Restore into an alias and swap it in (schema changed).
        replace: bool,
    },
    /// Start a new full sync.
    FullSync(String),
    /// Run these statements on the target (dropping what the full sync recreates), then
    /// start a new full sync.
    DropThenFullSync {
        /// Statements, in order (replay-safe: `IF EXISTS`).
        statements: Vec<String>,
        /// Why (logged).
        reason: String,
    },
    /// Stop the job with this reason (needs an operator).
    Block(String),
}

/// Why a record could not be planned (turned into `Block` by [`plan`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DdlError {
    /// A name in the record cannot be used as an identifier.
    #[error("invalid identifier in binlog: {0}")]
    Name(String),
    /// The record names its table only by id and the context has no target name for it.
    #[error(
        "no target table name known for source table id {0} \
         (db jobs: the runner must put it in DdlContext::dest_names)"
    )]
    UnknownTable(i64),
}

/// What the planner needs to know about the job.
#[derive(Clone, Debug)]
pub struct DdlContext {
    /// Db or table job.
    pub sync_type: SyncType,
    /// Source database name.
    pub src_db: String,
    /// Target database name.
    pub dest_db: String,
    /// Table jobs: source table name.
    pub src_table: String,
    /// Table jobs: target table name (may differ: alias).
    pub dest_table: String,
    /// Db jobs: source table id → target table name, when known; otherwise the source
    /// name from the record is used (db jobs keep names).
    pub dest_names: BTreeMap<i64, String>,
}

impl DdlContext {
    /// Context of a job, with no table names known yet. Db jobs must add the target
    /// name of the record's table ([`BinlogRecord::table_id`]) with
    /// [`DdlContext::with_dest_name`]: ADD/DROP PARTITION, RENAME COLUMN, MODIFY COMMENT,
    /// MODIFY PARTITIONS, RENAME ROLLUP/PARTITION, DROP ROLLUP and ALTER VIEW records carry
    /// only the table id, and are planned as `Block` without it.
    pub fn for_job(spec: &JobSpec) -> Self {
        DdlContext {
            sync_type: spec.sync_type(),
            src_db: spec.src.database.clone(),
            dest_db: spec.dest.database.clone(),
            src_table: spec.src.table.clone(),
            dest_table: spec.dest.table.clone(),
            dest_names: BTreeMap::new(),
        }
    }

    /// Adds the target name of source table `src_id`.
    pub fn with_dest_name(mut self, src_id: i64, name: impl Into<String>) -> Self {
        self.dest_names.insert(src_id, name.into());
        self
    }

    /// Target table name for source table `src_id` (record name `src_name` as fallback).
    pub fn dest_name(&self, src_id: i64, src_name: &str) -> Option<String> {
        if self.sync_type == SyncType::Table {
            return Some(self.dest_table.clone());
        }
        if let Some(n) = self.dest_names.get(&src_id) {
            return Some(n.clone());
        }
        (!src_name.is_empty()).then(|| src_name.to_string())
    }

    /// `` `dest_db`.`name` ``.
    pub(crate) fn qualified(&self, name: &str) -> Result<String, DdlError> {
        Ok(format!("{}.{}", qi(&self.dest_db)?, qi(name)?))
    }

    /// Qualified target table for a source table id, or an error naming the id.
    pub(crate) fn target(&self, src_id: i64, src_name: &str) -> Result<String, DdlError> {
        match self.dest_name(src_id, src_name) {
            Some(n) => self.qualified(&n),
            None => Err(DdlError::UnknownTable(src_id)),
        }
    }
}

/// Quotes an identifier.
pub(crate) fn qi(name: &str) -> Result<String, DdlError> {
    quote_ident(name).map_err(|e| DdlError::Name(e.to_string()))
}

/// Quotes a string literal.
pub(crate) fn qs(s: &str) -> String {
    quote_str(s)
}

/// Plans any record. Data and non-DDL records get a non-`Execute` decision; planning
/// errors become `Block` with the reason.
pub fn plan(ctx: &DdlContext, rec: &BinlogRecord) -> DdlDecision {
    plan_inner(ctx, rec).unwrap_or_else(|e| DdlDecision::Block(e.to_string()))
}

fn plan_inner(ctx: &DdlContext, rec: &BinlogRecord) -> Result<DdlDecision, DdlError> {
    use BinlogRecord as R;
    match rec {
        R::AddPartition(r) => add_partition(ctx, r),
        R::DropPartition(r) => drop_partition(ctx, r),
        R::ModifyPartitions(r) => modify_partitions(ctx, r),
        R::ReplacePartitions(r) => Ok(replace_partitions(ctx, r)),
        R::RenamePartition(r) => rename_partition(ctx, r),
        R::CreateTable(r) => create_table(ctx, r),
        R::DropTable(r) => drop_table(ctx, r),
        R::TruncateTable(r) => truncate_table(ctx, r),
        R::RenameTable(r) => rename_table(ctx, r),
        R::ModifyTableProperty(r) => Ok(modify_table_property(ctx, r)),
        R::ModifyViewDef(r) => modify_view_def(ctx, r),
        R::AlterJob(r) => Ok(alter_job(ctx, r)),
        R::ModifyColumns(r) => modify_columns(ctx, r),
        R::RenameColumn(r) => rename_column(ctx, r),
        R::ModifyComment(r) => modify_comment(ctx, r),
        R::RenameRollup(r) => rename_rollup(ctx, r),
        R::DropRollup(r) => drop_rollup(ctx, r),
        _ => Ok(plan_non_ddl(rec)),
    }
}

fn plan_non_ddl(rec: &BinlogRecord) -> DdlDecision {
    match rec {
        BinlogRecord::Dummy => {
            DdlDecision::FullSync("binlog position expired (DUMMY binlog)".to_string())
        }
        BinlogRecord::AlterDatabaseProperty(r) => DdlDecision::Skip(format!(
            "database property changes are not replicated (db {}: {:?})",
            r.db_name, r.properties
        )),
        BinlogRecord::Barrier(_) => DdlDecision::Skip("barrier".to_string()),
        BinlogRecord::Upsert(_) => {
            DdlDecision::Block("internal: UPSERT is data, not DDL".to_string())
        }
        BinlogRecord::Unknown { type_code, .. } => DdlDecision::Block(format!(
            "binlog type {type_code} is not supported by this syncer; upgrade the syncer \
             or recreate the job"
        )),
        _ => DdlDecision::Block("internal: unplanned binlog record".to_string()),
    }
}

#[cfg(test)]
mod tests;
