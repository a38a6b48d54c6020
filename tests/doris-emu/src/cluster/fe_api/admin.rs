//! The SQL statements "repl" owns (BACKUP / RESTORE / CANCEL, SHOW BACKUP / RESTORE /
//! TRANSACTION, `ADMIN EMU ...`) and the periodic tick the servers run.
//!
//! `ADMIN EMU` commands handled here:
//! - `ADMIN EMU GC BINLOG [db] [UNTIL <seq>]`: forced binlog GC (all dbs when no db; up to
//!   the newest binlog when no UNTIL), journaled.
//! - `ADMIN EMU PUBLISH TIMEOUT [n]`: the next n (default 1) commitTxn calls answer
//!   PUBLISH_TIMEOUT and the txn turns VISIBLE on the next tick.
//! - `ADMIN EMU TICK`: runs [`tick_sync`] and [`gc_sync`] now (restores are driven by
//!   [`tick`] / restoreSnapshot's own task).

use crate::cluster::backup::sql_support::resolve_db;
use crate::cluster::backup::{advance_backups, cancel_backup, show_backup, start_backup};
use crate::cluster::binlog::{BinlogConfig, BinlogGcOp};
use crate::cluster::restore::{cancel_restore, drive_restores, show_restore};
use crate::cluster::{now_ms, Cluster, JournalEntry, State, Writer};
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{EmuArg, Literal, Show, Statement};

/// Runs `stmt` if it is one of "repl"'s statements; None otherwise.
pub fn run_repl_statement(
    w: &mut Writer<'_>,
    current_db: Option<&str>,
    stmt: &Statement,
) -> Option<Result<QueryResult, SqlError>> {
    Some(match stmt {
        Statement::Backup(b) => start_backup(w, current_db, b),
        Statement::Restore(_) => Err(SqlError::new(
            "RESTORE from a repository is not supported by the emulator; use restoreSnapshot",
        )),
        Statement::CancelBackup { db } => cancel_backup(w, current_db, db.as_deref()),
        Statement::CancelRestore { db } => cancel_restore(w, current_db, db.as_deref()),
        Statement::Show(Show::Backup { db, filter }) => {
            show_backup(w, current_db, db.as_deref(), filter.as_ref())
        }
        Statement::Show(Show::Restore { db, filter }) => {
            show_restore(w, current_db, db.as_deref(), filter.as_ref())
        }
        Statement::Show(Show::Transaction { db, filter }) => {
            resolve_db(w.state, db.as_deref(), current_db).and_then(|(db_id, _)| {
                w.state
                    .txns
                    .show(db_id, filter.as_ref())
                    .map_err(SqlError::new)
            })
        }
        Statement::AdminEmu { command, args } => return admin_emu(w, command, args),
        _ => return None,
    })
}

fn word(a: &EmuArg) -> Option<&str> {
    match a {
        EmuArg::Word(w) => Some(w),
        EmuArg::Literal(Literal::String(s)) => Some(s),
        _ => None,
    }
}

fn int(a: &EmuArg) -> Option<i64> {
    match a {
        EmuArg::Literal(Literal::Int(i)) => i64::try_from(*i).ok(),
        other => word(other)?.parse().ok(),
    }
}

/// `ADMIN EMU <command> args...` when it is one of ours (see the module doc); None otherwise.
pub fn admin_emu(
    w: &mut Writer<'_>,
    command: &str,
    args: &[EmuArg],
) -> Option<Result<QueryResult, SqlError>> {
    let first = args.first().and_then(word).map(str::to_ascii_uppercase);
    match (command, first.as_deref()) {
        ("GC", Some("BINLOG")) => Some(forced_gc(w, &args[1..])),
        ("PUBLISH", Some("TIMEOUT")) => {
            let n = args.get(1).and_then(int).unwrap_or(1).max(0) as u32;
            w.state.txns.publish_timeout_faults = n;
            Some(Ok(QueryResult::ok()))
        }
        ("TICK", _) => Some(
            tick_sync(w, now_ms())
                .and_then(|_| gc_sync(w, now_ms()))
                .map(|_| QueryResult::ok()),
        ),
        _ => None,
    }
}

fn forced_gc(w: &mut Writer<'_>, args: &[EmuArg]) -> Result<QueryResult, SqlError> {
    let mut db = None;
    let mut until = None;
    let mut i = 0;
    while i < args.len() {
        match word(&args[i]).map(str::to_ascii_uppercase).as_deref() {
            Some("UNTIL") => {
                until = Some(
                    args.get(i + 1)
                        .and_then(int)
                        .ok_or_else(|| SqlError::new("UNTIL needs a commit seq"))?,
                );
                i += 1;
            }
            Some(_) => db = Some(resolve_db(w.state, word(&args[i]), None)?.0),
            None => return Err(SqlError::new("usage: ADMIN EMU GC BINLOG [db] [UNTIL seq]")),
        }
        i += 1;
    }
    let ops = w.state.binlog.plan_forced_gc(db, until);
    let n = ops.len() as u64;
    journal_gc(w, ops)?;
    Ok(QueryResult::affected(n))
}

fn journal_gc(w: &mut Writer<'_>, ops: Vec<BinlogGcOp>) -> Result<(), SqlError> {
    for op in ops {
        tracing::debug!(db_id = op.db_id, table_id = ?op.table_id, upto = op.upto, "binlog gc");
        w.commit(JournalEntry::BinlogGc(op))
            .map_err(|e| SqlError::new(e.to_string()))?;
    }
    Ok(())
}

fn binlog_config(s: &State, db_id: i64, table: Option<i64>) -> Option<BinlogConfig> {
    let db = s.dbs.get(&db_id)?;
    let props = match table {
        None => &db.properties,
        Some(t) => &db.tables.get(&t)?.properties,
    };
    Some(BinlogConfig::from_properties(|k| {
        props.get(k).map(String::as_str)
    }))
}

/// The synchronous periodic work: txn timeouts and pending publishes, backup progress.
pub fn tick_sync(w: &mut Writer<'_>, now: i64) -> Result<(), SqlError> {
    w.txn_tick(now);
    advance_backups(w, now)
}

/// Binlog GC by each db/table's ttl / max_history_nums / max_bytes at `now`, journaled.
pub fn gc_sync(w: &mut Writer<'_>, now: i64) -> Result<(), SqlError> {
    let ops = w
        .state
        .binlog
        .plan_gc(now, &|db, t| binlog_config(w.state, db, t));
    journal_gc(w, ops)
}

/// The periodic binlog GC pass (servers: every `--binlog-gc-interval`, Doris: 15 s).
pub fn periodic_gc(cluster: &Cluster) {
    if let Err(e) = cluster.write(|w| gc_sync(w, now_ms())) {
        tracing::warn!(error = %e, "binlog gc failed");
    }
}

/// Periodic replication tick (servers: about every second): [`tick_sync`], then drives
/// unfinished restore jobs (HTTP downloads happen outside the lock).
pub async fn tick(cluster: &Cluster) {
    if let Err(e) = cluster.write(|w| tick_sync(w, now_ms())) {
        tracing::warn!(error = %e, "replication tick failed");
    }
    drive_restores(cluster).await;
}
