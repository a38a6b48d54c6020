//! Replays DDL binlogs the way the syncer does (§5 "Syncer replays") on a second cluster and
//! checks both clusters end up with the same table definitions and partition ranges.

mod cluster_common;
use cluster_common::*;
use doris_emu::cluster::{Cluster, Session};
use serde_json::Value;

/// The SQL the syncer would run downstream for one binlog (None = not replayed by SQL).
fn syncer_sql(
    kind: i32,
    data: &Value,
    names: &mut std::collections::HashMap<i64, String>,
) -> Option<String> {
    let tid = |k: &str| data[k].as_i64().unwrap_or(-1);
    let name = |names: &std::collections::HashMap<i64, String>, id: i64| {
        names.get(&id).cloned().unwrap_or_default()
    };
    Some(match kind {
        2 => {
            names.insert(tid("tableId"), data["tableName"].as_str()?.to_string());
            data["sql"].as_str()?.to_string()
        }
        1 if data["isTempPartition"] == true => return None,
        1 => format!(
            "ALTER TABLE `{}` {}",
            name(names, tid("tableId")),
            data["sql"].as_str()?
        ),
        3 => format!(
            "ALTER TABLE `{}` {}",
            name(names, tid("tableId")),
            data["sql"].as_str()?
        ),
        6 => data["rawSql"].as_str()?.replace("`src`.", ""),
        15 => format!(
            "ALTER TABLE `{}` RENAME COLUMN `{}` `{}`",
            name(names, tid("tableId")),
            data["colName"].as_str()?,
            data["newColName"].as_str()?
        ),
        16 if data["type"] == "TABLE" => format!(
            "ALTER TABLE `{}` MODIFY COMMENT '{}'",
            name(names, tid("tblId")),
            data["tblComment"].as_str()?
        ),
        16 => {
            let (col, c) = data["colToComment"].as_object()?.iter().next()?;
            format!(
                "ALTER TABLE `{}` MODIFY COLUMN `{col}` COMMENT '{}'",
                name(names, tid("tblId")),
                c.as_str()?
            )
        }
        13 => format!(
            "TRUNCATE TABLE `{}` {}",
            data["table"].as_str()?,
            data["rawSql"].as_str()?
        ),
        14 => {
            names.insert(tid("tb"), data["nT"].as_str()?.to_string());
            format!(
                "ALTER TABLE `{}` RENAME `{}`",
                data["oT"].as_str()?,
                data["nT"].as_str()?
            )
        }
        4 => format!("DROP TABLE `{}` FORCE", data["tableName"].as_str()?),
        _ => return None,
    })
}

fn replay(src: &Cluster, dst: &Cluster, s: &mut Session) -> usize {
    let mut names = std::collections::HashMap::new();
    let mut n = 0;
    for (_, kind, data) in binlogs(src, "src") {
        let data: Value = serde_json::from_str(&data).expect("json");
        if let Some(sql) = syncer_sql(kind, &data, &mut names) {
            exec(dst, s, &sql);
            n += 1;
        }
    }
    n
}

#[test]
fn ddl_binlogs_replay_to_an_identical_table() {
    let a = cluster(1, 40000);
    let b = cluster(1, 80000);
    let mut sa = session_in(&a, "src");
    exec(
        &a,
        &mut sa,
        "ALTER DATABASE src SET PROPERTIES (\"binlog.enable\" = \"true\")",
    );
    for sql in [
        "CREATE TABLE t (id INT, name VARCHAR(10), v BIGINT) DUPLICATE KEY(id) PARTITION BY RANGE(id) \
         (PARTITION p1 VALUES LESS THAN (10)) DISTRIBUTED BY HASH(id) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\")",
        "ALTER TABLE t ADD PARTITION p2 VALUES LESS THAN (\"20\")",
        "ALTER TABLE t ADD PARTITION p3 VALUES [(\"20\"), (\"30\")) DISTRIBUTED BY HASH(id) BUCKETS 3",
        "ALTER TABLE t ADD COLUMN c DECIMAL(9,2) DEFAULT \"1.5\" COMMENT 'a \"c\"' AFTER name",
        "ALTER TABLE t DROP COLUMN v",
        "ALTER TABLE t RENAME COLUMN name nm",
        "ALTER TABLE t MODIFY COLUMN nm COMMENT 'the name'",
        "ALTER TABLE t MODIFY COMMENT 'table t'",
        "ALTER TABLE t DROP PARTITION p1",
        "TRUNCATE TABLE t PARTITION p2",
        "ALTER TABLE t RENAME t2",
        "CREATE TABLE gone (k INT) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\")",
        "DROP TABLE gone",
    ] {
        exec(&a, &mut sa, sql);
    }
    let mut sb = session_in(&b, "src");
    assert!(replay(&a, &b, &mut sb) >= 12);
    let show = |c: &Cluster, s: &mut Session, sql: &str, col: &str| column(c, s, sql, col);
    assert_eq!(
        show(&a, &mut sa, "SHOW CREATE TABLE t2", "Create Table"),
        show(&b, &mut sb, "SHOW CREATE TABLE t2", "Create Table")
    );
    assert_eq!(
        show(&a, &mut sa, "SHOW PARTITIONS FROM t2", "Range"),
        show(&b, &mut sb, "SHOW PARTITIONS FROM t2", "Range")
    );
    assert_eq!(
        show(&a, &mut sa, "SHOW PARTITIONS FROM t2", "Buckets"),
        show(&b, &mut sb, "SHOW PARTITIONS FROM t2", "Buckets")
    );
    assert_eq!(
        show(&b, &mut sb, "SHOW TABLES", "Tables_in_src"),
        vec!["t2"]
    );
}

/// Ingests every UPSERT of `src` into the same-named tables of `dst` the way ingest_binlog
/// does: partitions by range, indexes by name, tablets by position; rowset bytes copied.
fn ingest_upserts(src: &Cluster, dst: &Cluster, after_seq: i64) {
    use doris_emu::cluster::rowset::Rowset;
    use doris_emu::cluster::LoadRequest;
    for (seq, kind, data) in binlogs(src, "src") {
        if kind != 0 || seq <= after_seq {
            continue;
        }
        let data: Value = serde_json::from_str(&data).expect("json");
        let mut rowsets = Vec::new();
        let mut db_id = 0;
        for (tid, rec) in data["tableRecords"].as_object().expect("records") {
            let tid: i64 = tid.parse().expect("table id");
            src.with_state(|s| {
                let (_, st) = s.find_table(tid).expect("src table");
                dst.with_state(|d| {
                    let ddb = d.db("src").expect("dst db");
                    db_id = ddb.id;
                    let dt = ddb.table(&st.name).expect("dst table");
                    for pr in rec["partitionRecords"].as_array().expect("parts") {
                        let range = pr["range"].as_str().expect("range");
                        let version = pr["version"].as_i64().expect("version");
                        let sp = st
                            .partition_by_id(pr["partitionId"].as_i64().unwrap())
                            .expect("src part");
                        let dp = dt
                            .partitions
                            .iter()
                            .find(|p| {
                                !p.is_temp
                                    && doris_emu::cluster::partition::partition_range(dt, p)
                                        == range
                            })
                            .expect("dst part");
                        for si in &sp.indexes {
                            let name = &st
                                .indexes
                                .iter()
                                .find(|i| i.id == si.index_id)
                                .unwrap()
                                .name;
                            let name = if name == &st.name { &dt.name } else { name };
                            let di = dt.index_by_name(name).expect("dst index");
                            let dpi = dp.index(di.id).expect("dst part index");
                            for (stab, dtab) in si.tablets.iter().zip(&dpi.tablets) {
                                let r = s.rowset(stab.id, version).expect("src rowset");
                                let meta =
                                    Rowset::meta_from_bytes(&r.to_meta_bytes()).expect("meta");
                                let mut nr = Rowset::from_segment_bytes(
                                    &r.to_segment_bytes(),
                                    dtab.id,
                                    meta.version,
                                    0,
                                )
                                .expect("seg");
                                nr.remap_columns(dt);
                                rowsets.push(nr);
                            }
                        }
                    }
                });
            });
        }
        let label = data["label"].as_str().unwrap().to_string();
        dst.write(|w| {
            let txn_id = w.state.alloc_id();
            w.publish_load(LoadRequest {
                db_id,
                txn_id,
                label,
                rowsets,
                partitions: vec![],
            })
            .expect("publish");
        });
    }
}

#[test]
fn upsert_rowsets_ingest_into_another_cluster() {
    let a = cluster(1, 40000);
    let b = cluster(1, 80000);
    let mut sa = session_in(&a, "src");
    exec(
        &a,
        &mut sa,
        "ALTER DATABASE src SET PROPERTIES (\"binlog.enable\" = \"true\")",
    );
    let tables = [
        "CREATE TABLE d (k INT, v VARCHAR(5)) DUPLICATE KEY(k) PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (10), PARTITION p2 VALUES LESS THAN (20)) DISTRIBUTED BY HASH(k) BUCKETS 3 PROPERTIES (\"replication_num\" = \"1\")",
        "CREATE TABLE u (k INT, v INT) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\")",
        "CREATE TABLE g (k INT, v BIGINT SUM) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\")",
    ];
    for t in tables {
        exec(&a, &mut sa, t);
    }
    let mut sb = session_in(&b, "src");
    replay(&a, &b, &mut sb);
    for sql in [
        "INSERT INTO d VALUES (1, 'a'), (2, 'b'), (15, 'c')",
        "DELETE FROM d WHERE k = 2",
        "INSERT INTO u VALUES (1, 1), (2, 2)",
        "INSERT INTO u VALUES (1, 10)",
        "DELETE FROM u WHERE k = 2",
        "INSERT INTO g VALUES (1, 5), (1, 6), (2, 1)",
        "INSERT INTO g VALUES (1, 4)",
    ] {
        exec(&a, &mut sa, sql);
    }
    ingest_upserts(&a, &b, -1);
    for (t, order) in [("d", "k"), ("u", "k"), ("g", "k")] {
        let q = format!("SELECT * FROM {t} ORDER BY {order}");
        assert_eq!(rows(&a, &mut sa, &q), rows(&b, &mut sb, &q), "{t}");
    }
    assert_eq!(
        rows(&b, &mut sb, "SELECT * FROM g ORDER BY k"),
        vec![vec!["1", "15"], vec!["2", "1"]]
    );
    assert_eq!(
        column(&a, &mut sa, "SHOW PARTITIONS FROM d", "VisibleVersion"),
        column(&b, &mut sb, "SHOW PARTITIONS FROM d", "VisibleVersion")
    );
}
