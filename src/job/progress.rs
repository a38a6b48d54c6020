//! Persisted job progress, serialized with the original syncer's field names (§2.3) so
//! `/job_progress` looks the same, but with typed data internally.

mod data;
mod states;

pub use data::{PartialSyncData, PersistData};
pub use states::{RawSubState, SubSyncState, SyncState, UnknownStateValue};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// Current unix time in seconds.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Where a job stands. Mutated by the runner, persisted through the checkpoint handle
/// after every step (see ENGINE.md "Exactly-once").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Owning job.
    pub job_name: String,
    /// Main state.
    pub sync_state: SyncState,
    /// Step inside the main state.
    pub sub_sync_state: SubSyncState,
    /// Last fully applied binlog seq.
    pub prev_commit_seq: i64,
    /// Binlog / snapshot seq currently being handled.
    pub commit_seq: i64,
    /// DB sync: source table id → target table id.
    #[serde(default)]
    pub table_mapping: Option<BTreeMap<i64, i64>>,
    /// Per-table seqs of the last snapshot: binlogs at or below are already applied.
    #[serde(default)]
    pub table_commit_seq_map: Option<BTreeMap<i64, i64>>,
    /// In-flight step data; rendered as a string like the original's `data`.
    #[serde(default)]
    pub data: PersistData,
    /// Target of an in-flight partial sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial_sync_data: Option<PartialSyncData>,
    /// Table name → temporary alias used by a restore with a signature mismatch.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub table_aliases: BTreeMap<String, String>,
    /// Shadow index id → origin index id of running schema changes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shadow_index_map: BTreeMap<i64, i64>,
    /// Unix seconds when the progress was created.
    #[serde(default)]
    pub created_at: i64,
    /// Unix seconds when the last full sync began (tests use it to detect full syncs).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub full_sync_start_at: i64,
    /// Unix seconds when incremental sync began.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub incremental_sync_start_at: i64,
    /// Unix seconds of the last ingest checkpoint.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ingest_binlog_at: i64,
}

impl Progress {
    /// A fresh progress: full sync from the beginning.
    pub fn new(job_name: &str, table_sync: bool) -> Self {
        let now = unix_now();
        let sync_state = if table_sync {
            SyncState::TableFullSync
        } else {
            SyncState::DbFullSync
        };
        Progress {
            job_name: job_name.to_string(),
            sync_state,
            sub_sync_state: SubSyncState::BeginCreateSnapshot,
            prev_commit_seq: 0,
            commit_seq: 0,
            table_mapping: None,
            table_commit_seq_map: None,
            data: PersistData::Empty,
            partial_sync_data: None,
            table_aliases: BTreeMap::new(),
            shadow_index_map: BTreeMap::new(),
            created_at: now,
            full_sync_start_at: now,
            incremental_sync_start_at: 0,
            ingest_binlog_at: 0,
        }
    }

    /// Original JSON form (for `/job_progress` and the store).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// Parses a persisted progress.
    pub fn from_json(s: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(s)
    }

    /// Starts handling binlog `seq` (the original's StartHandle; caller persists).
    pub fn start_handle(&mut self, seq: i64) {
        self.commit_seq = seq;
    }

    /// Moves to `sub` with `data` (NextSubCheckpoint; caller persists).
    pub fn next_sub(&mut self, sub: SubSyncState, data: PersistData) {
        if sub == SubSyncState::IngestBinlog {
            self.ingest_binlog_at = unix_now();
        }
        self.sub_sync_state = sub;
        self.data = data;
    }

    /// Like [`Progress::next_sub`] but also moves `commit_seq` (CommitNextSubWithPersist).
    pub fn commit_next_sub(&mut self, seq: i64, sub: SubSyncState, data: PersistData) {
        self.commit_seq = seq;
        self.next_sub(sub, data);
    }

    /// Switches main state (NextWithPersist): sets timestamps; `Done` also marks `seq`
    /// applied.
    pub fn next_state(&mut self, seq: i64, state: SyncState, sub: SubSyncState, data: PersistData) {
        let now = unix_now();
        if state.is_full_sync() && sub == SubSyncState::BeginCreateSnapshot {
            self.full_sync_start_at = now;
            self.incremental_sync_start_at = 0;
            self.ingest_binlog_at = 0;
        }
        let plain_incr = matches!(
            state,
            SyncState::TableIncrementalSync | SyncState::DbIncrementalSync
        );
        if plain_incr && sub == SubSyncState::Done && !self.sync_state.is_incremental() {
            self.incremental_sync_start_at = now;
        }
        self.commit_seq = seq;
        if sub == SubSyncState::Done {
            self.prev_commit_seq = seq;
        }
        self.sync_state = state;
        self.sub_sync_state = sub;
        self.data = data;
    }

    /// Starts a new full sync at `seq` (DUMMY, TOO_OLD, force_fullsync, ...).
    pub fn new_full_sync(&mut self, seq: i64, table_sync: bool) {
        let state = if table_sync {
            SyncState::TableFullSync
        } else {
            SyncState::DbFullSync
        };
        self.partial_sync_data = None;
        self.next_state(
            seq,
            state,
            SubSyncState::BeginCreateSnapshot,
            PersistData::Empty,
        );
    }

    /// True when no binlog is in flight.
    pub fn is_done(&self) -> bool {
        self.sub_sync_state == SubSyncState::Done && self.prev_commit_seq == self.commit_seq
    }

    /// Marks the current binlog applied (Done).
    pub fn done(&mut self) {
        self.sub_sync_state = SubSyncState::Done;
        self.prev_commit_seq = self.commit_seq;
        self.data = PersistData::Empty;
    }

    /// Abandons the in-flight binlog. Unlike the original (issue #10 in §11) skipping
    /// marks it applied, so a skipped binlog is not re-rolled-back forever.
    pub fn rollback(&mut self, skip_error: bool) {
        self.sub_sync_state = SubSyncState::Done;
        self.data = PersistData::Empty;
        if skip_error {
            self.prev_commit_seq = self.commit_seq;
        } else {
            self.commit_seq = self.prev_commit_seq;
        }
    }
}

#[cfg(test)]
mod tests;
