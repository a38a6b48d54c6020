use super::*;
use crate::engine::records::BinlogRecord;

fn db_ctx() -> DdlContext {
    DdlContext {
        sync_type: SyncType::Db,
        src_db: "src-db".into(),
        dest_db: "dst`db".into(),
        src_table: String::new(),
        dest_table: String::new(),
        dest_names: BTreeMap::from([(2, "order".to_string())]),
    }
}

fn table_ctx() -> DdlContext {
    DdlContext {
        sync_type: SyncType::Table,
        src_db: "src".into(),
        dest_db: "dst".into(),
        src_table: "t".into(),
        dest_table: "t-alias".into(),
        dest_names: BTreeMap::new(),
    }
}

fn run(ctx: &DdlContext, code: i32, data: &str) -> DdlDecision {
    let rec = BinlogRecord::parse(code, data).expect("parse");
    plan(ctx, &rec)
}

fn sql(d: DdlDecision) -> Vec<String> {
    match d {
        DdlDecision::Execute(v) => v,
        other => panic!("expected Execute, got {other:?}"),
    }
}

#[test]
fn add_partition_range_with_default_buckets() {
    let data = r#"{"dbId":1,"tableId":2,"isTempPartition":false,
      "sql":"ADD PARTITION `p2` VALUES [(\"100\"), (\"200\")) (\"version_info\" = \"1\");",
      "partition":{"distributionInfo":{"type":"HASH","bucketNum":3,
      "distributionColumns":[{"name":"k`1"},{"name":"select"}]}}}"#;
    let s = sql(run(&db_ctx(), 1, data));
    assert_eq!(
        s,
        vec![
            "ALTER TABLE `dst``db`.`order` ADD PARTITION `p2` VALUES [(\"100\"), (\"200\")) \
              (\"version_info\" = \"1\") DISTRIBUTED BY HASH(`k``1`, `select`) BUCKETS 3"
        ]
    );
}

#[test]
fn add_partition_explicit_and_auto_buckets() {
    let explicit = r#"{"tableId":2,"sql":"ADD PARTITION p3 VALUES LESS THAN (\"30\") DISTRIBUTED BY HASH(`k`) BUCKETS 2;","partition":{"di":{"type":"HASH","bucketNum":9}}}"#;
    let s = sql(run(&table_ctx(), 1, explicit));
    assert_eq!(s[0], "ALTER TABLE `dst`.`t-alias` ADD PARTITION p3 VALUES LESS THAN (\"30\") DISTRIBUTED BY HASH(`k`) BUCKETS 2");
    let auto = r#"{"tableId":2,"sql":"ADD PARTITION p4 VALUES IN (((\"a\"))) DISTRIBUTED BY RANDOM BUCKETS AUTO","partition":{"di":{"type":"RANDOM","bucketNum":5}}}"#;
    let s = sql(run(&table_ctx(), 1, auto));
    assert_eq!(s[0], "ALTER TABLE `dst`.`t-alias` ADD PARTITION p4 VALUES IN ((\"a\")) DISTRIBUTED BY RANDOM BUCKETS 5");
}

#[test]
fn add_temp_partition_is_skipped() {
    let d = r#"{"tableId":2,"isTempPartition":true,"sql":"ADD TEMPORARY PARTITION tp VALUES LESS THAN (\"1\")"}"#;
    assert!(matches!(run(&table_ctx(), 1, d), DdlDecision::Skip(_)));
}

#[test]
fn drop_partition_if_exists() {
    let d = r#"{"dbId":1,"tableId":2,"partitionName":"p1","sql":"DROP PARTITION `p1`","forceDrop":false}"#;
    assert_eq!(
        sql(run(&table_ctx(), 3, d)),
        vec!["ALTER TABLE `dst`.`t-alias` DROP PARTITION IF EXISTS `p1`"]
    );
    let tmp = r#"{"tableId":2,"isTempPartition":true,"sql":"DROP TEMPORARY PARTITION `tp`"}"#;
    assert!(matches!(run(&table_ctx(), 3, tmp), DdlDecision::Skip(_)));
}

#[test]
fn create_table_and_view() {
    let t = r#"{"dbId":1,"dbName":"src-db","tableId":9,"tableName":"new t","tableType":"OLAP",
      "sql":"CREATE TABLE `new t` (\n `k` int NULL\n) ENGINE=OLAP DUPLICATE KEY(`k`) DISTRIBUTED BY HASH(`k`) BUCKETS 1"}"#;
    let s = sql(run(&db_ctx(), 2, t));
    assert!(
        s[0].starts_with("CREATE TABLE `dst``db`.`new t` (\n `k` int NULL"),
        "{s:?}"
    );
    let v = r#"{"dbId":1,"tableId":10,"tableName":"v1","tableType":"VIEW",
      "sql":"CREATE VIEW `v1` AS SELECT `internal`.`src-db`.`order`.`k` FROM `internal`.`src-db`.`order`"}"#;
    let s = sql(run(&db_ctx(), 2, v));
    assert_eq!(s[0], "DROP VIEW IF EXISTS `dst``db`.`v1`");
    assert_eq!(s[1], "CREATE VIEW `dst``db`.`v1` AS SELECT `internal`.`dst``db`.`order`.`k` FROM `internal`.`dst``db`.`order`");
    let legacy = r#"{"tableId":11,"tableName":"v2","sql":"CREATE VIEW `v2` AS SELECT * FROM `default_cluster:src-db`.`order`"}"#;
    let s = sql(run(&db_ctx(), 2, legacy));
    assert!(s[1].ends_with("FROM `internal`.`dst``db`.`order`"), "{s:?}");
    assert!(matches!(run(&table_ctx(), 2, t), DdlDecision::Skip(_)));
}

#[test]
fn drop_table_force_if_exists() {
    let d = r#"{"dbId":1,"tableId":2,"tableName":"order","rawSql":"DROP TABLE IF EXISTS `order`"}"#;
    assert_eq!(
        sql(run(&db_ctx(), 4, d)),
        vec!["DROP TABLE IF EXISTS `dst``db`.`order` FORCE"]
    );
    let v = r#"{"tableId":77,"tableName":"v'1","isView":true}"#;
    assert_eq!(
        sql(run(&db_ctx(), 4, v)),
        vec!["DROP VIEW IF EXISTS `dst``db`.`v'1`"]
    );
    let unknown = r#"{"tableId":78}"#;
    assert!(matches!(run(&db_ctx(), 4, unknown), DdlDecision::Block(_)));
}

#[test]
fn alter_job_decisions() {
    let pending = r#"{"type":"SCHEMA_CHANGE","dbId":1,"tableId":2,"tableName":"order","jobId":3,"jobState":"PENDING","rawSql":"","iim":{"20":10}}"#;
    assert!(matches!(run(&db_ctx(), 5, pending), DdlDecision::Skip(_)));
    let BinlogRecord::AlterJob(r) = BinlogRecord::parse(5, pending).unwrap() else {
        panic!()
    };
    assert_eq!(
        shadow_index_update(&r),
        ShadowIndexUpdate::Add(BTreeMap::from([(20, 10)]))
    );
    let fin = pending.replace("PENDING", "FINISHED");
    let want = DdlDecision::PartialSync {
        table: "order".into(),
        partitions: vec![],
        replace: true,
    };
    assert_eq!(run(&db_ctx(), 5, &fin), want);
    let want_t = DdlDecision::PartialSync {
        table: "t".into(),
        partitions: vec![],
        replace: true,
    };
    assert_eq!(
        run(&table_ctx(), 5, &fin.replace("SCHEMA_CHANGE", "ROLLUP")),
        want_t
    );
    let BinlogRecord::AlterJob(r) = BinlogRecord::parse(5, &fin).unwrap() else {
        panic!()
    };
    assert_eq!(shadow_index_update(&r), ShadowIndexUpdate::Remove(vec![20]));
}

#[test]
fn light_schema_change_rewrites_target() {
    let d = r#"{"dbId":1,"tableId":2,"jobId":4,"rawSql":"ALTER TABLE `src`.`t` ADD COLUMN `v2` int NULL DEFAULT \"0\" COMMENT \"\" AFTER `v1`"}"#;
    assert_eq!(sql(run(&table_ctx(), 6, d)), vec!["ALTER TABLE `dst`.`t-alias` ADD COLUMN `v2` int NULL DEFAULT \"0\" COMMENT \"\" AFTER `v1`"]);
    let legacy =
        r#"{"tableId":5,"rawSql":"ALTER TABLE `default_cluster:src-db`.`tbl` DROP COLUMN `c`"}"#;
    assert_eq!(
        sql(run(&db_ctx(), 6, legacy)),
        vec!["ALTER TABLE `dst``db`.`tbl` DROP COLUMN `c`"]
    );
    let rin = r#"{"tableId":2,"rawSql":"ALTER TABLE `src`.`order` ADD COLUMN `x` int REPLACE_IF_NOT_NULL NULL DEFAULT \"null\""}"#;
    assert!(sql(run(&db_ctx(), 6, rin))[0].ends_with("REPLACE_IF_NOT_NULL NULL DEFAULT NULL"));
}

#[test]
fn non_ddl_and_property_decisions() {
    assert!(matches!(run(&db_ctx(), 7, ""), DdlDecision::FullSync(_)));
    assert!(matches!(
        run(&db_ctx(), 8, r#"{"dbId":1,"properties":{"a":"b"}}"#),
        DdlDecision::Skip(_)
    ));
    assert!(matches!(
        run(&db_ctx(), 10, r#"{"dbId":1}"#),
        DdlDecision::Skip(_)
    ));
    assert!(matches!(run(&db_ctx(), 99, "{}"), DdlDecision::Block(_)));
    let prop = r#"{"dbId":1,"tableId":2,"tableName":"order","properties":{"compaction_policy":"x"},"sql":""}"#;
    assert!(matches!(run(&db_ctx(), 9, prop), DdlDecision::Skip(_)));
    let bf =
        r#"{"dbId":1,"tableId":2,"tableName":"order","properties":{"bloom_filter_columns":"k"}}"#;
    assert!(matches!(
        run(&db_ctx(), 9, bf),
        DdlDecision::PartialSync { replace: true, .. }
    ));
}

#[test]
fn modify_partitions_replayed_or_skipped() {
    let d = r#"{"infos":[{"dbId":1,"tableId":2,"partitionId":3,"partitionName":"p'1",
      "dataProperty":{"storageMedium":"SSD"},"replicationNum":-1,
      "tableProperties":{"storage_medium":"SSD","compaction_policy":"time_series"}}]}"#;
    assert_eq!(sql(run(&db_ctx(), 11, d)), vec!["ALTER TABLE `dst``db`.`order` MODIFY PARTITION `p'1` SET ('compaction_policy' = 'time_series')"]);
    let only_medium = r#"{"infos":[{"tableId":2,"partitionId":3,"partitionName":"p1","tableProperties":{"storage_medium":"SSD"}}]}"#;
    assert!(matches!(
        run(&db_ctx(), 11, only_medium),
        DdlDecision::Skip(_)
    ));
}

#[test]
fn replace_partitions_decisions() {
    let strict = r#"{"dbId":1,"dbName":"src","tblId":2,"tblName":"order","partitions":["p1"],"tempPartitions":["tp1"],"strictRange":true,"useTempPartitionName":false}"#;
    let want = DdlDecision::PartialSync {
        table: "order".into(),
        partitions: vec!["p1".into()],
        replace: false,
    };
    assert_eq!(run(&db_ctx(), 12, strict), want);
    let loose = strict.replace("\"strictRange\":true", "\"strictRange\":false");
    assert!(matches!(
        run(&db_ctx(), 12, &loose),
        DdlDecision::FullSync(_)
    ));
}

#[test]
fn truncate_with_partitions() {
    let d = r#"{"dbId":1,"db":"src","tblId":2,"table":"order","isEntireTable":false,"rawSql":"PARTITIONS (`p1`, `p2`)"}"#;
    assert_eq!(
        sql(run(&db_ctx(), 13, d)),
        vec!["TRUNCATE TABLE `dst``db`.`order` PARTITIONS (`p1`, `p2`)"]
    );
    let whole = r#"{"tblId":2,"table":"t","isEntireTable":true,"rawSql":""}"#;
    assert_eq!(
        sql(run(&table_ctx(), 13, whole)),
        vec!["TRUNCATE TABLE `dst`.`t-alias`"]
    );
}

#[test]
fn renames() {
    let t = r#"{"db":1,"tb":2,"ind":-1,"p":-1,"nT":"sel`ect","oT":"order","nR":"","oR":"","nP":"","oP":""}"#;
    assert_eq!(
        sql(run(&db_ctx(), 14, t)),
        vec!["ALTER TABLE `dst``db`.`order` RENAME `sel``ect`"]
    );
    match run(&table_ctx(), 14, t) {
        DdlDecision::Block(reason) => assert!(reason.contains("renamed"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let p = r#"{"db":1,"tb":2,"ind":-1,"p":5,"nT":"","oT":"","nR":"","oR":"","nP":"p-new","oP":"p old"}"#;
    assert_eq!(
        sql(run(&table_ctx(), 14, p)),
        vec!["ALTER TABLE `dst`.`t-alias` RENAME PARTITION `p old` `p-new`"]
    );
    let r = r#"{"db":1,"tb":2,"ind":3,"nR":"r2","oR":"r1"}"#;
    assert_eq!(
        sql(run(&db_ctx(), 21, r)),
        vec!["ALTER TABLE `dst``db`.`order` RENAME ROLLUP `r1` `r2`"]
    );
    let rp = r#"{"db":1,"tb":2,"p":3,"nP":"b","oP":"a"}"#;
    assert_eq!(
        sql(run(&db_ctx(), 22, rp)),
        vec!["ALTER TABLE `dst``db`.`order` RENAME PARTITION `a` `b`"]
    );
}

#[test]
fn column_rename_and_comments() {
    let rc = r#"{"dbId":1,"tableId":2,"colName":"from","newColName":"to`x"}"#;
    assert_eq!(
        sql(run(&table_ctx(), 15, rc)),
        vec!["ALTER TABLE `dst`.`t-alias` RENAME COLUMN `from` `to``x`"]
    );
    let cc = r#"{"type":"COLUMN","dbId":1,"tblId":2,"colToComment":{"a":"it's \"q\" \\ x","b":"plain"}}"#;
    assert_eq!(
        sql(run(&table_ctx(), 16, cc)),
        vec![
            r#"ALTER TABLE `dst`.`t-alias` MODIFY COLUMN `a` COMMENT 'it\'s \"q\" \\ x', MODIFY COLUMN `b` COMMENT 'plain'"#
        ]
    );
    let tc = r#"{"type":"TABLE","tblId":2,"tblComment":"o'k"}"#;
    assert_eq!(
        sql(run(&db_ctx(), 16, tc)),
        vec![r#"ALTER TABLE `dst``db`.`order` MODIFY COMMENT 'o\'k'"#]
    );
}

#[test]
fn view_def_and_rollup_drop() {
    let v = r#"{"dbId":1,"tableId":2,"inlineViewDef":"SELECT `k` FROM `internal`.`src-db`.`x`","sqlMode":0}"#;
    assert_eq!(
        sql(run(&db_ctx(), 17, v)),
        vec!["ALTER VIEW `dst``db`.`order` AS SELECT `k` FROM `internal`.`dst``db`.`x`"]
    );
    let unknown = r#"{"tableId":99,"inlineViewDef":"SELECT 1"}"#;
    assert!(matches!(run(&db_ctx(), 17, unknown), DdlDecision::Block(_)));
    let dr = r#"{"dbId":1,"tableId":2,"tableName":"order","indexId":5,"indexName":"r-1"}"#;
    assert_eq!(
        sql(run(&db_ctx(), 23, dr)),
        vec!["ALTER TABLE `dst``db`.`order` DROP ROLLUP `r-1`"]
    );
}

#[test]
fn barrier_envelope_then_plan() {
    let inner = r#"{"db":1,"tb":2,"ind":3,"nR":"r2","oR":"r1"}"#;
    let env = serde_json::json!({"binlogType": 21, "binlog": inner}).to_string();
    let rec = BinlogRecord::parse(10, &env)
        .unwrap()
        .unwrap_barrier()
        .unwrap();
    assert_eq!(sql(plan(&db_ctx(), &rec)).len(), 1);
}

#[test]
fn context_for_job_needs_names_for_db_jobs() {
    let spec: crate::job::JobSpec =
        serde_json::from_value::<crate::job::CreateCcrRequest>(serde_json::json!({"name": "j",
          "src": {"host":"h","port":"1","thrift_port":"2","user":"u","database":"s"},
          "dest": {"host":"h","port":"1","thrift_port":"2","user":"u","database":"d"}}))
        .unwrap()
        .into_spec()
        .unwrap();
    let rc = r#"{"dbId":1,"tableId":2,"colName":"a","newColName":"b"}"#;
    let ctx = DdlContext::for_job(&spec);
    assert!(matches!(run(&ctx, 15, rc), DdlDecision::Block(_)));
    let ctx = ctx.with_dest_name(2, "t");
    assert_eq!(
        sql(run(&ctx, 15, rc)),
        vec!["ALTER TABLE `d`.`t` RENAME COLUMN `a` `b`"]
    );
}
