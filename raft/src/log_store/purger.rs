//! [`Purger`]: deletes purged log entries in the background.
//!
//! Why: openraft runs `purge` inside its core task, so a synchronous delete of the few
//! thousand entries a snapshot frees (plus two flushes) stalled every client write and
//! replication ack behind it for 30–80 ms. `purge` now only records the purge point; this
//! task makes it durable and then deletes the entries in small, paced chunks: deleted at
//! once, they made the next append's flush write megabytes (a 30–80 ms commit stall on all
//! three nodes). Reads never see a purged entry meanwhile (they start at
//! [`Purger::first_kept`]).

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::watch;

use crate::sled_store::Logs;
use crate::sled_store::SledStore;
use crate::sled_store::TypedTree;

/// Entries deleted per sled batch.
const CHUNK: usize = 16;
/// Pause between batches: spreads the deletes' write-back over many appends' flushes while
/// still deleting 8,000–16,000 entries/s (timer granularity), more than a node appends; a
/// backlog only delays disk space reclaim.
const PAUSE: Duration = Duration::from_millis(1);

/// What the deletion task needs; held until the first purge starts it.
type TaskParts = (SledStore, TypedTree<Logs>, watch::Receiver<u64>);

/// Shared by every clone of a log store.
pub(crate) struct Purger {
    /// Lowest log index still readable: last purged index + 1 (0: nothing purged).
    first_kept: AtomicU64,
    /// Delete every entry below this index.
    target: watch::Sender<u64>,
    /// Taken by the first `purge`, which starts the task (it needs a runtime).
    idle: Mutex<Option<TaskParts>>,
}

impl Purger {
    /// A purger for `logs`; `first_kept` comes from the persisted purge point.
    pub(crate) fn new(store: SledStore, logs: TypedTree<Logs>, first_kept: u64) -> Arc<Self> {
        let (target, rx) = watch::channel(first_kept);
        Arc::new(Self {
            first_kept: AtomicU64::new(first_kept),
            target,
            idle: Mutex::new(Some((store, logs, rx))),
        })
    }

    /// Lowest log index readers may return.
    pub(crate) fn first_kept(&self) -> u64 {
        self.first_kept.load(Ordering::Acquire)
    }

    /// Hides entries up to `upto` (inclusive) at once and deletes them in the background.
    /// The caller has already written the purge point (not yet flushed).
    pub(crate) fn purge(&self, upto: u64) {
        let end = upto.saturating_add(1);
        self.first_kept.fetch_max(end, Ordering::AcqRel);
        self.target.send_if_modified(|t| {
            let grew = end > *t;
            *t = (*t).max(end);
            grew
        });
        if let Some((store, logs, rx)) = self.idle.lock().take() {
            tokio::spawn(run(store, logs, rx));
        }
    }
}

/// Ends when every log store clone (and so the sender) is gone.
async fn run(store: SledStore, logs: TypedTree<Logs>, mut rx: watch::Receiver<u64>) {
    // The first target may predate the task (set before it was spawned).
    rx.mark_changed();
    while rx.changed().await.is_ok() {
        let end = *rx.borrow_and_update();
        // The purge point must be durable before any entry goes: after a crash the log must
        // start right after the recorded purge point, never after a gap.
        if let Err(e) = store.flush().await {
            tracing::warn!(error = %e, "Flushing the purge point failed; entries kept for now.");
            continue;
        }
        loop {
            match logs.remove_below(&end, CHUNK) {
                Ok(0) => break,
                Ok(_) => tokio::time::sleep(PAUSE).await,
                Err(e) => {
                    tracing::warn!(error = %e, end, "Deleting purged log entries failed.");
                    break;
                }
            }
        }
    }
}
