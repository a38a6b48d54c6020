//! [`RaftSnapshotBuilder`] for [`StateMachineStore`].

use std::io::Cursor;

use openraft::RaftSnapshotBuilder;

use crate::errors::StoreError;
use crate::sled_store::MetaKey;
use crate::sled_store::StoredSnapshot;
use crate::state_machine::snapshot;
use crate::state_machine::StateMachineStore;
use crate::typ::Snapshot;
use crate::typ::SnapshotMeta;
use crate::typ::StorageError;
use crate::typ::StorageIOError;
use crate::type_config::TypeConfig;

impl StateMachineStore {
    /// Serializes the current state and persists it as the current snapshot.
    async fn build(&self) -> Result<StoredSnapshot, StoreError> {
        let (text, last_log_id, last_membership) = {
            let data = self.data.read();
            (
                snapshot::encode(&data.state)?,
                data.last_applied,
                data.last_membership.clone(),
            )
        };
        let seq = self.meta.get(&MetaKey::SnapshotSeq)?.unwrap_or(0) + 1;
        self.meta.insert(&MetaKey::SnapshotSeq, &seq)?;
        // Durable before the id is used, so ids stay unique across restarts (a few bytes: the
        // snapshot itself goes to its own file, off sled's log).
        self.store.flush().await?;
        let snapshot_id = match last_log_id {
            Some(id) => format!("{}-{}-{seq}", id.leader_id, id.index),
            None => format!("--{seq}"),
        };
        let meta = SnapshotMeta {
            last_log_id,
            last_membership,
            snapshot_id,
        };
        let stored = StoredSnapshot { meta, data: text };
        self.persist_snapshot(&stored).await?;
        Ok(stored)
    }
}

impl RaftSnapshotBuilder<TypeConfig> for StateMachineStore {
    async fn build_snapshot(&mut self) -> Result<Snapshot, StorageError> {
        let stored = self
            .build()
            .await
            .map_err(|e| StorageIOError::write_snapshot(None, &e))?;
        tracing::info!(snapshot_id = %stored.meta.snapshot_id, bytes = stored.data.len(), "Built snapshot.");
        Ok(Snapshot {
            meta: stored.meta,
            snapshot: Box::new(Cursor::new(stored.data.into_bytes())),
        })
    }
}
