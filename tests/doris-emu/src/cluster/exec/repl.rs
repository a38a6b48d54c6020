//! Hand-off of the statements owned by "repl" (BACKUP / CANCEL, SHOW BACKUP / RESTORE /
//! TRANSACTION, `ADMIN EMU ...`) to `fe_api::admin`.

use super::ExecResult;
use crate::cluster::config::Session;
use crate::cluster::fe_api::run_repl_statement;
use crate::cluster::Writer;
use crate::sql::ast::Statement;

/// Runs `stmt` if "repl" owns it.
pub fn try_run(w: &mut Writer<'_>, s: &Session, stmt: &Statement) -> Option<ExecResult> {
    run_repl_statement(w, s.db.as_deref(), stmt)
}
