use super::*;

#[test]
fn fresh_progress_json_uses_original_names() {
    let p = Progress::new("j1", true);
    let v: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
    assert_eq!(v["job_name"], "j1");
    assert_eq!(v["sync_state"], 500);
    assert_eq!(v["sub_sync_state"]["state"], 0);
    assert_eq!(v["sub_sync_state"]["binlog_type"], -1);
    assert_eq!(v["data"], "");
    assert!(v["table_mapping"].is_null());
    assert!(v.get("partial_sync_data").is_none());
    assert!(v.get("table_aliases").is_none());
    assert!(v["full_sync_start_at"].as_i64().unwrap() > 0);
}

#[test]
fn parses_original_progress() {
    let raw = r#"{"job_name":"j","sync_state":3,"sub_sync_state":{"state":13,"binlog_type":0},
      "prev_commit_seq":10,"commit_seq":11,"table_mapping":{"100":200,"101":201},
      "table_commit_seq_map":null,"data":"{\"commit_seq\":11,\"txn_id\":5}",
      "shadow_index_map":{"7":6},"created_at":1,"full_sync_start_at":2,"extra":true}"#;
    let p = Progress::from_json(raw).unwrap();
    assert_eq!(p.sync_state, SyncState::DbIncrementalSync);
    assert_eq!(p.sub_sync_state, SubSyncState::CommitTransaction);
    assert_eq!(p.table_mapping.as_ref().unwrap()[&101], 201);
    assert_eq!(p.shadow_index_map[&7], 6);
    let v: serde_json::Value = p.data.to_value().unwrap();
    assert_eq!(v["txn_id"], 5);
    let again = Progress::from_json(&p.to_json()).unwrap();
    assert_eq!(again, p);
}

#[test]
fn text_data_round_trips() {
    let mut p = Progress::new("j", false);
    p.next_sub(
        SubSyncState::GetSnapshotInfo,
        PersistData::Text("ccrs_db_t_1".into()),
    );
    let again = Progress::from_json(&p.to_json()).unwrap();
    assert_eq!(again.data.as_text(), Some("ccrs_db_t_1"));
}

#[test]
fn primitives_follow_original_semantics() {
    let mut p = Progress::new("j", true);
    p.next_state(
        100,
        SyncState::TableIncrementalSync,
        SubSyncState::Done,
        PersistData::Empty,
    );
    assert!(p.is_done());
    assert!(p.incremental_sync_start_at > 0);
    p.start_handle(105);
    assert!(!p.is_done());
    p.done();
    assert_eq!(p.prev_commit_seq, 105);
    assert!(p.is_done());
    p.start_handle(106);
    p.rollback(false);
    assert_eq!(p.commit_seq, 105);
    p.start_handle(107);
    p.rollback(true);
    assert_eq!(p.prev_commit_seq, 107);
    assert!(p.is_done());
}

#[test]
fn new_full_sync_resets_timestamps() {
    let mut p = Progress::new("j", false);
    p.full_sync_start_at = 1;
    p.ingest_binlog_at = 5;
    p.partial_sync_data = Some(PartialSyncData::default());
    p.new_full_sync(42, false);
    assert_eq!(p.sync_state, SyncState::DbFullSync);
    assert_eq!(p.sub_sync_state, SubSyncState::BeginCreateSnapshot);
    assert_eq!(p.commit_seq, 42);
    assert!(p.full_sync_start_at > 1);
    assert_eq!(p.ingest_binlog_at, 0);
    assert!(p.partial_sync_data.is_none());
}
