//! SQL identifiers from requests and binlogs are back-quoted and escaped: a db job and a
//! table job over databases and tables whose names hold back-quotes, quotes, hyphens and
//! SQL keywords replicate to the target unchanged.

mod support;

use std::time::Duration;

use ccr_syncer::doris::{quote_ident, SqlClient};
use ccr_syncer::manager::engine_runner_factory;
use serde_json::json;
use support::api::{app, post};
use support::emu::{emu_ids, side, start_emu};
use support::rows::{dump, wait_pairs_equal};

const DB: &str = "db-`odd'\"select";
const TABLES: [&str; 3] = ["select", "ta-ble'q\"x", "back`tick-from"];
const TABLE_DB: &str = "order";

fn q(name: &str) -> String {
    quote_ident(name).expect("identifier")
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
    let waited = wait_pairs_equal(src, dst, pairs, Duration::from_secs(60)).await;
    waited.unwrap_or_else(|diff| panic!("target never matched: {diff}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_identifiers_replicate() {
    let ((src_emu, src), (dst_emu, dst)) = tokio::task::spawn_blocking(|| {
        let start = |id, be| start_emu(emu_ids(id, be));
        (start(50_000, 10_001), start(80_000, 20_001))
    })
    .await
    .expect("emulators");
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
    let app = app(engine_runner_factory());
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
