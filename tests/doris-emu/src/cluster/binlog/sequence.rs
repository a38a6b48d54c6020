//! One ordered binlog set (the db set or a per-table set) with its DUMMY sentinel.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{kind, BinlogEntry, BinlogLag, GotBinlog};
use crate::cluster::fe_api::status::code;

/// An ordered set of binlogs by commit seq. The DUMMY sentinel is not stored as an entry:
/// it is `(dummy_seq, dummy_ts)` and is always logically the first element.
#[derive(Debug, Clone)]
pub(super) struct Sequence {
    /// -1 for the db set, the table id for a table set (TBinlog.belong of the DUMMY).
    pub belong: i64,
    pub db_id: i64,
    /// Starts at -1 and moves to the last GC'd commit seq.
    pub dummy_seq: i64,
    /// Creation time (master behaviour), then the timestamp of the last GC'd entry.
    pub dummy_ts: i64,
    pub entries: BTreeMap<i64, Arc<BinlogEntry>>,
}

impl Sequence {
    pub fn new(db_id: i64, belong: i64, created_ms: i64) -> Self {
        Sequence {
            belong,
            db_id,
            dummy_seq: -1,
            dummy_ts: created_ms,
            entries: BTreeMap::new(),
        }
    }

    pub fn push(&mut self, entry: Arc<BinlogEntry>) {
        self.entries.insert(entry.commit_seq, entry);
    }

    fn dummy(&self) -> GotBinlog {
        GotBinlog {
            entry: BinlogEntry {
                commit_seq: self.dummy_seq,
                timestamp_ms: self.dummy_ts,
                kind: kind::DUMMY,
                db_id: self.db_id,
                table_ids: Vec::new(),
                data: String::new(),
            },
            belong: Some(self.belong),
        }
    }

    /// getBinlog semantics: TOO_OLD with the DUMMY, TOO_NEW with nothing, else up to `max`.
    pub fn get(&self, prev: i64, max: usize) -> (i32, Vec<GotBinlog>) {
        if prev < self.dummy_seq {
            return (code::BINLOG_TOO_OLD_COMMIT_SEQ, vec![self.dummy()]);
        }
        let found: Vec<GotBinlog> = self
            .entries
            .range(prev.saturating_add(1)..)
            .take(max)
            .map(|(_, e)| GotBinlog {
                entry: (**e).clone(),
                belong: None,
            })
            .collect();
        if found.is_empty() {
            (code::BINLOG_TOO_NEW_COMMIT_SEQ, found)
        } else {
            (code::OK, found)
        }
    }

    /// getBinlogLag semantics (dummy counted when `prev` is older than it).
    pub fn lag(&self, prev: i64) -> BinlogLag {
        let first = self.entries.values().next();
        let last = self.entries.values().next_back();
        let next = self
            .entries
            .range(prev.saturating_add(1)..)
            .next()
            .map(|(_, e)| e);
        let lag = if prev < self.dummy_seq {
            self.entries.len() as i64 + 1
        } else {
            self.entries.range(prev.saturating_add(1)..).count() as i64
        };
        BinlogLag {
            lag,
            first_commit_seq: first.map_or(self.dummy_seq, |e| e.commit_seq),
            first_binlog_timestamp: first.map_or(self.dummy_ts, |e| e.timestamp_ms),
            last_commit_seq: last.map_or(self.dummy_seq, |e| e.commit_seq),
            last_binlog_timestamp: last.map_or(self.dummy_ts, |e| e.timestamp_ms),
            next_commit_seq: next.map(|e| e.commit_seq),
            next_binlog_timestamp: next.map(|e| e.timestamp_ms),
        }
    }

    /// Drops every entry with seq ≤ `upto` and moves the DUMMY there. Returns what was removed.
    pub fn trim_upto(&mut self, upto: i64) -> Vec<Arc<BinlogEntry>> {
        if upto <= self.dummy_seq {
            return Vec::new();
        }
        let keep = self.entries.split_off(&upto.saturating_add(1));
        let removed: Vec<_> = std::mem::replace(&mut self.entries, keep)
            .into_values()
            .collect();
        self.dummy_seq = upto;
        if let Some(last) = removed.last() {
            self.dummy_ts = last.timestamp_ms;
        }
        removed
    }

    /// The largest seq to GC under `cfg` at `now_ms` (ttl, then count, then bytes), if any.
    pub fn expired_upto(&self, cfg: &super::BinlogConfig, now_ms: i64) -> Option<i64> {
        let expire_before = now_ms.saturating_sub(cfg.ttl_seconds.saturating_mul(1000));
        let mut upto = None;
        let mut count = self.entries.len() as i64;
        let mut bytes: i64 = self.entries.values().map(|e| e.data.len() as i64).sum();
        for e in self.entries.values() {
            let too_old = e.timestamp_ms <= expire_before;
            if !too_old && count <= cfg.max_history_nums && bytes <= cfg.max_bytes {
                break;
            }
            upto = Some(e.commit_seq);
            count -= 1;
            bytes -= e.data.len() as i64;
        }
        upto
    }

    /// Seq of the newest entry (or the dummy when empty).
    pub fn last_seq(&self) -> i64 {
        self.entries
            .keys()
            .next_back()
            .copied()
            .unwrap_or(self.dummy_seq)
    }
}
