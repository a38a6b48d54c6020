//! Errors of the wire codec.

use thrift::{ApplicationError, ApplicationErrorKind};

/// Anything that can go wrong while framing, encoding or decoding a Thrift message.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// Socket-level failure.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The bytes are not a valid strict/compact-free TBinaryProtocol message.
    #[error("invalid thrift message: {0}")]
    Invalid(String),
    /// The message is (or claims to be) larger than the configured limit.
    #[error("thrift message too large: needs at least {needed} bytes, limit {limit}")]
    TooLarge {
        /// Bytes the message needs (at least).
        needed: usize,
        /// Configured maximum message size.
        limit: usize,
    },
    /// Structs/containers are nested deeper than the configured limit.
    #[error("thrift message nested deeper than {0}")]
    TooDeep(usize),
    /// The peer closed the connection in the middle of a message.
    #[error("connection closed after {0} bytes of an incomplete message")]
    Truncated(usize),
    /// The peer closed the connection before a reply arrived.
    #[error("connection closed by peer")]
    Closed,
    /// The thrift library failed to encode or decode a struct.
    #[error("thrift codec: {0}")]
    Thrift(String),
    /// The peer answered with a TApplicationException.
    #[error("remote application exception {:?}: {}", .0.kind, .0.message)]
    Application(ApplicationError),
    /// The reply does not belong to the call (wrong method name, seqid or message type).
    #[error("unexpected reply: {0}")]
    UnexpectedReply(String),
}

impl From<thrift::Error> for WireError {
    fn from(e: thrift::Error) -> Self {
        match e {
            thrift::Error::Application(a) => WireError::Application(a),
            thrift::Error::Transport(t) => WireError::Thrift(format!("transport: {}", t.message)),
            thrift::Error::Protocol(p) => WireError::Thrift(format!("protocol: {}", p.message)),
            thrift::Error::User(u) => WireError::Thrift(u.to_string()),
        }
    }
}

/// Lets a server handler use `?` on [`crate::wire::Call::decode_args`]: an undecodable
/// argument struct becomes a PROTOCOL_ERROR application exception for the caller.
impl From<WireError> for ApplicationError {
    fn from(e: WireError) -> Self {
        match e {
            WireError::Application(a) => a,
            other => ApplicationError::new(ApplicationErrorKind::ProtocolError, other.to_string()),
        }
    }
}
