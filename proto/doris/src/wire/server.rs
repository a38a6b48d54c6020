//! A generic async Thrift server: accepts connections and drives a [`ThriftHandler`].
//!
//! Per connection, calls are handled one at a time (Thrift clients wait for each
//! reply). An unknown method is answered by the handler (see [`Call::unknown_method`]);
//! garbage, truncated or oversized input closes only that connection. A handler may
//! also close the connection instead of answering ([`Call::drop_connection`]), and
//! framed clients can be detected and answered framed ([`ServerOptions::detect_framed`]).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use thrift::protocol::{TMessageType, TSerializable};
use thrift::{ApplicationError, ApplicationErrorKind};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use super::transport::Transport;
use super::{codec, Limits, MessageHeader, WireError};

/// One decoded incoming call, handed to [`ThriftHandler::handle`].
#[derive(Debug)]
pub struct Call {
    /// Method name, seqid and message type (CALL or ONEWAY).
    pub header: MessageHeader,
    /// Address of the calling client.
    pub peer: SocketAddr,
    message: Vec<u8>,
    body_at: usize,
    /// Set by [`Call::drop_connection`]; shared with the connection loop.
    drop: Arc<AtomicBool>,
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

    /// Closes the connection instead of answering this call (fault injection: a reply
    /// lost on the network, before or after the work was done). Whatever the handler
    /// returns is then discarded; return this method's value for clarity.
    pub fn drop_connection(&self) -> Result<Vec<u8>, ApplicationError> {
        self.drop.store(true, Ordering::Relaxed);
        Ok(Vec::new())
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
    /// Tell TFramedTransport clients from the first bytes and answer them framed, as a
    /// FE with `thrift_server_type = THREADED_SELECTOR` would. Off (the default): every
    /// client is read unframed, as Doris' default servers do, so a framed client is
    /// never answered.
    pub detect_framed: bool,
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
    stream: TcpStream,
    peer: SocketAddr,
    handler: Arc<dyn ThriftHandler>,
    options: ServerOptions,
) {
    let open = Transport::open(stream, options.limits, options.detect_framed);
    let mut transport = match idle_bounded(options.idle_timeout, open).await {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            tracing::debug!(%peer, error = %e, "thrift connection failed");
            return;
        }
        None => return,
    };
    if options.detect_framed {
        tracing::debug!(%peer, framed = transport.framed(), "thrift connection");
    }
    let drop = Arc::new(AtomicBool::new(false));
    loop {
        let message = match idle_bounded(options.idle_timeout, transport.read()).await {
            Some(Ok(Some(m))) => m,
            Some(Ok(None)) | None => break,
            Some(Err(e)) => {
                tracing::debug!(%peer, error = %e, "closing thrift connection on bad input");
                break;
            }
        };
        match answer(message, peer, handler.as_ref(), &drop).await {
            Ok(Answer::Send(reply)) => {
                if transport.write(&reply).await.is_err() {
                    break;
                }
            }
            Ok(Answer::Nothing) => {}
            Ok(Answer::Drop) => {
                tracing::debug!(%peer, "handler dropped the thrift connection");
                break;
            }
            Err(e) => {
                tracing::debug!(%peer, error = %e, "closing thrift connection");
                break;
            }
        }
    }
}

/// Runs `fut`, giving up (`None`) after `idle` when one is set.
async fn idle_bounded<F: Future>(idle: Option<Duration>, fut: F) -> Option<F::Output> {
    match idle {
        Some(t) => tokio::time::timeout(t, fut).await.ok(),
        None => Some(fut.await),
    }
}

/// What to do after a call.
enum Answer {
    /// Send this message.
    Send(Vec<u8>),
    /// Oneway call: nothing to send.
    Nothing,
    /// The handler asked to close the connection without answering.
    Drop,
}

/// Runs one message through the handler.
async fn answer(
    message: Vec<u8>,
    peer: SocketAddr,
    handler: &dyn ThriftHandler,
    drop: &Arc<AtomicBool>,
) -> Result<Answer, WireError> {
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
        drop: drop.clone(),
    };
    let result = handler.handle(call).await;
    if drop.swap(false, Ordering::Relaxed) {
        return Ok(Answer::Drop);
    }
    if oneway {
        return Ok(Answer::Nothing);
    }
    Ok(Answer::Send(match result {
        Ok(reply) => reply,
        Err(e) => codec::encode_exception(&name, seqid, &e)?,
    }))
}

#[cfg(test)]
mod tests;
