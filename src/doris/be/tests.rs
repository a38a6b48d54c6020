//! BeClient against an in-process BE: connection reuse, bounds, status mapping.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use doris_thrift::backend_service::*;
use doris_thrift::status::{TStatus, TStatusCode};
use doris_thrift::wire::{self, ApplicationError, Call, ThriftHandler};
use parking_lot::Mutex;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::{BeClient, BeOptions};
use crate::doris::ErrorClass;

/// Records client connections; a request for local tablet 0 gets TABLET_MISSING.
#[derive(Default)]
struct FakeBe {
    peers: Mutex<HashSet<SocketAddr>>,
}

#[async_trait]
impl ThriftHandler for FakeBe {
    async fn handle(&self, call: Call) -> Result<Vec<u8>, ApplicationError> {
        self.peers.lock().insert(call.peer);
        match call.method() {
            "ingest_binlog" => {
                let req: TIngestBinlogRequest = call.decode_args()?;
                tokio::time::sleep(Duration::from_millis(2)).await; // keep calls overlapping
                let status = match req.local_tablet_id {
                    Some(0) => TStatus::new(
                        TStatusCode::TABLET_MISSING,
                        vec!["tablet 0 not found".into()],
                    ),
                    _ => TStatus::new(TStatusCode::OK, None),
                };
                call.reply(&TIngestBinlogResult::new(status, false))
            }
            "query_ingest_binlog" => {
                let _req: TQueryIngestBinlogRequest = call.decode_args()?;
                call.reply(&TQueryIngestBinlogResult::new(
                    TIngestBinlogStatus::DOING,
                    None,
                ))
            }
            _ => Err(call.unknown_method()),
        }
    }
}

async fn start_be() -> (String, Arc<FakeBe>, oneshot::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let fake = Arc::new(FakeBe::default());
    let (stop, stopped) = oneshot::channel::<()>();
    let handler: Arc<dyn ThriftHandler> = fake.clone();
    tokio::spawn(wire::serve(listener, handler, async move {
        let _ = stopped.await;
    }));
    (addr, fake, stop)
}

fn req(local_tablet: i64) -> TIngestBinlogRequest {
    TIngestBinlogRequest {
        local_tablet_id: Some(local_tablet),
        ..Default::default()
    }
}

#[tokio::test]
async fn sequential_calls_reuse_one_connection() {
    let (addr, fake, _stop) = start_be().await;
    let be = BeClient::new(BeOptions::default());
    for tablet in 1..=5 {
        be.ingest_binlog(&addr, &req(tablet)).await.expect("ingest");
    }
    let res = be
        .query_ingest_binlog(&addr, &TQueryIngestBinlogRequest::default())
        .await
        .expect("query");
    assert_eq!(res.status, Some(TIngestBinlogStatus::DOING));
    assert_eq!(fake.peers.lock().len(), 1);
    assert_eq!(be.idle_connections(&addr), 1);
}

#[tokio::test]
async fn concurrency_and_idle_connections_are_bounded() {
    let (addr, fake, _stop) = start_be().await;
    let options = BeOptions {
        max_in_flight_per_be: 4,
        max_idle_per_be: 2,
        ..BeOptions::default()
    };
    let be = Arc::new(BeClient::new(options));
    let calls: Vec<_> = (1..=40)
        .map(|t| {
            let (be, addr) = (be.clone(), addr.clone());
            tokio::spawn(async move { be.ingest_binlog(&addr, &req(t)).await })
        })
        .collect();
    for call in calls {
        call.await.expect("join").expect("ingest");
    }
    let connections = fake.peers.lock().len();
    assert!((1..=40).contains(&connections));
    assert!(be.idle_connections(&addr) <= 2, "idle pool is capped");
    // With at most 4 calls in flight and 2 idle slots, new connections stay well below 40.
    assert!(connections <= 4 + 40 / 2, "connections: {connections}");
}

#[tokio::test]
async fn non_ok_status_is_an_error_with_code_and_message() {
    let (addr, _fake, _stop) = start_be().await;
    let be = BeClient::new(BeOptions::default());
    let err = be
        .ingest_binlog(&addr, &req(0))
        .await
        .expect_err("tablet missing");
    assert_eq!(err.status_code(), Some(TStatusCode::TABLET_MISSING));
    assert!(err.message_contains("tablet 0 not found"));
    assert_eq!(err.class(), ErrorClass::Fatal);
}

#[tokio::test]
async fn unreachable_be_is_retryable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    drop(listener);
    let be = BeClient::new(BeOptions::default());
    let err = be.ingest_binlog(&addr, &req(1)).await.expect_err("refused");
    assert_eq!(err.class(), ErrorClass::Retryable, "{err}");
}
