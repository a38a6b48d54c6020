//! The server's options against real sockets: dropping a connection on demand and
//! framed-transport detection.

use std::sync::atomic::AtomicUsize;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

use super::*;
use crate::frontend_service::{TBinlog, TGetBinlogRequest, TGetBinlogResult};
use crate::wire::{decode_reply, encode_call, CallError, ThriftConnection};

const T: Duration = Duration::from_secs(5);

/// getBinlog answers prev_commit_seq + 1; `dropBefore` drops without doing anything;
/// `dropAfter` counts as work done, then drops.
#[derive(Default)]
struct Dropper {
    work_done: AtomicUsize,
}

#[async_trait]
impl ThriftHandler for Dropper {
    async fn handle(&self, call: Call) -> Result<Vec<u8>, ApplicationError> {
        match call.method() {
            "getBinlog" => {
                let req: TGetBinlogRequest = call.decode_args()?;
                let binlog = TBinlog {
                    commit_seq: req.prev_commit_seq.map(|s| s + 1),
                    ..Default::default()
                };
                call.reply(&TGetBinlogResult {
                    binlogs: Some(vec![binlog]),
                    ..Default::default()
                })
            }
            "dropBefore" => call.drop_connection(),
            "dropAfter" => {
                self.work_done.fetch_add(1, Ordering::SeqCst);
                call.drop_connection()
            }
            _ => Err(call.unknown_method()),
        }
    }
}

struct Server {
    addr: String,
    handler: Arc<Dropper>,
    _stop: oneshot::Sender<()>,
}

async fn start(options: ServerOptions) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let handler = Arc::new(Dropper::default());
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    tokio::spawn(serve_with(listener, handler.clone(), shutdown, options));
    Server {
        addr,
        handler,
        _stop: stop,
    }
}

fn binlog_req(prev: i64) -> TGetBinlogRequest {
    TGetBinlogRequest {
        prev_commit_seq: Some(prev),
        ..Default::default()
    }
}

async fn get_binlog(conn: &mut ThriftConnection, prev: i64) -> Result<i64, CallError> {
    let res: TGetBinlogResult = conn.call("getBinlog", &binlog_req(prev), T).await?;
    let first = res.binlogs.unwrap_or_default().into_iter().next();
    Ok(first.and_then(|b| b.commit_seq).unwrap_or(-1))
}

/// Reads until the server closes the socket; fails if it stays open.
async fn assert_closed(stream: &mut TcpStream) {
    let mut sink = Vec::new();
    let read = tokio::time::timeout(T, stream.read_to_end(&mut sink)).await;
    assert!(read.is_ok(), "server did not close the connection");
    assert!(
        sink.is_empty(),
        "no reply expected, got {} bytes",
        sink.len()
    );
}

/// One framed call on `stream`; returns the framed reply's payload.
async fn framed_call(stream: &mut TcpStream, seqid: i32, prev: i64) -> TGetBinlogResult {
    let call = encode_call("getBinlog", seqid, &binlog_req(prev)).expect("encode");
    let mut frame = u32::try_from(call.len())
        .expect("len")
        .to_be_bytes()
        .to_vec();
    frame.extend_from_slice(&call);
    stream.write_all(&frame).await.expect("write");
    let mut len = [0u8; 4];
    tokio::time::timeout(T, stream.read_exact(&mut len))
        .await
        .expect("a framed reply, not a hang")
        .expect("frame length");
    let mut reply = vec![0u8; u32::from_be_bytes(len) as usize];
    stream.read_exact(&mut reply).await.expect("frame body");
    decode_reply(&reply, "getBinlog", seqid).expect("decode reply")
}

#[tokio::test]
async fn drop_connection_closes_without_a_reply_and_the_server_goes_on() {
    let server = start(ServerOptions::default()).await;
    for method in ["dropBefore", "dropAfter"] {
        let mut conn = ThriftConnection::connect(&server.addr, T)
            .await
            .expect("connect");
        let got = conn
            .call::<_, TGetBinlogResult>(method, &binlog_req(1), T)
            .await;
        assert!(
            matches!(got, Err(CallError::NoReply { .. })),
            "{method}: {got:?}"
        );
        assert!(!conn.is_reusable(), "{method}");
        let mut raw = TcpStream::connect(&server.addr).await.expect("connect");
        let call = encode_call(method, 3, &binlog_req(1)).expect("encode");
        raw.write_all(&call).await.expect("write");
        assert_closed(&mut raw).await;
    }
    assert_eq!(server.handler.work_done.load(Ordering::SeqCst), 2);
    let mut good = ThriftConnection::connect(&server.addr, T)
        .await
        .expect("connect");
    assert_eq!(get_binlog(&mut good, 4).await.expect("call"), 5);
    assert_eq!(get_binlog(&mut good, 5).await.expect("same connection"), 6);
}

#[tokio::test]
async fn detect_framed_answers_framed_clients_framed_and_unframed_ones_unframed() {
    let server = start(ServerOptions {
        detect_framed: true,
        ..ServerOptions::default()
    })
    .await;
    let mut framed = TcpStream::connect(&server.addr).await.expect("connect");
    for (seqid, prev) in [(7, 10), (8, 20)] {
        let res = framed_call(&mut framed, seqid, prev).await;
        let seq = res.binlogs.unwrap_or_default()[0].commit_seq;
        assert_eq!(seq, Some(prev + 1));
    }
    let mut plain = ThriftConnection::connect(&server.addr, T)
        .await
        .expect("connect");
    assert_eq!(get_binlog(&mut plain, 1).await.expect("unframed call"), 2);
}

#[tokio::test]
async fn detect_framed_still_closes_on_oversized_or_garbage_frames() {
    let server = start(ServerOptions {
        limits: Limits {
            max_message_bytes: 1024,
            ..Limits::default()
        },
        detect_framed: true,
        ..ServerOptions::default()
    })
    .await;
    let mut big = TcpStream::connect(&server.addr).await.expect("connect");
    big.write_all(&[0, 0x10, 0, 0, 0x80]).await.expect("write");
    assert_closed(&mut big).await;
    let mut junk = TcpStream::connect(&server.addr).await.expect("connect");
    junk.write_all(&[0, 0, 0, 6, 0x80, 1, 0, 1, 0xff, 0xff])
        .await
        .expect("write");
    assert_closed(&mut junk).await;
    let mut plain = ThriftConnection::connect(&server.addr, T)
        .await
        .expect("connect");
    assert_eq!(get_binlog(&mut plain, 1).await.expect("call"), 2);
}

#[tokio::test]
async fn framed_clients_are_bad_input_without_detection() {
    let server = start(ServerOptions::default()).await;
    let mut framed = TcpStream::connect(&server.addr).await.expect("connect");
    let call = encode_call("getBinlog", 1, &binlog_req(1)).expect("encode");
    let mut frame = u32::try_from(call.len())
        .expect("len")
        .to_be_bytes()
        .to_vec();
    frame.extend_from_slice(&call);
    framed.write_all(&frame).await.expect("write");
    // Read as unframed, the length looks like the start of a non-strict header: the
    // server waits for the rest, and at EOF closes without a reply.
    framed.shutdown().await.expect("half close");
    assert_closed(&mut framed).await;
}
