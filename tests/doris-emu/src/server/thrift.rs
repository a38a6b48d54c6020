//! Thrift front ends: FrontendService on the FE rpc port ([`fe`]) and BackendService on
//! each BE's be_port ([`be`]), strict binary protocol, one call at a time per connection.
//!
//! Connections are served by `doris_thrift::wire::serve_with`: unframed like Doris, plus
//! framed clients detected from their first bytes (FE `thrift_server_type =
//! THREADED_SELECTOR`); an injected "drop" fault closes the connection through
//! [`Call::drop_connection`].

pub mod be;
pub mod fe;

use std::future::Future;
use std::sync::Arc;

use doris_thrift::status::{TStatus, TStatusCode};
use doris_thrift::thrift::protocol::TSerializable;
use doris_thrift::wire::{
    self, codec, ApplicationError, ApplicationErrorKind, Call, ServerOptions, ThriftHandler,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::fault::{Faults, Injected};

/// Serves `listener` until `stop` is cancelled. Bad input closes only its connection.
pub async fn serve(
    listener: TcpListener,
    service: Arc<dyn ThriftHandler>,
    stop: CancellationToken,
) {
    let options = ServerOptions {
        detect_framed: true,
        ..ServerOptions::default()
    };
    let stopped = async move { stop.cancelled().await };
    if let Err(e) = wire::serve_with(listener, service, stopped, options).await {
        tracing::warn!(error = %e, "thrift server stopped");
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

fn encode<Res: TSerializable>(call: &Call, res: &Res) -> Result<Vec<u8>, ApplicationError> {
    codec::encode_reply(&call.header.name, call.header.seqid, res)
        .map_err(|e| ApplicationError::new(ApplicationErrorKind::InternalError, e.to_string()))
}

fn injected<Res: TSerializable + WithStatus>(
    call: &Call,
    f: &Injected,
    real: Option<Res>,
) -> Result<Vec<u8>, ApplicationError> {
    if f.drop {
        return call.drop_connection();
    }
    let (code, msg) = (f.code_or(6), f.message.clone());
    let res = match real {
        Some(mut r) => {
            r.set_status(code, msg);
            r
        }
        None => Res::from_status(code, msg),
    };
    encode(call, &res)
}

/// Decodes the request, applies faults for the method, runs `handler`, encodes the result.
pub async fn call<Req, Res, Fut>(
    faults: &Faults,
    call: &Call,
    handler: impl FnOnce(Req) -> Fut,
) -> Result<Vec<u8>, ApplicationError>
where
    Req: TSerializable,
    Res: TSerializable + WithStatus,
    Fut: Future<Output = Res>,
{
    let req = call
        .decode_args::<Req>()
        .map_err(|e| ApplicationError::new(ApplicationErrorKind::ProtocolError, e.to_string()))?;
    let fault = faults.check(call.method(), None).await;
    if let Some(f) = fault.as_ref().filter(|f| !f.after) {
        return injected::<Res>(call, f, None);
    }
    let res = handler(req).await;
    match fault {
        Some(f) => injected(call, &f, Some(res)),
        None => encode(call, &res),
    }
}
