//! Fuzz target: peer messages of the Raft group, i.e. the protobuf envelopes of
//! `syncer.raft.v1` carrying openraft payloads as serde JSON in `bytes` fields.
//!
//! Server side: `RaftRequest` / `SnapshotChunkRequest` → Vote / AppendEntries /
//! InstallSnapshot; client side: `RaftReply` → responses or the remote Raft's error. Inputs:
//! valid messages with random field values (round trip through protobuf + JSON), the same
//! with byte mutations of the envelope or the JSON, JSON edits (wrong types, deep nesting,
//! huge values) and raw bytes. A last target feeds undecodable requests to a real
//! `RaftServiceImpl`: always `InvalidArgument`, never a panic. `FUZZ_CASES=N` scales it.

#[path = "../../tests/fuzz_common/json.rs"]
mod json;
#[path = "../../tests/fuzz_common/mutate.rs"]
mod mutate;

use std::collections::BTreeMap;

use openraft::error::{Infallible, InstallSnapshotError, RaftError};
use openraft::raft::AppendEntriesResponse;
use openraft::{CommittedLeaderId, EntryPayload};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use prost::Message;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use syncer_raft::command::{Command, ProgressWrite};
use syncer_raft::pb;
use syncer_raft::typ::*;
use syncer_raft::{NodeId, NodeInfo};

fn log_id() -> impl Strategy<Value = LogId> {
    (0u64..1000, 0u64..8, any::<u64>())
        .prop_map(|(t, n, i)| LogId::new(CommittedLeaderId::new(t, n), i))
}

fn vote() -> impl Strategy<Value = Vote> {
    (any::<u64>(), 0u64..8, any::<bool>()).prop_map(|(t, n, c)| {
        let v = Vote::new(t, n);
        if c {
            Vote::new_committed(t, n)
        } else {
            v
        }
    })
}

fn membership() -> impl Strategy<Value = Membership> {
    prop::collection::btree_set(0u64..8, 1..4).prop_map(|ids| {
        let nodes: BTreeMap<NodeId, NodeInfo> = ids
            .iter()
            .map(|id| {
                (
                    *id,
                    NodeInfo::new(format!("127.0.0.1:{}", 7000 + id), "h:1"),
                )
            })
            .collect();
        Membership::new(vec![ids], nodes)
    })
}

fn command() -> impl Strategy<Value = Command> {
    let name = "\\PC{0,10}";
    prop_oneof![
        Just(Command::Noop),
        (name, json::any_value()).prop_map(|(job, data)| Command::SeedProgress { job, data }),
        (name, 0u64..8, proptest::option::of(any::<u64>())).prop_map(
            |(job, node, expect_epoch)| Command::Assign {
                job,
                node,
                expect_epoch
            }
        ),
        (name, any::<u64>(), json::any_value()).prop_map(|(job, epoch, data)| {
            Command::SaveProgress(ProgressWrite { job, epoch, data })
        }),
        name.prop_map(|name| Command::DeleteJob { name }),
        (0u64..8, any::<bool>())
            .prop_map(|(node, draining)| Command::SetNodeDraining { node, draining }),
    ]
}

fn entry() -> impl Strategy<Value = Entry> {
    let payload = prop_oneof![
        Just(EntryPayload::Blank),
        command().prop_map(EntryPayload::Normal),
        membership().prop_map(EntryPayload::Membership),
    ];
    (log_id(), payload).prop_map(|(log_id, payload)| Entry { log_id, payload })
}

/// One peer request, encoded the way `NetworkConnection` sends it: `(rpc, protobuf bytes)`.
fn request() -> impl Strategy<Value = (u8, Vec<u8>)> {
    let opt_log = || proptest::option::of(log_id());
    prop_oneof![
        (vote(), opt_log()).prop_map(|(v, l)| (0, envelope(&VoteRequest::new(v, l)))),
        (
            vote(),
            opt_log(),
            prop::collection::vec(entry(), 0..4),
            opt_log()
        )
            .prop_map(|(vote, prev_log_id, entries, leader_commit)| {
                (
                    1,
                    envelope(&AppendEntriesRequest {
                        vote,
                        prev_log_id,
                        entries,
                        leader_commit,
                    }),
                )
            }),
        (
            vote(),
            opt_log(),
            membership(),
            "\\PC{0,12}",
            any::<u64>(),
            prop::collection::vec(any::<u8>(), 0..64),
            any::<bool>()
        )
            .prop_map(|(vote, last, m, id, offset, data, done)| {
                let meta = SnapshotMeta {
                    last_log_id: last,
                    last_membership: StoredMembership::new(last, m),
                    snapshot_id: id,
                };
                let req = InstallSnapshotRequest {
                    vote,
                    meta,
                    offset,
                    data: Vec::new(),
                    done,
                };
                let json = serde_json::to_vec(&req).expect("json");
                (2, pb::SnapshotChunkRequest { json, data }.encode_to_vec())
            }),
    ]
}

fn envelope<T: Serialize>(req: &T) -> Vec<u8> {
    let json = serde_json::to_vec(req).expect("json");
    pb::RaftRequest { json }.encode_to_vec()
}

/// Decodes `json` as `T`; a success must re-encode to the same JSON value.
fn decode_json<T: Serialize + DeserializeOwned>(json: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<T>(json) else {
        return false;
    };
    let again: Value = serde_json::to_value(&v).expect("re-encode");
    let back: T = serde_json::from_value(again.clone()).expect("decode re-encoded");
    assert_eq!(serde_json::to_value(&back).expect("re-encode"), again);
    true
}

/// What the service does with a request of `rpc`: protobuf, then JSON. `true` = valid.
fn decode_request(rpc: u8, bytes: &[u8]) -> bool {
    match rpc {
        0 => pb::RaftRequest::decode(bytes).is_ok_and(|m| decode_json::<VoteRequest>(&m.json)),
        1 => pb::RaftRequest::decode(bytes)
            .is_ok_and(|m| decode_json::<AppendEntriesRequest>(&m.json)),
        _ => pb::SnapshotChunkRequest::decode(bytes)
            .is_ok_and(|m| decode_json::<InstallSnapshotRequest>(&m.json)),
    }
}

/// What the client does with a reply: any RPC's response, or the remote error.
fn decode_reply(bytes: &[u8]) {
    if let Ok(r) = pb::RaftReply::decode(bytes) {
        for j in [&r.json, &r.error_json] {
            decode_json::<VoteResponse>(j);
            decode_json::<AppendEntriesResponse<NodeId>>(j);
            decode_json::<InstallSnapshotResponse>(j);
            decode_json::<RaftError<NodeId, Infallible>>(j);
            decode_json::<RaftError<NodeId, InstallSnapshotError>>(j);
        }
    }
}

/// The JSON inside an encoded request.
fn inner_json(rpc: u8, bytes: &[u8]) -> Vec<u8> {
    match rpc {
        0 | 1 => pb::RaftRequest::decode(bytes).map(|m| m.json),
        _ => pb::SnapshotChunkRequest::decode(bytes).map(|m| m.json),
    }
    .expect("valid envelope")
}

/// Re-wraps `json` in the envelope of `rpc`.
fn rewrap(rpc: u8, json: Vec<u8>) -> Vec<u8> {
    match rpc {
        0 | 1 => pb::RaftRequest { json }.encode_to_vec(),
        _ => pb::SnapshotChunkRequest {
            json,
            data: vec![1, 2, 3],
        }
        .encode_to_vec(),
    }
}

proptest! {
    #![proptest_config(mutate::config(192))]

    #[test]
    fn valid_requests_round_trip((rpc, bytes) in request()) {
        prop_assert!(decode_request(rpc, &bytes), "valid request {rpc} does not decode");
        decode_reply(&bytes);
    }

    #[test]
    fn mutated_requests_never_panic((rpc, bytes) in request(), (_, donor) in request(), muts in mutate::mutations(), other in 0u8..3) {
        let json = inner_json(rpc, &bytes);
        let mutated_json = mutate::apply(&json, &inner_json(other % 2, &donor), &muts);
        let mutated_envelope = mutate::apply(&bytes, &donor, &muts);
        for r in [rpc, other] {
            decode_request(r, &rewrap(rpc, mutated_json.clone()));
            decode_request(r, &mutated_envelope);
        }
        decode_reply(&mutated_envelope);
    }

    #[test]
    fn json_edits_never_panic((rpc, bytes) in request(), edits in json::json_edits()) {
        let doc: Value = serde_json::from_slice(&inner_json(rpc, &bytes)).expect("json");
        let edited = serde_json::to_vec(&json::apply_edits(&doc, &edits)).expect("json");
        decode_request(rpc, &rewrap(rpc, edited.clone()));
        decode_reply(&pb::RaftReply { json: edited.clone(), error_json: edited }.encode_to_vec());
    }

    #[test]
    fn raw_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..256), depth in 0usize..3000) {
        for rpc in 0..3 {
            decode_request(rpc, &raw);
            decode_request(rpc, &rewrap(rpc, raw.clone()));
            decode_request(rpc, &rewrap(rpc, json::deep_text(depth, rpc == 1).into_bytes()));
        }
        decode_reply(&raw);
        // A protobuf `bytes` field claiming 2 GiB (varint length) must fail, not allocate.
        let huge = [&[0x0a, 0xff, 0xff, 0xff, 0xff, 0x07][..], &raw].concat();
        for rpc in 0..3 {
            prop_assert!(!decode_request(rpc, &huge));
        }
        decode_reply(&huge);
    }
}

/// Undecodable requests sent to a real node's service: `InvalidArgument`, and the node
/// keeps answering.
#[test]
fn service_rejects_malformed_requests() {
    use syncer_raft::node::{RaftNode, RaftNodeConfig};
    use syncer_raft::pb::raft_service_server::RaftService;
    use syncer_raft::service::RaftServiceImpl;
    use tonic::{Code, Request};

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let node = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let info = NodeInfo::new(listener.local_addr().expect("addr").to_string(), "");
        let cfg = RaftNodeConfig::new(1, info, dir.path());
        RaftNode::start_with_listener(cfg, listener)
            .await
            .expect("node")
    });
    let svc = RaftServiceImpl::new(node.raft().clone());
    let strategy = (request(), mutate::mutations());
    let mut runner = TestRunner::new(mutate::config(64));
    let result = runner.run(&strategy, |((rpc, bytes), muts)| {
        let json = mutate::apply(&inner_json(rpc, &bytes), b"{}", &muts);
        if decode_request(rpc, &rewrap(rpc, json.clone())) {
            return Ok(()); // still valid: not this target's concern
        }
        let status = rt.block_on(async {
            match rpc {
                0 => svc
                    .vote(Request::new(pb::RaftRequest { json }))
                    .await
                    .map(drop),
                1 => svc
                    .append_entries(Request::new(pb::RaftRequest { json }))
                    .await
                    .map(drop),
                _ => {
                    let chunk = pb::SnapshotChunkRequest {
                        json,
                        data: Vec::new(),
                    };
                    svc.install_snapshot(Request::new(chunk)).await.map(drop)
                }
            }
        });
        prop_assert_eq!(status.err().map(|s| s.code()), Some(Code::InvalidArgument));
        Ok(())
    });
    rt.block_on(node.shutdown());
    if let Err(e) = result {
        panic!("{e}");
    }
}
