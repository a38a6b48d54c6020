//! The Raft gRPC server task of a node.

use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::errors::StartError;
use crate::network::RaftTls;
use crate::service::RaftServiceImpl;
use crate::typ::Raft;

/// A running gRPC server; stop it with [`GrpcServer::stop`].
pub(crate) struct GrpcServer {
    /// Dropping or sending stops accepting and drains in-flight RPCs.
    stop_tx: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl GrpcServer {
    /// Serves the Raft service of `raft` on `listener` until stopped.
    pub(crate) fn spawn(
        raft: Raft,
        listener: TcpListener,
        max_message_size: usize,
        tls: Option<&RaftTls>,
    ) -> Result<Self, StartError> {
        let mut builder = tonic::transport::Server::builder().tcp_nodelay(true);
        if let Some(tls) = tls {
            builder = builder
                .tls_config(tls.server_config())
                .map_err(|e| StartError::Config(format!("raft TLS: {e}")))?;
        }
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let service = RaftServiceImpl::new(raft).into_server(max_message_size);
        // The builder's `tcp_nodelay` only covers listeners it binds itself. Without it on
        // ours, Nagle + delayed ACK hold small replies (heartbeats, acks) for ~40 ms.
        let incoming = tonic::transport::server::TcpIncoming::from_listener(listener, true, None)
            .map_err(|e| StartError::Config(format!("raft listener: {e}")))?;
        let task = tokio::spawn(async move {
            let result = builder
                .add_service(service)
                .serve_with_incoming_shutdown(incoming, async {
                    let _ = stop_rx.await;
                })
                .await;
            if let Err(e) = result {
                tracing::error!(error = %e, "Raft gRPC server failed.");
            }
        });
        Ok(Self { stop_tx, task })
    }

    /// Stops the server: graceful first, then aborted if peers keep connections open.
    pub(crate) async fn stop(self, grace: Duration) {
        let _ = self.stop_tx.send(());
        let mut task = self.task;
        if tokio::time::timeout(grace, &mut task).await.is_err() {
            tracing::warn!("Raft gRPC server did not drain in time; aborting it.");
            task.abort();
            let _ = task.await;
        }
    }
}
