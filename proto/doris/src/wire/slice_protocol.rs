//! A binary-protocol reader over an in-memory message that never trusts wire lengths.
//!
//! Generated decoders pick the read method from the IDL type, not the wire type, so a
//! type-confused field can make the stock protocol read an i64 as a string length and
//! allocate gigabytes. Here every length and element count is checked against the
//! bytes actually left before anything is allocated.

use thrift::protocol::{
    TFieldIdentifier, TInputProtocol, TListIdentifier, TMapIdentifier, TMessageIdentifier,
    TMessageType, TSetIdentifier, TStructIdentifier, TType,
};
use thrift::{ProtocolError, ProtocolErrorKind};

/// Strict-or-old-style binary input protocol reading from a byte slice.
#[derive(Debug)]
pub(crate) struct SliceInputProtocol<'a> {
    buf: &'a [u8],
    pos: usize,
}

fn invalid(message: String) -> thrift::Error {
    thrift::Error::Protocol(ProtocolError::new(ProtocolErrorKind::InvalidData, message))
}

fn ttype(b: u8) -> thrift::Result<TType> {
    Ok(match b {
        0 => TType::Stop,
        2 => TType::Bool,
        3 => TType::I08,
        4 => TType::Double,
        6 => TType::I16,
        8 => TType::I32,
        10 => TType::I64,
        11 => TType::String,
        12 => TType::Struct,
        13 => TType::Map,
        14 => TType::Set,
        15 => TType::List,
        other => return Err(invalid(format!("unknown field type {other}"))),
    })
}

/// Smallest encoding of one value of type `t` in the binary protocol.
fn min_size(t: TType) -> usize {
    match t {
        TType::I16 => 2,
        TType::I32 | TType::String => 4,
        TType::I64 | TType::Double => 8,
        TType::Map => 6,
        TType::Set | TType::List => 5,
        _ => 1,
    }
}

impl<'a> SliceInputProtocol<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        SliceInputProtocol { buf, pos: 0 }
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    fn take(&mut self, n: usize) -> thrift::Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.buf.len());
        let Some(end) = end else {
            return Err(invalid(format!("message truncated: {n} more bytes needed")));
        };
        let bytes = &self.buf[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> thrift::Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// Reads a count and checks `count * unit` bytes can still follow.
    fn count(&mut self, unit: usize) -> thrift::Result<i32> {
        let n = self.read_i32()?;
        let fits = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(unit))
            .is_some_and(|need| need <= self.buf.len() - self.pos);
        if !fits {
            return Err(invalid(format!("length {n} exceeds the message")));
        }
        Ok(n)
    }
}

impl TInputProtocol for SliceInputProtocol<'_> {
    fn read_message_begin(&mut self) -> thrift::Result<TMessageIdentifier> {
        let first = self.read_i32()?;
        let (name, kind) = if first < 0 {
            if first as u32 & 0xffff_0000 != 0x8001_0000 {
                return Err(invalid(format!("bad version word {first:#010x}")));
            }
            (self.read_string()?, (first & 0xff) as u8)
        } else {
            self.pos -= 4;
            let name = self.read_string()?;
            (name, self.read_byte()?)
        };
        let kind = TMessageType::try_from(kind)?;
        Ok(TMessageIdentifier::new(name, kind, self.read_i32()?))
    }

    fn read_message_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_struct_begin(&mut self) -> thrift::Result<Option<TStructIdentifier>> {
        Ok(None)
    }

    fn read_struct_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_field_begin(&mut self) -> thrift::Result<TFieldIdentifier> {
        let field_type = ttype(self.read_byte()?)?;
        let id = match field_type {
            TType::Stop => 0,
            _ => self.read_i16()?,
        };
        Ok(TFieldIdentifier::new::<Option<String>, String, i16>(
            None, field_type, id,
        ))
    }

    fn read_field_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_bool(&mut self) -> thrift::Result<bool> {
        Ok(self.read_byte()? != 0)
    }

    fn read_bytes(&mut self) -> thrift::Result<Vec<u8>> {
        let n = self.count(1)?;
        Ok(self.take(n as usize)?.to_vec())
    }

    fn read_i8(&mut self) -> thrift::Result<i8> {
        Ok(i8::from_be_bytes(self.array()?))
    }

    fn read_i16(&mut self) -> thrift::Result<i16> {
        Ok(i16::from_be_bytes(self.array()?))
    }

    fn read_i32(&mut self) -> thrift::Result<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }

    fn read_i64(&mut self) -> thrift::Result<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }

    fn read_double(&mut self) -> thrift::Result<f64> {
        Ok(f64::from_be_bytes(self.array()?))
    }

    fn read_string(&mut self) -> thrift::Result<String> {
        let bytes = self.read_bytes()?;
        String::from_utf8(bytes).map_err(|e| invalid(format!("string is not UTF-8: {e}")))
    }

    fn read_list_begin(&mut self) -> thrift::Result<TListIdentifier> {
        let elem = ttype(self.read_byte()?)?;
        Ok(TListIdentifier::new(elem, self.count(min_size(elem))?))
    }

    fn read_list_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_set_begin(&mut self) -> thrift::Result<TSetIdentifier> {
        let elem = ttype(self.read_byte()?)?;
        Ok(TSetIdentifier::new(elem, self.count(min_size(elem))?))
    }

    fn read_set_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_map_begin(&mut self) -> thrift::Result<TMapIdentifier> {
        let (k, v) = (self.read_byte()?, self.read_byte()?);
        let size = self.read_i32()?;
        if size == 0 {
            return Ok(TMapIdentifier::new(None::<TType>, None::<TType>, 0));
        }
        let (k, v) = (ttype(k)?, ttype(v)?);
        self.pos -= 4;
        Ok(TMapIdentifier::new(
            k,
            v,
            self.count(min_size(k) + min_size(v))?,
        ))
    }

    fn read_map_end(&mut self) -> thrift::Result<()> {
        Ok(())
    }

    fn read_byte(&mut self) -> thrift::Result<u8> {
        Ok(self.array::<1>()?[0])
    }
}
