//! restoreSnapshot `clean_tables` / `clean_partitions` as Doris applies them once the
//! restore is installed: clean_tables drops every OLAP table and view the backup lacks
//! (whoever created it, and a table restored under an alias too: Doris matches the backup's
//! names); clean_partitions drops the partitions the backup lacks of backed-up tables.

mod repl_common;

use doris_emu::cluster::{fe_api, Cluster};
use doris_thrift::frontend_service::{TRestoreSnapshotRequest, TTableRef};
use repl_common::{backup_snapshot as backup, column, poll, sql, start, TestCluster};

const PROPS: &str = "PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")";

#[derive(Default)]
struct Opts {
    clean_tables: bool,
    clean_partitions: bool,
    atomic: bool,
    refs: Vec<(&'static str, &'static str)>,
}

async fn restore(src: &TestCluster, dst: &Cluster, name: &str, tables: &str, o: Opts) {
    let (meta, info) = backup(src, name, tables).await;
    let refs: Vec<TTableRef> = o
        .refs
        .iter()
        .map(|(t, a)| TTableRef {
            table: Some(t.to_string()),
            alias_name: Some(a.to_string()),
        })
        .collect();
    let req = TRestoreSnapshotRequest {
        user: Some("root".into()),
        passwd: Some(String::new()),
        db: Some("d".into()),
        label_name: Some(format!("{name}_r")),
        repo_name: Some("__keep_on_local__".into()),
        table_refs: (!refs.is_empty()).then_some(refs),
        properties: Some([("reserve_replica".to_string(), "true".to_string())].into()),
        meta: Some(meta),
        job_info: Some(info.to_string().into_bytes()),
        clean_tables: Some(o.clean_tables),
        clean_partitions: Some(o.clean_partitions),
        atomic_restore: Some(o.atomic),
        ..Default::default()
    };
    fe_api::restore_snapshot(dst, req);
    let q = format!("SHOW RESTORE FROM `d` WHERE Label = \"{name}_r\"");
    let state = poll("restore", || {
        let s = column(dst, "d", &q, "State").pop()?;
        matches!(s.as_str(), "FINISHED" | "CANCELLED").then_some(s)
    })
    .await;
    assert_eq!(state, "FINISHED", "{:?}", column(dst, "d", &q, "Status"));
}

fn tables(c: &Cluster, db: &str) -> Vec<String> {
    let mut t = column(c, db, "SHOW TABLES", &format!("Tables_in_{db}"));
    t.sort();
    t
}

fn parts(c: &Cluster, db: &str, t: &str) -> Vec<String> {
    column(c, db, &format!("SHOW PARTITIONS FROM {t}"), "PartitionName")
}

/// Source `s` with range table `r` (p1, p2), table `u` and view `sv`; target `d` restored
/// from all of it, plus a hand-made table `mine` and view `mv` on the target.
async fn setup() -> (TestCluster, TestCluster) {
    let src = start(1, 100_000, None).await;
    let dst = start(1, 200_000, None).await;
    sql(
        &src.c,
        None,
        "CREATE DATABASE s PROPERTIES (\"binlog.enable\" = \"true\")",
    );
    sql(&dst.c, None, "CREATE DATABASE d");
    for q in [
        &format!("CREATE TABLE r (k INT, v INT) DUPLICATE KEY(k) PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (\"10\"), PARTITION p2 VALUES LESS THAN (\"20\")) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        &format!("CREATE TABLE u (k INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"),
        "CREATE VIEW sv AS SELECT k FROM r",
        "INSERT INTO r VALUES (1, 1), (11, 11)",
        "INSERT INTO u VALUES (1, 1)",
    ] {
        sql(&src.c, Some("s"), q);
    }
    restore(&src, &dst.c, "snap0", "`r`, `u`, `sv`", Opts::default()).await;
    sql(
        &dst.c,
        Some("d"),
        &format!(
            "CREATE TABLE mine (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 {PROPS}"
        ),
    );
    sql(&dst.c, Some("d"), "CREATE VIEW mv AS SELECT k FROM r");
    assert_eq!(tables(&dst.c, "d"), ["mine", "mv", "r", "sv", "u"]);
    (src, dst)
}

#[tokio::test]
async fn clean_tables_drops_every_table_and_view_not_in_the_backup() {
    let (src, dst) = setup().await;
    sql(&src.c, Some("s"), "DROP TABLE u");
    sql(&src.c, Some("s"), "ALTER TABLE r DROP PARTITION p2");
    let o = Opts {
        clean_tables: true,
        ..Default::default()
    };
    restore(&src, &dst.c, "snap1", "`r`, `sv`", o).await;
    assert_eq!(tables(&dst.c, "d"), ["r", "sv"], "user table and view too");
    // clean_partitions off, not atomic: the target-only partition stays.
    assert_eq!(parts(&dst.c, "d", "r"), ["p1", "p2"]);
}

#[tokio::test]
async fn clean_partitions_drops_partitions_not_in_the_backup() {
    let (src, dst) = setup().await;
    sql(&src.c, Some("s"), "ALTER TABLE r DROP PARTITION p2");
    let o = Opts {
        clean_partitions: true,
        ..Default::default()
    };
    restore(&src, &dst.c, "snap1", "`r`", o).await;
    assert_eq!(parts(&dst.c, "d", "r"), ["p1"]);
    let rows = column(&dst.c, "d", "SELECT k FROM r ORDER BY k", "k");
    assert_eq!(rows, ["1"]);
    // clean_tables off: nothing else goes.
    assert_eq!(tables(&dst.c, "d"), ["mine", "mv", "r", "sv", "u"]);
}

#[tokio::test]
async fn clean_tables_matches_backup_names_not_aliases() {
    let (src, dst) = setup().await;
    let o = Opts {
        clean_tables: true,
        refs: vec![("r", "r_alias")],
        ..Default::default()
    };
    restore(&src, &dst.c, "snap1", "`r`, `u`", o).await;
    // Only `r` is backed up by name: the alias just restored goes, like everything else
    // but `r` (u is not referenced, so not a restored object either).
    assert_eq!(tables(&dst.c, "d"), ["r"]);
}

#[tokio::test]
async fn no_clean_flags_keep_target_only_objects() {
    let (src, dst) = setup().await;
    sql(&src.c, Some("s"), "DROP TABLE u");
    let o = Opts {
        atomic: true,
        ..Default::default()
    };
    restore(&src, &dst.c, "snap1", "`r`, `sv`", o).await;
    assert_eq!(tables(&dst.c, "d"), ["mine", "mv", "r", "sv", "u"]);
}
