//! Sealing of job passwords before they enter the Raft log, snapshots and sled files.
//!
//! With `security.secrets_key_file` set, every cluster password of a job spec is stored as
//! `sealed:v1:<base64(nonce || ciphertext || tag)>` (ChaCha20-Poly1305, random 96-bit nonce
//! per seal). Clear values (jobs written before a key was configured) are read as they are
//! and sealed at their next write. Every node of a fleet must use the same key: a sealed
//! value that cannot be opened is an error for that job only, never a crash.

use std::fmt;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, CHACHA20_POLY1305, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};

use crate::doris::Secret;
use crate::job::JobSpec;

/// Prefix of a sealed value (format version 1).
pub const SEALED_PREFIX: &str = "sealed:v1:";
/// Values starting with this are reserved for sealed formats (unknown versions are errors).
const RESERVED_PREFIX: &str = "sealed:v";
/// Length of the key, in bytes (before base64).
pub const KEY_LEN: usize = 32;
/// Associated data: binds a sealed value to its purpose.
const AAD: &[u8] = b"ccr-syncer job password v1";

/// Why the secrets key file cannot be used. Never contains key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file cannot be read.
    #[error("cannot read secrets key file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not base64.
    #[error("secrets key file {0} is not valid base64")]
    Base64(PathBuf),
    /// The decoded key has the wrong length.
    #[error("secrets key file {path} holds {len} bytes; expected {KEY_LEN} (base64)")]
    Length {
        /// The file.
        path: PathBuf,
        /// Decoded length.
        len: usize,
    },
}

/// Why a password cannot be sealed or opened. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// A sealed value, but this node has no key.
    #[error("the password is sealed but no security.secrets_key_file is configured")]
    NoKey,
    /// Authentication failed: another key, or the value was altered.
    #[error("the sealed password cannot be opened: wrong secrets key or altered value")]
    Open,
    /// Not a value this version can read.
    #[error("the sealed password is malformed or of an unknown format")]
    Malformed,
    /// The random source or the cipher failed.
    #[error("sealing the password failed")]
    Seal,
}

/// The 32-byte key that seals job passwords. Its `Debug` never shows the key.
pub struct SecretsKey {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretsKey(***)")
    }
}

impl SecretsKey {
    /// A key from its raw bytes (must be [`KEY_LEN`] long).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != KEY_LEN {
            return None;
        }
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, bytes).ok()?;
        Some(Self {
            key: LessSafeKey::new(unbound),
            rng: SystemRandom::new(),
        })
    }

    /// Loads the base64 key (surrounding whitespace ignored) from `path`.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| KeyError::Base64(path.to_path_buf()))?;
        Self::from_bytes(&bytes).ok_or(KeyError::Length {
            path: path.to_path_buf(),
            len: bytes.len(),
        })
    }

    /// Seals `clear` into `sealed:v1:...` with a fresh random nonce.
    pub fn seal(&self, clear: &str) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| SealError::Seal)?;
        let mut buf = clear.as_bytes().to_vec();
        let n = Nonce::assume_unique_for_key(nonce);
        self.key
            .seal_in_place_append_tag(n, Aad::from(AAD), &mut buf)
            .map_err(|_| SealError::Seal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        Ok(format!("{SEALED_PREFIX}{}", STANDARD.encode(out)))
    }

    /// Opens a `sealed:v1:...` value.
    fn open_sealed(&self, body: &str) -> Result<String, SealError> {
        let mut raw = STANDARD.decode(body).map_err(|_| SealError::Malformed)?;
        if raw.len() < NONCE_LEN {
            return Err(SealError::Malformed);
        }
        let mut data = raw.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&raw).map_err(|_| SealError::Malformed)?;
        let clear = self
            .key
            .open_in_place(nonce, Aad::from(AAD), &mut data)
            .map_err(|_| SealError::Open)?;
        String::from_utf8(clear.to_vec()).map_err(|_| SealError::Malformed)
    }
}

/// Whether `value` is (claims to be) sealed.
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(RESERVED_PREFIX)
}

/// The clear text of a stored value: opened when sealed, as is when clear.
pub fn open_value(key: Option<&SecretsKey>, value: &str) -> Result<String, SealError> {
    let Some(rest) = value.strip_prefix(RESERVED_PREFIX) else {
        return Ok(value.to_string());
    };
    let body = rest.strip_prefix("1:").ok_or(SealError::Malformed)?;
    key.ok_or(SealError::NoKey)?.open_sealed(body)
}

/// `spec` with both passwords sealed (clear values are sealed; the in-memory spec always
/// holds clear passwords, so nothing is sealed twice).
pub fn seal_spec(key: &SecretsKey, spec: &JobSpec) -> Result<JobSpec, SealError> {
    let mut out = spec.clone();
    out.src.password = Secret::new(key.seal(spec.src.password.expose())?);
    out.dest.password = Secret::new(key.seal(spec.dest.password.expose())?);
    Ok(out)
}

/// `spec` with both passwords opened (clear ones pass through).
pub fn open_spec(key: Option<&SecretsKey>, mut spec: JobSpec) -> Result<JobSpec, SealError> {
    spec.src.password = Secret::new(open_value(key, spec.src.password.expose())?);
    spec.dest.password = Secret::new(open_value(key, spec.dest.password.expose())?);
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretsKey {
        SecretsKey::from_bytes(&[byte; KEY_LEN]).expect("32 bytes")
    }

    #[test]
    fn round_trip_with_fresh_nonces() {
        let k = key(7);
        let a = k.seal("Pw-secret").expect("seal");
        let b = k.seal("Pw-secret").expect("seal");
        assert!(
            a.starts_with(SEALED_PREFIX) && !a.contains("Pw-secret"),
            "{a}"
        );
        assert_ne!(a, b, "a nonce is never reused");
        assert_eq!(open_value(Some(&k), &a).as_deref(), Ok("Pw-secret"));
        assert_eq!(
            open_value(Some(&k), &k.seal("").expect("seal")).as_deref(),
            Ok("")
        );
    }

    #[test]
    fn wrong_key_or_no_key_is_an_error() {
        let sealed = key(1).seal("Pw-secret").expect("seal");
        assert_eq!(open_value(Some(&key(2)), &sealed), Err(SealError::Open));
        assert_eq!(open_value(None, &sealed), Err(SealError::NoKey));
        let msg = SealError::Open.to_string() + &SealError::NoKey.to_string();
        assert!(!msg.contains("Pw-secret"));
    }

    #[test]
    fn tampered_value_is_refused() {
        let k = key(3);
        let sealed = k.seal("Pw-secret").expect("seal");
        let mut raw = STANDARD
            .decode(&sealed[SEALED_PREFIX.len()..])
            .expect("b64");
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = format!("{SEALED_PREFIX}{}", STANDARD.encode(&raw));
        assert_eq!(open_value(Some(&k), &tampered), Err(SealError::Open));
        let short = format!("{SEALED_PREFIX}{}", STANDARD.encode([0u8; 4]));
        assert_eq!(open_value(Some(&k), &short), Err(SealError::Malformed));
    }

    #[test]
    fn clear_values_pass_through() {
        assert_eq!(open_value(None, "plain").as_deref(), Ok("plain"));
        assert_eq!(open_value(Some(&key(4)), "").as_deref(), Ok(""));
        assert_eq!(open_value(Some(&key(4)), "sealed").as_deref(), Ok("sealed"));
    }

    #[test]
    fn bad_prefix_or_body_is_malformed() {
        let k = key(5);
        for bad in ["sealed:v2:AAAA", "sealed:v1:not base64!", "sealed:v1"] {
            assert_eq!(
                open_value(Some(&k), bad),
                Err(SealError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn key_file_errors_are_clear() {
        let dir = tempfile::tempdir().expect("tmp");
        let missing = dir.path().join("none");
        assert!(matches!(
            SecretsKey::load(&missing),
            Err(KeyError::Read { .. })
        ));
        let bad = dir.path().join("bad");
        std::fs::write(&bad, "%%%").expect("write");
        assert!(matches!(SecretsKey::load(&bad), Err(KeyError::Base64(_))));
        let short = dir.path().join("short");
        std::fs::write(&short, STANDARD.encode([9u8; 16])).expect("write");
        let err = SecretsKey::load(&short).expect_err("16 bytes");
        assert!(err.to_string().contains("16 bytes"), "{err}");
        let good = dir.path().join("good");
        std::fs::write(&good, format!("{}\n", STANDARD.encode([9u8; 32]))).expect("write");
        let k = SecretsKey::load(&good).expect("valid key");
        assert_eq!(format!("{k:?}"), "SecretsKey(***)");
    }
}
