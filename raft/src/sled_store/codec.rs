//! Order-preserving key encodings and the JSON value encoding.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A key or value failed to encode or decode.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CodecError(pub String);

/// A key whose byte encoding sorts like the key itself.
pub trait KeyCodec: Sized {
    /// Encodes the key.
    fn encode_key(&self) -> Vec<u8>;
    /// Decodes a key read from sled.
    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError>;
}

/// Big-endian, so byte order equals numeric order (log indexes scan in order).
impl KeyCodec for u64 {
    fn encode_key(&self) -> Vec<u8> {
        self.to_be_bytes().to_vec()
    }

    fn decode_key(bytes: &[u8]) -> Result<Self, CodecError> {
        let arr: [u8; 8] = bytes
            .try_into()
            .map_err(|_| CodecError(format!("u64 key must be 8 bytes, got {}", bytes.len())))?;
        Ok(u64::from_be_bytes(arr))
    }
}

/// Encodes a value as JSON.
pub fn encode_value<V: Serialize>(value: &V) -> Result<Vec<u8>, CodecError> {
    serde_json::to_vec(value).map_err(|e| CodecError(format!("encode value: {e}")))
}

/// Decodes a JSON value.
pub fn decode_value<V: DeserializeOwned>(bytes: &[u8]) -> Result<V, CodecError> {
    serde_json::from_slice(bytes).map_err(|e| CodecError(format!("decode value: {e}")))
}

#[cfg(test)]
mod tests {
    use super::KeyCodec;

    #[test]
    fn u64_keys_sort_numerically() {
        let (a, b) = (255u64.encode_key(), 256u64.encode_key());
        assert!(a < b);
        assert_eq!(u64::decode_key(&b).ok(), Some(256));
        assert!(u64::decode_key(&[1, 2]).is_err());
    }
}
