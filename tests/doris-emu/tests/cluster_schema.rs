//! Light schema changes, renames, REPLACE WITH TABLE, list / temp partitions, rollups.

mod cluster_common;
use cluster_common::*;

const P: &str = "PROPERTIES (\"replication_num\" = \"1\")";

#[test]
fn light_column_changes_need_no_rewrite() {
    let c = cluster(1, 30000);
    let mut s = session_in(&c, "d");
    exec(&c, &mut s, &format!("CREATE TABLE t (k INT, a VARCHAR(5), b INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {P}"));
    exec(&c, &mut s, "INSERT INTO t VALUES (1, 'x', 10)");
    let index = c.with_state(|st| st.db("d").unwrap().table("t").unwrap().base_index().id);
    exec(&c, &mut s, "ALTER TABLE t ADD COLUMN c INT DEFAULT \"7\"");
    exec(&c, &mut s, "ALTER TABLE t DROP COLUMN a");
    exec(&c, &mut s, "ALTER TABLE t RENAME COLUMN b bb");
    exec(&c, &mut s, "INSERT INTO t (k, bb, c) VALUES (2, 20, 8)");
    assert_eq!(
        rows(&c, &mut s, "SELECT * FROM t ORDER BY k"),
        vec![vec!["1", "10", "7"], vec!["2", "20", "8"]]
    );
    assert_eq!(column(&c, &mut s, "DESC t", "Field"), vec!["k", "bb", "c"]);
    let after = c.with_state(|st| st.db("d").unwrap().table("t").unwrap().base_index().id);
    assert_eq!(index, after, "light changes keep the index");
    fails(&c, &mut s, "ALTER TABLE t ADD COLUMN c INT");
    fails(&c, &mut s, "ALTER TABLE t DROP COLUMN k");
    exec(&c, &mut s, "ALTER TABLE t MODIFY COLUMN c COMMENT 'cc'");
    exec(&c, &mut s, "ALTER TABLE t MODIFY COMMENT 'tc'");
    let ddl = column(&c, &mut s, "SHOW CREATE TABLE t", "Create Table")[0].clone();
    assert!(
        ddl.contains("COMMENT \"cc\"") && ddl.contains("COMMENT 'tc'"),
        "{ddl}"
    );
}

#[test]
fn renames_and_replace_with_table() {
    let c = cluster(1, 30000);
    let mut s = session_in(&c, "d");
    exec(
        &c,
        &mut s,
        &format!("CREATE TABLE a (k INT) DISTRIBUTED BY HASH(k) BUCKETS 1 {P}"),
    );
    exec(
        &c,
        &mut s,
        &format!("CREATE TABLE b (k INT) DISTRIBUTED BY HASH(k) BUCKETS 1 {P}"),
    );
    exec(&c, &mut s, "INSERT INTO a VALUES (1)");
    exec(&c, &mut s, "INSERT INTO b VALUES (2)");
    let b_id = c.with_state(|st| st.db("d").unwrap().table("b").unwrap().id);
    exec(
        &c,
        &mut s,
        "ALTER TABLE a REPLACE WITH TABLE b PROPERTIES(\"swap\"=\"false\")",
    );
    assert_eq!(column(&c, &mut s, "SHOW TABLES", "Tables_in_d"), vec!["a"]);
    assert_eq!(rows(&c, &mut s, "SELECT * FROM a"), vec![vec!["2"]]);
    assert_eq!(
        c.with_state(|st| st.db("d").unwrap().table("a").unwrap().id),
        b_id
    );
    exec(&c, &mut s, "ALTER TABLE a RENAME z");
    assert_eq!(column(&c, &mut s, "SHOW TABLES", "Tables_in_d"), vec!["z"]);
    fails(&c, &mut s, "SELECT * FROM a");
    exec(
        &c,
        &mut s,
        &format!("CREATE TABLE y (k INT) DISTRIBUTED BY HASH(k) BUCKETS 1 {P}"),
    );
    exec(&c, &mut s, "ALTER TABLE z REPLACE WITH TABLE y");
    let mut names = column(&c, &mut s, "SHOW TABLES", "Tables_in_d");
    names.sort();
    assert_eq!(names, vec!["y", "z"]);
    assert!(rows(&c, &mut s, "SELECT * FROM z").is_empty());
    exec(
        &c,
        &mut s,
        "ALTER TABLE y SET (\"is_being_synced\" = \"true\")",
    );
    let ddl = column(&c, &mut s, "SHOW CREATE TABLE y", "Create Table")[0].clone();
    assert!(ddl.contains("\"is_being_synced\" = \"true\""));
    exec(
        &c,
        &mut s,
        "ALTER TABLE y SET (\"is_being_synced\" = \"false\")",
    );
}

#[test]
fn list_and_temp_partitions() {
    let c = cluster(1, 30000);
    let mut s = session_in(&c, "d");
    exec(&c, &mut s, &format!("CREATE TABLE l (k INT, v INT) PARTITION BY LIST(k) (PARTITION a VALUES IN (\"1\", \"2\"), PARTITION b VALUES IN (\"3\")) DISTRIBUTED BY HASH(k) BUCKETS 1 {P}"));
    exec(&c, &mut s, "INSERT INTO l VALUES (1, 1), (3, 3)");
    fails(&c, &mut s, "INSERT INTO l VALUES (4, 4)");
    fails(
        &c,
        &mut s,
        "ALTER TABLE l ADD PARTITION c VALUES IN (\"3\")",
    );
    exec(
        &c,
        &mut s,
        "ALTER TABLE l ADD TEMPORARY PARTITION ta VALUES IN (\"1\", \"2\")",
    );
    exec(
        &c,
        &mut s,
        "INSERT INTO l TEMPORARY PARTITION (ta) VALUES (2, 20)",
    );
    assert_eq!(
        rows(&c, &mut s, "SELECT k FROM l ORDER BY k"),
        vec![vec!["1"], vec!["3"]]
    );
    exec(
        &c,
        &mut s,
        "ALTER TABLE l REPLACE PARTITION (a) WITH TEMPORARY PARTITION (ta)",
    );
    assert_eq!(
        rows(&c, &mut s, "SELECT k, v FROM l ORDER BY k"),
        vec![vec!["2", "20"], vec!["3", "3"]]
    );
    assert_eq!(
        column(&c, &mut s, "SHOW PARTITIONS FROM l", "PartitionName"),
        vec!["b", "a"]
    );
    exec(&c, &mut s, "ALTER TABLE l RENAME PARTITION b bb");
    exec(
        &c,
        &mut s,
        "INSERT INTO l WITH LABEL my_label VALUES (3, 4)",
    );
    let e = fails(
        &c,
        &mut s,
        "INSERT INTO l WITH LABEL my_label VALUES (3, 5)",
    );
    assert!(e.message.contains("has already been used"), "{e}");
}

#[test]
fn rollups_and_materialized_views() {
    let c = cluster(1, 30000);
    let mut s = session_in(&c, "d");
    exec(&c, &mut s, &format!("CREATE TABLE t (k INT, j INT, v INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {P}"));
    exec(&c, &mut s, "INSERT INTO t VALUES (1, 2, 3)");
    exec(&c, &mut s, "ALTER TABLE t ADD ROLLUP r (j, k)");
    exec(
        &c,
        &mut s,
        "CREATE MATERIALIZED VIEW mv AS SELECT k, v FROM t",
    );
    let (n, rows_in_rollup) = c.with_state(|st| {
        let t = st.db("d").unwrap().table("t").unwrap();
        let r = t.index_by_name("r").unwrap().id;
        let p = &t.partitions[0];
        let rows: usize = p
            .index(r)
            .unwrap()
            .tablets
            .iter()
            .map(|x| {
                st.tablets[&x.id]
                    .rowsets
                    .iter()
                    .map(|r| r.rows.len())
                    .sum::<usize>()
            })
            .sum();
        (t.indexes.len(), rows)
    });
    assert_eq!((n, rows_in_rollup), (3, 1));
    exec(&c, &mut s, "ALTER TABLE t RENAME ROLLUP r r2");
    exec(&c, &mut s, "ALTER TABLE t DROP ROLLUP r2");
    exec(&c, &mut s, "DROP MATERIALIZED VIEW mv ON t");
    assert_eq!(
        c.with_state(|st| st.db("d").unwrap().table("t").unwrap().indexes.len()),
        1
    );
    exec(&c, &mut s, "ALTER TABLE t ORDER BY (k, v, j)");
    assert_eq!(column(&c, &mut s, "DESC t", "Field"), vec!["k", "v", "j"]);
    assert_eq!(
        rows(&c, &mut s, "SELECT * FROM t"),
        vec![vec!["1", "3", "2"]]
    );
}

#[test]
fn auto_increment_and_modify_checks() {
    let c = cluster(1, 30000);
    let mut s = session_in(&c, "d");
    exec(&c, &mut s, &format!("CREATE TABLE ai (id BIGINT NOT NULL AUTO_INCREMENT, v INT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1 {P}"));
    exec(&c, &mut s, "INSERT INTO ai (v) VALUES (10), (20)");
    exec(&c, &mut s, "INSERT INTO ai (id, v) VALUES (100, 30)");
    exec(&c, &mut s, "INSERT INTO ai (v) VALUES (40)");
    assert_eq!(
        column(&c, &mut s, "SELECT id FROM ai ORDER BY id", "id"),
        vec!["1", "2", "100", "101"]
    );
    let e = fails(&c, &mut s, "ALTER TABLE ai MODIFY COLUMN id LARGEINT");
    assert!(e.message.contains("distribution column"), "{e}");
}

#[test]
fn add_key_column_first_is_a_heavy_schema_change() {
    let c = cluster(1, 30000);
    let mut s = session_in(&c, "d");
    exec(
        &c,
        &mut s,
        &format!(
            "CREATE TABLE u (k INT, v INT) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {P}"
        ),
    );
    exec(&c, &mut s, &format!("CREATE TABLE g (k INT, v BIGINT SUM) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 {P}"));
    exec(&c, &mut s, "INSERT INTO u VALUES (1, 1), (2, 2)");
    exec(&c, &mut s, "INSERT INTO g VALUES (1, 1), (1, 2)");
    for t in ["u", "g"] {
        let before = c.with_state(|st| st.db("d").unwrap().table(t).unwrap().base_index().id);
        exec(
            &c,
            &mut s,
            &format!("ALTER TABLE {t} ADD COLUMN k0 INT KEY DEFAULT \"0\" FIRST"),
        );
        let after = c.with_state(|st| st.db("d").unwrap().table(t).unwrap().base_index().id);
        assert_ne!(before, after, "{t}: heavy change gets a new index");
        assert_eq!(
            column(&c, &mut s, &format!("DESC {t}"), "Field"),
            vec!["k0", "k", "v"]
        );
        assert_eq!(
            column(&c, &mut s, &format!("DESC {t}"), "Key"),
            vec!["true", "true", "false"]
        );
    }
    exec(&c, &mut s, "INSERT INTO u VALUES (0, 1, 10), (5, 1, 50)");
    assert_eq!(
        rows(&c, &mut s, "SELECT * FROM u ORDER BY k0, k"),
        vec![
            vec!["0", "1", "10"],
            vec!["0", "2", "2"],
            vec!["5", "1", "50"]
        ]
    );
    exec(&c, &mut s, "INSERT INTO g VALUES (0, 1, 4)");
    assert_eq!(
        rows(&c, &mut s, "SELECT * FROM g"),
        vec![vec!["0", "1", "7"]]
    );
    let ddl = column(&c, &mut s, "SHOW CREATE TABLE g", "Create Table")[0].clone();
    assert!(ddl.contains("AGGREGATE KEY(`k0`, `k`)"), "{ddl}");
}
