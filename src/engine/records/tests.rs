use super::*;

fn parse(code: i32, data: &str) -> BinlogRecord {
    BinlogRecord::parse(code, data).unwrap()
}

#[test]
fn upsert_with_string_id_keys_and_unknown_fields() {
    let data = r#"{"commitSeq":120,"txnId":33,"timeStamp":1700000000000,"label":"l1",
      "dbId":10001,"newField":{"x":1},
      "tableRecords":{"10002":{"partitionRecords":[{"partitionId":10003,
      "range":"[types: [INT]; keys: [0]; ..types: [INT]; keys: [100]; )","version":5,
      "isTempPartition":false,"stid":9}],"indexIds":[10004]}},"stids":[9]}"#;
    let BinlogRecord::Upsert(u) = parse(0, data) else {
        panic!("not upsert")
    };
    assert_eq!(u.commit_seq, 120);
    let t = &u.table_records[&10002];
    assert_eq!(t.partition_records[0].version, 5);
    assert_eq!(t.partition_records[0].stid, Some(9));
    assert_eq!(t.index_ids, vec![10004]);
}

#[test]
fn add_partition_old_and_new_distribution() {
    let old = r#"{"dbId":1,"tableId":2,"isTempPartition":false,
      "sql":"ADD PARTITION `p2` VALUES [(\"100\"), (\"200\")) (\"version_info\" = \"1\");",
      "partition":{"distributionInfo":{"type":"HASH","bucketNum":3,
      "distributionColumns":[{"name":"k1","type":"INT"}]}}}"#;
    let BinlogRecord::AddPartition(a) = parse(1, old) else {
        panic!()
    };
    assert_eq!(a.distribution().unwrap().bucket_num, 3);
    let new = r#"{"tableId":2,"sql":"ADD PARTITION p","partition":{"di":{"type":"RANDOM","bucketNum":2}}}"#;
    let BinlogRecord::AddPartition(a) = parse(1, new) else {
        panic!()
    };
    assert_eq!(a.distribution().unwrap().kind, "RANDOM");
}

#[test]
fn missing_required_fields_are_typed_errors() {
    let cases = [
        (1, r#"{"tableId":2}"#, "sql"),
        (2, r#"{"sql":"CREATE TABLE t"}"#, "tableId"),
        (3, r#"{"tableId":2}"#, "sql"),
        (4, r#"{}"#, "tableId"),
        (5, r#"{"tableId":2}"#, "tableName"),
        (6, r#"{"tableId":2}"#, "rawSql"),
        (12, r#"{"tblId":2,"tblName":"t"}"#, "tempPartitions"),
        (13, r#"{}"#, "tblId"),
        (14, r#"{"nT":"x"}"#, "tb"),
        (15, r#"{"tableId":1,"colName":"a"}"#, "newColName"),
        (16, r#"{"type":"TABLE"}"#, "tblId"),
        (23, r#"{"tableId":1,"tableName":"t"}"#, "indexName"),
    ];
    for (code, data, field) in cases {
        match BinlogRecord::parse(code, data) {
            Err(RecordError::MissingField { field: f, .. }) => assert_eq!(f, field, "{code}"),
            other => panic!("type {code}: expected missing {field}, got {other:?}"),
        }
    }
}

#[test]
fn malformed_payloads_never_panic() {
    for code in 0..30 {
        for data in ["", "not json", "[1,2]", r#"{"tableId":"abc"}"#, "{\"sql\":"] {
            match BinlogRecord::parse(code, data) {
                Ok(BinlogRecord::Unknown { .. } | BinlogRecord::Dummy) => {}
                Ok(BinlogRecord::Barrier(_)) if data.is_empty() => {}
                // Records without a tableId field ignore it (unknown fields are tolerated).
                Ok(
                    BinlogRecord::Upsert(_)
                    | BinlogRecord::ModifyPartitions(_)
                    | BinlogRecord::AlterDatabaseProperty(_),
                ) if data == r#"{"tableId":"abc"}"# => {}
                Ok(r) => panic!("type {code} {data:?}: unexpected success {r:?}"),
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }
}

#[test]
fn rename_table_short_keys() {
    let d = r#"{"db":1,"tb":2,"ind":-1,"p":-1,"nT":"new-t","oT":"old`t","nR":"","oR":"","nP":"","oP":""}"#;
    let BinlogRecord::RenameTable(r) = parse(14, d) else {
        panic!()
    };
    assert_eq!(r.new_table_name, "new-t");
    assert_eq!(r.old_table_name, "old`t");
    assert_eq!(r.index_id, -1);
}

#[test]
fn barrier_plain_and_envelope() {
    let BinlogRecord::Barrier(b) = parse(10, r#"{"dbId":1,"tableId":2}"#) else {
        panic!()
    };
    assert!(b.wrapped().is_none());
    let inner = r#"{"db":1,"tb":2,"p":3,"nP":"p_new","oP":"p_old"}"#;
    let env = serde_json::json!({"dbId":1,"binlogType":22,"binlog":inner}).to_string();
    let rec = parse(10, &env).unwrap_barrier().unwrap();
    let BinlogRecord::RenamePartition(r) = rec else {
        panic!("{rec:?}")
    };
    assert_eq!(r.new_partition_name, "p_new");
}

#[test]
fn other_types_decode() {
    let mp = r#"{"infos":[{"dbId":1,"tableId":2,"partitionId":3,"partitionName":"p1",
      "dataProperty":{"storageMedium":"SSD","cooldownTimeMs":0},"replicationNum":-1,
      "isInMemory":false,"tableProperties":{"a":"b"}}]}"#;
    let BinlogRecord::ModifyPartitions(m) = parse(11, mp) else {
        panic!()
    };
    assert_eq!(m.infos[0].table_properties["a"], "b");
    let aj = r#"{"type":"SCHEMA_CHANGE","dbId":1,"tableId":2,"tableName":"t","jobId":5,
      "jobState":"PENDING","rawSql":"x","iim":{"20":10}}"#;
    let BinlogRecord::AlterJob(a) = parse(5, aj) else {
        panic!()
    };
    assert_eq!(a.iim[&20], 10);
    assert!(a.is_schema_change());
    assert!(matches!(parse(7, ""), BinlogRecord::Dummy));
    assert!(matches!(
        parse(99, "{}"),
        BinlogRecord::Unknown { type_code: 99, .. }
    ));
    let mc = r#"{"type":"COLUMN","dbId":1,"tblId":2,"colToComment":{"c":"it's"},"tblComment":""}"#;
    assert!(matches!(parse(16, mc), BinlogRecord::ModifyComment(_)));
    let mv = r#"{"dbId":1,"tableId":2,"inlineViewDef":"SELECT 1","sqlMode":0}"#;
    assert!(matches!(parse(17, mv), BinlogRecord::ModifyViewDef(_)));
    let tp = r#"{"dbId":1,"tableId":2,"tableName":"t","properties":{"k":"v"},"sql":"x"}"#;
    assert!(matches!(parse(9, tp), BinlogRecord::ModifyTableProperty(_)));
    assert!(matches!(
        parse(8, r#"{"dbId":1,"properties":{}}"#),
        BinlogRecord::AlterDatabaseProperty(_)
    ));
    let rr = r#"{"db":1,"tb":2,"ind":3,"nR":"r2","oR":"r1"}"#;
    assert!(matches!(parse(21, rr), BinlogRecord::RenameRollup(_)));
    assert_eq!(BinlogType::from_code(11).name(), "MODIFY_PARTITIONS");
    assert_eq!(BinlogType::from_code(40).to_string(), "UNKNOWN(40)");
}
