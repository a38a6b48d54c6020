//! Replays DDL binlogs the way the syncer does (§5 "Syncer replays") on a second cluster and
//! checks both clusters end up with the same table definitions and partition ranges.

mod cluster_common;
use cluster_common::*;
use doris_emu::cluster::{Cluster, Session};
use serde_json::Value;

/// The SQL the syncer would run downstream for one binlog (None = not replayed by SQL).
fn syncer_sql(kind: i32, data: &Value, names: &mut std::collections::HashMap<i64, String>) -> Option<String> {
    let tid = |k: &str| data[k].as_i64().unwrap_or(-1);
    let name = |names: &std::collections::HashMap<i64, String>, id: i64| names.get(&id).cloned().unwrap_or_default();
    Some(match kind {
        2 => {
            names.insert(tid("tableId"), data["tableName"].as_str()?.to_string());
            data["sql"].as_str()?.to_string()
        }
        1 if data["isTempPartition"] == true => return None,
        1 => format!("ALTER TABLE `{}` {}", name(names, tid("tableId")), data["sql"].as_str()?),
        3 => format!("ALTER TABLE `{}` {}", name(names, tid("tableId")), data["sql"].as_str()?),
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
            format!("ALTER TABLE `{}` MODIFY COLUMN `{col}` COMMENT '{}'", name(names, tid("tblId")), c.as_str()?)
        }
        13 => format!("TRUNCATE TABLE `{}` {}", data["table"].as_str()?, data["rawSql"].as_str()?),
        14 => {
            names.insert(tid("tb"), data["nT"].as_str()?.to_string());
            format!("ALTER TABLE `{}` RENAME `{}`", data["oT"].as_str()?, data["nT"].as_str()?)
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
    exec(&a, &mut sa, "ALTER DATABASE src SET PROPERTIES (\"binlog.enable\" = \"true\")");
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
    assert_eq!(show(&b, &mut sb, "SHOW TABLES", "Tables_in_src"), vec!["t2"]);
}
