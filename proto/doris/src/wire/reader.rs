//! Reads whole unframed messages off an async byte stream.

use tokio::io::{AsyncRead, AsyncReadExt};

use super::{Limits, MessageScanner, Scan, WireError};

/// How much to ask the socket for at a time.
const READ_CHUNK: usize = 64 * 1024;

/// Buffers a byte stream and cuts it into messages. Bytes after a message (a pipelined
/// next message) stay buffered for the next call.
#[derive(Debug)]
pub struct MessageReader {
    buf: Vec<u8>,
    scanner: MessageScanner,
    limits: Limits,
}

impl MessageReader {
    /// A reader enforcing `limits` on every message.
    pub fn new(limits: Limits) -> Self {
        MessageReader {
            buf: Vec::new(),
            scanner: MessageScanner::new(limits),
            limits,
        }
    }

    /// Bytes buffered but not yet returned as a message.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Reads the next complete message. `Ok(None)` = clean EOF between messages.
    /// Garbage, oversized or truncated input is an error; the stream is then unusable.
    pub async fn read_message<R: AsyncRead + Unpin>(
        &mut self,
        r: &mut R,
    ) -> Result<Option<Vec<u8>>, WireError> {
        loop {
            if !self.buf.is_empty() {
                if let Scan::Complete(n) = self.scanner.feed(&self.buf)? {
                    let rest = self.buf.split_off(n);
                    self.scanner.reset();
                    return Ok(Some(std::mem::replace(&mut self.buf, rest)));
                }
            }
            // Never reserve past the limit (+1 so an oversized message is detected).
            let room = (self.limits.max_message_bytes + 1).saturating_sub(self.buf.len());
            self.buf.reserve(READ_CHUNK.min(room.max(1)));
            let n = r.read_buf(&mut self.buf).await?;
            if n == 0 {
                if self.buf.is_empty() {
                    return Ok(None);
                }
                return Err(WireError::Truncated(self.buf.len()));
            }
        }
    }
}
