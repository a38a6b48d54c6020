//! openraft's storage conformance suite against the sled log store and state machine.

use openraft::testing::StoreBuilder;
use openraft::testing::Suite;
use syncer_raft::log_store::LogStore;
use syncer_raft::sled_store::SledStore;
use syncer_raft::state_machine::StateMachineStore;
use syncer_raft::typ::StorageError;
use syncer_raft::typ::StorageIOError;
use syncer_raft::TypeConfig;
use tempfile::TempDir;

/// Builds a fresh store in its own temp dir; the dir is the guard.
struct SledBuilder;

impl StoreBuilder<TypeConfig, LogStore, StateMachineStore, TempDir> for SledBuilder {
    async fn build(&self) -> Result<(TempDir, LogStore, StateMachineStore), StorageError> {
        let io = |e: &dyn std::fmt::Display| -> StorageError {
            StorageIOError::write(&std::io::Error::other(e.to_string())).into()
        };
        let dir = tempfile::tempdir().map_err(|e| io(&e))?;
        let store = SledStore::open(dir.path()).map_err(|e| io(&e))?;
        let log = LogStore::new(store.clone()).map_err(|e| io(&e))?;
        let sm = StateMachineStore::new(store).map_err(|e| io(&e))?;
        Ok((dir, log, sm))
    }
}

#[test]
fn t10_openraft_storage_suite() -> anyhow::Result<()> {
    Suite::test_all(SledBuilder).map_err(|e| anyhow::anyhow!("storage suite: {e}"))
}

#[tokio::test]
async fn t10_refuses_newer_format_version() -> anyhow::Result<()> {
    use syncer_raft::sled_store::Meta;
    use syncer_raft::sled_store::MetaKey;
    let dir = tempfile::tempdir()?;
    {
        let store = SledStore::open(dir.path())?;
        store
            .space::<Meta>()?
            .insert(&MetaKey::FormatVersion, &99)?;
    }
    let err = SledStore::open(dir.path())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("unsupported on-disk format version 99"),
        "got: {err}"
    );
    Ok(())
}
