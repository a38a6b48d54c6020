//! Unit tests of the snapshot primitives.

use super::*;

#[test]
fn parses_mismatch_and_seq_map() {
    let s = "errCode = 2, detailMessage = Table t1 already exist but with different schema";
    assert_eq!(signature_mismatch(s), Some(("t1".into(), true)));
    let v = "View `v` already exist but with different schema";
    assert_eq!(signature_mismatch(v), Some(("v".into(), false)));
    assert_eq!(signature_mismatch("something else"), None);
    let info = json!({"table_commit_seq_map": {"10": 5, "11": 9}, "backup_objects": {"a": {}}});
    assert_eq!(seq_map(&info), BTreeMap::from([(10, 5), (11, 9)]));
    assert_eq!(snapshot_tables(&info), vec!["a".to_string()]);
}

#[test]
fn clean_switches() {
    let same = vec![("t".to_string(), "t".to_string())];
    let alias = vec![("t".to_string(), "__ccr_t_1".to_string())];
    let both = RestoreClean {
        tables: true,
        partitions: true,
    };
    assert_eq!(
        restore_clean(false, true, true, &[]),
        RestoreClean::default()
    );
    assert_eq!(restore_clean(true, true, true, &[]), both);
    assert_eq!(restore_clean(true, true, true, &same), both);
    assert_eq!(
        restore_clean(true, true, true, &alias),
        RestoreClean::default()
    );
    assert_eq!(
        restore_clean(true, true, false, &[]),
        RestoreClean::default()
    );
    let table_job = restore_clean(true, false, true, &same);
    assert_eq!((table_job.tables, table_job.partitions), (false, true));
}

#[test]
fn restore_request_carries_the_atomic_switch() {
    let snap = TGetSnapshotResult {
        meta: Some(b"m".to_vec()),
        ..Default::default()
    };
    let info = json!({"k": 1});
    let refs = vec![("t".to_string(), "t2".to_string())];
    for atomic in [true, false] {
        let req = restore_request(
            snap.clone(),
            &info,
            "l",
            refs.clone(),
            (atomic, RestoreClean::default()),
        );
        assert_eq!(req.atomic_restore, Some(atomic));
        assert_eq!(req.label_name.as_deref(), Some("l"));
        assert_eq!(req.repo_name.as_deref(), Some(LOCAL_REPO));
        assert_eq!(req.clean_tables, Some(false));
        let r = &req.table_refs.expect("refs")[0];
        assert_eq!(r.alias_name.as_deref(), Some("t2"));
    }
}

#[test]
fn conflicting_backups_are_ours_and_running() {
    assert!(conflicting_backup("s", "ccrs_s_t_1700000000000", "PENDING"));
    assert!(conflicting_backup("s", "ccrp_s__1", "snapshoting"));
    assert!(conflicting_backup("my-db", "ccrs_my_db_1", "UPLOADING"));
    assert!(!conflicting_backup("s", "ccrs_s_t_1", "FINISHED"));
    assert!(!conflicting_backup("s", "ccrs_s_t_1", "CANCELLED"));
    assert!(
        !conflicting_backup("s", "ccrs_s2_t_1", "PENDING"),
        "other db"
    );
    assert!(
        !conflicting_backup("s", "nightly_s_1", "PENDING"),
        "not ours"
    );
}
