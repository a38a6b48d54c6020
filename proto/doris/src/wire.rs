//! Async, unframed, strict TBinaryProtocol messaging as spoken by Doris FEs and BEs.
//!
//! Real FEs (TThreadPoolServer) and BEs (TBufferedTransport) speak unframed binary
//! protocol without multiplexing, so a reader must walk the encoding to know where a
//! message ends: [`MessageScanner`] does that incrementally and enforces [`Limits`].
//!
//! - [`codec`]: encode/decode CALL, REPLY and EXCEPTION envelopes around generated structs.
//! - [`ThriftConnection`]: one client connection (`call::<Req, Resp>(method, &req, timeout)`).
//! - [`serve`]: a multi-connection server driving a [`ThriftHandler`]; options add framed
//!   client detection, and a handler may drop a connection ([`Call::drop_connection`]).

mod client;
pub mod codec;
mod error;
mod reader;
mod scan;
mod server;
mod slice_protocol;
mod transport;

pub use client::{CallError, ThriftConnection};
pub use codec::{
    decode_args, decode_header, decode_reply, decode_result, encode_call, encode_exception,
    encode_reply, MessageHeader,
};
pub use error::WireError;
pub use reader::MessageReader;
pub use scan::{scan_message, Limits, MessageScanner, Scan};
pub use server::{serve, serve_with, Call, ServerOptions, ThriftHandler};
pub use thrift::protocol::TMessageType;
pub use thrift::{ApplicationError, ApplicationErrorKind};
