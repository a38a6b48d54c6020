//! Incremental "where does this message end" scanner for unframed TBinaryProtocol.
//!
//! The scanner walks the encoding (header, then one struct, skipping fields by type)
//! and keeps its position between calls, so feeding a growing buffer costs O(n) in
//! total. Every length and element count is checked against the remaining byte budget
//! before anything is trusted, so a later decode never allocates more than the limit.

use super::WireError;

/// Longest method name accepted; real names are short, long ones mean garbage.
const MAX_NAME_LEN: usize = 1024;

/// Resource limits for one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum encoded size of one message (header included). Default 100 MiB.
    pub max_message_bytes: usize,
    /// Maximum nesting of structs and containers. Default 64.
    pub max_depth: usize,
    /// Maximum total number of struct/container-typed container elements in one message;
    /// bounds what decoders pre-allocate for lists of structs. Default 8 Mi.
    pub max_struct_elements: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 100 * 1024 * 1024,
            max_depth: 64,
            max_struct_elements: 8 * 1024 * 1024,
        }
    }
}

/// Outcome of scanning a buffer that starts at a message boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scan {
    /// The buffer holds only a prefix of the message.
    NeedMore,
    /// The first `n` bytes of the buffer are one complete message.
    Complete(usize),
}

/// Scans a whole buffer from scratch (convenience for tests and one-shot decoding).
pub fn scan_message(buf: &[u8], limits: &Limits) -> Result<Scan, WireError> {
    MessageScanner::new(*limits).feed(buf)
}

#[derive(Debug)]
enum Frame {
    Struct,
    List {
        elem: u8,
        remaining: usize,
    },
    Map {
        key: u8,
        val: u8,
        remaining: usize,
        at_value: bool,
    },
}

/// Resumable scanner. Feed it the same growing buffer (the bytes already fed must not
/// change) until it answers [`Scan::Complete`]; then [`reset`](Self::reset) it.
#[derive(Debug)]
pub struct MessageScanner {
    limits: Limits,
    pos: usize,
    header_done: bool,
    stack: Vec<Frame>,
    struct_elements: u64,
}

/// What a value of some type needs: `None` = not all of it is buffered yet.
type Step = Option<(usize, Option<Frame>)>;

impl MessageScanner {
    /// A scanner positioned at the start of a message.
    pub fn new(limits: Limits) -> Self {
        MessageScanner {
            limits,
            pos: 0,
            header_done: false,
            stack: Vec::new(),
            struct_elements: 0,
        }
    }

    /// Forgets all progress (call after a complete message was taken off the buffer).
    pub fn reset(&mut self) {
        self.pos = 0;
        self.header_done = false;
        self.stack.clear();
        self.struct_elements = 0;
    }

    /// Continues scanning `buf` (which must start with the bytes fed before).
    pub fn feed(&mut self, buf: &[u8]) -> Result<Scan, WireError> {
        if !self.header_done {
            match self.header(buf)? {
                Some(end) => {
                    self.pos = end;
                    self.header_done = true;
                    self.stack.push(Frame::Struct);
                }
                None => return self.need_more(buf),
            }
        }
        while !self.stack.is_empty() {
            if !self.step(buf)? {
                return self.need_more(buf);
            }
        }
        Ok(Scan::Complete(self.pos))
    }

    fn need_more(&self, buf: &[u8]) -> Result<Scan, WireError> {
        if buf.len() > self.limits.max_message_bytes {
            return Err(self.too_large(buf.len()));
        }
        Ok(Scan::NeedMore)
    }

    fn too_large(&self, needed: usize) -> WireError {
        WireError::TooLarge {
            needed,
            limit: self.limits.max_message_bytes,
        }
    }

    /// Checks that `end` fits the limit and is buffered.
    fn available(&self, buf: &[u8], end: usize) -> Result<bool, WireError> {
        if end > self.limits.max_message_bytes {
            return Err(self.too_large(end));
        }
        Ok(end <= buf.len())
    }

    /// Parses the message header; returns its end offset once fully buffered.
    fn header(&self, buf: &[u8]) -> Result<Option<usize>, WireError> {
        let Some(first) = read_i32(buf, 0) else {
            return Ok(None);
        };
        let (name_len_at, strict_kind) = if first < 0 {
            let version = first as u32 & 0xffff_0000;
            if version != 0x8001_0000 {
                return Err(WireError::Invalid(format!(
                    "bad version word {first:#010x}"
                )));
            }
            (4, Some(first as u32 & 0xff))
        } else {
            (0, None)
        };
        let Some(name_len) = read_i32(buf, name_len_at) else {
            return Ok(None);
        };
        if !(0..=MAX_NAME_LEN as i32).contains(&name_len) {
            return Err(WireError::Invalid(format!("method name length {name_len}")));
        }
        let mut end = name_len_at + 4 + name_len as usize;
        let kind = match strict_kind {
            Some(k) => k,
            None => match buf.get(end) {
                Some(k) => {
                    end += 1;
                    u32::from(*k)
                }
                None => return Ok(None),
            },
        };
        if !(1..=4).contains(&kind) {
            return Err(WireError::Invalid(format!("message type {kind}")));
        }
        end += 4; // seqid
        Ok(self.available(buf, end)?.then_some(end))
    }

    /// Advances over one item of the innermost frame; `false` = needs more bytes.
    fn step(&mut self, buf: &[u8]) -> Result<bool, WireError> {
        let pos = self.pos;
        let Some(top) = self.stack.last() else {
            return Ok(true);
        };
        let (advance, child) = match *top {
            Frame::Struct if buf.get(pos) == Some(&0) => {
                // STOP: the struct ends; its parent already counted it when it began.
                self.stack.pop();
                self.pos += 1;
                return Ok(true);
            }
            Frame::Struct => match self.struct_field(buf, pos)? {
                Some(s) => s,
                None => return Ok(false),
            },
            Frame::List { remaining: 0, .. } | Frame::Map { remaining: 0, .. } => {
                self.stack.pop();
                return Ok(true);
            }
            Frame::List { elem, .. } => match self.value(buf, pos, elem, true)? {
                Some(s) => s,
                None => return Ok(false),
            },
            Frame::Map {
                key, val, at_value, ..
            } => {
                let t = if at_value { val } else { key };
                match self.value(buf, pos, t, true)? {
                    Some(s) => s,
                    None => return Ok(false),
                }
            }
        };
        self.commit_item(advance, child)
    }

    /// Records that the innermost frame consumed one item, then descends into `child`.
    fn commit_item(&mut self, advance: usize, child: Option<Frame>) -> Result<bool, WireError> {
        match self.stack.last_mut() {
            Some(Frame::List { remaining, .. }) => *remaining -= 1,
            Some(Frame::Map {
                remaining,
                at_value,
                ..
            }) => {
                if *at_value {
                    *remaining -= 1;
                }
                *at_value = !*at_value;
            }
            Some(Frame::Struct) | None => {}
        }
        self.pos += advance;
        if let Some(frame) = child {
            if self.stack.len() >= self.limits.max_depth {
                return Err(WireError::TooDeep(self.limits.max_depth));
            }
            self.stack.push(frame);
        }
        Ok(true)
    }

    /// One struct field: its header plus the start of its value.
    fn struct_field(&mut self, buf: &[u8], pos: usize) -> Result<Step, WireError> {
        if !self.available(buf, pos + 3)? {
            return Ok(None);
        }
        Ok(self
            .value(buf, pos + 3, buf[pos], false)?
            .map(|(n, child)| (n + 3, child)))
    }

    /// Start of a value of type `t` at `pos`: scalar/string bytes, or a container or
    /// struct header (whose body is scanned through the returned frame).
    fn value(&mut self, buf: &[u8], pos: usize, t: u8, element: bool) -> Result<Step, WireError> {
        let fixed = match t {
            2 | 3 => Some((1, None)),
            4 | 10 => Some((8, None)),
            6 => Some((2, None)),
            8 => Some((4, None)),
            11 => return self.string(buf, pos),
            12 => Some((0, Some(Frame::Struct))),
            13 => self.map(buf, pos)?,
            14 | 15 => self.list(buf, pos)?,
            other => return Err(WireError::Invalid(format!("unknown field type {other}"))),
        };
        let Some(step) = fixed else {
            return Ok(None);
        };
        if step.1.is_none() {
            let n = step.0;
            return Ok(self.available(buf, pos + n)?.then_some(step));
        }
        if element {
            self.struct_elements += 1;
            if self.struct_elements > self.limits.max_struct_elements {
                return Err(WireError::Invalid(
                    "too many struct/container elements".into(),
                ));
            }
        }
        Ok(Some(step))
    }

    fn string(&self, buf: &[u8], pos: usize) -> Result<Step, WireError> {
        if !self.available(buf, pos + 4)? {
            return Ok(None);
        }
        let len = self.count(buf, pos, 1)?;
        Ok(self
            .available(buf, pos + 4 + len)?
            .then_some((4 + len, None)))
    }

    fn list(&self, buf: &[u8], pos: usize) -> Result<Step, WireError> {
        if !self.available(buf, pos + 5)? {
            return Ok(None);
        }
        let elem = buf[pos];
        let n = self.count(buf, pos + 1, min_size(elem)?)?;
        let frame = Frame::List { elem, remaining: n };
        Ok(Some((5, Some(frame))))
    }

    fn map(&self, buf: &[u8], pos: usize) -> Result<Step, WireError> {
        if !self.available(buf, pos + 6)? {
            return Ok(None);
        }
        let (key, val) = (buf[pos], buf[pos + 1]);
        let n = if read_i32(buf, pos + 2) == Some(0) {
            0 // empty maps may carry placeholder key/value types
        } else {
            self.count(buf, pos + 2, min_size(key)? + min_size(val)?)?
        };
        let frame = Frame::Map {
            key,
            val,
            remaining: n,
            at_value: false,
        };
        Ok(Some((6, Some(frame))))
    }

    /// Reads a length/count at `pos` and checks `count * unit` fits the remaining budget.
    fn count(&self, buf: &[u8], pos: usize, unit: usize) -> Result<usize, WireError> {
        let raw = read_i32(buf, pos).unwrap_or(-1);
        let n = usize::try_from(raw)
            .map_err(|_| WireError::Invalid(format!("negative length {raw}")))?;
        let needed = (pos + 4).saturating_add(n.saturating_mul(unit));
        if needed > self.limits.max_message_bytes {
            return Err(self.too_large(needed));
        }
        Ok(n)
    }
}

/// Smallest encoding of one value of type `t`.
fn min_size(t: u8) -> Result<usize, WireError> {
    Ok(match t {
        2 | 3 | 12 => 1,
        6 => 2,
        8 | 11 => 4,
        4 | 10 => 8,
        13 => 6,
        14 | 15 => 5,
        other => return Err(WireError::Invalid(format!("unknown element type {other}"))),
    })
}

fn read_i32(buf: &[u8], pos: usize) -> Option<i32> {
    let bytes = buf.get(pos..pos.checked_add(4)?)?;
    Some(i32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}
