//! The error type every replication entry point returns: a Doris `TStatusCode` number plus
//! the message Doris would put in `error_msgs`.

/// Doris `TStatusCode` values used by the replication paths (numbers are the wire values).
pub mod code {
    /// Success.
    pub const OK: i32 = 0;
    /// Job cancelled.
    pub const CANCELLED: i32 = 1;
    /// User error (Java `UserException`).
    pub const ANALYSIS_ERROR: i32 = 2;
    /// Runtime error (BE).
    pub const RUNTIME_ERROR: i32 = 4;
    /// Unexpected internal error.
    pub const INTERNAL_ERROR: i32 = 6;
    /// Commit succeeded but publish did not finish in time.
    pub const PUBLISH_TIMEOUT: i32 = 14;
    /// The label is held by a non-aborted transaction.
    pub const LABEL_ALREADY_EXISTS: i32 = 15;
    /// Generic not found.
    pub const NOT_FOUND: i32 = 31;
    /// Bad password / token.
    pub const NOT_AUTHORIZED: i32 = 38;
    /// Requested seq is older than the oldest retained binlog.
    pub const BINLOG_TOO_OLD_COMMIT_SEQ: i32 = 61;
    /// Nothing newer than the requested seq.
    pub const BINLOG_TOO_NEW_COMMIT_SEQ: i32 = 62;
    /// The database has no binlog.
    pub const BINLOG_NOT_FOUND_DB: i32 = 63;
    /// The table has no binlog.
    pub const BINLOG_NOT_FOUND_TABLE: i32 = 64;
    /// Unknown or expired snapshot.
    pub const SNAPSHOT_NOT_EXIST: i32 = 70;
    /// HTTP download failure (BE).
    pub const HTTP_ERROR: i32 = 71;
    /// Unknown local tablet (BE).
    pub const TABLET_MISSING: i32 = 72;
}

/// A non-OK Doris status: the code and the message for `error_msgs`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[{code}] {msg}")]
pub struct FeError {
    /// `TStatusCode` wire value.
    pub code: i32,
    /// Message, worded like Doris' so clients that pattern-match keep working.
    pub msg: String,
}

impl FeError {
    /// An error with an explicit code.
    pub fn new(code: i32, msg: impl Into<String>) -> Self {
        FeError {
            code,
            msg: msg.into(),
        }
    }

    /// `ANALYSIS_ERROR`, what Doris turns a `UserException` into.
    pub fn analysis(msg: impl Into<String>) -> Self {
        Self::new(code::ANALYSIS_ERROR, msg)
    }

    /// `INTERNAL_ERROR`.
    pub fn internal(msg: impl Into<String>) -> Self {
        Self::new(code::INTERNAL_ERROR, msg)
    }
}

/// Result alias for replication entry points.
pub type FeResult<T> = Result<T, FeError>;
