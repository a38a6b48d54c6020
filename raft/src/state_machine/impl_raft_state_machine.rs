//! [`RaftStateMachine`] for [`StateMachineStore`].

use std::io::Cursor;

use openraft::storage::RaftStateMachine;
use openraft::EntryPayload;

use crate::command::CommandResponse;
use crate::sled_store::StoredSnapshot;
use crate::state_machine::snapshot;
use crate::state_machine::StateMachineStore;
use crate::typ::Entry;
use crate::typ::LogId;
use crate::typ::Snapshot;
use crate::typ::SnapshotMeta;
use crate::typ::StorageError;
use crate::typ::StorageIOError;
use crate::typ::StoredMembership;
use crate::type_config::TypeConfig;

impl RaftStateMachine<TypeConfig> for StateMachineStore {
    type SnapshotBuilder = StateMachineStore;

    async fn applied_state(&mut self) -> Result<(Option<LogId>, StoredMembership), StorageError> {
        let data = self.data.read();
        Ok((data.last_applied, data.last_membership.clone()))
    }

    async fn apply<I>(&mut self, entries: I) -> Result<Vec<CommandResponse>, StorageError>
    where
        I: IntoIterator<Item = Entry> + Send,
        I::IntoIter: Send,
    {
        let mut responses = Vec::new();
        let last_applied = {
            let mut data = self.data.write();
            for entry in entries {
                data.last_applied = Some(entry.log_id);
                let response = match entry.payload {
                    EntryPayload::Blank => CommandResponse::Ok,
                    EntryPayload::Normal(cmd) => data.state.apply(&cmd),
                    EntryPayload::Membership(m) => {
                        data.last_membership = StoredMembership::new(Some(entry.log_id), m);
                        CommandResponse::Ok
                    }
                };
                responses.push(response);
            }
            data.last_applied
        };
        self.publish_applied(last_applied.map_or(0, |l| l.index));
        Ok(responses)
    }

    async fn get_snapshot_builder(&mut self) -> Self::SnapshotBuilder {
        self.clone()
    }

    async fn begin_receiving_snapshot(&mut self) -> Result<Box<Cursor<Vec<u8>>>, StorageError> {
        Ok(Box::new(Cursor::new(Vec::new())))
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMeta,
        snapshot: Box<Cursor<Vec<u8>>>,
    ) -> Result<(), StorageError> {
        let bytes = snapshot.into_inner();
        let read_err = |e| StorageIOError::read_snapshot(Some(meta.signature()), &e);
        let new_data = snapshot::decode(meta, &bytes).map_err(read_err)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| read_err(crate::sled_store::CodecError(e.to_string()).into()))?;
        let stored = StoredSnapshot {
            meta: meta.clone(),
            data: text,
        };
        self.persist_snapshot(&stored)
            .await
            .map_err(|e| StorageIOError::write_snapshot(Some(meta.signature()), &e))?;
        *self.data.write() = new_data;
        tracing::info!(snapshot_id = %meta.snapshot_id, last_log_id = ?meta.last_log_id, "Installed snapshot.");
        self.publish_applied(meta.last_log_id.map_or(0, |l| l.index));
        Ok(())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot>, StorageError> {
        let stored = self
            .stored_snapshot()
            .map_err(|e| StorageIOError::read_snapshot(None, &e))?;
        Ok(stored.map(|s| Snapshot {
            meta: s.meta,
            snapshot: Box::new(Cursor::new(s.data.into_bytes())),
        }))
    }
}
