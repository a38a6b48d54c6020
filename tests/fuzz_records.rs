//! Fuzz target: binlog JSON payloads (`BinlogRecord::parse(type_code, data)`), the data
//! the source FE hands the syncer in `TBinlog.data`.
//!
//! Inputs: a sample payload of every known type with random field values (and BARRIER
//! envelopes wrapping them), the same payloads with type-confusing JSON edits and byte
//! mutations, deep nesting, and raw text under random type codes. Property: parsing never
//! panics, the heap stays under the cap of `mutate.rs`, and a payload that parses
//! re-serializes to one that parses to the same record. `FUZZ_CASES=N` scales the run.

#[path = "fuzz_common/json.rs"]
mod json;
#[path = "fuzz_common/mutate.rs"]
mod mutate;

use ccr_syncer::engine::records::BinlogRecord;
use proptest::prelude::*;
use serde_json::Value;

/// One valid payload per type code, with nested content so shapes carry element types.
const SAMPLES: &[(i32, &str)] = &[
    (
        0,
        r#"{"commitSeq":120,"txnId":33,"timeStamp":1700000000000,"label":"l1","dbId":10001,
      "tableRecords":{"10002":{"partitionRecords":[{"partitionId":10003,"range":"[0,100)",
      "version":5,"isTempPartition":false,"stid":9}],"indexIds":[10004]}},"stids":[9]}"#,
    ),
    (
        1,
        r#"{"dbId":1,"tableId":2,"isTempPartition":false,"sql":"ADD PARTITION `p2`",
      "partition":{"distributionInfo":{"type":"HASH","bucketNum":3,
      "distributionColumns":[{"name":"k1","type":"INT"}]}}}"#,
    ),
    (
        1,
        r#"{"tableId":2,"sql":"ADD PARTITION p","partition":{"di":{"type":"RANDOM","bucketNum":2}}}"#,
    ),
    (
        2,
        r#"{"dbId":1,"dbName":"src-db","tableId":9,"tableName":"t","tableType":"OLAP","sql":"CREATE TABLE t (k INT)"}"#,
    ),
    (
        3,
        r#"{"dbId":1,"tableId":2,"partitionName":"p1","sql":"DROP PARTITION `p1`","forceDrop":false,"isTempPartition":false}"#,
    ),
    (
        4,
        r#"{"dbId":1,"tableId":2,"tableName":"order","rawSql":"DROP TABLE `order`","isView":false}"#,
    ),
    (
        5,
        r#"{"type":"SCHEMA_CHANGE","dbId":1,"tableId":2,"tableName":"t","jobId":5,"jobState":"PENDING","rawSql":"x","iim":{"20":10}}"#,
    ),
    (
        6,
        r#"{"dbId":1,"tableId":2,"jobId":4,"rawSql":"ALTER TABLE `t` ADD COLUMN `v2` int"}"#,
    ),
    (8, r#"{"dbId":1,"properties":{"a":"b"}}"#),
    (
        9,
        r#"{"dbId":1,"tableId":2,"tableName":"t","properties":{"k":"v"},"sql":"x"}"#,
    ),
    (10, r#"{"dbId":1,"dbName":"d","tableId":2,"tableName":"t"}"#),
    (
        11,
        r#"{"infos":[{"dbId":1,"tableId":2,"partitionId":3,"partitionName":"p1",
      "dataProperty":{"storageMedium":"SSD","cooldownTimeMs":0},"replicationNum":-1,
      "isInMemory":false,"tableProperties":{"a":"b"}}]}"#,
    ),
    (
        12,
        r#"{"dbId":1,"dbName":"src","tblId":2,"tblName":"order","partitions":["p1"],"tempPartitions":["tp1"],"strictRange":true,"useTempPartitionName":false}"#,
    ),
    (
        13,
        r#"{"dbId":1,"db":"src","tblId":2,"table":"order","isEntireTable":false,"rawSql":"PARTITIONS (`p1`)"}"#,
    ),
    (
        14,
        r#"{"db":1,"tb":2,"ind":-1,"p":-1,"nT":"new-t","oT":"old`t","nR":"","oR":"","nP":"","oP":""}"#,
    ),
    (
        15,
        r#"{"dbId":1,"tableId":2,"colName":"from","newColName":"to`x","indexIdToSchemaVersion":{"3":1}}"#,
    ),
    (
        16,
        r#"{"type":"COLUMN","dbId":1,"tblId":2,"colToComment":{"c":"it's"},"tblComment":""}"#,
    ),
    (
        17,
        r#"{"dbId":1,"tableId":2,"inlineViewDef":"SELECT 1","sqlMode":0}"#,
    ),
    (21, r#"{"db":1,"tb":2,"ind":3,"nR":"r2","oR":"r1"}"#),
    (22, r#"{"db":1,"tb":2,"p":3,"nP":"b","oP":"a"}"#),
    (
        23,
        r#"{"dbId":1,"tableId":2,"tableName":"t","indexName":"r1","indexId":3}"#,
    ),
];

/// A sample's type code and parsed template.
fn sample() -> impl Strategy<Value = (i32, Value)> {
    prop::sample::select(SAMPLES).prop_map(|(code, text)| {
        let v: Value = serde_json::from_str(text).expect("sample is JSON");
        (code, v)
    })
}

/// `(type code, payload)`: a sample with random field values, sometimes in a BARRIER
/// envelope (`binlogType` + `binlog` as a JSON string, as master FEs send).
fn valid_payload() -> impl Strategy<Value = (i32, Value)> {
    (sample(), any::<bool>())
        .prop_flat_map(|((code, template), wrap)| (Just(code), json::shaped(&template), Just(wrap)))
        .prop_map(|(code, v, wrap)| {
            if wrap {
                let env =
                    serde_json::json!({"dbId": 1, "binlogType": code, "binlog": v.to_string()});
                (10, env)
            } else {
                (code, v)
            }
        })
}

/// The inner record as JSON, for the re-serialization round trip.
fn reserialize(r: &BinlogRecord) -> Option<String> {
    use BinlogRecord as R;
    let v = match r {
        R::Upsert(x) => serde_json::to_string(x),
        R::AddPartition(x) => serde_json::to_string(x),
        R::CreateTable(x) => serde_json::to_string(x),
        R::DropPartition(x) => serde_json::to_string(x),
        R::DropTable(x) => serde_json::to_string(x),
        R::AlterJob(x) => serde_json::to_string(x),
        R::ModifyColumns(x) => serde_json::to_string(x),
        R::AlterDatabaseProperty(x) => serde_json::to_string(x),
        R::ModifyTableProperty(x) => serde_json::to_string(x),
        R::Barrier(x) => serde_json::to_string(x),
        R::ModifyPartitions(x) => serde_json::to_string(x),
        R::ReplacePartitions(x) => serde_json::to_string(x),
        R::TruncateTable(x) => serde_json::to_string(x),
        R::RenameTable(x) => serde_json::to_string(x),
        R::RenameColumn(x) => serde_json::to_string(x),
        R::ModifyComment(x) => serde_json::to_string(x),
        R::ModifyViewDef(x) => serde_json::to_string(x),
        R::RenameRollup(x) => serde_json::to_string(x),
        R::RenamePartition(x) => serde_json::to_string(x),
        R::DropRollup(x) => serde_json::to_string(x),
        R::Dummy | R::Unknown { .. } => return None,
    };
    Some(v.expect("a parsed record serializes"))
}

/// Parses and exercises what the engine calls next; returns the record when valid.
fn parse_all(code: i32, data: &str) -> Option<BinlogRecord> {
    match BinlogRecord::parse(code, data) {
        Ok(rec) => {
            let _ = (rec.table_id(), rec.binlog_type().name());
            if let Ok(inner) = rec.clone().unwrap_barrier() {
                let _ = (inner.table_id(), inner.binlog_type().to_string());
            }
            Some(rec)
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            None
        }
    }
}

/// A record that parsed must survive serialize → parse unchanged.
fn round_trips(code: i32, rec: &BinlogRecord) {
    if let Some(text) = reserialize(rec) {
        let again = BinlogRecord::parse(code, &text)
            .unwrap_or_else(|e| panic!("re-serialized {code} does not parse: {e}: {text}"));
        assert_eq!(&again, rec, "type {code} changed through {text}");
    }
}

fn any_code() -> impl Strategy<Value = i32> {
    prop_oneof![4 => 0i32..30, 1 => any::<i32>()]
}

proptest! {
    #![proptest_config(mutate::config(300))]

    #[test]
    fn valid_payloads_round_trip((code, v) in valid_payload()) {
        if let Some(rec) = parse_all(code, &v.to_string()) {
            round_trips(code, &rec);
        }
    }

    #[test]
    fn json_edits_never_panic(
        (code, v) in valid_payload(),
        edits in json::json_edits(),
        other_code in any_code(),
    ) {
        let doc = json::apply_edits(&v, &edits);
        let data = doc.to_string();
        for c in [code, other_code] {
            // serde_json may move a float by one ULP on re-parse: no exact round trip there.
            match parse_all(c, &data) {
                Some(rec) if !json::has_float(&doc) => round_trips(c, &rec),
                _ => {}
            }
        }
    }

    #[test]
    fn byte_mutations_never_panic(
        (code, v) in valid_payload(),
        (_, donor) in valid_payload(),
        muts in mutate::mutations(),
    ) {
        let data = mutate::apply_text(&v.to_string(), &donor.to_string(), &muts);
        parse_all(code, &data);
    }

    #[test]
    fn raw_text_never_panics(
        code in any_code(),
        text in mutate::noisy_text(),
        depth in 0usize..5000,
        object in any::<bool>(),
    ) {
        parse_all(code, &text);
        parse_all(code, &json::deep_text(depth, object));
        let env = serde_json::json!({"binlogType": code, "binlog": text}).to_string();
        parse_all(10, &env);
    }
}
