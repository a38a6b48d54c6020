//! The edit log: every mutation of [`State`] is a [`JournalEntry`], given a strictly
//! increasing journal id (= the Doris commit seq of any binlog it writes), optionally appended
//! to `<data_dir>/journal.jsonl`, then applied by [`apply`]. Replaying the file through the
//! same [`apply`] rebuilds the state, binlogs included.
//!
//! Adding an operation: add a variant holding the module's own op struct, and a match arm in
//! [`apply`] calling `module::apply_x(state, op, meta)`. Entries carry resolved facts
//! (allocated ids, rows, versions) so applying needs no clock or randomness.

use super::catalog_ops::{self, CatalogOp};
use super::load::{self, LoadOp};
use super::state::State;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Id and time of an applied entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryMeta {
    /// Journal id (commit seq of the entry's binlog, if any).
    pub journal_id: i64,
    /// Wall-clock time of the operation (ms since epoch), fixed at append time.
    pub ts_ms: i64,
}

/// One logged operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum JournalEntry {
    /// A catalog change (DDL): see [`catalog_ops`].
    Catalog(CatalogOp),
    /// A published load (INSERT/DELETE/UPDATE, or an ingested remote txn): see [`load`].
    Load(LoadOp),
    /// `ADMIN SET FRONTEND CONFIG`.
    FeConfig(FeConfigOp),
    /// A load transaction state change (repl): see [`super::txn`].
    Txn(super::txn::TxnOp),
    /// A binlog GC step (repl): see [`super::binlog`].
    BinlogGc(super::binlog::BinlogGcOp),
    /// A backup job step (repl): see [`super::backup`].
    Backup(super::backup::BackupOp),
    /// A restore job step (repl): see [`super::restore`].
    Restore(super::restore::RestoreOp),
}

/// `ADMIN SET FRONTEND CONFIG ("k" = "v")`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FeConfigOp {
    /// Config key.
    pub key: String,
    /// New value.
    pub value: String,
}

/// A journal line: the entry with its id, time and the id allocator's position afterwards.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalRecord {
    /// Journal id.
    pub id: i64,
    /// Time (ms).
    pub ts_ms: i64,
    /// `State::next_id` after the operation allocated its ids.
    pub next_id: i64,
    /// The operation.
    pub entry: JournalEntry,
}

/// Applies one entry to the state. Infallible by design: the executor validated the
/// operation before logging it, so a stale reference is skipped rather than failed.
pub fn apply(state: &mut State, entry: JournalEntry, meta: EntryMeta) {
    state.last_journal_id = state.last_journal_id.max(meta.journal_id);
    match entry {
        JournalEntry::Catalog(op) => catalog_ops::apply(state, op, meta),
        JournalEntry::Load(op) => {
            let txn_id = op.txn_id;
            load::apply(state, op, meta);
            // A published remote txn becomes VISIBLE atomically with its data (repl).
            super::txn::on_load_applied(state, txn_id, meta);
        }
        JournalEntry::FeConfig(op) => {
            state.fe_config.insert(op.key, op.value);
        }
        JournalEntry::Txn(op) => state.txns.apply(&op),
        JournalEntry::BinlogGc(op) => state.binlog.apply_gc(&op),
        JournalEntry::Backup(op) => super::backup::apply(state, op, meta),
        JournalEntry::Restore(op) => super::restore::apply(state, op, meta),
    }
}

/// Journal I/O errors.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Reading or writing the journal file failed.
    #[error("journal io error on {path}: {source}")]
    Io {
        /// File path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A journal line could not be decoded.
    #[error("corrupt journal {path} line {line}: {source}")]
    Corrupt {
        /// File path.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Cause.
        source: serde_json::Error,
    },
}

/// The journal file writer (absent without a data dir).
#[derive(Debug, Default)]
pub struct Journal {
    file: Option<(PathBuf, BufWriter<File>)>,
}

impl Journal {
    /// A memory-only journal.
    pub fn memory() -> Self {
        Journal { file: None }
    }

    /// Opens `<dir>/journal.jsonl` for appending, returning the records already in it.
    pub fn open(dir: &Path) -> Result<(Journal, Vec<JournalRecord>), JournalError> {
        let path = dir.join("journal.jsonl");
        let io = |source| JournalError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let records = if path.exists() {
            read_records(&path)?
        } else {
            Vec::new()
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io)?;
        Ok((
            Journal {
                file: Some((path, BufWriter::new(file))),
            },
            records,
        ))
    }

    /// Appends a record and flushes it (no fsync: a crash may lose the tail, like a
    /// killed process would lose unflushed edits).
    pub fn append(&mut self, record: &JournalRecord) -> Result<(), JournalError> {
        let Some((path, w)) = self.file.as_mut() else {
            return Ok(());
        };
        let io = |source| JournalError::Io {
            path: path.clone(),
            source,
        };
        let line = serde_json::to_vec(record).map_err(|e| io(std::io::Error::other(e)))?;
        w.write_all(&line).map_err(io)?;
        w.write_all(b"\n").map_err(io)?;
        w.flush().map_err(io)
    }
}

/// Reads all records; a torn last line (crash during write) is ignored.
fn read_records(path: &Path) -> Result<Vec<JournalRecord>, JournalError> {
    let io = |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let reader = BufReader::new(File::open(path).map_err(io)?);
    let lines: Vec<String> = reader.lines().collect::<Result<_, _>>().map_err(io)?;
    let mut out = Vec::with_capacity(lines.len());
    let last = lines.len();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(r) => out.push(r),
            Err(_) if i + 1 == last => break,
            Err(source) => {
                return Err(JournalError::Corrupt {
                    path: path.to_path_buf(),
                    line: i + 1,
                    source,
                })
            }
        }
    }
    Ok(out)
}
