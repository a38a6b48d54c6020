//! The snapshot payload: the whole state machine data, serialized as versioned JSON.

use serde::Deserialize;
use serde::Serialize;

use crate::errors::StoreError;
use crate::model::ReplicatedState;
use crate::model::StateMachineData;
use crate::sled_store::CodecError;
use crate::typ::SnapshotMeta;

/// Snapshot payload format this build writes and reads.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;

/// What a snapshot carries. Log position and membership come from the snapshot meta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotPayload {
    /// Payload format version.
    pub format_version: u32,
    /// The replicated state.
    pub state: ReplicatedState,
}

/// Serializes the state for a snapshot.
pub fn encode(state: &ReplicatedState) -> Result<String, StoreError> {
    #[derive(Serialize)]
    struct Borrowed<'a> {
        format_version: u32,
        state: &'a ReplicatedState,
    }
    let payload = Borrowed {
        format_version: SNAPSHOT_FORMAT_VERSION,
        state,
    };
    serde_json::to_string(&payload).map_err(|e| CodecError(format!("encode snapshot: {e}")).into())
}

/// Rebuilds state machine data from a snapshot's meta and payload bytes.
pub fn decode(meta: &SnapshotMeta, bytes: &[u8]) -> Result<StateMachineData, StoreError> {
    let payload: SnapshotPayload = serde_json::from_slice(bytes)
        .map_err(|e| CodecError(format!("decode snapshot {}: {e}", meta.snapshot_id)))?;
    if payload.format_version > SNAPSHOT_FORMAT_VERSION {
        return Err(StoreError::UnsupportedFormat {
            found: u64::from(payload.format_version),
            supported: u64::from(SNAPSHOT_FORMAT_VERSION),
        });
    }
    Ok(StateMachineData {
        last_applied: meta.last_log_id,
        last_membership: meta.last_membership.clone(),
        state: payload.state,
    })
}
