//! Fuzz target: Thrift binary-protocol decoding on both sides of the wire (the syncer's
//! clients decode replies, the emulator's servers decode calls).
//!
//! Inputs: valid CALL/REPLY messages with random field values (round trip exactly), the
//! same messages mutated (truncated, bit-flipped, spliced, huge lengths, repeated
//! slices), hostile hand-shaped messages (deep nesting, 2 GiB lengths) and raw random
//! bytes. Property: no decoder panics, the heap stays under the cap of `mutate.rs`, and
//! the incremental scanner agrees with a one-shot scan. `FUZZ_CASES=N` scales the run.

#[path = "../../../tests/fuzz_common/mutate.rs"]
mod mutate;
#[path = "fuzz_thrift/strategies.rs"]
mod strategies;

use doris_thrift::backend_service::TIngestBinlogRequest;
use doris_thrift::frontend_service::{
    TCommitTxnRequest, TGetBinlogRequest, TGetBinlogResult, TGetMetaResult,
};
use doris_thrift::thrift::protocol::TSerializable;
use doris_thrift::wire::{self, Limits, MessageReader, MessageScanner, Scan, WireError};
use proptest::prelude::*;
use proptest::sample::Index;
use std::fmt::Debug;

/// One generated message of a type the syncer or the emulator decodes.
#[derive(Clone, Debug)]
enum Msg {
    BinlogReq(TGetBinlogRequest),
    BinlogRes(TGetBinlogResult),
    CommitReq(TCommitTxnRequest),
    IngestReq(TIngestBinlogRequest),
    MetaRes(TGetMetaResult),
}

fn msg() -> impl Strategy<Value = Msg> {
    prop_oneof![
        strategies::binlog_req().prop_map(Msg::BinlogReq),
        strategies::binlog_res().prop_map(Msg::BinlogRes),
        strategies::commit_req().prop_map(Msg::CommitReq),
        strategies::ingest_req().prop_map(Msg::IngestReq),
        strategies::meta_res().prop_map(Msg::MetaRes),
    ]
}

impl Msg {
    /// `(method, call bytes, reply bytes)`.
    fn encode(&self, seqid: i32) -> (&'static str, Vec<u8>, Vec<u8>) {
        fn both<T: TSerializable>(
            m: &'static str,
            v: &T,
            s: i32,
        ) -> (&'static str, Vec<u8>, Vec<u8>) {
            let call = wire::encode_call(m, s, v).expect("encode call");
            (m, call, wire::encode_reply(m, s, v).expect("encode reply"))
        }
        match self {
            Msg::BinlogReq(v) => both("getBinlog", v, seqid),
            Msg::BinlogRes(v) => both("getBinlog", v, seqid),
            Msg::CommitReq(v) => both("commitTxn", v, seqid),
            Msg::IngestReq(v) => both("ingest_binlog", v, seqid),
            Msg::MetaRes(v) => both("getMeta", v, seqid),
        }
    }

    /// Encode → scan → decode gives back the value, as a CALL and as a REPLY.
    fn round_trip(&self, seqid: i32) {
        fn check<T: TSerializable + PartialEq + Debug>(v: &T, m: &str, s: i32) {
            let call = wire::encode_call(m, s, v).expect("encode call");
            let scanned = wire::scan_message(&call, &Limits::default()).expect("scan call");
            assert_eq!(scanned, Scan::Complete(call.len()));
            let (header, body) = wire::decode_header(&call).expect("header");
            assert_eq!((header.name.as_str(), header.seqid), (m, s));
            assert_eq!(&wire::decode_args::<T>(body).expect("decode args"), v);
            let reply = wire::encode_reply(m, s, v).expect("encode reply");
            assert_eq!(&wire::decode_reply::<T>(&reply, m, s).expect("reply"), v);
        }
        match self {
            Msg::BinlogReq(v) => check(v, "getBinlog", seqid),
            Msg::BinlogRes(v) => check(v, "getBinlog", seqid),
            Msg::CommitReq(v) => check(v, "commitTxn", seqid),
            Msg::IngestReq(v) => check(v, "ingest_binlog", seqid),
            Msg::MetaRes(v) => check(v, "getMeta", seqid),
        }
    }
}

/// Decodes `body` as every type both ways; only panics and allocations matter.
fn decode_bodies(body: &[u8]) {
    fn as_t<T: TSerializable>(body: &[u8]) {
        let _ = wire::decode_args::<T>(body);
        let _ = wire::decode_result::<T>(body);
    }
    as_t::<TGetBinlogRequest>(body);
    as_t::<TGetBinlogResult>(body);
    as_t::<TCommitTxnRequest>(body);
    as_t::<TIngestBinlogRequest>(body);
    as_t::<TGetMetaResult>(body);
}

/// Every public decoder on `bytes`, as a server (calls) and as a client (replies).
fn decode_all(bytes: &[u8]) {
    let tight = Limits {
        max_message_bytes: 4096,
        max_depth: 8,
        max_struct_elements: 64,
    };
    for limits in [Limits::default(), tight] {
        let _ = wire::scan_message(bytes, &limits);
    }
    decode_bodies(bytes);
    if let Ok((header, body)) = wire::decode_header(bytes) {
        decode_bodies(body);
        let (m, s) = (header.name.as_str(), header.seqid);
        let _ = wire::decode_reply::<TGetBinlogResult>(bytes, m, s);
        let _ = wire::decode_reply::<TGetMetaResult>(bytes, m, s);
        let _ = wire::decode_reply::<TIngestBinlogRequest>(bytes, m, s);
    }
}

/// Outcome of a scan with the error reduced to "some error".
fn outcome(r: Result<Scan, WireError>) -> Option<Scan> {
    r.ok()
}

/// Feeding `bytes` in the given chunks must end where a one-shot scan ends, and every
/// prefix of a complete message must ask for more.
fn scanner_agrees(bytes: &[u8], cuts: &[Index]) {
    let limits = Limits::default();
    let full = outcome(wire::scan_message(bytes, &limits));
    let mut ends: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
    ends.sort_unstable();
    ends.push(bytes.len());
    let mut scanner = MessageScanner::new(limits);
    let mut last = Some(Scan::NeedMore);
    for end in ends {
        last = outcome(scanner.feed(&bytes[..end]));
        match (last, full) {
            (Some(Scan::NeedMore), _) => {}
            (Some(Scan::Complete(n)), Some(Scan::Complete(m))) => {
                assert_eq!(n, m, "chunked scan ends elsewhere than one-shot");
                break;
            }
            (None, None) => break,
            (got, want) => panic!("prefix of {end} bytes: {got:?}, whole buffer: {want:?}"),
        }
    }
    if let (Some(Scan::NeedMore), Some(Scan::Complete(_))) = (last, full) {
        panic!("chunked scan never completed");
    }
}

/// Cuts a byte stream into messages; every message returned must scan as complete.
fn read_stream(stream: &[u8]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut reader = MessageReader::new(Limits::default());
        let mut input = stream;
        while let Ok(Some(m)) = reader.read_message(&mut input).await {
            let scanned = wire::scan_message(&m, &Limits::default()).expect("rescan");
            assert_eq!(scanned, Scan::Complete(m.len()));
        }
    });
}

/// A strict CALL header for `name` followed by `body`.
fn with_header(name: &str, body: &[u8]) -> Vec<u8> {
    let mut out = vec![0x80, 0x01, 0x00, 0x01];
    out.extend_from_slice(&(name.len() as u32).to_be_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(&7u32.to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// Hostile bodies: nesting `depth` deep (structs or lists) or a container claiming
/// `HUGE_LENGTHS[h]` elements or bytes, in field 1 or an unknown field.
fn hostile_body(depth: usize, kind: u8, h: usize, field: i16) -> Vec<u8> {
    let mut b = vec![12];
    b.extend_from_slice(&field.to_be_bytes());
    let huge = mutate::HUGE_LENGTHS[h].to_be_bytes();
    match kind % 4 {
        0 => (0..depth).for_each(|_| b.extend_from_slice(&[12, 0, 1])),
        1 => (0..depth).for_each(|_| b.extend_from_slice(&[15, 0, 1, 15, 0, 0, 0, 1])),
        2 => b.extend_from_slice(&[11, 0, 1]),
        _ => b.extend_from_slice(&[15, 0, 1, 12]),
    }
    if kind % 4 >= 2 {
        b.extend_from_slice(&huge);
    }
    b.extend_from_slice(&[0; 8]);
    b
}

proptest! {
    #![proptest_config(mutate::config(400))]

    #[test]
    fn valid_messages_round_trip(m in msg(), seqid in any::<i32>()) {
        m.round_trip(seqid);
    }

    #[test]
    fn mutated_messages_never_panic(
        m in msg(),
        donor in msg(),
        muts in mutate::mutations(),
        cuts in prop::collection::vec(any::<Index>(), 0..4),
    ) {
        let (_, call, reply) = m.encode(3);
        let (_, donor_call, _) = donor.encode(5);
        for base in [&call, &reply] {
            let bytes = mutate::apply(base, &donor_call, &muts);
            decode_all(&bytes);
            scanner_agrees(&bytes, &cuts);
        }
    }

    #[test]
    fn pipelined_streams_are_cut_exactly(a in msg(), b in msg(), muts in mutate::mutations()) {
        let (_, call_a, _) = a.encode(1);
        let (_, _, reply_b) = b.encode(2);
        let stream = [call_a.clone(), reply_b.clone()].concat();
        read_stream(&stream);
        read_stream(&mutate::apply(&stream, &call_a, &muts));
    }

    #[test]
    fn hostile_shapes_fail_fast(
        depth in 1usize..3000,
        kind in any::<u8>(),
        h in 0..mutate::HUGE_LENGTHS.len(),
        field in prop_oneof![Just(1i16), Just(0i16), any::<i16>()],
    ) {
        let bytes = with_header("getBinlog", &hostile_body(depth, kind, h, field));
        decode_all(&bytes);
        let scanned = wire::scan_message(&bytes, &Limits::default());
        if kind % 4 >= 2 {
            // A huge length never completes: an error, or a wait bounded by the limit.
            prop_assert!(!matches!(scanned, Ok(Scan::Complete(_))), "{scanned:?}");
            let (_, body) = wire::decode_header(&bytes).expect("header");
            prop_assert!(wire::decode_args::<TGetBinlogRequest>(body).is_err());
            prop_assert!(wire::decode_args::<TGetMetaResult>(body).is_err());
        } else if depth >= Limits::default().max_depth {
            prop_assert!(scanned.is_err(), "{scanned:?}");
        }
    }

    #[test]
    fn raw_bytes_never_panic(
        raw in prop::collection::vec(any::<u8>(), 0..512),
        name in "[a-zA-Z_]{0,16}",
    ) {
        decode_all(&raw);
        decode_all(&with_header(&name, &raw));
        read_stream(&raw);
    }
}
