//! One server connection's transport: unframed (what Doris servers speak by default) or,
//! when [`super::ServerOptions::detect_framed`] is on, framed if the first bytes say so
//! (a FE with `thrift_server_type = THREADED_SELECTOR` speaks TFramedTransport).
//!
//! A strict unframed message starts with `0x80`; a framed one with a 4-byte big-endian
//! length whose next byte is the `0x80` of the strict message inside. Anything else is
//! read as unframed and left to the scanner (non-strict headers or garbage).

use std::io::Cursor;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, Chain};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

use super::{scan_message, Limits, MessageReader, Scan, WireError};

/// Sniffed bytes put back in front of the socket.
type Input = Chain<Cursor<Vec<u8>>, OwnedReadHalf>;

/// Reads and writes whole messages in the connection's framing.
#[derive(Debug)]
pub(super) struct Transport {
    input: Input,
    output: OwnedWriteHalf,
    framed: bool,
    reader: MessageReader,
    limits: Limits,
}

/// Reads up to `n` bytes (fewer only at EOF). The buffer grows with the data actually
/// received, never with a length the peer merely claims.
async fn read_up_to<R: AsyncRead + Unpin>(r: &mut R, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(n as u64).read_to_end(&mut buf).await?;
    Ok(buf)
}

/// Whether the first five bytes of a connection are a frame length then a strict header.
fn looks_framed(prefix: &[u8]) -> bool {
    prefix.len() == 5 && prefix[0] != 0x80 && prefix[4] == 0x80
}

impl Transport {
    /// Wraps `stream`; with `detect_framed`, first reads up to 5 bytes to tell the
    /// framing (they are put back for the reader). Without it nothing is read here.
    pub(super) async fn open(
        stream: TcpStream,
        limits: Limits,
        detect_framed: bool,
    ) -> std::io::Result<Self> {
        let _ = stream.set_nodelay(true);
        let (mut read, output) = stream.into_split();
        let prefix = if detect_framed {
            read_up_to(&mut read, 5).await?
        } else {
            Vec::new()
        };
        Ok(Transport {
            framed: looks_framed(&prefix),
            input: Cursor::new(prefix).chain(read),
            output,
            reader: MessageReader::new(limits),
            limits,
        })
    }

    /// Whether the peer speaks framed transport.
    pub(super) fn framed(&self) -> bool {
        self.framed
    }

    /// The next complete message; `Ok(None)` at a clean EOF between messages.
    pub(super) async fn read(&mut self) -> Result<Option<Vec<u8>>, WireError> {
        if !self.framed {
            return self.reader.read_message(&mut self.input).await;
        }
        let head = read_up_to(&mut self.input, 4).await?;
        if head.is_empty() {
            return Ok(None);
        }
        let len_bytes: [u8; 4] = head
            .as_slice()
            .try_into()
            .map_err(|_| WireError::Truncated(head.len()))?;
        let len = u32::from_be_bytes(len_bytes) as usize;
        if len > self.limits.max_message_bytes {
            return Err(WireError::TooLarge {
                needed: len,
                limit: self.limits.max_message_bytes,
            });
        }
        let frame = read_up_to(&mut self.input, len).await?;
        if frame.len() < len {
            return Err(WireError::Truncated(4 + frame.len()));
        }
        match scan_message(&frame, &self.limits)? {
            Scan::Complete(n) if n == len => Ok(Some(frame)),
            _ => Err(WireError::Invalid(
                "frame does not hold exactly one message".into(),
            )),
        }
    }

    /// Writes one message (after its frame length when framed).
    pub(super) async fn write(&mut self, msg: &[u8]) -> std::io::Result<()> {
        if !self.framed {
            return self.output.write_all(msg).await;
        }
        let len = u32::try_from(msg.len()).map_err(std::io::Error::other)?;
        let mut buf = Vec::with_capacity(msg.len() + 4);
        buf.extend_from_slice(&len.to_be_bytes());
        buf.extend_from_slice(msg);
        self.output.write_all(&buf).await
    }
}

#[cfg(test)]
mod tests {
    use super::looks_framed;

    #[test]
    fn framing_is_told_from_the_first_five_bytes() {
        assert!(looks_framed(&[0, 0, 0, 40, 0x80]));
        assert!(!looks_framed(&[0x80, 1, 0, 1, 0]), "strict unframed header");
        assert!(!looks_framed(&[0, 0, 0, 40]), "too short to tell");
        assert!(!looks_framed(b"GET /"), "garbage stays unframed");
    }
}
