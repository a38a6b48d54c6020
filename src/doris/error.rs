//! Errors of the Doris clients and how the syncer should react to them.

use doris_thrift::status::TStatusCode;
use doris_thrift::wire::{ApplicationErrorKind, CallError, WireError};

/// What a caller should do about a failed Doris operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// Nothing happened on the server (or a transient refusal): safe to retry.
    Retryable,
    /// Retrying the same request will fail again (auth, bad request, unknown object...).
    Fatal,
    /// The request reached the server but no verdict came back: it may have been
    /// applied. Idempotent reads may retry; a commit must be verified first.
    OutcomeUnknown,
}

/// A failed call to a Doris FE/BE (Thrift, MySQL protocol or HTTP).
#[derive(Debug, thiserror::Error)]
pub enum DorisError {
    /// The cluster spec is unusable.
    #[error("invalid cluster spec: {0}")]
    InvalidSpec(String),
    /// TCP connect failed or timed out; nothing was sent.
    #[error("connect to {addr}: {message}")]
    Connect {
        /// `host:port` dialled.
        addr: String,
        /// Cause.
        message: String,
    },
    /// The request could not be (fully) sent; the server cannot have executed it.
    #[error("{method} to {addr} not sent: {message}")]
    NotSent {
        /// RPC name.
        method: String,
        /// Peer.
        addr: String,
        /// Cause.
        message: String,
    },
    /// The request was sent but no reply came back (timeout, reset, bad reply).
    #[error("{method} on {addr}: no reply: {message}")]
    NoReply {
        /// RPC name.
        method: String,
        /// Peer.
        addr: String,
        /// Cause.
        message: String,
    },
    /// The server answered with a TApplicationException.
    #[error("{method} on {addr}: application exception {kind:?}: {message}")]
    Exception {
        /// RPC name.
        method: String,
        /// Peer.
        addr: String,
        /// Exception kind (UNKNOWN_METHOD for an RPC this FE/BE version lacks).
        kind: ApplicationErrorKind,
        /// Exception text.
        message: String,
    },
    /// The FE/BE answered with a non-OK `TStatus`.
    #[error("{method} on {addr}: status {} ({}): {}", .code.0, status_name(*.code), .messages.join("; "))]
    Status {
        /// RPC name.
        method: String,
        /// Peer that answered.
        addr: String,
        /// Doris status code; unknown codes are kept as-is.
        code: TStatusCode,
        /// `error_msgs` of the status.
        messages: Vec<String>,
    },
    /// Every FE was tried (or the redirect budget spent) while they answered NOT_MASTER.
    #[error("{method}: no master FE found after {hops} attempts: {last}")]
    NoMaster {
        /// RPC name.
        method: String,
        /// Attempts made.
        hops: usize,
        /// What the last FE said.
        last: String,
    },
    /// A reply that violates the protocol (e.g. no `status`).
    #[error("{method} on {addr}: malformed reply: {message}")]
    BadReply {
        /// RPC name.
        method: String,
        /// Peer.
        addr: String,
        /// What is wrong.
        message: String,
    },
    /// A MySQL-protocol failure.
    #[error("sql on {addr}: {message}")]
    Sql {
        /// `host:port` of the FE query port.
        addr: String,
        /// Server error code (e.g. 1045 access denied), `None` for client/IO errors.
        code: Option<u16>,
        /// Cause.
        message: String,
    },
    /// A name that cannot be quoted into SQL (empty, or contains NUL).
    #[error("invalid SQL name: {0}")]
    InvalidName(String),
    /// A SQL result that lacks an expected column or has a bad value.
    #[error("sql result: {0}")]
    SqlRow(String),
    /// A BE HTTP request failed or returned something unusable.
    #[error("http {url}: {message}")]
    Http {
        /// Requested URL.
        url: String,
        /// HTTP status when one was received.
        status: Option<u16>,
        /// Cause.
        message: String,
    },
}

impl DorisError {
    /// How a caller should react; see [`ErrorClass`].
    pub fn class(&self) -> ErrorClass {
        match self {
            DorisError::Connect { .. }
            | DorisError::NotSent { .. }
            | DorisError::NoMaster { .. } => ErrorClass::Retryable,
            DorisError::NoReply { .. } => ErrorClass::OutcomeUnknown,
            DorisError::Exception { kind, .. } => exception_class(*kind),
            DorisError::Status { method, code, .. } => status_class(method, *code),
            DorisError::Sql { code: None, .. } => ErrorClass::Retryable,
            DorisError::Sql {
                code: Some(code), ..
            } => sql_class(*code),
            DorisError::Http { status, .. } => match status {
                Some(s) if *s < 500 => ErrorClass::Fatal,
                _ => ErrorClass::Retryable,
            },
            DorisError::InvalidSpec(_)
            | DorisError::InvalidName(_)
            | DorisError::BadReply { .. }
            | DorisError::SqlRow(_) => ErrorClass::Fatal,
        }
    }

    /// The Doris status code, when the server answered with a non-OK status.
    pub fn status_code(&self) -> Option<TStatusCode> {
        match self {
            DorisError::Status { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The server's error messages (`TStatus.error_msgs`), empty for other errors.
    pub fn messages(&self) -> &[String] {
        match self {
            DorisError::Status { messages, .. } => messages,
            _ => &[],
        }
    }

    /// True if any server message contains `needle` (e.g. `"is already COMMITTED"`).
    pub fn message_contains(&self, needle: &str) -> bool {
        self.messages().iter().any(|m| m.contains(needle))
    }

    /// Maps a wire-level call failure of `method` to a `DorisError`.
    pub fn from_call(method: &str, err: CallError) -> Self {
        match err {
            CallError::Connect { addr, source } => DorisError::Connect {
                addr,
                message: source.to_string(),
            },
            CallError::NotSent { addr, source, .. } => DorisError::NotSent {
                method: method.to_string(),
                addr,
                message: source.to_string(),
            },
            CallError::NoReply { addr, source, .. } => DorisError::NoReply {
                method: method.to_string(),
                addr,
                message: source.to_string(),
            },
            CallError::Remote { addr, source, .. } => {
                let (kind, message) = match source {
                    WireError::Application(a) => (a.kind, a.message),
                    other => (ApplicationErrorKind::Unknown, other.to_string()),
                };
                DorisError::Exception {
                    method: method.to_string(),
                    addr,
                    kind,
                    message,
                }
            }
        }
    }
}

fn exception_class(kind: ApplicationErrorKind) -> ErrorClass {
    use ApplicationErrorKind as K;
    match kind {
        K::UnknownMethod | K::InvalidMessageType | K::WrongMethodName | K::ProtocolError => {
            ErrorClass::Fatal
        }
        K::BadSequenceId | K::MissingResult => ErrorClass::OutcomeUnknown,
        // Uncaught server-side exception: the handler ran for an unknown stretch.
        _ => ErrorClass::OutcomeUnknown,
    }
}

/// Classifies a non-OK Doris status returned by `method`.
pub fn status_class(method: &str, code: TStatusCode) -> ErrorClass {
    let commit = method == "commitTxn";
    match code {
        // A commit that timed out or crashed inside the FE may still have been applied.
        TStatusCode::TIMEOUT | TStatusCode::INTERNAL_ERROR | TStatusCode::THRIFT_RPC_ERROR
            if commit =>
        {
            ErrorClass::OutcomeUnknown
        }
        TStatusCode::NOT_MASTER
        | TStatusCode::TIMEOUT
        | TStatusCode::INTERNAL_ERROR
        | TStatusCode::THRIFT_RPC_ERROR
        | TStatusCode::MEM_LIMIT_EXCEEDED
        | TStatusCode::MEM_ALLOC_FAILED
        | TStatusCode::TOO_MANY_TASKS
        | TStatusCode::NETWORK_ERROR
        | TStatusCode::UNINITIALIZED
        | TStatusCode::OBTAIN_LOCK_FAILED
        | TStatusCode::HTTP_ERROR
        | TStatusCode::DELETE_BITMAP_LOCK_ERROR => ErrorClass::Retryable,
        _ => ErrorClass::Fatal,
    }
}

/// MySQL server error codes worth retrying; everything else is a bad statement/auth.
fn sql_class(code: u16) -> ErrorClass {
    match code {
        // lock wait timeout, deadlock, too many connections, server shutdown, query interrupted
        1205 | 1213 | 1040 | 1053 | 1317 => ErrorClass::Retryable,
        // lost connection / gone away: the statement may have run
        2006 | 2013 => ErrorClass::OutcomeUnknown,
        _ => ErrorClass::Fatal,
    }
}

/// Doris name of a status code (`"UNKNOWN"` for codes this build does not know).
pub fn status_name(code: TStatusCode) -> &'static str {
    #[rustfmt::skip]
    const NAMES: &[(i32, &str)] = &[
        (0, "OK"), (1, "CANCELLED"), (2, "ANALYSIS_ERROR"), (3, "NOT_IMPLEMENTED_ERROR"),
        (4, "RUNTIME_ERROR"), (5, "MEM_LIMIT_EXCEEDED"), (6, "INTERNAL_ERROR"),
        (7, "THRIFT_RPC_ERROR"), (8, "TIMEOUT"), (9, "LIMIT_REACH"), (11, "MEM_ALLOC_FAILED"),
        (12, "BUFFER_ALLOCATION_FAILED"), (13, "MINIMUM_RESERVATION_UNAVAILABLE"),
        (14, "PUBLISH_TIMEOUT"), (15, "LABEL_ALREADY_EXISTS"), (16, "TOO_MANY_TASKS"),
        (30, "END_OF_FILE"), (31, "NOT_FOUND"), (32, "CORRUPTION"), (33, "INVALID_ARGUMENT"),
        (34, "IO_ERROR"), (35, "ALREADY_EXIST"), (36, "NETWORK_ERROR"), (37, "ILLEGAL_STATE"),
        (38, "NOT_AUTHORIZED"), (39, "ABORTED"), (40, "REMOTE_ERROR"), (42, "UNINITIALIZED"),
        (43, "CONFIGURATION_ERROR"), (44, "INCOMPLETE"), (45, "OLAP_ERR_VERSION_ALREADY_MERGED"),
        (46, "DATA_QUALITY_ERROR"), (47, "INVALID_JSON_PATH"), (60, "BINLOG_DISABLE"),
        (61, "BINLOG_TOO_OLD_COMMIT_SEQ"), (62, "BINLOG_TOO_NEW_COMMIT_SEQ"),
        (63, "BINLOG_NOT_FOUND_DB"), (64, "BINLOG_NOT_FOUND_TABLE"), (70, "SNAPSHOT_NOT_EXIST"),
        (71, "HTTP_ERROR"), (72, "TABLET_MISSING"), (73, "NOT_MASTER"), (74, "OBTAIN_LOCK_FAILED"),
        (75, "SNAPSHOT_EXPIRED"), (100, "DELETE_BITMAP_LOCK_ERROR"),
    ];
    NAMES
        .iter()
        .find(|(c, _)| *c == code.0)
        .map_or("UNKNOWN", |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(method: &str, code: i32) -> DorisError {
        DorisError::Status {
            method: method.into(),
            addr: "fe:9020".into(),
            code: TStatusCode(code),
            messages: vec!["transaction [7] is already COMMITTED, could not abort".into()],
        }
    }

    #[test]
    fn transport_errors_split_by_whether_the_request_left() {
        let connect = DorisError::Connect {
            addr: "a".into(),
            message: "refused".into(),
        };
        let not_sent = DorisError::NotSent {
            method: "m".into(),
            addr: "a".into(),
            message: "reset".into(),
        };
        let no_reply = DorisError::NoReply {
            method: "commitTxn".into(),
            addr: "a".into(),
            message: "timeout".into(),
        };
        assert_eq!(connect.class(), ErrorClass::Retryable);
        assert_eq!(not_sent.class(), ErrorClass::Retryable);
        assert_eq!(no_reply.class(), ErrorClass::OutcomeUnknown);
        let no_master = DorisError::NoMaster {
            method: "m".into(),
            hops: 3,
            last: "x".into(),
        };
        assert_eq!(no_master.class(), ErrorClass::Retryable);
    }

    #[test]
    fn statuses_classify_by_code_and_method() {
        assert_eq!(status("getBinlog", 2).class(), ErrorClass::Fatal);
        assert_eq!(status("getBinlog", 38).class(), ErrorClass::Fatal);
        assert_eq!(status("getBinlog", 63).class(), ErrorClass::Fatal);
        assert_eq!(status("getBinlog", 73).class(), ErrorClass::Retryable);
        assert_eq!(status("getBinlog", 8).class(), ErrorClass::Retryable);
        assert_eq!(status("commitTxn", 8).class(), ErrorClass::OutcomeUnknown);
        assert_eq!(status("commitTxn", 6).class(), ErrorClass::OutcomeUnknown);
        assert_eq!(status("getBinlog", 9999).class(), ErrorClass::Fatal);
    }

    #[test]
    fn status_accessors_and_names() {
        let e = status("rollbackTxn", 2);
        assert_eq!(e.status_code(), Some(TStatusCode::ANALYSIS_ERROR));
        assert!(e.message_contains("is already COMMITTED"));
        assert!(e.to_string().contains("ANALYSIS_ERROR"), "{e}");
        assert_eq!(status_name(TStatusCode::NOT_MASTER), "NOT_MASTER");
        assert_eq!(status_name(TStatusCode(12345)), "UNKNOWN");
    }

    #[test]
    fn exceptions_and_sql_errors() {
        let unknown = DorisError::Exception {
            method: "lockBinlog".into(),
            addr: "a".into(),
            kind: ApplicationErrorKind::UnknownMethod,
            message: "Invalid method name".into(),
        };
        assert_eq!(unknown.class(), ErrorClass::Fatal);
        let denied = DorisError::Sql {
            addr: "a".into(),
            code: Some(1045),
            message: "denied".into(),
        };
        assert_eq!(denied.class(), ErrorClass::Fatal);
        let io = DorisError::Sql {
            addr: "a".into(),
            code: None,
            message: "refused".into(),
        };
        assert_eq!(io.class(), ErrorClass::Retryable);
        let http = DorisError::Http {
            url: "u".into(),
            status: Some(503),
            message: "busy".into(),
        };
        assert_eq!(http.class(), ErrorClass::Retryable);
    }
}
