//! DDL replay against `doris-emu`: every statement the planner produces for realistic
//! binlog records runs on the target, and replaying it (a crash between apply and
//! checkpoint) either succeeds again or fails with an error classified "already applied".

use std::collections::BTreeMap;

use ccr_syncer::doris::{ClusterSpec, SqlClient, SqlOptions};
use ccr_syncer::engine::ddl::{is_already_applied, plan, DdlContext, DdlDecision};
use ccr_syncer::engine::records::BinlogRecord;
use ccr_syncer::job::SyncType;
use doris_emu::testing::{EmuOptions, EmuProcess};

fn start() -> (EmuProcess, ClusterSpec) {
    let emu = EmuProcess::start(EmuOptions::default()).expect("doris-emu starts");
    let spec = ClusterSpec {
        host: "127.0.0.1".into(),
        port: emu.query_port().to_string(),
        thrift_port: emu.rpc_port().to_string(),
        user: "root".into(),
        database: "dst-db".into(),
        ..Default::default()
    };
    (emu, spec)
}

/// Creates the target db with a plain client, then returns one bound to it (like the
/// runner's DDL client).
async fn db_client(spec: &ClusterSpec) -> SqlClient {
    let plain = SqlClient::new(spec, None, SqlOptions::default()).expect("sql");
    plain
        .exec("CREATE DATABASE IF NOT EXISTS `dst-db`")
        .await
        .expect("db");
    SqlClient::new(spec, Some("dst-db"), SqlOptions::default()).expect("sql")
}

fn ctx() -> DdlContext {
    DdlContext {
        sync_type: SyncType::Db,
        src_db: "src-db".into(),
        dest_db: "dst-db".into(),
        src_table: String::new(),
        dest_table: String::new(),
        dest_names: BTreeMap::from([(2, "order".to_string()), (9, "new t".to_string())]),
    }
}

/// Plans `data`, runs the statements, then replays them.
async fn apply_twice(sql: &SqlClient, code: i32, data: &str) {
    let rec = BinlogRecord::parse(code, data).expect("record");
    let stmts = match plan(&ctx(), &rec) {
        DdlDecision::Execute(s) => s,
        other => panic!("type {code}: expected Execute, got {other:?}"),
    };
    for s in &stmts {
        sql.exec(s).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    for s in &stmts {
        if let Err(e) = sql.exec(s).await {
            let msg = e.to_string();
            assert!(
                is_already_applied(s, &msg),
                "replay of {s} failed unclassified: {msg}"
            );
        }
    }
}

async fn columns(sql: &SqlClient, table: &str) -> Vec<String> {
    let rows = sql
        .query(&format!("DESC `dst-db`.`{table}`"))
        .await
        .expect("desc");
    rows.iter()
        .filter_map(|r| r.get_opt("Field").map(str::to_string))
        .collect()
}

async fn tables(sql: &SqlClient) -> Vec<String> {
    let rows = sql
        .query("SHOW TABLES FROM `dst-db`")
        .await
        .expect("show tables");
    let mut v: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            r.columns()
                .first()
                .and_then(|c| r.get_opt(c))
                .map(str::to_string)
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planned_ddl_runs_and_replays_on_the_emulator() {
    let (_emu, spec) = start();
    let sql = db_client(&spec).await;
    sql.exec(
        "CREATE TABLE `dst-db`.`order` (k INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
         AGGREGATE KEY(k) PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\")) \
         DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\")",
    )
    .await
    .expect("table");

    let add_p = r#"{"dbId":1,"tableId":2,"isTempPartition":false,
      "sql":"ADD PARTITION `p2` VALUES [(\"10\"), (\"20\"));",
      "partition":{"distributionInfo":{"type":"HASH","bucketNum":3,"distributionColumns":[{"name":"k"}]}}}"#;
    apply_twice(&sql, 1, add_p).await;
    let add_c = r#"{"dbId":1,"tableId":2,"rawSql":"ALTER TABLE `src-db`.`order` ADD COLUMN `v2` BIGINT SUM NULL DEFAULT \"0\""}"#;
    apply_twice(&sql, 6, add_c).await;
    apply_twice(
        &sql,
        15,
        r#"{"dbId":1,"tableId":2,"colName":"v2","newColName":"v3"}"#,
    )
    .await;
    assert_eq!(columns(&sql, "order").await, vec!["k", "v", "v3"]);
    let cc = r#"{"type":"COLUMN","dbId":1,"tblId":2,"colToComment":{"v":"it's \"v\""}}"#;
    apply_twice(&sql, 16, cc).await;
    apply_twice(
        &sql,
        16,
        r#"{"type":"TABLE","dbId":1,"tblId":2,"tblComment":"o'k"}"#,
    )
    .await;
    sql.exec("INSERT INTO `dst-db`.`order` VALUES (1, 1, 1), (15, 2, 2)")
        .await
        .expect("insert");
    let tr = r#"{"dbId":1,"db":"src-db","tblId":2,"table":"order","isEntireTable":false,"rawSql":"PARTITIONS (`p1`)"}"#;
    apply_twice(&sql, 13, tr).await;
    let left = sql
        .query("SELECT k FROM `dst-db`.`order`")
        .await
        .expect("select");
    assert_eq!(left.len(), 1, "only p2's row survives the truncate");
    apply_twice(
        &sql,
        3,
        r#"{"dbId":1,"tableId":2,"partitionName":"p2","sql":"DROP PARTITION `p2`"}"#,
    )
    .await;
    let drop_c =
        r#"{"dbId":1,"tableId":2,"rawSql":"ALTER TABLE `src-db`.`order` DROP COLUMN `v3`"}"#;
    apply_twice(&sql, 6, drop_c).await;
    assert_eq!(columns(&sql, "order").await, vec!["k", "v"]);

    let create = r#"{"dbId":1,"tableId":9,"tableName":"new t","tableType":"OLAP",
      "sql":"CREATE TABLE `new t` (\n  `k` INT NOT NULL\n) ENGINE=OLAP\nDUPLICATE KEY(`k`)\nDISTRIBUTED BY HASH(`k`) BUCKETS 1\nPROPERTIES (\"replication_num\" = \"1\")"}"#;
    apply_twice(&sql, 2, create).await;
    let view = r#"{"dbId":1,"tableId":10,"tableName":"v1","tableType":"VIEW",
      "sql":"CREATE VIEW `v1` AS SELECT `k` FROM `internal`.`src-db`.`order`"}"#;
    apply_twice(&sql, 2, view).await;
    let rename = r#"{"db":1,"tb":9,"ind":-1,"p":-1,"nT":"renamed","oT":"new t","nR":"","oR":"","nP":"","oP":""}"#;
    apply_twice(&sql, 14, rename).await;
    assert_eq!(tables(&sql).await, vec!["order", "renamed", "v1"]);
    apply_twice(&sql, 4, r#"{"dbId":1,"tableId":11,"tableName":"renamed"}"#).await;
    apply_twice(
        &sql,
        4,
        r#"{"dbId":1,"tableId":10,"tableName":"v1","isView":true}"#,
    )
    .await;
    assert_eq!(tables(&sql).await, vec!["order"]);
}
