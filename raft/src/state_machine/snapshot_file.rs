//! The current snapshot as a file in the database directory (on-disk format 2).
//!
//! Why not in sled (format 1 kept it in the `snapshot` tree): a snapshot is a few hundred
//! KB, and whatever sits in sled's write buffer is written back by the next flush, whoever
//! calls it. That was a Raft append, so every snapshot stalled commits for ~20 ms on each
//! node. A file is written and synced on its own, off the append path.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

use crate::errors::StoreError;
use crate::sled_store::decode_value;
use crate::sled_store::encode_value;
use crate::sled_store::StoredSnapshot;

/// The snapshot file; replaced atomically (write a temporary file, sync, rename).
const FILE: &str = "state_snapshot.json";
/// Staging name of the next snapshot file.
const TMP: &str = "state_snapshot.json.tmp";

fn io_err(e: std::io::Error) -> StoreError {
    StoreError::Sled(sled::Error::Io(e))
}

/// Durably replaces the snapshot file in `dir` with `stored`.
pub(crate) async fn save(dir: PathBuf, stored: &StoredSnapshot) -> Result<(), StoreError> {
    let bytes = encode_value(stored)?;
    tokio::task::spawn_blocking(move || write_synced(&dir, &bytes))
        .await
        .map_err(|e| io_err(std::io::Error::other(e)))?
        .map_err(io_err)
}

fn write_synced(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(TMP);
    let mut file = File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, dir.join(FILE))?;
    // The rename itself must survive a crash too.
    File::open(dir)?.sync_all()
}

/// The snapshot file in `dir`, if there is one.
pub(crate) fn load(dir: &Path) -> Result<Option<StoredSnapshot>, StoreError> {
    match std::fs::read(dir.join(FILE)) {
        Ok(bytes) => Ok(Some(decode_value(&bytes)?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(e)),
    }
}
