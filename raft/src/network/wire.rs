//! Encoding of openraft messages into the protobuf envelopes, shared by client and server.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::pb;

/// Serializes an openraft message as JSON.
pub fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(value)
}

/// Deserializes an openraft message from JSON.
pub fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// Builds a reply from the local Raft's result.
pub fn reply<T: Serialize, E: Serialize>(
    result: &Result<T, E>,
) -> Result<pb::RaftReply, serde_json::Error> {
    Ok(match result {
        Ok(v) => pb::RaftReply {
            json: to_json(v)?,
            error_json: Vec::new(),
        },
        Err(e) => pb::RaftReply {
            json: Vec::new(),
            error_json: to_json(e)?,
        },
    })
}
