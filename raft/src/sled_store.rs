//! A typed layer over one `sled::Db` per node.
//!
//! Each logical table is a [`KeySpace`] with a tree name, a key type with
//! an order-preserving encoding (big-endian `u64` for log indexes) and a JSON value type. The
//! database carries `format_version` in the `meta` space; [`SledStore::open`] refuses a newer
//! version than this build understands. Keeping sled behind this layer and the openraft
//! storage traits leaves room to swap it for another engine without touching callers.

mod codec;
mod key_space;
mod spaces;

use std::path::Path;
use std::path::PathBuf;
use std::time::Duration;
use std::time::Instant;

pub(crate) use codec::decode_value;
pub(crate) use codec::encode_value;
pub use codec::CodecError;
pub use codec::KeyCodec;
pub use key_space::KeySpace;
pub use key_space::TypedTree;
pub use spaces::Logs;
pub use spaces::Meta;
pub use spaces::MetaKey;
pub use spaces::RaftStateKey;
pub use spaces::RaftStateKv;
pub use spaces::RaftStateValue;
pub use spaces::SnapshotKey;
pub use spaces::Snapshots;
pub use spaces::StoredSnapshot;

use crate::errors::StoreError;

/// sled 0.34 reports a busy lock as `ErrorKind::Other` with this text (the `WouldBlock` from
/// `flock` is only inside the message).
fn is_lock_busy(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::WouldBlock || e.to_string().contains("could not acquire lock")
}

/// On-disk format this build writes and reads. 2: the current snapshot lives in a file next
/// to the database (see `state_machine::snapshot_file`); version 1 kept it in the `snapshot`
/// tree, still read as a fallback. Opening a version 1 database upgrades its number, so an
/// older build refuses it instead of missing the snapshot file.
pub const FORMAT_VERSION: u64 = 2;

/// The node's sled database with its typed key spaces.
#[derive(Clone)]
pub struct SledStore {
    db: sled::Db,
    dir: PathBuf,
}

impl SledStore {
    /// Like [`SledStore::open`], but waits up to `lock_wait` for the data dir's file lock.
    ///
    /// Why: sled releases its lock only after its background threads let go of the file, a
    /// moment after the previous `Db` in this process was dropped (an in-process restart).
    /// Another process holding the lock still fails, after `lock_wait`.
    pub async fn open_waiting(
        dir: impl AsRef<Path>,
        lock_wait: Duration,
    ) -> Result<Self, StoreError> {
        let deadline = Instant::now() + lock_wait;
        loop {
            match Self::open(dir.as_ref()) {
                Err(StoreError::Sled(sled::Error::Io(e)))
                    if is_lock_busy(&e) && Instant::now() < deadline =>
                {
                    // Backoff between attempts to take the lock.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                other => return other,
            }
        }
    }

    /// Opens (or creates) the database in `dir` and checks its format version.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        let db = sled::Config::new().path(dir.as_ref()).open()?;
        let store = Self {
            db,
            dir: dir.as_ref().to_path_buf(),
        };
        store.check_format_version()?;
        Ok(store)
    }

    fn check_format_version(&self) -> Result<(), StoreError> {
        let meta = self.space::<Meta>()?;
        match meta.get(&MetaKey::FormatVersion)? {
            Some(found) if found > FORMAT_VERSION => Err(StoreError::UnsupportedFormat {
                found,
                supported: FORMAT_VERSION,
            }),
            Some(FORMAT_VERSION) => Ok(()),
            // A new database, or an older format this build reads and now upgrades.
            _ => {
                meta.insert(&MetaKey::FormatVersion, &FORMAT_VERSION)?;
                self.db.flush()?;
                Ok(())
            }
        }
    }

    /// The database directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A typed view of one key space.
    pub fn space<KS: KeySpace>(&self) -> Result<TypedTree<KS>, StoreError> {
        Ok(TypedTree::new(self.db.open_tree(KS::NAME)?))
    }

    /// Makes every write so far durable. Called before acknowledging votes and appends.
    pub async fn flush(&self) -> Result<(), StoreError> {
        self.db.flush_async().await?;
        Ok(())
    }

    /// Bytes the database occupies on disk (for metrics).
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }
}
