//! Dispatch of the statements owned by "repl" (BACKUP / CANCEL BACKUP / CANCEL RESTORE,
//! SHOW BACKUP / RESTORE) to its modules. Statements it does not implement are refused with a
//! message naming them (never a silent success).

use super::{not_supported, ExecResult};
use crate::cluster::config::Session;
use crate::cluster::{backup, restore, Writer};
use crate::sql::ast::{Show, Statement};

/// BACKUP / RESTORE / CANCEL BACKUP / CANCEL RESTORE.
pub fn run(w: &mut Writer<'_>, s: &mut Session, stmt: Statement) -> ExecResult {
    let cur = s.db.clone();
    match stmt {
        Statement::Backup(b) => backup::start_backup(w, cur.as_deref(), &b),
        Statement::CancelBackup { db } => backup::cancel_backup(w, cur.as_deref(), db.as_deref()),
        Statement::CancelRestore { db } => restore::cancel_restore(w, cur.as_deref(), db.as_deref()),
        Statement::Restore(_) => Err(not_supported("RESTORE SNAPSHOT (use the restoreSnapshot RPC)")),
        _ => Err(not_supported("statement")),
    }
}

/// SHOW BACKUP / SHOW RESTORE / SHOW SNAPSHOT.
pub fn show(w: &mut Writer<'_>, s: &mut Session, show: Show) -> ExecResult {
    let cur = s.db.clone();
    match show {
        Show::Backup { db, filter } => backup::show_backup(w, cur.as_deref(), db.as_deref(), filter.as_ref()),
        Show::Restore { db, filter } => restore::show_restore(w, cur.as_deref(), db.as_deref(), filter.as_ref()),
        _ => Err(not_supported("SHOW SNAPSHOT")),
    }
}
