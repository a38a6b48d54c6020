use std::collections::{BTreeSet, HashMap};

use doris_thrift::frontend_service::{
    TGetMetaDBMeta, TGetMetaIndexMeta, TGetMetaPartitionMeta, TGetMetaReplicaMeta,
    TGetMetaTableMeta, TGetMetaTabletMeta,
};
use doris_thrift::types::TBackend;

use super::*;
use crate::engine::records::{PartitionRecord, TableRecord};

fn replica(id: i64, be: i64, version: i64) -> TGetMetaReplicaMeta {
    TGetMetaReplicaMeta {
        id: Some(id),
        backend_id: Some(be),
        version: Some(version),
    }
}

fn tablet(id: i64, replicas: Vec<TGetMetaReplicaMeta>) -> TGetMetaTabletMeta {
    TGetMetaTabletMeta {
        id: Some(id),
        replicas: Some(replicas),
    }
}

fn table(
    id: i64,
    name: &str,
    pid: i64,
    range: &str,
    idx: (i64, &str),
    tablets: Vec<TGetMetaTabletMeta>,
) -> TGetMetaTableMeta {
    let index = TGetMetaIndexMeta {
        id: Some(idx.0),
        name: Some(idx.1.into()),
        tablets: Some(tablets),
    };
    let part = TGetMetaPartitionMeta {
        id: Some(pid),
        name: Some("p".into()),
        range: Some(range.into()),
        visible_version: Some(5),
        indexes: Some(vec![index]),
        ..Default::default()
    };
    TGetMetaTableMeta {
        id: Some(id),
        name: Some(name.into()),
        partitions: Some(vec![part]),
        ..Default::default()
    }
}

fn be(id: i64, host: &str) -> (i64, TBackend) {
    let b = TBackend {
        host: host.into(),
        be_port: 9060,
        http_port: 8040,
        brpc_port: None,
        is_alive: Some(true),
        id: Some(id),
    };
    (id, b)
}

fn fixture() -> (
    TGetMetaDBMeta,
    TGetMetaDBMeta,
    HashMap<i64, TBackend>,
    HashMap<i64, TBackend>,
) {
    // Source tablets listed out of order: pairing must sort by id.
    let src_tablets = vec![
        tablet(102, vec![replica(2, 1, 5), replica(1, 2, 4)]),
        tablet(101, vec![replica(3, 1, 5), replica(4, 2, 5)]),
    ];
    let dest_tablets = vec![
        tablet(901, vec![replica(11, 7, 1), replica(12, 8, 1)]),
        tablet(902, vec![replica(13, 7, 1)]),
    ];
    let src = TGetMetaDBMeta {
        tables: Some(vec![table(
            10,
            "src_t",
            20,
            "[1, 10)",
            (30, "src_t"),
            src_tablets,
        )]),
        ..Default::default()
    };
    let dest = TGetMetaDBMeta {
        tables: Some(vec![table(
            80,
            "dst_t",
            81,
            "[1, 10)",
            (82, "dst_t"),
            dest_tablets,
        )]),
        ..Default::default()
    };
    let src_bes = HashMap::from([be(1, "s1"), be(2, "s2")]);
    let dest_bes = HashMap::from([be(7, "d7"), be(8, "d8")]);
    (src, dest, src_bes, dest_bes)
}

fn target(parts: Vec<PartitionRecord>, index_ids: Vec<i64>) -> Target {
    Target {
        src_id: 10,
        dest_id: 80,
        record: TableRecord {
            partition_records: parts,
            index_ids,
        },
    }
}

fn part(id: i64, range: &str, version: i64, temp: bool) -> PartitionRecord {
    PartitionRecord {
        partition_id: id,
        range: range.into(),
        version,
        is_temp_partition: temp,
        stid: None,
    }
}

#[test]
fn pairs_tablets_by_id_and_round_robins_sources() {
    let (src, dest, sb, db) = fixture();
    let shadow = BTreeSet::new();
    let v = MetaView {
        src: &src,
        dest: &dest,
        src_bes: &sb,
        dest_bes: &db,
        shadow: &shadow,
    };
    let tasks = plan_table(
        &v,
        77,
        &target(vec![part(20, "[1, 10)", 5, false)], vec![30]),
    )
    .unwrap();
    assert_eq!(tasks.len(), 3, "one call per target replica");
    // tablet 101 ↔ 901 (two target replicas, sources round-robin over replicas 3 and 4)
    let t0 = &tasks[0].req;
    assert_eq!(
        (t0.remote_tablet_id, t0.local_tablet_id),
        (Some(101), Some(901))
    );
    assert_eq!(t0.remote_host.as_deref(), Some("s1"));
    assert_eq!(tasks[1].req.remote_host.as_deref(), Some("s2"));
    assert_eq!(t0.remote_port.as_deref(), Some("8040"));
    assert_eq!(t0.partition_id, Some(81));
    assert_eq!(t0.txn_id, Some(77));
    assert_eq!(t0.binlog_version, Some(5));
    assert_eq!(
        t0.load_id,
        Some(doris_thrift::types::TUniqueId { hi: -1, lo: -1 })
    );
    assert_eq!(tasks[0].addr, "d7:9060");
    assert_eq!(
        (tasks[1].info.tablet_id, tasks[1].info.backend_id),
        (901, 8)
    );
    // tablet 102 ↔ 902: only replica 2 (on BE 1) has version 5
    assert_eq!(tasks[2].req.remote_tablet_id, Some(102));
    assert_eq!(tasks[2].req.remote_host.as_deref(), Some("s1"));
}

#[test]
fn skips_temp_dropped_and_shadow() {
    let (mut src, dest, sb, db) = fixture();
    let mut shadow = BTreeSet::new();
    let v = MetaView {
        src: &src,
        dest: &dest,
        src_bes: &sb,
        dest_bes: &db,
        shadow: &shadow,
    };
    let temp = plan_table(&v, 1, &target(vec![part(20, "[1, 10)", 5, true)], vec![30])).unwrap();
    assert!(temp.is_empty());
    shadow.insert(30);
    let v = MetaView {
        src: &src,
        dest: &dest,
        src_bes: &sb,
        dest_bes: &db,
        shadow: &shadow,
    };
    assert!(plan_table(
        &v,
        1,
        &target(vec![part(20, "[1, 10)", 5, false)], vec![30])
    )
    .unwrap()
    .is_empty());
    src.dropped_tables = Some(vec![10]);
    let none = BTreeSet::new();
    let v = MetaView {
        src: &src,
        dest: &dest,
        src_bes: &sb,
        dest_bes: &db,
        shadow: &none,
    };
    assert!(plan_table(
        &v,
        1,
        &target(vec![part(20, "[1, 10)", 5, false)], vec![30])
    )
    .unwrap()
    .is_empty());
}

#[test]
fn mismatches_are_errors_not_panics() {
    let (src, dest, sb, db) = fixture();
    let shadow = BTreeSet::new();
    let v = MetaView {
        src: &src,
        dest: &dest,
        src_bes: &sb,
        dest_bes: &db,
        shadow: &shadow,
    };
    // a version no source replica has yet
    let e = plan_table(
        &v,
        1,
        &target(vec![part(20, "[1, 10)", 9, false)], vec![30]),
    )
    .unwrap_err();
    assert!(matches!(e, EngineError::Retryable(_)), "{e:?}");
    // a range the target does not have (partition looked up by id first: unknown id + range)
    let mut other = src.clone();
    if let Some(p) = other.tables.as_mut().and_then(|t| t[0].partitions.as_mut()) {
        p[0].range = Some("[10, 20)".into());
    }
    let v = MetaView {
        src: &other,
        dest: &dest,
        src_bes: &sb,
        dest_bes: &db,
        shadow: &shadow,
    };
    let e = plan_table(
        &v,
        1,
        &target(vec![part(20, "[10, 20)", 5, false)], vec![30]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("not in target"), "{e}");
}

#[test]
fn rowset_stats_are_read_once_per_source_tablet_not_per_replica() {
    let (src, dest, sb, db) = fixture();
    let shadow = BTreeSet::new();
    let v = MetaView {
        src: &src,
        dest: &dest,
        src_bes: &sb,
        dest_bes: &db,
        shadow: &shadow,
    };
    let rec = target(vec![part(20, "[1, 10)", 5, false)], vec![30]);
    let mut tasks = plan_table(&v, 77, &rec).unwrap();
    assert_eq!(tasks.len(), 3, "two target replicas of 901, one of 902");
    let got = stats::sources(&tasks).expect("complete requests");
    let keys: Vec<_> = got.iter().map(|s| (s.tablet_id, s.version)).collect();
    assert_eq!(keys, vec![(101, 5), (102, 5)]);
    assert_eq!((got[0].host.as_str(), got[0].http_port), ("s1", 8040));
    tasks[2].req.remote_port = Some("not a port".into());
    assert_eq!(
        stats::sources(&tasks),
        None,
        "an unusable source is not guessed"
    );
}
