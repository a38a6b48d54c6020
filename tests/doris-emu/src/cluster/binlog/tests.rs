use super::*;

fn entry(seq: i64, ts: i64, kind: i32, tables: &[i64], data: &str) -> BinlogEntry {
    BinlogEntry {
        commit_seq: seq,
        timestamp_ms: ts,
        kind,
        db_id: 1,
        table_ids: tables.to_vec(),
        data: data.into(),
    }
}

fn upsert(seq: i64, table: i64, partition: i64, version: i64) -> BinlogEntry {
    let data = format!(
        r#"{{"commitSeq":{seq},"tableRecords":{{"{table}":{{"partitionRecords":[{{"partitionId":{partition},"range":"","version":{version}}}],"indexIds":[]}}}}}}"#
    );
    entry(seq, 1000 + seq, kind::UPSERT, &[table], &data)
}

fn store_db_enabled() -> BinlogStore {
    let mut s = BinlogStore::new();
    s.append(
        entry(10, 1010, kind::CREATE_TABLE, &[100], "{}"),
        true,
        &|_| true,
    );
    s.append(upsert(11, 100, 1000, 2), true, &|_| true);
    s.append(upsert(12, 100, 1000, 3), true, &|_| true);
    s
}

#[test]
fn get_returns_one_binlog_then_too_new() {
    let s = store_db_enabled();
    let (st, b) = s.get(1, None, -1, None).unwrap();
    assert_eq!((st, b.len(), b[0].entry.commit_seq), (code::OK, 1, 10));
    let (st, b) = s.get(1, None, 10, Some(500)).unwrap();
    assert_eq!((st, b.len()), (code::OK, 2));
    let (st, b) = s.get(1, None, 12, None).unwrap();
    assert_eq!((st, b.len()), (code::BINLOG_TOO_NEW_COMMIT_SEQ, 0));
}

#[test]
fn create_table_only_in_db_set() {
    let s = store_db_enabled();
    let (_, b) = s.get(1, Some(100), -1, Some(10)).unwrap();
    let seqs: Vec<i64> = b.iter().map(|b| b.entry.commit_seq).collect();
    assert_eq!(seqs, vec![11, 12]);
}

#[test]
fn not_found_codes() {
    let s = store_db_enabled();
    assert_eq!(
        s.get(2, None, 0, None).unwrap_err().code,
        code::BINLOG_NOT_FOUND_DB
    );
    assert_eq!(
        s.get(1, Some(999), 0, None).unwrap_err().code,
        code::BINLOG_NOT_FOUND_TABLE
    );
    // db disabled, table enabled: table set only.
    let mut t = BinlogStore::new();
    t.append(upsert(5, 7, 70, 2), false, &|id| id == 7);
    assert_eq!(
        t.get(1, None, 0, None).unwrap_err().code,
        code::BINLOG_NOT_FOUND_DB
    );
    assert_eq!(t.get(1, Some(7), 0, None).unwrap().0, code::OK);
    // nothing enabled: dropped.
    t.append(upsert(6, 8, 80, 2), false, &|id| id == 7);
    assert_eq!(
        t.get(1, Some(8), 0, None).unwrap_err().code,
        code::BINLOG_NOT_FOUND_TABLE
    );
}

#[test]
fn forced_gc_moves_dummy_and_too_old_returns_it() {
    let mut s = store_db_enabled();
    assert!(s.rowset_binlog_retained(1000, 2));
    let ops = s.plan_forced_gc(Some(1), Some(11));
    for op in &ops {
        s.apply_gc(op);
    }
    let (st, b) = s.get(1, None, 5, None).unwrap();
    assert_eq!(st, code::BINLOG_TOO_OLD_COMMIT_SEQ);
    assert_eq!(
        (b[0].entry.kind, b[0].entry.commit_seq, b[0].belong),
        (kind::DUMMY, 11, Some(-1))
    );
    assert_eq!(b[0].entry.timestamp_ms, 1011);
    let (st, b) = s.get(1, Some(100), 5, None).unwrap();
    assert_eq!(
        (st, b[0].belong),
        (code::BINLOG_TOO_OLD_COMMIT_SEQ, Some(100))
    );
    let (st, b) = s.get(1, None, 11, None).unwrap();
    assert_eq!((st, b[0].entry.commit_seq), (code::OK, 12));
    assert!(!s.rowset_binlog_retained(1000, 2));
    assert!(s.rowset_binlog_retained(1000, 3));
}

#[test]
fn lag_counts_entries_after_prev() {
    let s = store_db_enabled();
    assert_eq!(s.lag(1, None, 10).unwrap().lag, 2);
    assert_eq!(s.lag(1, None, 12).unwrap().lag, 0);
    let l = s.lag(1, None, -1).unwrap();
    assert_eq!(
        (
            l.lag,
            l.first_commit_seq,
            l.last_commit_seq,
            l.next_commit_seq
        ),
        (3, 10, 12, Some(10))
    );
}

#[test]
fn ttl_and_count_gc() {
    let s = store_db_enabled();
    let cfg = BinlogConfig {
        enable: true,
        ttl_seconds: 1,
        ..Default::default()
    };
    // now = 2011 ms: entries with ts <= 1011 expire (10, 11).
    let ops = s.plan_gc(2011, &|_, _| Some(cfg.clone()));
    assert_eq!(
        ops,
        vec![BinlogGcOp {
            db_id: 1,
            table_id: None,
            upto: 11,
            with_tables: true
        }]
    );
    let cfg = BinlogConfig {
        enable: true,
        max_history_nums: 1,
        ..Default::default()
    };
    let ops = s.plan_gc(0, &|_, _| Some(cfg.clone()));
    assert_eq!(ops[0].upto, 11);
    // table disabled under a disabled db: its binlogs are dropped.
    let mut t = BinlogStore::new();
    t.append(upsert(5, 7, 70, 2), false, &|_| true);
    let ops = t.plan_gc(0, &|_, tbl| {
        Some(BinlogConfig {
            enable: tbl.is_none(),
            ..Default::default()
        })
    });
    assert_eq!(
        ops,
        vec![BinlogGcOp {
            db_id: 1,
            table_id: Some(7),
            upto: 5,
            with_tables: false
        }]
    );
}

#[test]
fn dropped_resources_tracked_until_gc() {
    let mut s = store_db_enabled();
    s.append(
        entry(
            13,
            1013,
            kind::DROP_PARTITION,
            &[100],
            r#"{"pid":555,"isTempPartition":false}"#,
        ),
        true,
        &|_| true,
    );
    s.append(
        entry(14, 1014, kind::DROP_TABLE, &[100], r#"{"tableId":100}"#),
        true,
        &|_| true,
    );
    let d = s.dropped(1);
    assert_eq!(
        (d.partitions.get(&555), d.tables.get(&100)),
        (Some(&13), Some(&14))
    );
    for op in s.plan_forced_gc(None, Some(13)) {
        s.apply_gc(&op);
    }
    let d = s.dropped(1);
    assert!(d.partitions.is_empty());
    assert_eq!(d.tables.len(), 1);
}
