// Doris FrontendService subset used by CCR (shared/reference/doris-protocol.md §2-§3).
// Field ids, types and requiredness follow the wire contract exactly; "(master)"
// fields are later optional additions.

include "Status.thrift"
include "Types.thrift"

enum TBinlogType {
  UPSERT = 0,
  ADD_PARTITION = 1,
  CREATE_TABLE = 2,
  DROP_PARTITION = 3,
  DROP_TABLE = 4,
  ALTER_JOB = 5,
  MODIFY_TABLE_ADD_OR_DROP_COLUMNS = 6,
  DUMMY = 7,
  ALTER_DATABASE_PROPERTY = 8,
  MODIFY_TABLE_PROPERTY = 9,
  BARRIER = 10,
  MODIFY_PARTITIONS = 11,
  REPLACE_PARTITIONS = 12,
  TRUNCATE_TABLE = 13,
  RENAME_TABLE = 14,
  RENAME_COLUMN = 15,
  MODIFY_COMMENT = 16,
  MODIFY_VIEW_DEF = 17,
  REPLACE_TABLE = 18,
  MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES = 19,
  INDEX_CHANGE_JOB = 20,
  RENAME_ROLLUP = 21,
  RENAME_PARTITION = 22,
  DROP_ROLLUP = 23,
  RECOVER_INFO = 24,
  MODIFY_DISTRIBUTION_BUCKET_NUM = 25,
  MODIFY_DISTRIBUTION_TYPE = 26,
  MIN_UNKNOWN = 27
}

enum TSnapshotType {
  REMOTE = 0,
  LOCAL = 1
}

enum TSubTxnType {
  INSERT = 0,
  DELETE = 1
}

// Placeholder: CCR never sets it; unknown fields are skipped when decoding.
struct TTxnCommitAttachment {
}

struct TSubTxnInfo {
  1: optional i64 sub_txn_id
  2: optional i64 table_id
  3: optional list<Types.TTabletCommitInfo> tablet_commit_infos
  4: optional TSubTxnType sub_txn_type
}

struct TBeginTxnRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional list<i64> table_ids
  6: optional string user_ip
  7: optional string label
  8: optional i64 auth_code
  9: optional i64 timeout
  10: optional Types.TUniqueId request_id
  11: optional string token
  12: optional i64 backend_id
  13: optional i64 sub_txn_num = 0
}

struct TBeginTxnResult {
  1: optional Status.TStatus status
  2: optional i64 txn_id
  3: optional string job_status
  4: optional i64 db_id
  5: optional Types.TNetworkAddress master_address
  6: optional list<i64> sub_txn_ids
}

struct TCommitTxnRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string user_ip
  6: optional i64 txn_id
  7: optional list<Types.TTabletCommitInfo> commit_infos
  8: optional i64 auth_code
  9: optional TTxnCommitAttachment txn_commit_attachment
  10: optional i64 thrift_rpc_timeout_ms
  11: optional string token
  12: optional i64 db_id
  13: optional bool txn_insert
  14: optional list<TSubTxnInfo> sub_txn_infos
  15: optional bool only_commit
}

struct TCommitTxnResult {
  1: optional Status.TStatus status
  2: optional Types.TNetworkAddress master_address
}

struct TRollbackTxnRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string user_ip
  6: optional i64 txn_id
  7: optional string reason
  9: optional i64 auth_code
  10: optional TTxnCommitAttachment txn_commit_attachment
  11: optional string token
  12: optional i64 db_id
}

struct TRollbackTxnResult {
  1: optional Status.TStatus status
  2: optional Types.TNetworkAddress master_address
}

struct TGetBinlogRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string table
  6: optional i64 table_id
  7: optional string user_ip
  8: optional string token
  9: optional i64 prev_commit_seq
  10: optional i64 num_acquired
  11: optional bool allow_follower_read
}

typedef TGetBinlogRequest TGetBinlogLagRequest

struct TBinlog {
  1: optional i64 commit_seq
  2: optional i64 timestamp
  3: optional TBinlogType type
  4: optional i64 db_id
  5: optional list<i64> table_ids
  6: optional string data
  7: optional i64 belong
  8: optional i64 table_ref
  9: optional bool remove_enable_cache
}

struct TGetBinlogResult {
  1: optional Status.TStatus status
  2: optional i64 next_commit_seq
  3: optional list<TBinlog> binlogs
  4: optional string fe_version
  5: optional i64 fe_meta_version
  6: optional Types.TNetworkAddress master_address
}

struct TGetBinlogLagResult {
  1: optional Status.TStatus status
  2: optional i64 lag
  3: optional Types.TNetworkAddress master_address
  4: optional i64 first_commit_seq
  5: optional i64 last_commit_seq
  6: optional i64 first_binlog_timestamp
  7: optional i64 last_binlog_timestamp
  8: optional i64 next_commit_seq
  9: optional i64 next_binlog_timestamp
}

struct TGetSnapshotRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string table
  6: optional string token
  7: optional string label_name
  8: optional string snapshot_name
  9: optional TSnapshotType snapshot_type
  10: optional bool enable_compress
}

struct TGetSnapshotResult {
  1: optional Status.TStatus status
  2: optional binary meta
  3: optional binary job_info
  4: optional Types.TNetworkAddress master_address
  5: optional bool compressed
  6: optional i64 expiredAt
  7: optional i64 commit_seq
}

struct TTableRef {
  1: optional string table
  3: optional string alias_name
}

struct TRestoreSnapshotRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string db
  5: optional string table
  6: optional string token
  7: optional string label_name
  8: optional string repo_name
  9: optional list<TTableRef> table_refs
  10: optional map<string, string> properties
  11: optional binary meta
  12: optional binary job_info
  13: optional bool clean_tables
  14: optional bool clean_partitions
  15: optional bool atomic_restore
  16: optional bool compressed
  17: optional bool force_replace
}

struct TRestoreSnapshotResult {
  1: optional Status.TStatus status
  2: optional Types.TNetworkAddress master_address
}

struct TGetMasterTokenRequest {
  1: optional string cluster
  2: optional string user
  3: optional string password
}

struct TGetMasterTokenResult {
  1: optional Status.TStatus status
  2: optional string token
  3: optional Types.TNetworkAddress master_address
}

struct TGetMetaReplica {
  1: optional i64 id
}

struct TGetMetaTablet {
  1: optional i64 id
  2: optional list<TGetMetaReplica> replicas
}

struct TGetMetaIndex {
  1: optional i64 id
  2: optional string name
  3: optional list<TGetMetaTablet> tablets
}

struct TGetMetaPartition {
  1: optional i64 id
  2: optional string name
  3: optional string key
  4: optional string range
  5: optional bool is_temp
  6: optional list<TGetMetaIndex> indexes
}

struct TGetMetaTable {
  1: optional i64 id
  2: optional string name
  3: optional bool in_trash
  4: optional list<TGetMetaPartition> partitions
}

struct TGetMetaDB {
  1: optional i64 id
  2: optional string name
  3: optional bool only_table_names
  4: optional list<TGetMetaTable> tables
}

struct TGetMetaRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string user_ip
  5: optional string token
  6: optional TGetMetaDB db
}

struct TGetMetaReplicaMeta {
  1: optional i64 id
  2: optional i64 backend_id
  3: optional i64 version
}

struct TGetMetaTabletMeta {
  1: optional i64 id
  2: optional list<TGetMetaReplicaMeta> replicas
}

struct TGetMetaIndexMeta {
  1: optional i64 id
  2: optional string name
  3: optional list<TGetMetaTabletMeta> tablets
}

struct TGetMetaPartitionMeta {
  1: optional i64 id
  2: optional string name
  3: optional string key
  4: optional string range
  5: optional i64 visible_version
  6: optional bool is_temp
  7: optional list<TGetMetaIndexMeta> indexes
}

struct TGetMetaTableMeta {
  1: optional i64 id
  2: optional string name
  3: optional bool in_trash
  4: optional list<TGetMetaPartitionMeta> partitions
  5: optional string type
}

struct TGetMetaDBMeta {
  1: optional i64 id
  2: optional string name
  3: optional list<TGetMetaTableMeta> tables
  4: optional list<i64> dropped_partitions
  5: optional list<i64> dropped_tables
  6: optional list<i64> dropped_indexes
  7: optional map<i64, i64> dropped_partition_map
  8: optional map<i64, i64> dropped_table_map
  9: optional map<i64, i64> dropped_index_map
}

struct TGetMetaResult {
  1: required Status.TStatus status
  2: optional TGetMetaDBMeta db_meta
  3: optional Types.TNetworkAddress master_address
}

struct TGetBackendMetaRequest {
  1: optional string cluster
  2: optional string user
  3: optional string passwd
  4: optional string user_ip
  5: optional string token
  6: optional i64 backend_id
}

struct TGetBackendMetaResult {
  1: required Status.TStatus status
  2: optional list<Types.TBackend> backends
  3: optional Types.TNetworkAddress master_address
}

service FrontendService {
  TGetBinlogResult getBinlog(1: TGetBinlogRequest request)
  TGetBinlogLagResult getBinlogLag(1: TGetBinlogLagRequest request)
  TBeginTxnResult beginTxn(1: TBeginTxnRequest request)
  TCommitTxnResult commitTxn(1: TCommitTxnRequest request)
  TRollbackTxnResult rollbackTxn(1: TRollbackTxnRequest request)
  TGetSnapshotResult getSnapshot(1: TGetSnapshotRequest request)
  TRestoreSnapshotResult restoreSnapshot(1: TRestoreSnapshotRequest request)
  TGetMasterTokenResult getMasterToken(1: TGetMasterTokenRequest request)
  TGetMetaResult getMeta(1: TGetMetaRequest request)
  TGetBackendMetaResult getBackendMeta(1: TGetBackendMetaRequest request)
}
