//! The state machine ([`StateMachineStore`]): applies committed [`Command`]s to an in-memory
//! [`StateMachineData`] and keeps the current snapshot in sled.
//!
//! Why in memory: the replicated state is small (job definitions, progress, ownership), and
//! the durable log plus the persisted snapshot and committed index are enough to rebuild it
//! on restart (openraft re-applies committed entries after the last snapshot).
//!
//! [`Command`]: crate::command::Command

mod apply;
mod impl_raft_state_machine;
mod impl_snapshot_builder;
mod snapshot;
mod snapshot_file;

use std::sync::Arc;

use parking_lot::RwLock;
use tokio::sync::watch;

pub use snapshot::SnapshotPayload;
pub use snapshot::SNAPSHOT_FORMAT_VERSION;

use crate::errors::StoreError;
use crate::model::StateMachineData;
use crate::sled_store::Meta;
use crate::sled_store::SledStore;
use crate::sled_store::SnapshotKey;
use crate::sled_store::Snapshots;
use crate::sled_store::StoredSnapshot;
use crate::sled_store::TypedTree;

/// Shared, read-mostly handle to the state machine data.
///
/// Why a sync lock: it is held only for short, non-async sections (apply a batch, run a
/// reader closure, serialize a snapshot) and never across an `.await`.
pub type SharedData = Arc<RwLock<StateMachineData>>;

/// The sled-backed state machine. Cheap to clone; clones share data and database.
#[derive(Clone)]
pub struct StateMachineStore {
    data: SharedData,
    store: SledStore,
    snapshots: TypedTree<Snapshots>,
    meta: TypedTree<Meta>,
    /// Serializes snapshot file writes (a build and an install may overlap).
    persist_lock: Arc<tokio::sync::Mutex<()>>,
    /// Last applied log index (0 before anything is applied); readers wake on every apply
    /// batch and snapshot install instead of polling.
    applied_tx: Arc<watch::Sender<u64>>,
}

impl StateMachineStore {
    /// Opens the state machine and restores it from the persisted snapshot, if any.
    pub fn new(store: SledStore) -> Result<Self, StoreError> {
        let snapshots = store.space::<Snapshots>()?;
        let mut data = StateMachineData::default();
        if let Some(stored) = current_snapshot(&store, &snapshots)? {
            data = snapshot::decode(&stored.meta, stored.data.as_bytes())?;
        }
        let applied = data.last_applied.map_or(0, |l| l.index);
        let (applied_tx, _) = watch::channel(applied);
        Ok(Self {
            data: Arc::new(RwLock::new(data)),
            meta: store.space::<Meta>()?,
            snapshots,
            store,
            persist_lock: Arc::default(),
            applied_tx: Arc::new(applied_tx),
        })
    }

    /// The shared data, for local reads.
    pub fn data(&self) -> SharedData {
        self.data.clone()
    }

    /// Subscribes to the last applied log index.
    pub fn subscribe_applied(&self) -> watch::Receiver<u64> {
        self.applied_tx.subscribe()
    }

    fn publish_applied(&self, index: u64) {
        self.applied_tx.send_replace(index);
    }

    async fn persist_snapshot(&self, stored: &StoredSnapshot) -> Result<(), StoreError> {
        let _one_at_a_time = self.persist_lock.lock().await;
        snapshot_file::save(self.store.dir().to_path_buf(), stored).await
    }

    /// The persisted current snapshot, if any.
    fn stored_snapshot(&self) -> Result<Option<StoredSnapshot>, StoreError> {
        current_snapshot(&self.store, &self.snapshots)
    }
}

/// The snapshot file, else (a format 1 database) the `snapshot` tree.
fn current_snapshot(
    store: &SledStore,
    tree: &TypedTree<Snapshots>,
) -> Result<Option<StoredSnapshot>, StoreError> {
    match snapshot_file::load(store.dir())? {
        Some(stored) => Ok(Some(stored)),
        None => tree.get(&SnapshotKey::Current),
    }
}

#[cfg(test)]
#[path = "state_machine/snapshot_file_test.rs"]
mod snapshot_file_test;
