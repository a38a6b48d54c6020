//! [`RaftLogStorage`] for [`LogStore`].

use openraft::storage::LogFlushed;
use openraft::storage::RaftLogStorage;
use openraft::LogState;
use openraft::RaftLogId;

use crate::log_store::read_err;
use crate::log_store::write_err;
use crate::log_store::LogStore;
use crate::sled_store::RaftStateKey;
use crate::sled_store::RaftStateValue;
use crate::typ::Entry;
use crate::typ::LogId;
use crate::typ::StorageError;
use crate::typ::StorageIOError;
use crate::typ::Vote;
use crate::type_config::TypeConfig;

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = LogStore;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, StorageError> {
        let last_purged_log_id = self.last_purged().map_err(read_err)?;
        let last = self.logs.last().map_err(read_err)?;
        // Purged entries may still be on disk (deleted in the background): never report one
        // as the last log.
        let last_log_id = last.map(|(_, e)| e.log_id).max(last_purged_log_id);
        Ok(LogState {
            last_purged_log_id,
            last_log_id,
        })
    }

    async fn get_log_reader(&mut self) -> Self::LogReader {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote) -> Result<(), StorageError> {
        let value = RaftStateValue::Vote(*vote);
        let res = self.raft_state.insert(&RaftStateKey::Vote, &value);
        // Durable before returning: a lost vote could let this node vote twice in a term.
        let res = match res {
            Ok(()) => self.store.flush().await,
            Err(e) => Err(e),
        };
        res.map_err(|e| StorageIOError::write_vote(&e).into())
    }

    async fn read_vote(&mut self) -> Result<Option<Vote>, StorageError> {
        match self.raft_state.get(&RaftStateKey::Vote) {
            Ok(Some(RaftStateValue::Vote(v))) => Ok(Some(v)),
            Ok(_) => Ok(None),
            Err(e) => Err(StorageIOError::read_vote(&e).into()),
        }
    }

    async fn save_committed(&mut self, committed: Option<LogId>) -> Result<(), StorageError> {
        // Not flushed: losing it only means re-applying from the last snapshot on restart.
        let value = RaftStateValue::Committed(committed);
        self.raft_state
            .insert(&RaftStateKey::Committed, &value)
            .map_err(write_err)
    }

    async fn read_committed(&mut self) -> Result<Option<LogId>, StorageError> {
        match self
            .raft_state
            .get(&RaftStateKey::Committed)
            .map_err(read_err)?
        {
            Some(RaftStateValue::Committed(c)) => Ok(c),
            _ => Ok(None),
        }
    }

    async fn append<I>(
        &mut self,
        entries: I,
        callback: LogFlushed<TypeConfig>,
    ) -> Result<(), StorageError>
    where
        I: IntoIterator<Item = Entry> + Send,
        I::IntoIter: Send,
    {
        let entries: Vec<(u64, Entry)> = entries
            .into_iter()
            .map(|e| (e.get_log_id().index, e))
            .collect();
        let written = self.logs.insert_all(entries.iter().map(|(k, v)| (k, v)));
        // Acknowledge only after the flush: openraft treats the callback as "durable".
        let result = match written {
            Ok(()) => self.store.flush().await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                callback.log_io_completed(Ok(()));
                Ok(())
            }
            Err(e) => {
                callback.log_io_completed(Err(std::io::Error::other(e.to_string())));
                Err(write_err(e))
            }
        }
    }

    async fn truncate(&mut self, log_id: LogId) -> Result<(), StorageError> {
        tracing::debug!(%log_id, "Truncating log.");
        self.logs.remove_range(log_id.index..).map_err(write_err)?;
        self.store.flush().await.map_err(write_err)
    }

    async fn purge(&mut self, log_id: LogId) -> Result<(), StorageError> {
        tracing::debug!(%log_id, "Purging log.");
        // Not flushed here: the purger flushes the purge point before deleting anything, so
        // a crash either keeps the old purge point and all entries, or the new one.
        let value = RaftStateValue::LastPurged(log_id);
        self.raft_state
            .insert(&RaftStateKey::LastPurged, &value)
            .map_err(write_err)?;
        self.purger.purge(log_id.index);
        Ok(())
    }
}
