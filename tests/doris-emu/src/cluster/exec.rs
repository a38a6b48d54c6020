//! The SQL executor: one function per statement family, all running under the cluster lock
//! with a [`Writer`]. Validation happens before anything is journaled, so a failing
//! statement leaves the state unchanged.

mod admin;
mod alter;
mod alter_table;
mod build;
mod build_partition;
mod ddl_db;
mod ddl_table;
mod ddl_view;
mod dml;
mod dml_delete;
mod dml_overwrite;
mod eval;
mod eval_fn;
mod partition_ops;
mod repl;
mod rollup;
mod schema_change;
mod select;
mod select_agg;
mod show;
mod show_columns;
mod show_create;
mod show_proc;

pub use show_create::{distribution_sql, show_create_database, show_create_table};

use super::catalog::{Database, Table};
use super::catalog_ops::{CatalogOp, Change, PendingBinlog};
use super::config::Session;
use super::journal::JournalEntry;
use super::state::State;
use super::Writer;
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{ObjectName, Statement};
use crate::sql::ParseError;

/// Statement result.
pub type ExecResult = Result<QueryResult, SqlError>;

/// Maps a parse error to the MySQL error Doris would send.
pub fn parse_error(e: ParseError) -> SqlError {
    match e {
        ParseError::Unsupported(what) => SqlError::with_code(
            SqlError::NOT_SUPPORTED,
            format!("statement not supported: {what}"),
        ),
        ParseError::Empty => SqlError::with_code(1065, "Query was empty"),
        e @ ParseError::Syntax { .. } => SqlError::with_code(SqlError::PARSE, e.to_string()),
    }
}

/// Executes one parsed statement.
pub fn run(w: &mut Writer<'_>, s: &mut Session, stmt: Statement) -> ExecResult {
    use Statement as S;
    // BACKUP / CANCEL, SHOW BACKUP / RESTORE / TRANSACTION, ADMIN EMU belong to "repl".
    if let Some(r) = repl::try_run(w, s, &stmt) {
        return r;
    }
    match stmt {
        S::CreateDatabase { .. } | S::DropDatabase { .. } | S::Use { .. } => {
            ddl_db::run(w, s, stmt)
        }
        S::AlterDatabaseProperties { .. } => ddl_db::run(w, s, stmt),
        S::CreateTable(ct) => ddl_table::create_table(w, s, *ct),
        S::CreateTableLike {
            if_not_exists,
            name,
            source,
        } => ddl_table::create_table_like(w, s, if_not_exists, &name, &source),
        S::DropTable {
            if_exists,
            name,
            force,
        } => ddl_table::drop_table(w, s, &name, if_exists, force, false),
        S::DropView { if_exists, name } => {
            ddl_table::drop_table(w, s, &name, if_exists, false, true)
        }
        S::CreateView(v) => ddl_view::create_view(w, s, *v),
        S::AlterView(v) => ddl_view::alter_view(w, s, *v),
        S::TruncateTable {
            name,
            partitions,
            temporary,
            partition_text,
        } => partition_ops::truncate(w, s, &name, &partitions, temporary, &partition_text),
        S::AlterTable(at) => alter::run(w, s, *at),
        S::CreateIndex {
            if_not_exists,
            table,
            index,
        } => alter_table::create_index(w, s, &table, index, if_not_exists),
        S::DropIndex {
            if_exists,
            name,
            table,
        } => alter_table::drop_index(w, s, &table, &name, if_exists),
        S::CreateMaterializedView { .. } | S::DropMaterializedView { .. } => {
            rollup::run_mv(w, s, stmt)
        }
        S::Insert(ins) => dml::insert(w, s, *ins),
        S::Delete {
            table,
            partitions,
            filter,
        } => dml::delete(w, s, &table, &partitions, filter.as_ref()),
        S::Update {
            table,
            assignments,
            filter,
        } => dml::update(w, s, &table, &assignments, filter.as_ref()),
        S::Select(sel) => select::run(w.state, s, &sel),
        S::Set(_) | S::SetNames { .. } | S::Begin | S::Commit | S::Rollback => {
            admin::session(s, stmt)
        }
        S::Show(show) => show::run(w, s, show),
        S::AdminShowFrontendConfig { like } => admin::show_fe_config(w.state, like.as_deref()),
        S::AdminSetFrontendConfig(props) => admin::set_fe_config(w, &props),
        // `ADMIN EMU GC BINLOG ...`, `PUBLISH TIMEOUT`, `TICK` are "repl"'s (fe_api::admin_emu).
        S::AdminEmu { command, args } => crate::cluster::fe_api::admin_emu(w, &command, &args)
            .unwrap_or_else(|| Err(not_supported(&format!("ADMIN EMU {command}")))),
        S::Backup(_) => Err(not_supported("BACKUP")),
        S::Restore(_) => Err(not_supported("RESTORE")),
        S::CancelBackup { .. } => Err(not_supported("CANCEL BACKUP")),
        S::CancelRestore { .. } => Err(not_supported("CANCEL RESTORE")),
    }
}

/// "not supported" error naming the statement.
pub fn not_supported(what: &str) -> SqlError {
    SqlError::with_code(
        SqlError::NOT_SUPPORTED,
        format!("Unsupported statement: {what}"),
    )
}

/// A generic (1105) error.
pub fn err(msg: impl Into<String>) -> SqlError {
    SqlError::new(msg)
}

/// The database named `name` (or the session's current one).
pub fn db_of<'s>(
    state: &'s State,
    s: &Session,
    name: Option<&str>,
) -> Result<&'s Database, SqlError> {
    let name = match name.or(s.db.as_deref()) {
        Some(n) => n,
        None => return Err(SqlError::with_code(1046, "No database selected")),
    };
    let name = name.strip_prefix("default_cluster:").unwrap_or(name);
    state
        .db(name)
        .ok_or_else(|| SqlError::with_code(SqlError::BAD_DB, format!("Unknown database '{name}'")))
}

/// Resolves `[db.]t` to `(db, table)`; views included.
pub fn table_of<'s>(
    state: &'s State,
    s: &Session,
    name: &ObjectName,
) -> Result<(&'s Database, &'s Table), SqlError> {
    let db = db_of(state, s, name.db.as_deref())?;
    let t = db.table(&name.name).ok_or_else(|| {
        SqlError::with_code(
            SqlError::BAD_TABLE,
            format!("Unknown table '{}'", name.name),
        )
    })?;
    Ok((db, t))
}

/// Resolves an OLAP table (views rejected like Doris does).
pub fn olap_table_of<'s>(
    state: &'s State,
    s: &Session,
    name: &ObjectName,
) -> Result<(&'s Database, &'s Table), SqlError> {
    let (db, t) = table_of(state, s, name)?;
    if t.is_view() {
        return Err(err(format!("{} is not a OLAP table", t.name)));
    }
    Ok((db, t))
}

/// Commits a catalog op built by a statement.
pub fn commit_catalog(
    w: &mut Writer<'_>,
    changes: Vec<Change>,
    binlog: Option<PendingBinlog>,
) -> Result<i64, SqlError> {
    let meta = w.commit(JournalEntry::Catalog(CatalogOp { changes, binlog }))?;
    Ok(meta.journal_id)
}

/// A pending binlog.
pub fn binlog(
    kind: i32,
    db_id: i64,
    table_ids: Vec<i64>,
    data: serde_json::Value,
) -> Option<PendingBinlog> {
    Some(PendingBinlog {
        kind,
        db_id,
        table_ids,
        data,
    })
}
