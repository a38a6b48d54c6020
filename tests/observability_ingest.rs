//! `ccr_job_rows_ingested_total` / `ccr_job_bytes_ingested_total` of a real node
//! replicating a table between two 3-BE `doris-emu` processes (3 replicas per tablet):
//! after inserts of a known number of rows the rows counter equals that number exactly
//! (each source rowset is counted once, not once per target replica) and bytes are > 0.

mod fleet_common;
mod observability_common;

use std::time::Duration;

use ccr_syncer::doris::{ClusterSpec, SqlClient, SqlOptions};
use doris_emu::testing::{EmuOptions, EmuProcess};
use fleet_common::poll;
use observability_common::{client, get, scrape, value, Node, NodeOpts};
use serde_json::{json, Value};

const JOB: &str = "obs_ingest_job";
/// Multi-row inserts; rows land in both buckets.
const INSERTS: [&str; 2] = [
    "INSERT INTO `obs`.`t` VALUES (1, 1), (2, 1), (3, 1)",
    "INSERT INTO `obs`.`t` VALUES (4, 1), (5, 1), (6, 1), (7, 1)",
];
const ROWS: usize = 7;

async fn emu(id_base: i64) -> (EmuProcess, SqlClient) {
    let emu = tokio::task::spawn_blocking(move || {
        EmuProcess::start(EmuOptions {
            id_base: Some(id_base),
            be_count: 3,
            ..Default::default()
        })
        .expect("doris-emu starts")
    })
    .await
    .expect("spawn_blocking");
    let spec = ClusterSpec {
        host: "127.0.0.1".into(),
        port: emu.query_port().to_string(),
        thrift_port: emu.rpc_port().to_string(),
        user: "root".into(),
        database: "x".into(),
        ..Default::default()
    };
    let sql = SqlClient::new(&spec, None, SqlOptions::default()).expect("sql client");
    (emu, sql)
}

fn side(emu: &EmuProcess) -> Value {
    json!({"host": "127.0.0.1", "port": emu.query_port().to_string(),
           "thrift_port": emu.rpc_port().to_string(), "user": "root", "password": "",
           "database": "obs", "table": "t"})
}

async fn count(sql: &SqlClient) -> Option<usize> {
    Some(sql.query("SELECT id FROM `obs`.`t`").await.ok()?.len())
}

async fn create_job(http: &reqwest::Client, node: &Node, src: &EmuProcess, dst: &EmuProcess) {
    let body = json!({"name": JOB, "src": side(src), "dest": side(dst)});
    let url = format!("http://{}/create_ccr", node.addr());
    let reply: Value = http
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("create answers")
        .json()
        .await
        .expect("create JSON");
    assert_eq!(reply, json!({"success": true}), "create {JOB}");
}

async fn start_node(dir: &std::path::Path, http: &reqwest::Client) -> Node {
    let opts = NodeOpts {
        engine: true,
        ..NodeOpts::default()
    };
    let node = Node::start(dir, 1, opts);
    poll("node ready", Duration::from_secs(30), || async {
        let (status, _) = get(http, &node.addr(), "/ready").await?;
        (status == 200).then_some(())
    })
    .await;
    node
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_and_bytes_ingested_count_each_source_rowset_once() {
    let (src_emu, src) = emu(21_000).await;
    let (dst_emu, dst) = emu(41_000).await;
    src.exec("CREATE DATABASE `obs`").await.expect("db");
    let ddl = "CREATE TABLE `obs`.`t` (id INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
               AGGREGATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2 \
               PROPERTIES (\"replication_num\" = \"3\", \"binlog.enable\" = \"true\")";
    src.exec(ddl).await.expect("table");

    let tmp = tempfile::tempdir().expect("temp dir");
    let http = client();
    let node = start_node(tmp.path(), &http).await;
    create_job(&http, &node, &src_emu, &dst_emu).await;
    // The (empty) table exists on the target once the full sync is done; every row
    // inserted after that is replicated by UPSERT replays.
    poll("full sync done", Duration::from_secs(60), || async {
        (count(&dst).await? == 0).then_some(())
    })
    .await;
    for q in INSERTS {
        src.exec(q).await.expect("insert");
    }
    poll("rows replicated", Duration::from_secs(30), || async {
        (count(&dst).await? == ROWS).then_some(())
    })
    .await;

    let job = [("job", JOB), ("node", "1")];
    // The counters move asynchronously after the ingest: wait for the final values.
    let samples = poll(
        "rows_ingested reaches the inserted row count",
        Duration::from_secs(30),
        || async {
            let samples = scrape(&http, &node.addr()).await?;
            let rows = value(&samples, "ccr_job_rows_ingested_total", &job)?;
            assert!(rows <= ROWS as f64, "rows over-counted: {rows}");
            (rows == ROWS as f64).then_some(samples)
        },
    )
    .await;
    let bytes = value(&samples, "ccr_job_bytes_ingested_total", &job).unwrap_or(0.0);
    assert!(bytes > 0.0, "bytes ingested {bytes}");
    // 3 target replicas per tablet: per-replica counting would have tripled the rows.
    let tablets = value(&samples, "ccr_job_tablets_ingested_total", &job).unwrap_or(0.0);
    assert!(tablets >= 3.0 * INSERTS.len() as f64, "tablets {tablets}");
}
