//! The background purge: purged entries vanish from reads at once and from disk soon after.

use std::time::Duration;
use std::time::Instant;

use openraft::storage::RaftLogStorage;
use openraft::CommittedLeaderId;
use openraft::RaftLogReader;

use crate::log_store::LogStore;
use crate::sled_store::Logs;
use crate::sled_store::SledStore;
use crate::typ::Entry;
use crate::typ::EntryPayload;
use crate::typ::LogId;

fn log_id(index: u64) -> LogId {
    LogId::new(CommittedLeaderId::new(1, 1), index)
}

#[tokio::test]
async fn purged_entries_are_hidden_at_once_and_deleted_in_the_background() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = SledStore::open(dir.path())?;
    let tree = store.space::<Logs>()?;
    let entries: Vec<(u64, Entry)> = (0..1000)
        .map(|i| {
            (
                i,
                Entry {
                    log_id: log_id(i),
                    payload: EntryPayload::Blank,
                },
            )
        })
        .collect();
    tree.insert_all(entries.iter().map(|(k, v)| (k, v)))?;
    let mut logs = LogStore::new(store.clone())?;

    logs.purge(log_id(899)).await?;
    let left = logs.try_get_log_entries(0..2000).await?;
    assert_eq!(
        left.first().map(|e| e.log_id.index),
        Some(900),
        "purged entries still read"
    );
    assert_eq!(left.len(), 100);
    let state = logs.get_log_state().await?;
    assert_eq!(state.last_purged_log_id, Some(log_id(899)));
    assert_eq!(state.last_log_id, Some(log_id(999)));

    let start = Instant::now();
    while !tree.range(..900u64)?.is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "purged entries never deleted"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(tree.range(900u64..)?.len(), 100, "kept entries deleted");

    // A reopened store still hides and reports the purge point.
    drop(logs);
    let mut logs = LogStore::new(store)?;
    assert_eq!(
        logs.get_log_state().await?.last_purged_log_id,
        Some(log_id(899))
    );
    assert_eq!(logs.try_get_log_entries(..).await?.len(), 100);
    Ok(())
}
