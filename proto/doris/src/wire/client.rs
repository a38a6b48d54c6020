//! One async client connection to a Thrift server (FE or BE).

use std::time::Duration;

use thrift::protocol::TSerializable;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};

use super::{codec, Limits, MessageReader, WireError};

/// Why a call failed, split by whether the server may have executed it.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// TCP connect failed or timed out: nothing was sent.
    #[error("connect to {addr}: {source}")]
    Connect {
        /// `host:port` dialled.
        addr: String,
        /// Underlying failure (`TimedOut` for a connect timeout).
        source: std::io::Error,
    },
    /// The request was not (completely) written: the server cannot have executed it.
    #[error("send {method} to {addr}: {source}")]
    NotSent {
        /// Method called.
        method: String,
        /// Peer address.
        addr: String,
        /// Underlying failure.
        source: WireError,
    },
    /// The request was sent but no valid reply arrived (timeout, reset, garbage):
    /// the server may or may not have executed it.
    #[error("{method} on {addr}: no reply after send: {source}")]
    NoReply {
        /// Method called.
        method: String,
        /// Peer address.
        addr: String,
        /// Underlying failure (`Io(TimedOut)` for the rpc timeout).
        source: WireError,
    },
    /// The server answered with a TApplicationException (e.g. unknown method).
    #[error("{method} on {addr}: {source}")]
    Remote {
        /// Method called.
        method: String,
        /// Peer address.
        addr: String,
        /// The exception (as [`WireError::Application`]).
        source: WireError,
    },
}

impl CallError {
    /// True when the server may have received and executed the request.
    pub fn request_sent(&self) -> bool {
        matches!(self, CallError::NoReply { .. } | CallError::Remote { .. })
    }
}

/// A connection speaking unframed strict binary protocol. Calls are sequential
/// (`&mut self`); after any error the connection is broken and must be dropped.
#[derive(Debug)]
pub struct ThriftConnection {
    stream: TcpStream,
    reader: MessageReader,
    addr: String,
    next_seqid: i32,
    broken: bool,
}

impl ThriftConnection {
    /// Connects to `addr` (`host:port`) within `connect_timeout`, with default [`Limits`].
    pub async fn connect(addr: &str, connect_timeout: Duration) -> Result<Self, CallError> {
        Self::connect_with(addr, connect_timeout, Limits::default()).await
    }

    /// Connects with explicit message limits for replies.
    pub async fn connect_with(
        addr: &str,
        connect_timeout: Duration,
        limits: Limits,
    ) -> Result<Self, CallError> {
        let fail = |source| CallError::Connect {
            addr: addr.to_string(),
            source,
        };
        let stream = match tokio::time::timeout(connect_timeout, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Err(fail(e)),
            Err(_) => return Err(fail(std::io::ErrorKind::TimedOut.into())),
        };
        // Small request/response messages: do not let Nagle delay them.
        stream.set_nodelay(true).map_err(fail)?;
        Ok(ThriftConnection {
            stream,
            reader: MessageReader::new(limits),
            addr: addr.to_string(),
            next_seqid: 1,
            broken: false,
        })
    }

    /// The `host:port` this connection was opened to.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// False once a call failed, or when the peer has closed the socket (a pooled
    /// connection idle-closed by the server); such a connection must not be reused.
    pub fn is_reusable(&self) -> bool {
        if self.broken || self.reader.buffered() > 0 {
            return false;
        }
        let mut probe = [0u8; 1];
        // WouldBlock = open and quiet; Ok(0) = EOF; Ok(_) = unsolicited bytes.
        matches!(self.stream.try_read(&mut probe), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
    }

    /// Calls `method` with `req` and waits up to `timeout` (send + reply) for the result.
    pub async fn call<Req, Resp>(
        &mut self,
        method: &str,
        req: &Req,
        timeout: Duration,
    ) -> Result<Resp, CallError>
    where
        Req: TSerializable,
        Resp: TSerializable,
    {
        let deadline = Instant::now() + timeout;
        let seqid = self.next_seqid;
        self.next_seqid = self.next_seqid.wrapping_add(1);
        self.broken = true; // cleared only by a clean round trip
        let not_sent = |source| CallError::NotSent {
            method: method.to_string(),
            addr: self.addr.clone(),
            source,
        };
        let msg = codec::encode_call(method, seqid, req).map_err(not_sent)?;
        match timeout_at(deadline, self.stream.write_all(&msg)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(not_sent(e.into())),
            Err(_) => return Err(not_sent(timed_out())),
        }
        let reply = self.receive(method, deadline).await?;
        match codec::decode_reply(&reply, method, seqid) {
            Ok(resp) => {
                self.broken = false;
                Ok(resp)
            }
            Err(source @ WireError::Application(_)) => {
                self.broken = false; // the exchange itself completed cleanly
                Err(self.remote(method, source))
            }
            Err(source) => Err(self.no_reply(method, source)),
        }
    }

    async fn receive(&mut self, method: &str, deadline: Instant) -> Result<Vec<u8>, CallError> {
        match timeout_at(deadline, self.reader.read_message(&mut self.stream)).await {
            Ok(Ok(Some(m))) => Ok(m),
            Ok(Ok(None)) => Err(self.no_reply(method, WireError::Closed)),
            Ok(Err(e)) => Err(self.no_reply(method, e)),
            Err(_) => Err(self.no_reply(method, timed_out())),
        }
    }

    fn no_reply(&self, method: &str, source: WireError) -> CallError {
        CallError::NoReply {
            method: method.to_string(),
            addr: self.addr.clone(),
            source,
        }
    }

    fn remote(&self, method: &str, source: WireError) -> CallError {
        CallError::Remote {
            method: method.to_string(),
            addr: self.addr.clone(),
            source,
        }
    }
}

fn timed_out() -> WireError {
    WireError::Io(std::io::ErrorKind::TimedOut.into())
}
