//! Envelopes: `<method>_args` (field 1 = request) in a CALL, `<method>_result`
//! (field 0 = success) in a REPLY, a TApplicationException in an EXCEPTION.
//!
//! Encoding is strict binary (version word `0x80010000 | type`); decoding also accepts
//! the old non-strict header, as Doris' own servers do. Decoding reads from memory
//! through a protocol that checks every length against the bytes present.

use thrift::protocol::{
    TBinaryOutputProtocol, TFieldIdentifier, TInputProtocol, TMessageIdentifier, TMessageType,
    TOutputProtocol, TSerializable, TStructIdentifier, TType,
};
use thrift::ApplicationError;

use super::slice_protocol::SliceInputProtocol;
use super::WireError;

/// A decoded message header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageHeader {
    /// Method name, e.g. `getBinlog`.
    pub name: String,
    /// CALL, REPLY, EXCEPTION or ONEWAY.
    pub kind: TMessageType,
    /// Sequence id chosen by the caller and echoed by the server.
    pub seqid: i32,
}

/// Encodes a CALL of `method` whose argument struct carries `req` as field 1.
pub fn encode_call<T: TSerializable>(
    method: &str,
    seqid: i32,
    req: &T,
) -> Result<Vec<u8>, WireError> {
    let args = format!("{method}_args");
    encode(method, TMessageType::Call, seqid, |o| {
        wrap_struct(o, &args, "request", 1, req)
    })
}

/// Encodes a REPLY of `method` whose result struct carries `result` as field 0 (success).
pub fn encode_reply<T: TSerializable>(
    method: &str,
    seqid: i32,
    result: &T,
) -> Result<Vec<u8>, WireError> {
    let name = format!("{method}_result");
    encode(method, TMessageType::Reply, seqid, |o| {
        wrap_struct(o, &name, "success", 0, result)
    })
}

/// Encodes an EXCEPTION message carrying a TApplicationException.
pub fn encode_exception(
    method: &str,
    seqid: i32,
    err: &ApplicationError,
) -> Result<Vec<u8>, WireError> {
    encode(method, TMessageType::Exception, seqid, |o| {
        thrift::Error::write_application_error_to_out_protocol(err, o)
    })
}

fn encode(
    method: &str,
    kind: TMessageType,
    seqid: i32,
    body: impl FnOnce(&mut dyn TOutputProtocol) -> thrift::Result<()>,
) -> Result<Vec<u8>, WireError> {
    let mut buf = Vec::with_capacity(256);
    let mut o = TBinaryOutputProtocol::new(&mut buf, true);
    o.write_message_begin(&TMessageIdentifier::new(method, kind, seqid))?;
    body(&mut o)?;
    o.write_message_end()?;
    o.flush()?;
    Ok(buf)
}

fn wrap_struct<T: TSerializable>(
    o: &mut dyn TOutputProtocol,
    struct_name: &str,
    field_name: &str,
    field_id: i16,
    value: &T,
) -> thrift::Result<()> {
    o.write_struct_begin(&TStructIdentifier::new(struct_name))?;
    o.write_field_begin(&TFieldIdentifier::new(field_name, TType::Struct, field_id))?;
    value.write_to_out_protocol(o)?;
    o.write_field_end()?;
    o.write_field_stop()?;
    o.write_struct_end()
}

/// Decodes a message header; returns it with the body (the envelope struct) that follows.
pub fn decode_header(msg: &[u8]) -> Result<(MessageHeader, &[u8]), WireError> {
    let mut i = SliceInputProtocol::new(msg);
    let id = i.read_message_begin()?;
    let rest = i.rest();
    let header = MessageHeader {
        name: id.name,
        kind: id.message_type,
        seqid: id.sequence_number,
    };
    Ok((header, rest))
}

/// Decodes the request (field 1) out of a `<method>_args` body.
pub fn decode_args<T: TSerializable>(body: &[u8]) -> Result<T, WireError> {
    decode_field(body, 1)?
        .ok_or_else(|| WireError::Invalid("call arguments carry no request (field 1)".into()))
}

/// Decodes the success value (field 0) out of a `<method>_result` body.
pub fn decode_result<T: TSerializable>(body: &[u8]) -> Result<T, WireError> {
    decode_field(body, 0)?.ok_or_else(|| {
        WireError::UnexpectedReply("result carries no success value (field 0)".into())
    })
}

/// Reads an envelope struct, decoding struct field `id` as `T` and skipping the rest.
fn decode_field<T: TSerializable>(body: &[u8], id: i16) -> Result<Option<T>, WireError> {
    let mut i = SliceInputProtocol::new(body);
    i.read_struct_begin()?;
    let mut found = None;
    loop {
        let field = i.read_field_begin()?;
        if field.field_type == TType::Stop {
            break;
        }
        if field.id == Some(id) && field.field_type == TType::Struct {
            found = Some(T::read_from_in_protocol(&mut i)?);
        } else {
            i.skip(field.field_type)?;
        }
        i.read_field_end()?;
    }
    i.read_struct_end()?;
    Ok(found)
}

/// Decodes a complete reply message to `method`/`seqid`: REPLY → the success struct,
/// EXCEPTION → [`WireError::Application`], anything else → [`WireError::UnexpectedReply`].
pub fn decode_reply<T: TSerializable>(
    msg: &[u8],
    method: &str,
    seqid: i32,
) -> Result<T, WireError> {
    let (header, body) = decode_header(msg)?;
    if header.kind == TMessageType::Exception {
        let mut i = SliceInputProtocol::new(body);
        let e = thrift::Error::read_application_error_from_in_protocol(&mut i)?;
        return Err(WireError::Application(e));
    }
    if header.kind != TMessageType::Reply {
        return Err(WireError::UnexpectedReply(format!(
            "message type {:?}",
            header.kind
        )));
    }
    if header.name != method || header.seqid != seqid {
        return Err(WireError::UnexpectedReply(format!(
            "got {}#{} while waiting for {method}#{seqid}",
            header.name, header.seqid
        )));
    }
    decode_result(body)
}
