//! Thrift front ends: FrontendService on the FE rpc port ([`fe`]) and BackendService on
//! each BE's be_port ([`be`]), strict binary protocol, unframed, one call at a time per
//! connection.
//!
//! The accept/connection loop is ours rather than `doris_thrift::wire::serve` because fault
//! injection must be able to drop a connection instead of replying; message framing,
//! limits and envelopes come from `doris_thrift::wire`.

pub mod be;
pub mod fe;
mod transport;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use doris_thrift::status::{TStatus, TStatusCode};
use doris_thrift::thrift::protocol::TSerializable;
use doris_thrift::wire::{
    codec, ApplicationError, ApplicationErrorKind, Limits, MessageHeader, TMessageType,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::fault::{Faults, Injected};
use transport::Transport;

/// What to do after a call.
pub enum Reply {
    /// Send this complete message.
    Message(Vec<u8>),
    /// Close the connection without answering (injected fault).
    Drop,
}

/// A Thrift service: turns one decoded call into a reply.
#[async_trait]
pub trait Dispatch: Send + Sync + 'static {
    /// Handles `header` whose `<method>_args` struct is `body`.
    async fn dispatch(&self, header: &MessageHeader, body: &[u8]) -> Reply;
}

/// Accepts connections until `stop` is cancelled. Bad input closes only its connection.
pub async fn serve(listener: TcpListener, service: Arc<dyn Dispatch>, stop: CancellationToken) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(connection(stream, service.clone()));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "thrift accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    conns.shutdown().await;
}

async fn connection(stream: TcpStream, service: Arc<dyn Dispatch>) {
    let peer = stream.peer_addr().ok();
    let mut transport = match Transport::detect(stream, Limits::default()).await {
        Ok(t) => t,
        Err(e) => {
            tracing::debug!(?peer, error = %e, "thrift connection failed");
            return;
        }
    };
    tracing::debug!(?peer, framed = transport.framed(), "thrift connection");
    loop {
        let message = match transport.read().await {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(e) => {
                tracing::debug!(?peer, error = %e, "closing thrift connection on bad input");
                break;
            }
        };
        let reply = match codec::decode_header(&message) {
            Ok((h, _)) if !matches!(h.kind, TMessageType::Call | TMessageType::OneWay) => break,
            Ok((header, body)) => {
                let reply = service.dispatch(&header, body).await;
                if header.kind == TMessageType::OneWay {
                    continue;
                }
                reply
            }
            Err(e) => {
                tracing::debug!(?peer, error = %e, "closing thrift connection on bad header");
                break;
            }
        };
        match reply {
            Reply::Message(bytes) if transport.write(&bytes).await.is_ok() => {}
            Reply::Message(_) | Reply::Drop => break,
        }
    }
}

/// Result structs whose status an injected fault can set.
pub trait WithStatus: Sized {
    /// Replaces the status with `code` / `msg`.
    fn set_status(&mut self, code: i32, msg: String);
    /// A result carrying only this status.
    fn from_status(code: i32, msg: String) -> Self;
}

/// Implements [`WithStatus`] for result structs with a `status` field: `opt` for
/// `Option<TStatus>` (and `Default`), `req` for a required `TStatus`.
macro_rules! with_tstatus {
    (opt: $($t:ty),* $(,)?) => {$(
        impl $crate::server::thrift::WithStatus for $t {
            fn set_status(&mut self, code: i32, msg: String) {
                self.status = Some($crate::server::thrift::status(code, msg));
            }
            fn from_status(code: i32, msg: String) -> Self {
                let mut r = <$t>::default();
                r.set_status(code, msg);
                r
            }
        }
    )*};
    (req: $($t:ty),* $(,)?) => {$(
        impl $crate::server::thrift::WithStatus for $t {
            fn set_status(&mut self, code: i32, msg: String) {
                self.status = $crate::server::thrift::status(code, msg);
            }
            fn from_status(code: i32, msg: String) -> Self {
                <$t>::new($crate::server::thrift::status(code, msg), None, None)
            }
        }
    )*};
}
pub(crate) use with_tstatus;

/// A `TStatus` with one error message (none for OK).
pub fn status(code: i32, msg: String) -> TStatus {
    let msgs = (!msg.is_empty()).then(|| vec![msg]);
    TStatus::new(TStatusCode(code), msgs)
}

/// An exception reply for `header`.
pub fn exception(header: &MessageHeader, kind: ApplicationErrorKind, msg: String) -> Reply {
    let err = ApplicationError::new(kind, msg);
    match codec::encode_exception(&header.name, header.seqid, &err) {
        Ok(bytes) => Reply::Message(bytes),
        Err(_) => Reply::Drop,
    }
}

/// UNKNOWN_METHOD, as a real Doris server answers.
pub fn unknown_method(header: &MessageHeader) -> Reply {
    let msg = format!("Invalid method name: '{}'", header.name);
    exception(header, ApplicationErrorKind::UnknownMethod, msg)
}

fn encode<Res: TSerializable>(header: &MessageHeader, res: &Res) -> Reply {
    match codec::encode_reply(&header.name, header.seqid, res) {
        Ok(bytes) => Reply::Message(bytes),
        Err(e) => exception(header, ApplicationErrorKind::InternalError, e.to_string()),
    }
}

fn injected<Res: TSerializable + WithStatus>(
    header: &MessageHeader,
    f: &Injected,
    real: Option<Res>,
) -> Reply {
    if f.drop {
        return Reply::Drop;
    }
    let (code, msg) = (f.code_or(6), f.message.clone());
    let res = match real {
        Some(mut r) => {
            r.set_status(code, msg);
            r
        }
        None => Res::from_status(code, msg),
    };
    encode(header, &res)
}

/// Decodes the request, applies faults for the method, runs `handler`, encodes the result.
pub async fn call<Req, Res, Fut>(
    faults: &Faults,
    header: &MessageHeader,
    body: &[u8],
    handler: impl FnOnce(Req) -> Fut,
) -> Reply
where
    Req: TSerializable,
    Res: TSerializable + WithStatus,
    Fut: Future<Output = Res>,
{
    let req = match codec::decode_args::<Req>(body) {
        Ok(r) => r,
        Err(e) => return exception(header, ApplicationErrorKind::ProtocolError, e.to_string()),
    };
    let fault = faults.check(&header.name, None).await;
    if let Some(f) = fault.as_ref().filter(|f| !f.after) {
        return injected::<Res>(header, f, None);
    }
    let res = handler(req).await;
    match fault {
        Some(f) => injected(header, &f, Some(res)),
        None => encode(header, &res),
    }
}
