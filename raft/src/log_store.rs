//! The Raft log and vote, persisted in sled ([`LogStore`]).
//!
//! Durability contract (openraft): a vote save and an append are acknowledged only after
//! `flush_async()` returned, so a crash can neither double-vote in a term nor lose an
//! acknowledged entry. Truncate flushes too. Purge need not be durable (a lost purge only
//! keeps entries longer); its entries are deleted in the background (`purger`).

mod impl_raft_log_reader;
mod impl_raft_log_storage;
mod purger;

use std::sync::Arc;

use purger::Purger;

use crate::errors::StoreError;
use crate::sled_store::Logs;
use crate::sled_store::RaftStateKey;
use crate::sled_store::RaftStateKv;
use crate::sled_store::RaftStateValue;
use crate::sled_store::SledStore;
use crate::sled_store::TypedTree;
use crate::typ::LogId;
use crate::typ::StorageError;
use crate::typ::StorageIOError;

/// The sled-backed log store. Cheap to clone; clones share the database (the log reader
/// handed to replication tasks is a clone).
#[derive(Clone)]
pub struct LogStore {
    store: SledStore,
    logs: TypedTree<Logs>,
    raft_state: TypedTree<RaftStateKv>,
    purger: Arc<Purger>,
}

impl LogStore {
    /// Opens the log key spaces of `store`.
    pub fn new(store: SledStore) -> Result<Self, StoreError> {
        let logs = store.space::<Logs>()?;
        let raft_state = store.space::<RaftStateKv>()?;
        let first_kept = match raft_state.get(&RaftStateKey::LastPurged)? {
            Some(RaftStateValue::LastPurged(id)) => id.index.saturating_add(1),
            _ => 0,
        };
        Ok(Self {
            purger: Purger::new(store.clone(), logs.clone(), first_kept),
            logs,
            raft_state,
            store,
        })
    }

    fn last_purged(&self) -> Result<Option<LogId>, StoreError> {
        match self.raft_state.get(&RaftStateKey::LastPurged)? {
            Some(RaftStateValue::LastPurged(id)) => Ok(Some(id)),
            _ => Ok(None),
        }
    }
}

/// Maps a store error on the log read path.
fn read_err(e: StoreError) -> StorageError {
    StorageIOError::read_logs(&e).into()
}

/// Maps a store error on the log write path.
fn write_err(e: StoreError) -> StorageError {
    StorageIOError::write_logs(&e).into()
}

#[cfg(test)]
#[path = "log_store/purger_test.rs"]
mod purger_test;
