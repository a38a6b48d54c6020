//! Snapshot persistence: format 1 databases (snapshot in the `snapshot` tree) still load,
//! and new snapshots go to the file and survive a reopen.

use openraft::storage::RaftStateMachine;
use openraft::RaftSnapshotBuilder;

use crate::model::ReplicatedState;
use crate::sled_store::Meta;
use crate::sled_store::MetaKey;
use crate::sled_store::SledStore;
use crate::sled_store::SnapshotKey;
use crate::sled_store::Snapshots;
use crate::sled_store::StoredSnapshot;
use crate::sled_store::FORMAT_VERSION;
use crate::state_machine::snapshot;
use crate::state_machine::StateMachineStore;
use crate::typ::SnapshotMeta;

#[tokio::test]
async fn format_1_snapshot_loads_and_new_snapshots_go_to_the_file() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    {
        // A format 1 database: version 1, snapshot in the tree.
        let store = SledStore::open(dir.path())?;
        store.space::<Meta>()?.insert(&MetaKey::FormatVersion, &1)?;
        let mut state = ReplicatedState::default();
        state.draining.insert(7);
        let stored = StoredSnapshot {
            meta: SnapshotMeta {
                snapshot_id: "old".into(),
                ..Default::default()
            },
            data: snapshot::encode(&state)?,
        };
        store
            .space::<Snapshots>()?
            .insert(&SnapshotKey::Current, &stored)?;
        store.flush().await?;
    }
    let store = SledStore::open(dir.path())?;
    let version = store.space::<Meta>()?.get(&MetaKey::FormatVersion)?;
    assert_eq!(version, Some(FORMAT_VERSION), "format not upgraded on open");
    let mut sm = StateMachineStore::new(store.clone())?;
    assert!(
        sm.data().read().state.draining.contains(&7),
        "format 1 snapshot not loaded"
    );

    sm.data().write().state.draining.insert(8);
    let built = sm.build_snapshot().await?;
    drop(sm);
    let mut sm = StateMachineStore::new(store)?;
    assert!(
        sm.data().read().state.draining.contains(&8),
        "snapshot file not loaded"
    );
    let current = sm.get_current_snapshot().await?;
    assert_eq!(
        current.map(|s| s.meta.snapshot_id),
        Some(built.meta.snapshot_id)
    );
    Ok(())
}
