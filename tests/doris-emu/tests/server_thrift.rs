//! Thrift front ends: bad input never takes the server down; unknown methods get a
//! TApplicationException; injected faults show up as TStatus / dropped connections.

use std::time::Duration;

use doris_emu::server::{self, RunningEmu, ServerConfig};
use doris_thrift::frontend_service::{
    TBeginTxnRequest, TBeginTxnResult, TGetBinlogRequest, TGetBinlogResult, TGetMasterTokenRequest,
    TGetMasterTokenResult,
};
use doris_thrift::wire::{encode_call, CallError, ThriftConnection, WireError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const T: Duration = Duration::from_secs(10);

async fn start() -> RunningEmu {
    let cfg = ServerConfig {
        binlog_gc_interval: None,
        ..Default::default()
    };
    server::run(cfg, std::future::pending())
        .await
        .expect("start doris-emu in process")
}

/// Sends `bytes`, then expects the server to close the connection (EOF or reset).
async fn expect_closed(port: u16, bytes: &[u8], half_close: bool) {
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    s.write_all(bytes).await.expect("write");
    if half_close {
        s.shutdown().await.expect("shutdown write side");
    }
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(T, s.read(&mut buf))
        .await
        .expect("server must close, not hang");
    assert!(
        matches!(n, Ok(0) | Err(_)),
        "expected a closed connection, got {n:?}"
    );
}

async fn master_token_works(port: u16) {
    let addr = format!("127.0.0.1:{port}");
    let mut c = ThriftConnection::connect(&addr, T).await.expect("connect");
    let req = TGetMasterTokenRequest::default();
    let r: TGetMasterTokenResult = c
        .call("getMasterToken", &req, T)
        .await
        .expect("getMasterToken reply");
    assert!(r.status.is_some(), "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_truncated_and_oversized_input_close_only_that_connection() {
    let emu = start().await;
    let port = emu.ports.rpc_port;
    expect_closed(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false).await;
    let call =
        encode_call("getMasterToken", 1, &TGetMasterTokenRequest::default()).expect("encode");
    expect_closed(port, &call[..call.len() / 2], true).await;
    // Strict CALL header, method "getMeta", seqid 1, then field 1 (struct) whose first
    // field is a string claiming 2 GiB - 1 bytes.
    let mut huge = vec![0x80, 0x01, 0x00, 0x01, 0, 0, 0, 7];
    huge.extend_from_slice(b"getMeta");
    huge.extend_from_slice(&[0, 0, 0, 1, 12, 0, 1, 11, 0, 1, 0x7f, 0xff, 0xff, 0xff]);
    expect_closed(port, &huge, false).await;
    master_token_works(port).await;
    let be_port = emu.ports.backends[0].be_port;
    expect_closed(be_port, &[0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0], true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_method_gets_an_application_exception() {
    let emu = start().await;
    for port in [emu.ports.rpc_port, emu.ports.backends[0].be_port] {
        let mut c = ThriftConnection::connect(&format!("127.0.0.1:{port}"), T)
            .await
            .expect("connect");
        let req = TGetMasterTokenRequest::default();
        let err = c
            .call::<_, TGetMasterTokenResult>("noSuchMethod", &req, T)
            .await
            .expect_err("unknown");
        assert!(
            matches!(
                &err,
                CallError::Remote {
                    source: WireError::Application(_),
                    ..
                }
            ),
            "{err:?}"
        );
    }
    master_token_works(emu.ports.rpc_port).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_faults_become_statuses_or_dropped_connections() {
    let emu = start().await;
    let admin = format!("http://127.0.0.1:{}", emu.ports.admin_port);
    let http = reqwest::Client::new();
    let fault = serde_json::json!({"target": "beginTxn", "times": 1, "status_code": 7, "message": "injected"});
    let resp = http
        .post(format!("{admin}/fault"))
        .json(&fault)
        .send()
        .await
        .expect("POST /fault");
    assert!(resp.status().is_success(), "{resp:?}");
    let addr = format!("127.0.0.1:{}", emu.ports.rpc_port);
    let mut c = ThriftConnection::connect(&addr, T).await.expect("connect");
    let req = TBeginTxnRequest::default();
    let r: TBeginTxnResult = c.call("beginTxn", &req, T).await.expect("reply");
    let status = r.status.expect("status");
    assert_eq!(status.status_code.0, 7);
    assert_eq!(status.error_msgs, Some(vec!["injected".to_string()]));
    let r: TBeginTxnResult = c.call("beginTxn", &req, T).await.expect("reply");
    assert_ne!(
        r.status.map(|s| s.status_code.0),
        Some(7),
        "fault must fire once"
    );

    let drop = serde_json::json!({"target": "getBinlog", "times": 1, "drop": true});
    http.post(format!("{admin}/fault"))
        .json(&drop)
        .send()
        .await
        .expect("POST /fault");
    let err = c
        .call::<_, TGetBinlogResult>("getBinlog", &TGetBinlogRequest::default(), T)
        .await
        .expect_err("dropped");
    assert!(matches!(err, CallError::NoReply { .. }), "{err:?}");
    let cleared = http
        .post(format!("{admin}/fault/clear"))
        .send()
        .await
        .expect("clear");
    assert!(cleared.status().is_success());
    master_token_works(emu.ports.rpc_port).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frontend_reports_the_token_and_the_bound_backend_ports() {
    use doris_thrift::frontend_service::{TGetBackendMetaRequest, TGetBackendMetaResult};
    let cfg = ServerConfig {
        be_count: 3,
        cluster_token: Some("tok-9".into()),
        binlog_gc_interval: None,
        ..Default::default()
    };
    let emu = server::run(cfg, std::future::pending())
        .await
        .expect("start");
    let addr = format!("127.0.0.1:{}", emu.ports.rpc_port);
    let mut c = ThriftConnection::connect(&addr, T).await.expect("connect");
    let req = TGetMasterTokenRequest {
        user: Some("root".into()),
        password: Some(String::new()),
        ..Default::default()
    };
    let r: TGetMasterTokenResult = c.call("getMasterToken", &req, T).await.expect("reply");
    assert_eq!(r.token.as_deref(), Some("tok-9"), "{r:?}");
    let req = TGetBackendMetaRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        ..Default::default()
    };
    let r: TGetBackendMetaResult = c.call("getBackendMeta", &req, T).await.expect("reply");
    let mut got: Vec<(i64, u16, u16)> = r
        .backends
        .unwrap_or_default()
        .iter()
        .map(|b| (b.id.unwrap_or(0), b.be_port as u16, b.http_port as u16))
        .collect();
    got.sort_unstable();
    let want: Vec<(i64, u16, u16)> = emu
        .ports
        .backends
        .iter()
        .map(|b| (b.id, b.be_port, b.http_port))
        .collect();
    assert_eq!(got, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framed_clients_are_detected_and_answered_framed() {
    let emu = start().await;
    let req = TGetMasterTokenRequest {
        user: Some("root".into()),
        password: Some(String::new()),
        ..Default::default()
    };
    let call = encode_call("getMasterToken", 7, &req).expect("encode");
    let mut framed = (call.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(&call);
    let mut s = TcpStream::connect(("127.0.0.1", emu.ports.rpc_port))
        .await
        .expect("connect");
    s.write_all(&framed).await.expect("write");
    let mut len = [0u8; 4];
    tokio::time::timeout(T, s.read_exact(&mut len))
        .await
        .expect("no hang")
        .expect("length");
    let mut reply = vec![0u8; u32::from_be_bytes(len) as usize];
    s.read_exact(&mut reply).await.expect("reply");
    let r: TGetMasterTokenResult =
        doris_thrift::wire::decode_reply(&reply, "getMasterToken", 7).expect("decode");
    assert_eq!(r.status.map(|st| st.status_code.0), Some(0));
}
