//! Dispatch of the statements owned by "repl" (BACKUP / RESTORE / CANCEL, SHOW BACKUP /
//! RESTORE / SNAPSHOT). "repl" wires these to its modules; until then they are refused with
//! a message naming the statement (never a silent success).

use super::{not_supported, ExecResult};
use crate::cluster::config::Session;
use crate::cluster::Writer;
use crate::sql::ast::{Show, Statement};

/// BACKUP / RESTORE / CANCEL BACKUP / CANCEL RESTORE.
pub fn run(w: &mut Writer<'_>, s: &mut Session, stmt: Statement) -> ExecResult {
    let _ = (w, s);
    let what = match stmt {
        Statement::Backup(_) => "BACKUP SNAPSHOT",
        Statement::Restore(_) => "RESTORE SNAPSHOT",
        Statement::CancelBackup { .. } => "CANCEL BACKUP",
        Statement::CancelRestore { .. } => "CANCEL RESTORE",
        _ => "statement",
    };
    Err(not_supported(what))
}

/// SHOW BACKUP / SHOW RESTORE / SHOW SNAPSHOT.
pub fn show(w: &mut Writer<'_>, s: &mut Session, show: Show) -> ExecResult {
    let _ = (w, s);
    let what = match show {
        Show::Backup { .. } => "SHOW BACKUP",
        Show::Restore { .. } => "SHOW RESTORE",
        _ => "SHOW SNAPSHOT",
    };
    Err(not_supported(what))
}
