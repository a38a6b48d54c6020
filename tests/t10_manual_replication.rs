//! Replicates one table between two `doris-emu` processes by hand, through the real RPC
//! sequence a syncer uses, with the syncer's own Doris clients:
//! BACKUP → getSnapshot → restoreSnapshot (full copy), then
//! getBinlog → beginTxn → ingest_binlog → commitTxn (incremental), and checks that the
//! target's rows equal the source's and that re-applying a commit with the same label is a
//! no-op. This is the acceptance test of the Doris client layer and the emulator together.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ccr_syncer::doris::fe::{BeginTxn, LabelJobStatus};
use ccr_syncer::doris::{
    quote_ident, BeClient, BeOptions, ClusterSpec, FeClient, FeOptions, SqlClient, SqlOptions,
};
use doris_emu::testing::{EmuOptions, EmuProcess};
use doris_thrift::backend_service::TIngestBinlogRequest;
use doris_thrift::frontend_service::{
    TBeginTxnRequest, TBinlog, TBinlogType, TCommitTxnRequest, TGetBackendMetaRequest,
    TGetBinlogRequest, TGetMasterTokenRequest, TGetMetaDB, TGetMetaRequest, TGetMetaTable,
    TGetMetaTableMeta, TGetSnapshotRequest, TRestoreSnapshotRequest, TSnapshotType,
};
use doris_thrift::status::TStatusCode;
use doris_thrift::types::{TTabletCommitInfo, TUniqueId};

const DB: &str = "ccr_manual";
const TABLE: &str = "orders";

/// One emulated cluster with the clients a syncer would hold for it.
struct Side {
    _emu: EmuProcess,
    spec: ClusterSpec,
    fe: FeClient,
    sql: SqlClient,
}

impl Side {
    fn start(id_base: i64, be_count: usize) -> Side {
        let emu = EmuProcess::start(EmuOptions {
            be_count,
            id_base: Some(id_base),
            ..Default::default()
        })
        .expect("doris-emu starts");
        let spec = ClusterSpec {
            host: "127.0.0.1".into(),
            port: emu.query_port().to_string(),
            thrift_port: emu.rpc_port().to_string(),
            user: "root".into(),
            database: DB.into(),
            table: TABLE.into(),
            ..Default::default()
        };
        let fe = FeClient::new(&spec, FeOptions::default()).expect("fe client");
        let sql = SqlClient::new(&spec, None, SqlOptions::default()).expect("sql client");
        Side {
            _emu: emu,
            spec,
            fe,
            sql,
        }
    }

    async fn exec(&self, sql: &str) {
        self.sql
            .exec(sql)
            .await
            .unwrap_or_else(|e| panic!("`{sql}` failed: {e}"));
    }

    /// Sorted full rows of the replicated table, as text.
    async fn rows(&self) -> Vec<Vec<Option<String>>> {
        let sql = format!("SELECT * FROM {}.{} ORDER BY id", q(DB), q(TABLE));
        let rows = self.sql.query(&sql).await.expect("select");
        rows.iter()
            .map(|r| {
                r.columns()
                    .iter()
                    .map(|c| r.get_opt(c).map(str::to_string))
                    .collect()
            })
            .collect()
    }

    async fn table_meta(&self, table_id: i64) -> TGetMetaTableMeta {
        let db_id = self.db_id().await;
        let req = TGetMetaRequest {
            db: Some(TGetMetaDB {
                id: Some(db_id),
                tables: Some(vec![TGetMetaTable {
                    id: Some(table_id),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let res = self.fe.get_meta(req).await.expect("getMeta");
        let tables = res.db_meta.and_then(|d| d.tables).unwrap_or_default();
        tables.into_iter().next().expect("table in getMeta")
    }

    async fn db_id(&self) -> i64 {
        let rows = self
            .sql
            .query("show proc '/dbs/'")
            .await
            .expect("show proc");
        let row = rows
            .iter()
            .find(|r| r.get_str("DbName").ok() == Some(DB))
            .expect("db listed");
        row.get_i64("DbId").expect("DbId")
    }

    async fn table_id(&self) -> i64 {
        let db_id = self.db_id().await;
        let rows = self
            .sql
            .query(&format!("show proc '/dbs/{db_id}/'"))
            .await
            .expect("show proc tables");
        let row = rows
            .iter()
            .find(|r| r.get_str("TableName").ok() == Some(TABLE))
            .expect("table listed");
        row.get_i64("TableId").expect("TableId")
    }
}

fn q(name: &str) -> String {
    quote_ident(name).expect("valid identifier")
}

/// Polls `check` until it returns `Some`, failing with `what` after `timeout`.
async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(20);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

async fn create_source_table(src: &Side) {
    src.exec(&format!(
        "CREATE DATABASE {} PROPERTIES (\"binlog.enable\" = \"true\")",
        q(DB)
    ))
    .await;
    src.exec(&format!(
        "CREATE TABLE {}.{} (id INT NOT NULL, amount BIGINT SUM NOT NULL DEFAULT \"0\", \
         note VARCHAR(32) REPLACE NULL) AGGREGATE KEY(id) \
         PARTITION BY RANGE(id) (PARTITION p1 VALUES LESS THAN (\"100\"), \
         PARTITION p2 VALUES LESS THAN (\"1000\")) \
         DISTRIBUTED BY HASH(id) BUCKETS 3 \
         PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
        q(DB),
        q(TABLE)
    ))
    .await;
    src.exec(&format!(
        "INSERT INTO {}.{} VALUES (1, 10, 'a'), (2, 20, 'b'), (150, 5, 'c')",
        q(DB),
        q(TABLE)
    ))
    .await;
}

/// BACKUP on the source, returns the snapshot name once FINISHED.
async fn backup(src: &Side) -> String {
    let snapshot = "ccrs_manual_orders_1";
    src.exec(&format!(
        "BACKUP SNAPSHOT {}.{} TO `__keep_on_local__` ON ( {} ) PROPERTIES (\"type\" = \"full\")",
        q(DB),
        q(snapshot),
        q(TABLE)
    ))
    .await;
    let show = format!(
        "SHOW BACKUP FROM {} WHERE SnapshotName = \"{snapshot}\"",
        q(DB)
    );
    wait_for("backup to finish", Duration::from_secs(30), || async {
        let rows = src.sql.query(&show).await.ok()?;
        let state = rows.first()?.get_str("State").ok()?.to_string();
        assert_ne!(state, "CANCELLED", "backup cancelled");
        (state == "FINISHED").then_some(())
    })
    .await;
    snapshot.to_string()
}

/// getSnapshot + extra_info + restoreSnapshot on the target; returns the resume commit seq.
async fn restore(src: &Side, dst: &Side, snapshot: &str, src_table_id: i64) -> i64 {
    let snap = src
        .fe
        .get_snapshot(TGetSnapshotRequest {
            label_name: Some(snapshot.into()),
            snapshot_name: Some(String::new()),
            snapshot_type: Some(TSnapshotType::LOCAL),
            ..Default::default()
        })
        .await
        .expect("getSnapshot");
    let mut job_info: serde_json::Value =
        serde_json::from_slice(snap.job_info.as_deref().expect("job_info")).expect("json");
    let resume = job_info["table_commit_seq_map"][src_table_id.to_string()]
        .as_i64()
        .expect("table_commit_seq_map has the table");
    job_info["extra_info"] = extra_info(src).await;

    dst.exec(&format!("CREATE DATABASE IF NOT EXISTS {}", q(DB)))
        .await;
    let label = format!("{snapshot}_r_1");
    dst.fe
        .restore_snapshot(TRestoreSnapshotRequest {
            label_name: Some(label.clone()),
            repo_name: Some("__keep_on_local__".into()),
            properties: Some(BTreeMap::from([("reserve_replica".into(), "true".into())])),
            meta: snap.meta.clone(),
            job_info: Some(serde_json::to_vec(&job_info).expect("json")),
            atomic_restore: Some(true),
            ..Default::default()
        })
        .await
        .expect("restoreSnapshot");
    let show = format!("SHOW RESTORE FROM {} WHERE Label = \"{label}\"", q(DB));
    wait_for("restore to finish", Duration::from_secs(30), || async {
        let rows = dst.sql.query(&show).await.ok()?;
        let row = rows.first()?;
        let state = row.get_str("State").ok()?.to_string();
        assert_ne!(
            state,
            "CANCELLED",
            "restore cancelled: {:?}",
            row.get_opt("Status")
        );
        (state == "FINISHED").then_some(())
    })
    .await;
    resume
}

/// What the syncer adds to job_info so the target BEs can pull from the source BEs.
async fn extra_info(src: &Side) -> serde_json::Value {
    let token = src
        .fe
        .get_master_token(TGetMasterTokenRequest::default())
        .await
        .expect("getMasterToken")
        .token
        .expect("token");
    let backends = src
        .fe
        .get_backend_meta(TGetBackendMetaRequest::default())
        .await
        .expect("getBackendMeta")
        .backends
        .unwrap_or_default();
    let map: serde_json::Map<String, serde_json::Value> = backends
        .iter()
        .map(|b| {
            let id = b.id.expect("backend id").to_string();
            (id, serde_json::json!({"ip": b.host, "port": b.http_port}))
        })
        .collect();
    serde_json::json!({"be_network_map": map, "token": token})
}

/// The next binlog after `prev`, if any.
async fn next_binlog(src: &Side, prev: i64) -> Option<TBinlog> {
    let res = src
        .fe
        .get_binlog(TGetBinlogRequest {
            prev_commit_seq: Some(prev),
            ..Default::default()
        })
        .await
        .expect("getBinlog");
    let code = res.status.as_ref().map(|s| s.status_code);
    if code == Some(TStatusCode::BINLOG_TOO_NEW_COMMIT_SEQ) {
        return None;
    }
    assert_eq!(code, Some(TStatusCode::OK), "getBinlog status");
    res.binlogs.unwrap_or_default().into_iter().next()
}

/// Applies one UPSERT binlog to the target through a remote transaction. Returns the
/// beginTxn outcome: `Started` = applied and committed; `LabelExists` = nothing applied.
async fn apply_upsert(src: &Side, dst: &Side, ids: (i64, i64), binlog: &TBinlog) -> BeginTxn {
    let (src_table_id, dst_table_id) = ids;
    let record: serde_json::Value =
        serde_json::from_str(binlog.data.as_deref().expect("data")).expect("upsert json");
    let seq = binlog.commit_seq.expect("commit seq");
    let label = format!("ccrj-manual:table_sync:{src_table_id}:{dst_table_id}:{seq}");
    let begin = dst
        .fe
        .begin_txn(TBeginTxnRequest {
            table_ids: Some(vec![dst_table_id]),
            label: Some(label),
            ..Default::default()
        })
        .await
        .expect("beginTxn");
    let BeginTxn::Started { txn_id } = begin else {
        return begin;
    };
    let src_meta = src.table_meta(src_table_id).await;
    let dst_meta = dst.table_meta(dst_table_id).await;
    let table_record = &record["tableRecords"][src_table_id.to_string()];
    let mut commit_infos = Vec::new();
    for part in table_record["partitionRecords"]
        .as_array()
        .expect("partition records")
    {
        let range = part["range"].as_str().expect("range");
        let version = part["version"].as_i64().expect("version");
        commit_infos.extend(
            ingest_partition(src, dst, (&src_meta, &dst_meta), range, version, txn_id).await,
        );
    }
    dst.fe
        .commit_txn(TCommitTxnRequest {
            txn_id: Some(txn_id),
            commit_infos: Some(commit_infos),
            ..Default::default()
        })
        .await
        .expect("commitTxn");
    begin
}

/// ingest_binlog for every tablet of one partition (matched by range, tablets by id order).
async fn ingest_partition(
    src: &Side,
    dst: &Side,
    metas: (&TGetMetaTableMeta, &TGetMetaTableMeta),
    range: &str,
    version: i64,
    txn_id: i64,
) -> Vec<TTabletCommitInfo> {
    let find = |m: &TGetMetaTableMeta| {
        m.partitions
            .clone()
            .unwrap_or_default()
            .into_iter()
            .find(|p| p.range.as_deref() == Some(range))
            .expect("partition with range")
    };
    let (sp, dp) = (find(metas.0), find(metas.1));
    let tablets = |p: &doris_thrift::frontend_service::TGetMetaPartitionMeta| {
        let index = p
            .indexes
            .clone()
            .unwrap_or_default()
            .into_iter()
            .next()
            .expect("index");
        let mut t = index.tablets.unwrap_or_default();
        t.sort_by_key(|t| t.id);
        t
    };
    let (st, dt) = (tablets(&sp), tablets(&dp));
    assert_eq!(st.len(), dt.len(), "tablet counts match");
    let src_bes = backends(src).await;
    let dst_bes = backends(dst).await;
    let be = BeClient::new(BeOptions::default());
    let mut infos = Vec::new();
    for (s, d) in st.iter().zip(dt.iter()) {
        let s_replica = &s.replicas.as_ref().expect("replicas")[0];
        let remote = &src_bes[&s_replica.backend_id.expect("be id")];
        for d_replica in d.replicas.as_ref().expect("replicas") {
            let local_be = d_replica.backend_id.expect("be id");
            let req = TIngestBinlogRequest {
                txn_id: Some(txn_id),
                remote_tablet_id: s.id,
                binlog_version: Some(version),
                remote_host: Some(remote.host.clone()),
                remote_port: Some(remote.http_port.to_string()),
                partition_id: dp.id,
                local_tablet_id: d.id,
                load_id: Some(TUniqueId { hi: -1, lo: -1 }),
            };
            let addr = BeClient::addr_of(&dst_bes[&local_be]);
            be.ingest_binlog(&addr, &req).await.expect("ingest_binlog");
            infos.push(TTabletCommitInfo {
                tablet_id: d.id.expect("tablet id"),
                backend_id: local_be,
                invalid_dict_cols: None,
            });
        }
    }
    infos
}

async fn backends(side: &Side) -> BTreeMap<i64, doris_thrift::types::TBackend> {
    let res = side
        .fe
        .get_backend_meta(TGetBackendMetaRequest::default())
        .await
        .expect("getBackendMeta");
    res.backends
        .unwrap_or_default()
        .into_iter()
        .map(|b| (b.id.expect("id"), b))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_replicates_by_hand_through_the_real_rpc_sequence() {
    let src = Side::start(10_000, 2);
    let dst = Side::start(50_000, 1);
    assert_ne!(src.spec.port, dst.spec.port);

    // Full copy: backup on the source, restore on the target.
    create_source_table(&src).await;
    let src_table_id = src.table_id().await;
    let snapshot = backup(&src).await;
    let mut prev = restore(&src, &dst, &snapshot, src_table_id).await;
    assert_eq!(
        dst.rows().await,
        src.rows().await,
        "target equals source after restore"
    );
    let dst_table_id = dst.table_id().await;
    assert_ne!(
        src_table_id, dst_table_id,
        "clusters allocate their own ids"
    );

    // Incremental: new loads on the source reach the target through remote transactions.
    src.exec(&format!(
        "INSERT INTO {}.{} VALUES (1, 5, 'a2'), (500, 7, 'd')",
        q(DB),
        q(TABLE)
    ))
    .await;
    src.exec(&format!(
        "INSERT INTO {}.{} VALUES (3, 1, NULL)",
        q(DB),
        q(TABLE)
    ))
    .await;
    let mut applied = Vec::new();
    while let Some(binlog) = next_binlog(&src, prev).await {
        prev = binlog.commit_seq.expect("seq");
        if binlog.type_ == Some(TBinlogType::UPSERT) {
            let begun = apply_upsert(&src, &dst, (src_table_id, dst_table_id), &binlog).await;
            let BeginTxn::Started { txn_id } = begun else {
                panic!("a fresh label begins a txn: {begun:?}");
            };
            applied.push((binlog, txn_id));
        }
    }
    assert_eq!(applied.len(), 2, "one UPSERT per source load");
    assert_eq!(
        dst.rows().await,
        src.rows().await,
        "target equals source after ingest"
    );

    // A retried commit with the same label is deduplicated: nothing is applied twice.
    let before = dst.rows().await;
    for (binlog, txn_id) in &applied {
        let ids = (src_table_id, dst_table_id);
        let again = apply_upsert(&src, &dst, ids, binlog).await;
        let BeginTxn::LabelExists {
            txn_id: holder,
            job_status,
            message,
        } = again
        else {
            panic!("label reuse must be rejected: {again:?}");
        };
        assert_eq!(holder, Some(*txn_id), "the holder is the committed txn");
        assert_eq!(job_status, Some(LabelJobStatus::Finished), "{message}");
        assert!(message.contains("has already been used"), "{message}");
    }
    assert_eq!(dst.rows().await, before, "re-applying changed nothing");
}
