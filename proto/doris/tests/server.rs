//! The generic server against real sockets: replies, unknown methods, bad input.

#[path = "samples.rs"]
mod samples;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use doris_thrift::frontend_service::{TGetBinlogRequest, TGetBinlogResult};
use doris_thrift::wire::{
    self, ApplicationError, ApplicationErrorKind, Call, CallError, Limits, ServerOptions,
    ThriftConnection, ThriftHandler, WireError,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const T: Duration = Duration::from_secs(5);

/// Answers getBinlog with one binlog whose commit_seq = prev_commit_seq + 1.
struct Echo;

#[async_trait]
impl ThriftHandler for Echo {
    async fn handle(&self, call: Call) -> Result<Vec<u8>, ApplicationError> {
        match call.method() {
            "getBinlog" => {
                let req: TGetBinlogRequest = call.decode_args()?;
                let mut binlog = samples::binlog(0);
                binlog.commit_seq = req.prev_commit_seq.map(|s| s + 1);
                let res = TGetBinlogResult {
                    status: Some(samples::status(0, "")),
                    binlogs: Some(vec![binlog]),
                    ..Default::default()
                };
                call.reply(&res)
            }
            _ => Err(call.unknown_method()),
        }
    }
}

struct Server {
    addr: String,
    _stop: oneshot::Sender<()>,
}

async fn start(limits: Limits) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let (stop, stopped) = oneshot::channel::<()>();
    let options = ServerOptions {
        limits,
        idle_timeout: None,
        ..ServerOptions::default()
    };
    tokio::spawn(wire::serve_with(
        listener,
        Arc::new(Echo),
        async move {
            let _ = stopped.await;
        },
        options,
    ));
    Server { addr, _stop: stop }
}

async fn get_binlog(conn: &mut ThriftConnection, prev: i64) -> Result<i64, CallError> {
    let req = TGetBinlogRequest {
        prev_commit_seq: Some(prev),
        ..Default::default()
    };
    let res: TGetBinlogResult = conn.call("getBinlog", &req, T).await?;
    Ok(res.binlogs.unwrap_or_default()[0].commit_seq.unwrap_or(-1))
}

/// Reads until the server closes the socket; panics if it stays open.
async fn assert_closed(stream: &mut TcpStream) {
    let mut sink = Vec::new();
    let read = tokio::time::timeout(T, stream.read_to_end(&mut sink)).await;
    assert!(
        matches!(read, Ok(Ok(_)) | Ok(Err(_))),
        "server did not close the connection"
    );
}

#[tokio::test]
async fn calls_are_answered_in_order_on_one_connection() {
    let server = start(Limits::default()).await;
    let mut conn = ThriftConnection::connect(&server.addr, T)
        .await
        .expect("connect");
    for prev in [1, 10, 100] {
        assert_eq!(get_binlog(&mut conn, prev).await.expect("call"), prev + 1);
    }
    assert!(conn.is_reusable());
}

#[tokio::test]
async fn unknown_method_gets_exception_with_same_seqid() {
    let server = start(Limits::default()).await;
    let mut conn = ThriftConnection::connect(&server.addr, T)
        .await
        .expect("connect");
    let got = conn
        .call::<_, TGetBinlogResult>("lockBinlog", &samples::binlog_req(), T)
        .await;
    match got {
        Err(CallError::Remote {
            source: WireError::Application(e),
            ..
        }) => {
            assert_eq!(e.kind, ApplicationErrorKind::UnknownMethod)
        }
        other => panic!("expected UNKNOWN_METHOD, got {other:?}"),
    }
    // The connection stays usable after an exception reply.
    assert_eq!(get_binlog(&mut conn, 5).await.expect("call"), 6);

    // Raw check: the exception echoes the seqid.
    let mut raw = TcpStream::connect(&server.addr).await.expect("connect");
    let msg = wire::encode_call("nope", 4242, &samples::token_req()).expect("encode");
    raw.write_all(&msg).await.expect("write");
    let mut reader = wire::MessageReader::new(Limits::default());
    let reply = reader
        .read_message(&mut raw)
        .await
        .expect("read")
        .expect("reply");
    let (header, _) = wire::decode_header(&reply).expect("header");
    assert_eq!((header.name.as_str(), header.seqid), ("nope", 4242));
    assert_eq!(header.kind, wire::TMessageType::Exception);
}

#[tokio::test]
async fn garbage_closes_only_that_connection() {
    let server = start(Limits::default()).await;
    let mut good = ThriftConnection::connect(&server.addr, T)
        .await
        .expect("connect");
    let mut bad = TcpStream::connect(&server.addr).await.expect("connect");
    bad.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    assert_closed(&mut bad).await;
    assert_eq!(get_binlog(&mut good, 1).await.expect("call"), 2);
}

#[tokio::test]
async fn truncated_message_closes_connection_and_server_goes_on() {
    let server = start(Limits::default()).await;
    let msg = wire::encode_call("getBinlog", 1, &samples::binlog_req()).expect("encode");
    let mut bad = TcpStream::connect(&server.addr).await.expect("connect");
    bad.write_all(&msg[..msg.len() / 2]).await.expect("write");
    bad.shutdown().await.expect("half close");
    assert_closed(&mut bad).await;
    let mut good = ThriftConnection::connect(&server.addr, T)
        .await
        .expect("connect");
    assert_eq!(get_binlog(&mut good, 7).await.expect("call"), 8);
}

#[tokio::test]
async fn oversized_message_closes_connection() {
    let server = start(Limits {
        max_message_bytes: 4096,
        ..Limits::default()
    })
    .await;
    let req = TGetBinlogRequest {
        db: Some("x".repeat(10_000)),
        ..Default::default()
    };
    let mut conn = ThriftConnection::connect(&server.addr, T)
        .await
        .expect("connect");
    let got = conn.call::<_, TGetBinlogResult>("getBinlog", &req, T).await;
    assert!(matches!(got, Err(CallError::NoReply { .. })), "{got:?}");
    assert!(!conn.is_reusable());
    // A header claiming a 1 GB string is refused without waiting for the bytes.
    let mut raw = TcpStream::connect(&server.addr).await.expect("connect");
    let mut msg = wire::encode_call("getBinlog", 1, &TGetBinlogRequest::default()).expect("encode");
    msg.truncate(4 + 4 + 9 + 4 + 3); // header + args field 1 header
    msg.extend_from_slice(&[11, 0, 4, 0x40, 0, 0, 0]);
    raw.write_all(&msg).await.expect("write");
    assert_closed(&mut raw).await;
    let mut good = ThriftConnection::connect(&server.addr, T)
        .await
        .expect("connect");
    assert_eq!(get_binlog(&mut good, 1).await.expect("call"), 2);
}

/// Sends getBinlog args built from raw field bytes; returns the decoded reply.
async fn raw_get_binlog(addr: &str, request_fields: &[u8]) -> Result<TGetBinlogResult, WireError> {
    let mut raw = TcpStream::connect(addr).await.expect("connect");
    let mut msg = wire::encode_call("getBinlog", 1, &TGetBinlogRequest::default()).expect("encode");
    msg.truncate(4 + 4 + 9 + 4);
    msg.extend_from_slice(request_fields);
    raw.write_all(&msg).await.expect("write");
    let mut reader = wire::MessageReader::new(Limits::default());
    let reply = reader
        .read_message(&mut raw)
        .await
        .expect("read")
        .expect("reply");
    wire::decode_reply::<TGetBinlogResult>(&reply, "getBinlog", 1)
}

#[tokio::test]
async fn undecodable_args_get_protocol_error() {
    let server = start(Limits::default()).await;
    // Args field 1 is an i32 instead of the request struct.
    match raw_get_binlog(&server.addr, &[8, 0, 1, 0, 0, 0, 1, 0]).await {
        Err(WireError::Application(e)) => assert_eq!(e.kind, ApplicationErrorKind::ProtocolError),
        other => panic!("expected protocol error, got {other:?}"),
    }
    // Type confusion: request field 4 (db, a string) sent as i64 0x7fffffff_00000000.
    // The decoder reads it as a 2 GiB string length: refused, nothing allocated.
    let fields = [12, 0, 1, 10, 0, 4, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0];
    match raw_get_binlog(&server.addr, &fields).await {
        Err(WireError::Application(e)) => assert_eq!(e.kind, ApplicationErrorKind::ProtocolError),
        other => panic!("expected protocol error, got {other:?}"),
    }
}

#[tokio::test]
async fn connect_refused_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    drop(listener);
    let got = ThriftConnection::connect(&addr, T).await;
    assert!(matches!(got, Err(CallError::Connect { .. })), "{got:?}");
}

#[tokio::test]
async fn silent_server_times_out_after_send() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let mut conn = ThriftConnection::connect(&addr, T).await.expect("connect");
    let got = conn
        .call::<_, TGetBinlogResult>(
            "getBinlog",
            &samples::binlog_req(),
            Duration::from_millis(200),
        )
        .await;
    match got {
        Err(e @ CallError::NoReply { .. }) => assert!(e.request_sent()),
        other => panic!("expected NoReply, got {other:?}"),
    }
    drop(listener);
}

#[tokio::test]
async fn server_stops_on_shutdown() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(wire::serve(listener, Arc::new(Echo), async move {
        let _ = stopped.await;
    }));
    let mut conn = ThriftConnection::connect(&addr, T).await.expect("connect");
    assert_eq!(get_binlog(&mut conn, 1).await.expect("call"), 2);
    stop.send(()).expect("stop");
    tokio::time::timeout(T, task)
        .await
        .expect("server stopped")
        .expect("join")
        .expect("serve ok");
    assert!(
        get_binlog(&mut conn, 1).await.is_err(),
        "open connections are closed"
    );
}

#[tokio::test]
async fn idle_close_by_server_makes_connection_not_reusable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let (_stop, stopped) = oneshot::channel::<()>();
    let options = ServerOptions {
        limits: Limits::default(),
        idle_timeout: Some(Duration::from_millis(50)),
        ..ServerOptions::default()
    };
    tokio::spawn(wire::serve_with(
        listener,
        Arc::new(Echo),
        async move {
            let _ = stopped.await;
        },
        options,
    ));
    let mut conn = ThriftConnection::connect(&addr, T).await.expect("connect");
    assert_eq!(get_binlog(&mut conn, 1).await.expect("call"), 2);
    let deadline = tokio::time::Instant::now() + T;
    while conn.is_reusable() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "server never idle-closed the connection"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
