//! The key spaces of a node's database. Each doc line gives key → value and purpose.

use serde::Deserialize;
use serde::Serialize;

use crate::sled_store::CodecError;
use crate::sled_store::KeyCodec;
use crate::sled_store::KeySpace;
use crate::typ::Entry;
use crate::typ::LogId;
use crate::typ::SnapshotMeta;
use crate::typ::Vote;

/// Implements [`KeyCodec`] for a fieldless key enum as fixed ASCII names.
macro_rules! named_keys {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl KeyCodec for $ty {
            fn encode_key(&self) -> Vec<u8> {
                match self { $($ty::$variant => $name.as_bytes().to_vec()),+ }
            }

            fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
                match bytes {
                    $(b if b == $name.as_bytes() => Ok($ty::$variant),)+
                    other => Err(CodecError(format!(
                        "unknown {} key {:?}", stringify!($ty), String::from_utf8_lossy(other)
                    ))),
                }
            }
        }
    };
}

/// `meta`: [`MetaKey`] → `u64`. Database-wide bookkeeping (format version, counters).
pub struct Meta;

/// Keys of [`Meta`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    /// On-disk format version ([`FORMAT_VERSION`](crate::sled_store::FORMAT_VERSION)).
    FormatVersion,
    /// Number of snapshots built so far; makes snapshot ids unique across restarts.
    SnapshotSeq,
}
named_keys!(MetaKey { FormatVersion => "format_version", SnapshotSeq => "snapshot_seq" });

impl KeySpace for Meta {
    const NAME: &'static str = "meta";
    type K = MetaKey;
    type V = u64;
}

/// `raft_log`: log index (big-endian `u64`) → [`Entry`]. The Raft log.
pub struct Logs;

impl KeySpace for Logs {
    const NAME: &'static str = "raft_log";
    type K = u64;
    type V = Entry;
}

/// `raft_state`: [`RaftStateKey`] → [`RaftStateValue`]. Vote, committed and purge point.
pub struct RaftStateKv;

/// Keys of [`RaftStateKv`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaftStateKey {
    /// The current vote.
    Vote,
    /// The last known committed log id.
    Committed,
    /// The last purged log id.
    LastPurged,
}
named_keys!(RaftStateKey { Vote => "vote", Committed => "committed", LastPurged => "last_purged" });

/// Values of [`RaftStateKv`]; the variant matches the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaftStateValue {
    /// For [`RaftStateKey::Vote`].
    Vote(Vote),
    /// For [`RaftStateKey::Committed`].
    Committed(Option<LogId>),
    /// For [`RaftStateKey::LastPurged`].
    LastPurged(LogId),
}

impl KeySpace for RaftStateKv {
    const NAME: &'static str = "raft_state";
    type K = RaftStateKey;
    type V = RaftStateValue;
}

/// `snapshot`: [`SnapshotKey`] → [`StoredSnapshot`]. The current snapshot of a format 1
/// database; format 2 keeps it in a file and reads this tree only as a fallback.
pub struct Snapshots;

/// Keys of [`Snapshots`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotKey {
    /// The most recent snapshot (built or installed).
    Current,
}
named_keys!(SnapshotKey { Current => "current" });

/// A persisted snapshot: its meta plus the snapshot payload (JSON text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSnapshot {
    /// Snapshot metadata.
    pub meta: SnapshotMeta,
    /// The serialized snapshot payload, as sent to followers.
    pub data: String,
}

impl KeySpace for Snapshots {
    const NAME: &'static str = "snapshot";
    type K = SnapshotKey;
    type V = StoredSnapshot;
}
