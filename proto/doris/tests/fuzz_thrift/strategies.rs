//! Proptest strategies for the Thrift structs the syncer and the emulator exchange:
//! every optional field randomly set or unset, random values, nested lists and maps.

use std::collections::BTreeMap;

use doris_thrift::backend_service::TIngestBinlogRequest;
use doris_thrift::frontend_service::*;
use doris_thrift::status::{TStatus, TStatusCode};
use doris_thrift::types::{TNetworkAddress, TTabletCommitInfo, TUniqueId};
use proptest::option::of;
use proptest::prelude::*;

/// Any Unicode text, short.
pub fn text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

fn ids() -> BoxedStrategy<Vec<i64>> {
    prop::collection::vec(any::<i64>(), 0..5).boxed()
}

fn status() -> BoxedStrategy<TStatus> {
    (any::<i32>(), of(prop::collection::vec(text(), 0..3)))
        .prop_map(|(c, m)| TStatus::new(TStatusCode(c), m))
        .boxed()
}

fn address() -> BoxedStrategy<TNetworkAddress> {
    (text(), any::<i32>())
        .prop_map(|(h, p)| TNetworkAddress::new(h, p))
        .boxed()
}

fn commit_info() -> BoxedStrategy<TTabletCommitInfo> {
    (
        any::<i64>(),
        any::<i64>(),
        of(prop::collection::vec(text(), 0..2)),
    )
        .prop_map(|(t, b, c)| TTabletCommitInfo::new(t, b, c))
        .boxed()
}

/// `getBinlog` request.
pub fn binlog_req() -> BoxedStrategy<TGetBinlogRequest> {
    let names = (of(text()), of(text()), of(text()), of(text()), of(text()));
    let nums = (of(any::<i64>()), of(text()), of(text()), of(any::<i64>()));
    (names, nums, of(any::<i64>()), of(any::<bool>()))
        .prop_map(
            |((cluster, user, passwd, db, table), (table_id, user_ip, token, prev), num, afr)| {
                TGetBinlogRequest {
                    cluster,
                    user,
                    passwd,
                    db,
                    table,
                    table_id,
                    user_ip,
                    token,
                    prev_commit_seq: prev,
                    num_acquired: num,
                    allow_follower_read: afr,
                }
            },
        )
        .boxed()
}

fn binlog() -> BoxedStrategy<TBinlog> {
    let a = (
        of(any::<i64>()),
        of(any::<i64>()),
        of(any::<i32>()),
        of(any::<i64>()),
    );
    let b = (of(ids()), of(text()), of(any::<i64>()), of(any::<i64>()));
    (a, b, of(any::<bool>()))
        .prop_map(|((seq, ts, ty, db), (tables, data, belong, tr), rec)| {
            TBinlog::new(
                seq,
                ts,
                ty.map(TBinlogType),
                db,
                tables,
                data,
                belong,
                tr,
                rec,
            )
        })
        .boxed()
}

/// `getBinlog` result (what the syncer decodes from an FE).
pub fn binlog_res() -> BoxedStrategy<TGetBinlogResult> {
    (
        of(status()),
        of(any::<i64>()),
        of(prop::collection::vec(binlog(), 0..4)),
        of(text()),
        of(any::<i64>()),
        of(address()),
    )
        .prop_map(|(s, next, b, v, mv, m)| TGetBinlogResult::new(s, next, b, v, mv, m))
        .boxed()
}

fn sub_txn() -> BoxedStrategy<TSubTxnInfo> {
    let infos = of(prop::collection::vec(commit_info(), 0..3));
    (of(any::<i64>()), of(any::<i64>()), infos, of(any::<i32>()))
        .prop_map(|(id, t, i, ty)| TSubTxnInfo::new(id, t, i, ty.map(TSubTxnType)))
        .boxed()
}

/// `commitTxn` request.
pub fn commit_req() -> BoxedStrategy<TCommitTxnRequest> {
    let names = (of(text()), of(text()), of(text()), of(text()), of(text()));
    let txn = (
        of(any::<i64>()),
        of(prop::collection::vec(commit_info(), 0..3)),
        of(any::<i64>()),
        of(any::<i64>()),
    );
    let rest = (
        of(text()),
        of(any::<i64>()),
        of(any::<bool>()),
        of(prop::collection::vec(sub_txn(), 0..3)),
        of(any::<bool>()),
        of(Just(TTxnCommitAttachment::default())),
    );
    (names, txn, rest)
        .prop_map(
            |((cluster, user, passwd, db, user_ip), (txn_id, infos, auth, rpc), rest)| {
                let (token, db_id, txn_insert, subs, only, att) = rest;
                TCommitTxnRequest {
                    cluster,
                    user,
                    passwd,
                    db,
                    user_ip,
                    txn_id,
                    commit_infos: infos,
                    auth_code: auth,
                    txn_commit_attachment: att,
                    thrift_rpc_timeout_ms: rpc,
                    token,
                    db_id,
                    txn_insert,
                    sub_txn_infos: subs,
                    only_commit: only,
                }
            },
        )
        .boxed()
}

/// `ingest_binlog` request (what the emulator's BE decodes).
pub fn ingest_req() -> BoxedStrategy<TIngestBinlogRequest> {
    let a = (
        of(any::<i64>()),
        of(any::<i64>()),
        of(any::<i64>()),
        of(text()),
    );
    let b = (of(text()), of(any::<i64>()), of(any::<i64>()));
    let load = of((any::<i64>(), any::<i64>()).prop_map(|(h, l)| TUniqueId::new(h, l)));
    (a, b, load)
        .prop_map(|((txn, rt, v, host), (port, p, lt), load)| {
            TIngestBinlogRequest::new(txn, rt, v, host, port, p, lt, load)
        })
        .boxed()
}

fn small_map() -> BoxedStrategy<BTreeMap<i64, i64>> {
    prop::collection::btree_map(any::<i64>(), any::<i64>(), 0..3).boxed()
}

fn index_meta() -> BoxedStrategy<TGetMetaIndexMeta> {
    let replica = (of(any::<i64>()), of(any::<i64>()), of(any::<i64>()))
        .prop_map(|(i, b, v)| TGetMetaReplicaMeta::new(i, b, v));
    let tablet = (of(any::<i64>()), of(prop::collection::vec(replica, 0..3)))
        .prop_map(|(i, r)| TGetMetaTabletMeta::new(i, r));
    (
        of(any::<i64>()),
        of(text()),
        of(prop::collection::vec(tablet, 0..3)),
    )
        .prop_map(|(i, n, t)| TGetMetaIndexMeta::new(i, n, t))
        .boxed()
}

fn table_meta() -> BoxedStrategy<TGetMetaTableMeta> {
    let part = (
        (of(any::<i64>()), of(text()), of(text()), of(text())),
        (of(any::<i64>()), of(any::<bool>())),
        of(prop::collection::vec(index_meta(), 0..2)),
    )
        .prop_map(|((i, n, k, r), (v, t), x)| TGetMetaPartitionMeta::new(i, n, k, r, v, t, x));
    let parts = of(prop::collection::vec(part, 0..2));
    (
        of(any::<i64>()),
        of(text()),
        of(any::<bool>()),
        parts,
        of(text()),
    )
        .prop_map(|(i, n, t, p, ty)| TGetMetaTableMeta::new(i, n, t, p, ty))
        .boxed()
}

/// `getMeta` result: the deepest nesting the syncer decodes.
pub fn meta_res() -> BoxedStrategy<TGetMetaResult> {
    let lists = (of(ids()), of(ids()), of(ids()));
    let maps = (of(small_map()), of(small_map()), of(small_map()));
    let tables = of(prop::collection::vec(table_meta(), 0..3));
    let db = (of(any::<i64>()), of(text()), tables, lists, maps).prop_map(
        |(id, name, tables, (dp, dt, di), (pm, tm, im))| {
            TGetMetaDBMeta::new(id, name, tables, dp, dt, di, pm, tm, im)
        },
    );
    (status(), of(db), of(address()))
        .prop_map(|(s, d, m)| TGetMetaResult::new(s, d, m))
        .boxed()
}
