//! SQL identifiers from requests and binlogs are back-quoted and escaped: a db job and a
//! table job over databases and tables whose names hold back-quotes, quotes, hyphens and
//! SQL keywords replicate to the target unchanged.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use ccr_syncer::api::{router, ApiState};
use ccr_syncer::doris::{quote_ident, ClusterSpec, SqlClient, SqlOptions};
use ccr_syncer::engine::create::DorisClusterOps;
use ccr_syncer::manager::{engine_runner_factory, JobManager, MemoryJobStore};
use doris_emu::testing::{EmuOptions, EmuProcess};
use serde_json::{json, Value};
use tower::ServiceExt;

const DB: &str = "db-`odd'\"select";
const TABLES: [&str; 3] = ["select", "ta-ble'q\"x", "back`tick-from"];
const TABLE_DB: &str = "order";

fn emu(id_base: i64, be_id_base: i64) -> EmuProcess {
    EmuProcess::start(EmuOptions {
        id_base: Some(id_base),
        be_id_base: Some(be_id_base),
        ..Default::default()
    })
    .expect("doris-emu starts")
}

fn sql(e: &EmuProcess) -> SqlClient {
    let spec = ClusterSpec {
        host: "127.0.0.1".into(),
        port: e.query_port().to_string(),
        thrift_port: e.rpc_port().to_string(),
        user: "root".into(),
        database: "x".into(),
        ..Default::default()
    };
    SqlClient::new(&spec, None, SqlOptions::default()).expect("sql client")
}

fn side(e: &EmuProcess, db: &str, table: &str) -> Value {
    json!({"host": "127.0.0.1", "port": e.query_port().to_string(),
           "thrift_port": e.rpc_port().to_string(), "user": "root", "password": "",
           "database": db, "table": table})
}

fn q(name: &str) -> String {
    quote_ident(name).expect("identifier")
}

async fn post(app: &axum::Router, path: &str, body: Value) -> Value {
    let req = Request::post(path)
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("response");
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .expect("body");
    serde_json::from_slice(&bytes).expect("json reply")
}

async fn dump(c: &SqlClient, query: &str) -> Option<Vec<String>> {
    let rows = c.query(query).await.ok()?;
    Some(
        rows.iter()
            .map(|r| {
                let cols = r.columns();
                cols.iter()
                    .map(|col| format!("{col}={}", r.get_opt(col).unwrap_or("NULL")))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect(),
    )
}

fn create_table(db: &str, t: &str) -> String {
    format!(
        "CREATE TABLE {}.{} (k INT NOT NULL, `from` VARCHAR(32) NULL) DUPLICATE KEY(k) \
         DISTRIBUTED BY HASH(k) BUCKETS 1 \
         PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
        q(db),
        q(t)
    )
}

/// Waits until every `(source query, target query)` pair gives the same non-empty rows.
async fn wait_same(src: &SqlClient, dst: &SqlClient, pairs: &[(String, String)]) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let mut last = None;
        for (a, b) in pairs {
            let (x, y) = (dump(src, a).await, dump(dst, b).await);
            if x.is_none() || x != y || x.as_ref().is_some_and(Vec::is_empty) {
                last = Some(format!("{a}: {x:?} vs {b}: {y:?}"));
            }
        }
        let Some(diff) = last else { return };
        assert!(
            tokio::time::Instant::now() < deadline,
            "target never matched: {diff}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_identifiers_replicate() {
    let (src_emu, dst_emu) =
        tokio::task::spawn_blocking(|| (emu(50_000, 10_001), emu(80_000, 20_001)))
            .await
            .expect("emulators");
    let src = sql(&src_emu);
    let mut stmts = vec![
        format!(
            "CREATE DATABASE {} PROPERTIES (\"binlog.enable\" = \"true\")",
            q(DB)
        ),
        format!(
            "CREATE DATABASE {} PROPERTIES (\"binlog.enable\" = \"true\")",
            q(TABLE_DB)
        ),
        create_table(TABLE_DB, "group"),
        format!(
            "INSERT INTO {}.{} VALUES (1, 'a''b')",
            q(TABLE_DB),
            q("group")
        ),
    ];
    for t in TABLES {
        stmts.push(create_table(DB, t));
        stmts.push(format!(
            "INSERT INTO {}.{} VALUES (1, 'x'), (2, 'y\"z')",
            q(DB),
            q(t)
        ));
    }
    for s in &stmts {
        src.exec(s).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    let manager = JobManager::new(
        Arc::new(MemoryJobStore::new()),
        Arc::new(DorisClusterOps::default()),
        engine_runner_factory(),
    );
    let app = router(ApiState::new(Arc::new(manager)));
    let db_job =
        json!({"name": "odd-db", "src": side(&src_emu, DB, ""), "dest": side(&dst_emu, DB, "")});
    assert_eq!(
        post(&app, "/create_ccr", db_job).await,
        json!({"success": true})
    );
    let tbl_job = json!({"name": "odd.tbl", "src": side(&src_emu, TABLE_DB, "group"),
                         "dest": side(&dst_emu, "to-`db'", "group")});
    assert_eq!(
        post(&app, "/create_ccr", tbl_job).await,
        json!({"success": true})
    );

    let dst = sql(&dst_emu);
    let mut pairs: Vec<(String, String)> = TABLES
        .iter()
        .map(|t| {
            let s = format!("SELECT * FROM {}.{} ORDER BY k", q(DB), q(t));
            (s.clone(), s)
        })
        .collect();
    pairs.push((
        format!("SELECT * FROM {}.{} ORDER BY k", q(TABLE_DB), q("group")),
        format!("SELECT * FROM {}.{} ORDER BY k", q("to-`db'"), q("group")),
    ));
    wait_same(&src, &dst, &pairs).await;

    // Incremental: rows and a new table with an odd name arrive through binlogs.
    let later = [
        format!("INSERT INTO {}.{} VALUES (3, 'w')", q(DB), q(TABLES[0])),
        create_table(DB, "new`-table'"),
        format!("INSERT INTO {}.{} VALUES (7, 'n')", q(DB), q("new`-table'")),
        format!("INSERT INTO {}.{} VALUES (2, 'c')", q(TABLE_DB), q("group")),
    ];
    for s in &later {
        src.exec(s).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    let s = format!("SELECT * FROM {}.{} ORDER BY k", q(DB), q("new`-table'"));
    pairs.push((s.clone(), s));
    wait_same(&src, &dst, &pairs).await;
    let got = dump(&dst, &pairs[pairs.len() - 1].1).await;
    assert_eq!(
        got,
        Some(vec!["k=7,from=n".to_string()]),
        "new table on the target"
    );

    // Malformed or invalid requests get clear errors.
    let bad = post(
        &app,
        "/create_ccr",
        json!({"name": "bad name;drop", "src": side(&src_emu, DB, ""),
                                              "dest": side(&dst_emu, DB, "")}),
    )
    .await;
    assert_eq!(bad["success"], json!(false), "{bad}");
    assert!(
        bad["error_msg"]
            .as_str()
            .unwrap_or("")
            .contains("invalid character"),
        "{bad}"
    );
    let long = "d".repeat(300);
    let bad = post(
        &app,
        "/create_ccr",
        json!({"name": "ok", "src": side(&src_emu, &long, ""),
                                              "dest": side(&dst_emu, DB, "")}),
    )
    .await;
    assert!(
        bad["error_msg"].as_str().unwrap_or("").contains("too long"),
        "{bad}"
    );
}
