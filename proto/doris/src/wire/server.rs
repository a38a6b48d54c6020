//! A generic async Thrift server: accepts connections and drives a [`ThriftHandler`].
//!
//! Per connection, calls are handled one at a time (Thrift clients wait for each
//! reply). An unknown method is answered by the handler (see [`Call::unknown_method`]);
//! garbage, truncated or oversized input closes only that connection.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use thrift::protocol::{TMessageType, TSerializable};
use thrift::{ApplicationError, ApplicationErrorKind};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::{codec, Limits, MessageHeader, MessageReader, WireError};

/// One decoded incoming call, handed to [`ThriftHandler::handle`].
#[derive(Debug)]
pub struct Call {
    /// Method name, seqid and message type (CALL or ONEWAY).
    pub header: MessageHeader,
    /// Address of the calling client.
    pub peer: SocketAddr,
    message: Vec<u8>,
    body_at: usize,
}

impl Call {
    /// The method name, e.g. `getBinlog`.
    pub fn method(&self) -> &str {
        &self.header.name
    }

    /// The encoded `<method>_args` struct.
    pub fn args_bytes(&self) -> &[u8] {
        self.message.get(self.body_at..).unwrap_or_default()
    }

    /// Decodes the request struct (field 1 of `<method>_args`).
    pub fn decode_args<T: TSerializable>(&self) -> Result<T, WireError> {
        codec::decode_args(self.args_bytes())
    }

    /// Encodes the REPLY carrying `result` as the success value, with this call's seqid.
    pub fn reply<T: TSerializable>(&self, result: &T) -> Result<Vec<u8>, ApplicationError> {
        Ok(codec::encode_reply(
            &self.header.name,
            self.header.seqid,
            result,
        )?)
    }

    /// The UNKNOWN_METHOD exception a handler returns for methods it does not serve.
    pub fn unknown_method(&self) -> ApplicationError {
        ApplicationError::new(
            ApplicationErrorKind::UnknownMethod,
            format!("Invalid method name: '{}'", self.header.name),
        )
    }
}

/// Serves calls. Return the full reply message (build it with [`Call::reply`]) or an
/// application exception, which the server encodes with the call's name and seqid.
#[async_trait]
pub trait ThriftHandler: Send + Sync {
    /// Handles one call.
    async fn handle(&self, call: Call) -> Result<Vec<u8>, ApplicationError>;
}

/// Server tuning.
#[derive(Clone, Debug, Default)]
pub struct ServerOptions {
    /// Limits applied to every incoming message.
    pub limits: Limits,
    /// Close a connection idle (no complete message) for this long; `None` = never,
    /// like a default Doris FE.
    pub idle_timeout: Option<Duration>,
}

/// Serves `listener` with default options until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    handler: Arc<dyn ThriftHandler>,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    serve_with(listener, handler, shutdown, ServerOptions::default()).await
}

/// Serves `listener` until `shutdown` completes; then stops accepting and aborts the
/// open connections. Accept errors (e.g. out of file descriptors) are logged and retried.
pub async fn serve_with(
    listener: TcpListener,
    handler: Arc<dyn ThriftHandler>,
    shutdown: impl Future<Output = ()> + Send,
    options: ServerOptions,
) -> std::io::Result<()> {
    let mut conns = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    conns.spawn(connection(stream, peer, handler.clone(), options.clone()));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "thrift accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    conns.shutdown().await;
    Ok(())
}

async fn connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    handler: Arc<dyn ThriftHandler>,
    options: ServerOptions,
) {
    let _ = stream.set_nodelay(true);
    let mut reader = MessageReader::new(options.limits);
    loop {
        let next = reader.read_message(&mut stream);
        let read = match options.idle_timeout {
            Some(t) => match tokio::time::timeout(t, next).await {
                Ok(r) => r,
                Err(_) => break,
            },
            None => next.await,
        };
        let message = match read {
            Ok(Some(m)) => m,
            Ok(None) => break,
            Err(e) => {
                tracing::debug!(%peer, error = %e, "closing thrift connection on bad input");
                break;
            }
        };
        match answer(message, peer, handler.as_ref()).await {
            Ok(Some(reply)) => {
                if stream.write_all(&reply).await.is_err() {
                    break;
                }
            }
            Ok(None) => {}
            Err(e) => {
                tracing::debug!(%peer, error = %e, "closing thrift connection");
                break;
            }
        }
    }
}

/// Runs one message through the handler; `None` = oneway, nothing to send back.
async fn answer(
    message: Vec<u8>,
    peer: SocketAddr,
    handler: &dyn ThriftHandler,
) -> Result<Option<Vec<u8>>, WireError> {
    let (header, body) = codec::decode_header(&message)?;
    let body_at = message.len() - body.len();
    if !matches!(header.kind, TMessageType::Call | TMessageType::OneWay) {
        return Err(WireError::Invalid(format!(
            "unexpected {:?} message from a client",
            header.kind
        )));
    }
    let (name, seqid, oneway) = (
        header.name.clone(),
        header.seqid,
        header.kind == TMessageType::OneWay,
    );
    let call = Call {
        header,
        peer,
        message,
        body_at,
    };
    let reply = match handler.handle(call).await {
        Ok(reply) => reply,
        Err(e) => codec::encode_exception(&name, seqid, &e)?,
    };
    Ok((!oneway).then_some(reply))
}
