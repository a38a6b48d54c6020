//! Envelope round trips for every CCR type, exact wire bytes, and the message scanner.

#[path = "samples.rs"]
mod samples;

use doris_thrift::frontend_service::{
    TBeginTxnRequest, TBinlogType, TGetBinlogResult, TGetSnapshotRequest, TTableRef,
};
use doris_thrift::status::{TStatus, TStatusCode};
use doris_thrift::thrift::protocol::{TMessageType, TSerializable};
use doris_thrift::wire::{self, Limits, MessageScanner, Scan, WireError};
use samples::*;

/// CALL and REPLY round trips through scanner + codec, asserting equality.
fn round_trip<T: TSerializable + PartialEq + std::fmt::Debug>(method: &str, value: T) {
    let call = wire::encode_call(method, 7, &value).expect("encode call");
    assert_eq!(
        wire::scan_message(&call, &Limits::default()).expect("scan call"),
        Scan::Complete(call.len())
    );
    let (header, body) = wire::decode_header(&call).expect("header");
    assert_eq!(
        (header.name.as_str(), header.kind, header.seqid),
        (method, TMessageType::Call, 7)
    );
    assert_eq!(wire::decode_args::<T>(body).expect("decode args"), value);

    let reply = wire::encode_reply(method, 9, &value).expect("encode reply");
    assert_eq!(
        wire::scan_message(&reply, &Limits::default()).expect("scan reply"),
        Scan::Complete(reply.len())
    );
    assert_eq!(
        wire::decode_reply::<T>(&reply, method, 9).expect("decode reply"),
        value
    );
}

#[test]
fn every_request_and_response_round_trips() {
    round_trip("beginTxn", begin_req());
    round_trip("beginTxn", begin_res());
    round_trip("commitTxn", commit_req());
    round_trip("commitTxn", commit_res());
    round_trip("rollbackTxn", rollback_req());
    round_trip("rollbackTxn", rollback_res());
    round_trip("getBinlog", binlog_req());
    round_trip("getBinlog", binlog_res());
    round_trip("getBinlogLag", binlog_req());
    round_trip("getBinlogLag", lag_res());
    round_trip("getSnapshot", snapshot_req());
    round_trip("getSnapshot", snapshot_res());
    round_trip("restoreSnapshot", restore_req());
    round_trip("restoreSnapshot", restore_res());
    round_trip("getMasterToken", token_req());
    round_trip("getMasterToken", token_res());
    round_trip("getMeta", meta_req());
    round_trip("getMeta", meta_res());
    round_trip("getBackendMeta", backend_req());
    round_trip("getBackendMeta", backend_res());
    round_trip("ingest_binlog", ingest_req());
    round_trip("ingest_binlog", ingest_res());
    round_trip("query_ingest_binlog", query_ingest_req());
    round_trip("query_ingest_binlog", query_ingest_res());
}

#[test]
fn call_header_is_strict_unframed_binary() {
    let msg = wire::encode_call("getBinlog", 0x0102_0304, &binlog_req()).expect("encode");
    let mut expected = vec![0x80, 0x01, 0x00, 0x01, 0, 0, 0, 9];
    expected.extend_from_slice(b"getBinlog");
    expected.extend_from_slice(&[1, 2, 3, 4]);
    expected.extend_from_slice(&[12, 0, 1]); // field 1: struct (the request)
    assert_eq!(&msg[..expected.len()], &expected[..]);
    assert_eq!(msg.last(), Some(&0), "args struct ends with STOP");
}

#[test]
fn default_requests_set_no_fields() {
    // Default means "nothing set": `..Default::default()` must not put zeros on the wire.
    let msg = wire::encode_call("getSnapshot", 1, &TGetSnapshotRequest::default()).expect("encode");
    assert_eq!(
        &msg[msg.len() - 5..],
        &[12, 0, 1, 0, 0],
        "empty request struct"
    );
    assert_eq!(TBeginTxnRequest::default().sub_txn_num, None);
}

#[test]
fn table_ref_uses_field_ids_1_and_3() {
    let msg = wire::encode_reply("x", 1, &TTableRef::new(s("a"), s("b"))).expect("encode");
    let body = &msg[4 + 4 + 1 + 4..]; // version, name len, "x", seqid
                                      // result field 0 (struct) -> field 1 string "a" -> field 3 string "b"
    let expected = [
        12, 0, 0, 11, 0, 1, 0, 0, 0, 1, b'a', 11, 0, 3, 0, 0, 0, 1, b'b', 0, 0,
    ];
    assert_eq!(body, &expected[..]);
}

#[test]
fn unknown_enum_values_decode() {
    let result = TGetBinlogResult {
        status: Some(TStatus::new(TStatusCode(4242), None)),
        binlogs: Some(vec![binlog(99)]),
        ..Default::default()
    };
    let msg = wire::encode_reply("getBinlog", 1, &result).expect("encode");
    let back: TGetBinlogResult = wire::decode_reply(&msg, "getBinlog", 1).expect("decode");
    let status = back.status.expect("status");
    assert_eq!(status.status_code, TStatusCode(4242));
    let binlogs = back.binlogs.expect("binlogs");
    assert_eq!(binlogs[0].type_, Some(TBinlogType(99)));
}

#[test]
fn exception_reply_is_an_application_error() {
    let err = wire::ApplicationError::new(wire::ApplicationErrorKind::UnknownMethod, "nope");
    let msg = wire::encode_exception("foo", 3, &err).expect("encode");
    match wire::decode_reply::<TGetBinlogResult>(&msg, "foo", 3) {
        Err(WireError::Application(e)) => {
            assert_eq!(e.kind, wire::ApplicationErrorKind::UnknownMethod);
            assert_eq!(e.message, "nope");
        }
        other => panic!("expected application error, got {other:?}"),
    }
}

#[test]
fn reply_with_wrong_seqid_is_rejected() {
    let msg = wire::encode_reply("getMeta", 5, &meta_res()).expect("encode");
    let got =
        wire::decode_reply::<doris_thrift::frontend_service::TGetMetaResult>(&msg, "getMeta", 6);
    assert!(matches!(got, Err(WireError::UnexpectedReply(_))), "{got:?}");
}

#[test]
fn scanner_needs_more_on_every_prefix() {
    let msg = wire::encode_reply("getMeta", 1, &meta_res()).expect("encode");
    let limits = Limits::default();
    for cut in 0..msg.len() {
        assert_eq!(
            wire::scan_message(&msg[..cut], &limits).expect("prefix is not invalid"),
            Scan::NeedMore,
            "prefix of {cut} bytes"
        );
    }
    // Feeding byte by byte into one resumable scanner finds the same end.
    let mut scanner = MessageScanner::new(limits);
    let mut doubled = msg.clone();
    doubled.extend_from_slice(&msg);
    for cut in 0..=doubled.len() {
        match scanner.feed(&doubled[..cut]).expect("feed") {
            Scan::NeedMore => assert!(cut < msg.len(), "no end found at {cut}"),
            Scan::Complete(n) => {
                assert_eq!((n, cut), (msg.len(), msg.len()));
                return;
            }
        }
    }
    panic!("scanner never completed");
}

#[test]
fn scanner_rejects_garbage() {
    let limits = Limits::default();
    for junk in [
        &b"GET / HTTP/1.1\r\n\r\n"[..],
        &[0x80, 0x02, 0, 1, 0, 0, 0, 0],
        &[0x80, 0x01, 0, 9, 0, 0, 0, 0],
    ] {
        assert!(wire::scan_message(junk, &limits).is_err(), "{junk:?}");
    }
    // Valid header, then a field of unknown type 99.
    let mut msg = wire::encode_call("x", 1, &token_req()).expect("encode");
    msg.truncate(4 + 4 + 1 + 4);
    msg.extend_from_slice(&[99, 0, 1]);
    assert!(matches!(
        wire::scan_message(&msg, &limits),
        Err(WireError::Invalid(_))
    ));
    // Negative string length.
    let mut msg = header_only();
    msg.extend_from_slice(&[11, 0, 1, 0xff, 0xff, 0xff, 0xfe]);
    assert!(matches!(
        wire::scan_message(&msg, &limits),
        Err(WireError::Invalid(_))
    ));
}

fn header_only() -> Vec<u8> {
    let mut msg = wire::encode_call("x", 1, &token_req()).expect("encode");
    msg.truncate(4 + 4 + 1 + 4);
    msg
}

#[test]
fn scanner_enforces_size_limit_before_buffering() {
    let limits = Limits {
        max_message_bytes: 1000,
        ..Limits::default()
    };
    // A string field claiming 2 GB: rejected from its length alone.
    let mut msg = header_only();
    msg.extend_from_slice(&[11, 0, 1, 0x7f, 0xff, 0xff, 0xff]);
    assert!(matches!(
        wire::scan_message(&msg, &limits),
        Err(WireError::TooLarge { .. })
    ));
    // A list claiming a billion i64 elements.
    let mut msg = header_only();
    msg.extend_from_slice(&[15, 0, 1, 10, 0x3b, 0x9a, 0xca, 0x00]);
    assert!(matches!(
        wire::scan_message(&msg, &limits),
        Err(WireError::TooLarge { .. })
    ));
    // A real message bigger than the limit.
    let big = wire::encode_reply(
        "getSnapshot",
        1,
        &TTableRef::new(Some("x".repeat(2000)), None),
    )
    .expect("encode");
    assert!(matches!(
        wire::scan_message(&big, &limits),
        Err(WireError::TooLarge { .. })
    ));
}

#[test]
fn scanner_enforces_depth_limit() {
    let limits = Limits {
        max_depth: 8,
        ..Limits::default()
    };
    let mut msg = header_only();
    for _ in 0..20 {
        msg.extend_from_slice(&[12, 0, 1]); // nested struct field
    }
    assert!(matches!(
        wire::scan_message(&msg, &limits),
        Err(WireError::TooDeep(8))
    ));
}

#[test]
fn corrupted_messages_never_panic() {
    // Deterministic xorshift so a failure is reproducible.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let limits = Limits::default();
    let originals = [
        wire::encode_reply("getMeta", 1, &meta_res()).expect("encode"),
        wire::encode_call("restoreSnapshot", 2, &restore_req()).expect("encode"),
        wire::encode_reply("getBinlog", 3, &binlog_res()).expect("encode"),
    ];
    for round in 0..3000 {
        let mut msg = originals[round % originals.len()].clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() as usize) % msg.len();
            msg[at] = next() as u8;
        }
        if let Ok(Scan::Complete(n)) = wire::scan_message(&msg, &limits) {
            let msg = &msg[..n];
            let _ = wire::decode_reply::<doris_thrift::frontend_service::TGetMetaResult>(
                msg, "getMeta", 1,
            );
            let _ = wire::decode_reply::<TGetBinlogResult>(msg, "getBinlog", 3);
            if let Ok((_, body)) = wire::decode_header(msg) {
                let _ = wire::decode_args::<doris_thrift::frontend_service::TRestoreSnapshotRequest>(
                    body,
                );
            }
        }
    }
}
