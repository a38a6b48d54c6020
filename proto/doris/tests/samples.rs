//! Fully populated sample values of every request/response type CCR uses, shared by the
//! integration tests (included with `#[path]`, hence the dead-code allowance).
#![allow(dead_code)]

use std::collections::BTreeMap;

use doris_thrift::backend_service::*;
use doris_thrift::frontend_service::*;
use doris_thrift::status::{TStatus, TStatusCode};
use doris_thrift::types::{TBackend, TNetworkAddress, TTabletCommitInfo, TUniqueId};

pub fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

pub fn status(code: i32, msg: &str) -> TStatus {
    TStatus::new(TStatusCode(code), vec![msg.to_string()])
}

pub fn master() -> TNetworkAddress {
    TNetworkAddress::new("fe-1".to_string(), 9020)
}

pub fn commit_info() -> TTabletCommitInfo {
    TTabletCommitInfo::new(11, 22, vec!["c1".to_string()])
}

pub fn load_id() -> TUniqueId {
    TUniqueId::new(-1, -1)
}

pub fn begin_req() -> TBeginTxnRequest {
    TBeginTxnRequest {
        cluster: s("c"),
        user: s("root"),
        passwd: s("pw"),
        db: s("db1"),
        table_ids: Some(vec![1, 2, 3]),
        user_ip: s("1.2.3.4"),
        label: s("ccrj-abcd:db_sync:1:2:3"),
        auth_code: Some(7),
        timeout: Some(300),
        request_id: Some(TUniqueId::new(1, 2)),
        token: s("tok"),
        backend_id: Some(10001),
        sub_txn_num: Some(2),
    }
}

pub fn begin_res() -> TBeginTxnResult {
    TBeginTxnResult::new(
        status(15, "Label [L] has already been used"),
        42,
        s("RUNNING"),
        5,
        master(),
        vec![42, 43],
    )
}

pub fn commit_req() -> TCommitTxnRequest {
    let sub = TSubTxnInfo::new(43, 3, vec![commit_info()], TSubTxnType::DELETE);
    TCommitTxnRequest {
        cluster: s("c"),
        user: s("root"),
        passwd: s("pw"),
        db: s("db1"),
        user_ip: s("ip"),
        txn_id: Some(42),
        commit_infos: Some(vec![commit_info(), commit_info()]),
        auth_code: Some(1),
        txn_commit_attachment: Some(TTxnCommitAttachment::default()),
        thrift_rpc_timeout_ms: Some(33_000),
        token: s("tok"),
        db_id: Some(5),
        txn_insert: Some(true),
        sub_txn_infos: Some(vec![sub]),
        only_commit: Some(false),
    }
}

pub fn commit_res() -> TCommitTxnResult {
    TCommitTxnResult::new(
        status(
            14,
            "transaction commit successfully, BUT data will be visible later",
        ),
        master(),
    )
}

pub fn rollback_req() -> TRollbackTxnRequest {
    TRollbackTxnRequest {
        cluster: s("c"),
        user: s("root"),
        passwd: s("pw"),
        db: s("db1"),
        user_ip: s("ip"),
        txn_id: Some(42),
        reason: s("system cancel"),
        auth_code: Some(9),
        txn_commit_attachment: Some(TTxnCommitAttachment::default()),
        token: s("tok"),
        db_id: Some(5),
    }
}

pub fn rollback_res() -> TRollbackTxnResult {
    TRollbackTxnResult::new(
        status(2, "transaction [42] is already COMMITTED, could not abort"),
        None,
    )
}

pub fn binlog_req() -> TGetBinlogRequest {
    TGetBinlogRequest {
        cluster: s("c"),
        user: s("root"),
        passwd: s("pw"),
        db: s("db1"),
        table: s("t1"),
        table_id: Some(77),
        user_ip: s("ip"),
        token: s("tok"),
        prev_commit_seq: Some(100),
        num_acquired: Some(10),
        allow_follower_read: Some(true),
    }
}

pub fn binlog(kind: i32) -> TBinlog {
    TBinlog {
        commit_seq: Some(101),
        timestamp: Some(1_700_000_000_000),
        type_: Some(TBinlogType(kind)),
        db_id: Some(5),
        table_ids: Some(vec![77]),
        data: s(r#"{"commitSeq":101,"label":"x"}"#),
        belong: Some(-1),
        table_ref: Some(0),
        remove_enable_cache: Some(false),
    }
}

pub fn binlog_res() -> TGetBinlogResult {
    let binlogs = vec![binlog(0), binlog(7), binlog(500)];
    TGetBinlogResult::new(status(0, ""), 102, binlogs, s("3.0"), 3, master())
}

pub fn lag_res() -> TGetBinlogLagResult {
    TGetBinlogLagResult::new(status(0, ""), 3, master(), 1, 2, 3, 4, 5, 6)
}

pub fn snapshot_req() -> TGetSnapshotRequest {
    TGetSnapshotRequest::new(
        s("c"),
        s("root"),
        s("pw"),
        s("db1"),
        s("t1"),
        s("tok"),
        s("ccrs_db1_t1_1700000000"),
        s(""),
        TSnapshotType::LOCAL,
        true,
    )
}

pub fn snapshot_res() -> TGetSnapshotResult {
    let meta = vec![0u8, 1, 2, 255, 0x80];
    TGetSnapshotResult::new(
        status(0, ""),
        meta,
        br#"{"name":"x"}"#.to_vec(),
        master(),
        false,
        123,
        456,
    )
}

pub fn table_ref() -> TTableRef {
    TTableRef::new(s("src"), s("dest"))
}

pub fn restore_req() -> TRestoreSnapshotRequest {
    let props = BTreeMap::from([("reserve_replica".to_string(), "true".to_string())]);
    TRestoreSnapshotRequest {
        cluster: s("c"),
        user: s("root"),
        passwd: s("pw"),
        db: s("db2"),
        table: s("t1"),
        token: s("tok"),
        label_name: s("ccrs_db1_t1_1700000000_r_1700000001"),
        repo_name: s("__keep_on_local__"),
        table_refs: Some(vec![table_ref()]),
        properties: Some(props),
        meta: Some(vec![9, 8, 7]),
        job_info: Some(b"{}".to_vec()),
        clean_tables: Some(true),
        clean_partitions: Some(false),
        atomic_restore: Some(true),
        compressed: Some(false),
        force_replace: Some(false),
    }
}

pub fn restore_res() -> TRestoreSnapshotResult {
    TRestoreSnapshotResult::new(status(0, ""), master())
}

pub fn token_req() -> TGetMasterTokenRequest {
    TGetMasterTokenRequest::new(s("c"), s("root"), s("pw"))
}

pub fn token_res() -> TGetMasterTokenResult {
    TGetMasterTokenResult::new(
        status(0, ""),
        s("5ff161c3-2c08-4079-b108-26c8850b6598"),
        master(),
    )
}

pub fn meta_req() -> TGetMetaRequest {
    let replica = TGetMetaReplica::new(1);
    let tablet = TGetMetaTablet::new(2, vec![replica]);
    let index = TGetMetaIndex::new(3, s("t1"), vec![tablet]);
    let part = TGetMetaPartition::new(4, s("p1"), s("k"), s("[]"), false, vec![index]);
    let table = TGetMetaTable::new(5, s("t1"), false, vec![part]);
    let db = TGetMetaDB::new(6, s("db1"), false, vec![table]);
    TGetMetaRequest::new(s("c"), s("root"), s("pw"), s("ip"), s("tok"), db)
}

pub fn meta_res() -> TGetMetaResult {
    let replica = TGetMetaReplicaMeta::new(1, 10001, 5);
    let tablet = TGetMetaTabletMeta::new(2, vec![replica]);
    let index = TGetMetaIndexMeta::new(3, s("t1"), vec![tablet]);
    let range = "[types: [INT]; keys: [0]; ..types: [INT]; keys: [10]; )";
    let part = TGetMetaPartitionMeta::new(4, s("p1"), None, s(range), 5, false, vec![index]);
    let table = TGetMetaTableMeta::new(5, s("t1"), false, vec![part], s("OLAP"));
    let dropped = BTreeMap::from([(8i64, 99i64)]);
    let db = TGetMetaDBMeta::new(
        6,
        s("db1"),
        vec![table],
        vec![7],
        vec![8],
        vec![9],
        dropped.clone(),
        dropped.clone(),
        dropped,
    );
    TGetMetaResult::new(status(0, ""), db, master())
}

pub fn backend_req() -> TGetBackendMetaRequest {
    TGetBackendMetaRequest::new(s("c"), s("root"), s("pw"), s("ip"), s("tok"), 10001)
}

pub fn backend_res() -> TGetBackendMetaResult {
    let be = TBackend::new("127.0.0.1".to_string(), 9060, 8040, 8060, true, 10001);
    TGetBackendMetaResult::new(status(0, ""), vec![be], master())
}

pub fn ingest_req() -> TIngestBinlogRequest {
    TIngestBinlogRequest::new(42, 1001, 5, s("10.0.0.1"), s("8040"), 4, 2002, load_id())
}

pub fn ingest_res() -> TIngestBinlogResult {
    TIngestBinlogResult::new(status(72, "tablet 2002 not found"), false)
}

pub fn query_ingest_req() -> TQueryIngestBinlogRequest {
    TQueryIngestBinlogRequest::new(42, 4, 2002, load_id())
}

pub fn query_ingest_res() -> TQueryIngestBinlogResult {
    TQueryIngestBinlogResult::new(TIngestBinlogStatus::DOING, s("in progress"))
}
