//! Sync state enumerations with the original's numeric values and names.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An enum value in a persisted progress was not recognised.
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} value {value}")]
pub struct UnknownStateValue {
    what: &'static str,
    value: i64,
}

/// Main sync state of a job (`sync_state`, numeric in JSON, named in `/job_status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub enum SyncState {
    /// DB backup/restore in progress.
    DbFullSync,
    /// DB incremental; per-table commit seqs from the last snapshot still filter binlogs.
    DbTablesIncrementalSync,
    /// Defined by the original, unused.
    DbSpecificTableFullSync,
    /// Plain DB incremental.
    DbIncrementalSync,
    /// DB-level partial (one table / some partitions) backup/restore.
    DbPartialSync,
    /// Table backup/restore.
    TableFullSync,
    /// Table incremental.
    TableIncrementalSync,
    /// Table partial backup/restore.
    TablePartialSync,
}

impl SyncState {
    /// Numeric value (0..4, 500..502) as persisted by the original.
    pub fn code(self) -> i32 {
        match self {
            SyncState::DbFullSync => 0,
            SyncState::DbTablesIncrementalSync => 1,
            SyncState::DbSpecificTableFullSync => 2,
            SyncState::DbIncrementalSync => 3,
            SyncState::DbPartialSync => 4,
            SyncState::TableFullSync => 500,
            SyncState::TableIncrementalSync => 501,
            SyncState::TablePartialSync => 502,
        }
    }

    /// Name shown by `/job_status` (`DBFullSync`, `TableIncrementalSync`, ...).
    pub fn name(self) -> &'static str {
        match self {
            SyncState::DbFullSync => "DBFullSync",
            SyncState::DbTablesIncrementalSync => "DBTablesIncrementalSync",
            SyncState::DbSpecificTableFullSync => "DBSpecificTableFullSync",
            SyncState::DbIncrementalSync => "DBIncrementalSync",
            SyncState::DbPartialSync => "DBPartialSync",
            SyncState::TableFullSync => "TableFullSync",
            SyncState::TableIncrementalSync => "TableIncrementalSync",
            SyncState::TablePartialSync => "TablePartialSync",
        }
    }

    /// True for the incremental states (binlog polling).
    pub fn is_incremental(self) -> bool {
        matches!(
            self,
            SyncState::DbTablesIncrementalSync
                | SyncState::DbIncrementalSync
                | SyncState::TableIncrementalSync
        )
    }

    /// True for the full sync states.
    pub fn is_full_sync(self) -> bool {
        matches!(self, SyncState::DbFullSync | SyncState::TableFullSync)
    }

    /// True for the partial sync states.
    pub fn is_partial_sync(self) -> bool {
        matches!(self, SyncState::DbPartialSync | SyncState::TablePartialSync)
    }
}

impl From<SyncState> for i32 {
    fn from(s: SyncState) -> i32 {
        s.code()
    }
}

impl TryFrom<i32> for SyncState {
    type Error = UnknownStateValue;
    fn try_from(v: i32) -> Result<Self, Self::Error> {
        Ok(match v {
            0 => SyncState::DbFullSync,
            1 => SyncState::DbTablesIncrementalSync,
            2 => SyncState::DbSpecificTableFullSync,
            3 => SyncState::DbIncrementalSync,
            4 => SyncState::DbPartialSync,
            500 => SyncState::TableFullSync,
            501 => SyncState::TableIncrementalSync,
            502 => SyncState::TablePartialSync,
            _ => {
                return Err(UnknownStateValue {
                    what: "sync_state",
                    value: v.into(),
                })
            }
        })
    }
}

impl fmt::Display for SyncState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Step inside a sync state; persisted as `{"state": n, "binlog_type": m}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawSubState", into = "RawSubState")]
pub enum SubSyncState {
    /// No step in flight.
    Done,
    /// About to issue BACKUP SNAPSHOT.
    BeginCreateSnapshot,
    /// Backup issued; waiting for it and fetching the snapshot (data = snapshot name).
    GetSnapshotInfo,
    /// Adding extra info to the snapshot (never persisted by the original).
    AddExtraInfo,
    /// Snapshot fetched; restoring it on the target.
    RestoreSnapshot,
    /// Restore issued; waiting for it (data = restore label).
    PersistRestoreInfo,
    /// UPSERT: beginning the target txn.
    BeginTransaction,
    /// UPSERT: ingesting tablets.
    IngestBinlog,
    /// UPSERT: committing the target txn.
    CommitTransaction,
    /// UPSERT: rolling back the target txn.
    RollbackTransaction,
    /// Defined by the original, unused.
    Db1,
}

/// Wire form of [`SubSyncState`].
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct RawSubState {
    state: i32,
    binlog_type: i32,
}

const SUB_TABLE: [(SubSyncState, i32, i32, &str); 11] = [
    (SubSyncState::Done, -1, -1, "Done"),
    (
        SubSyncState::BeginCreateSnapshot,
        0,
        -1,
        "BeginCreateSnapshot",
    ),
    (SubSyncState::GetSnapshotInfo, 1, -1, "GetSnapshotInfo"),
    (SubSyncState::AddExtraInfo, 2, -1, "AddExtraInfo"),
    (SubSyncState::RestoreSnapshot, 3, -1, "RestoreSnapshot"),
    (
        SubSyncState::PersistRestoreInfo,
        4,
        -1,
        "PersistRestoreInfo",
    ),
    (SubSyncState::BeginTransaction, 11, 0, "BeginTransaction"),
    (SubSyncState::IngestBinlog, 12, 0, "IngestBinlog"),
    (SubSyncState::CommitTransaction, 13, 0, "CommitTransaction"),
    (
        SubSyncState::RollbackTransaction,
        14,
        0,
        "RollbackTransaction",
    ),
    (SubSyncState::Db1, 100, -1, "DB_1"),
];

impl SubSyncState {
    fn entry(self) -> (SubSyncState, i32, i32, &'static str) {
        SUB_TABLE
            .iter()
            .copied()
            .find(|e| e.0 == self)
            .unwrap_or(SUB_TABLE[0])
    }

    /// Name as in the original (`Done`, `IngestBinlog`, ...).
    pub fn name(self) -> &'static str {
        self.entry().3
    }

    /// `(state, binlog_type)` numbers.
    pub fn codes(self) -> (i32, i32) {
        let e = self.entry();
        (e.1, e.2)
    }

    /// True for the UPSERT steps (resumable after a crash).
    pub fn is_upsert_step(self) -> bool {
        self.codes().1 == 0
    }
}

impl RawSubState {
    /// Name of the sub state with this `state` number (`"Unknown"` if none).
    pub fn named(state: i32) -> &'static str {
        SUB_TABLE
            .iter()
            .find(|e| e.1 == state)
            .map(|e| e.3)
            .unwrap_or("Unknown")
    }
}

impl From<SubSyncState> for RawSubState {
    fn from(s: SubSyncState) -> Self {
        let (state, binlog_type) = s.codes();
        RawSubState { state, binlog_type }
    }
}

impl TryFrom<RawSubState> for SubSyncState {
    type Error = UnknownStateValue;
    fn try_from(r: RawSubState) -> Result<Self, Self::Error> {
        // The state number alone identifies the step; binlog_type is informational.
        SUB_TABLE
            .iter()
            .find(|e| e.1 == r.state)
            .map(|e| e.0)
            .ok_or(UnknownStateValue {
                what: "sub_sync_state.state",
                value: r.state.into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_state_numbers_round_trip() {
        for v in [0, 1, 2, 3, 4, 500, 501, 502] {
            let s = SyncState::try_from(v).unwrap();
            assert_eq!(s.code(), v);
            let j = serde_json::to_string(&s).unwrap();
            assert_eq!(j, v.to_string());
        }
        assert!(SyncState::try_from(7).is_err());
        assert!(serde_json::from_str::<SyncState>("9").is_err());
        assert_eq!(
            SyncState::TableIncrementalSync.name(),
            "TableIncrementalSync"
        );
        assert_eq!(SyncState::DbFullSync.to_string(), "DBFullSync");
    }

    #[test]
    fn sub_state_wire_form() {
        let j = serde_json::to_string(&SubSyncState::IngestBinlog).unwrap();
        assert_eq!(j, r#"{"state":12,"binlog_type":0}"#);
        let d: SubSyncState = serde_json::from_str(r#"{"state":-1,"binlog_type":-1}"#).unwrap();
        assert_eq!(d, SubSyncState::Done);
        assert!(serde_json::from_str::<SubSyncState>(r#"{"state":55,"binlog_type":-1}"#).is_err());
        assert!(SubSyncState::CommitTransaction.is_upsert_step());
        assert!(!SubSyncState::RestoreSnapshot.is_upsert_step());
        assert_eq!(SubSyncState::Db1.name(), "DB_1");
    }
}
