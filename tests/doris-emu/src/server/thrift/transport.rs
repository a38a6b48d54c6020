//! One Thrift connection's transport: unframed (what Doris servers speak by default) or,
//! auto-detected from the first bytes, framed (FE `thrift_server_type = THREADED_SELECTOR`).
//!
//! A strict unframed message starts with `0x80`; a framed one with a 4-byte length whose
//! next byte is the `0x80` of the strict message inside. Anything else is read as unframed
//! and left to the scanner (non-strict headers or garbage).

use std::io::Cursor;

use doris_thrift::wire::{scan_message, Limits, MessageReader, Scan, WireError};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, Chain};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

type Input = Chain<Cursor<Vec<u8>>, OwnedReadHalf>;

/// Reads and writes whole messages in the detected framing.
pub struct Transport {
    input: Input,
    output: OwnedWriteHalf,
    framed: bool,
    reader: MessageReader,
    limits: Limits,
}

/// Reads up to `n` bytes (fewer only at EOF).
async fn read_prefix<R: AsyncRead + Unpin>(r: &mut R, n: usize) -> std::io::Result<Vec<u8>> {
    // Grows with the data actually received, not with a length the peer claims.
    let mut buf = Vec::new();
    r.take(n as u64).read_to_end(&mut buf).await?;
    Ok(buf)
}

impl Transport {
    /// Sniffs the framing from the first bytes (put back for the reader).
    pub async fn detect(stream: TcpStream, limits: Limits) -> std::io::Result<Self> {
        let _ = stream.set_nodelay(true);
        let (mut read, output) = stream.into_split();
        let prefix = read_prefix(&mut read, 5).await?;
        let framed = prefix.len() == 5 && prefix[0] != 0x80 && prefix[4] == 0x80;
        Ok(Transport {
            input: Cursor::new(prefix).chain(read),
            output,
            framed,
            reader: MessageReader::new(limits),
            limits,
        })
    }

    /// Whether the peer speaks framed transport.
    pub fn framed(&self) -> bool {
        self.framed
    }

    /// The next complete message; `Ok(None)` at a clean EOF.
    pub async fn read(&mut self) -> Result<Option<Vec<u8>>, WireError> {
        if !self.framed {
            return self.reader.read_message(&mut self.input).await;
        }
        let head = read_prefix(&mut self.input, 4).await?;
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
        let frame = read_prefix(&mut self.input, len).await?;
        match scan_message(&frame, &self.limits)? {
            Scan::Complete(n) if n == len && frame.len() == len => Ok(Some(frame)),
            _ => Err(WireError::Invalid(
                "frame does not hold exactly one message".into(),
            )),
        }
    }

    /// Writes one message (with its frame length when framed).
    pub async fn write(&mut self, msg: &[u8]) -> std::io::Result<()> {
        if self.framed {
            let len = u32::try_from(msg.len()).map_err(std::io::Error::other)?;
            let mut buf = Vec::with_capacity(msg.len() + 4);
            buf.extend_from_slice(&len.to_be_bytes());
            buf.extend_from_slice(msg);
            return self.output.write_all(&buf).await;
        }
        self.output.write_all(msg).await
    }
}
