//! DDL / DML / SELECT round trips per key model, errors, SHOW output.

mod cluster_common;
use cluster_common::*;

#[test]
fn duplicate_table_round_trip() {
    let c = cluster(1, 10000);
    let mut s = session_in(&c, "db1");
    exec(&c, &mut s, "CREATE TABLE t (id INT, name VARCHAR(10), v DECIMAL(10,2)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 3 PROPERTIES (\"replication_num\" = \"1\")");
    exec(
        &c,
        &mut s,
        "INSERT INTO t VALUES (1, 'a', 1.5), (2, 'b', 2.25), (1, 'a', 3)",
    );
    let r = rows(&c, &mut s, "SELECT id, name, v FROM t ORDER BY v");
    assert_eq!(
        r,
        vec![
            vec!["1", "a", "1.50"],
            vec!["2", "b", "2.25"],
            vec!["1", "a", "3.00"]
        ]
    );
    let r = rows(&c, &mut s, "SELECT COUNT(*), SUM(v), MAX(id) FROM t");
    assert_eq!(r, vec![vec!["3", "6.75", "2"]]);
    let r = rows(
        &c,
        &mut s,
        "SELECT id, COUNT(*) FROM t GROUP BY id ORDER BY id DESC",
    );
    assert_eq!(r, vec![vec!["2", "1"], vec!["1", "2"]]);
    exec(&c, &mut s, "DELETE FROM t WHERE id = 1");
    assert_eq!(rows(&c, &mut s, "SELECT id FROM t"), vec![vec!["2"]]);
}

#[test]
fn unique_and_aggregate_models_merge() {
    let c = cluster(1, 10000);
    let mut s = session_in(&c, "db1");
    exec(&c, &mut s, "CREATE TABLE u (k INT, v VARCHAR(10)) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\")");
    exec(&c, &mut s, "INSERT INTO u VALUES (1, 'a'), (2, 'b')");
    exec(&c, &mut s, "INSERT INTO u VALUES (1, 'c')");
    exec(&c, &mut s, "UPDATE u SET v = 'z' WHERE k = 2");
    assert_eq!(
        rows(&c, &mut s, "SELECT * FROM u ORDER BY k"),
        vec![vec!["1", "c"], vec!["2", "z"]]
    );
    exec(&c, &mut s, "DELETE FROM u WHERE v = 'c'");
    assert_eq!(
        rows(&c, &mut s, "SELECT * FROM u ORDER BY k"),
        vec![vec!["2", "z"]]
    );

    exec(&c, &mut s, "CREATE TABLE a (k INT, s BIGINT SUM, m INT MAX, r VARCHAR(5) REPLACE, rn INT REPLACE_IF_NOT_NULL) AGGREGATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\")");
    exec(&c, &mut s, "INSERT INTO a VALUES (1, 10, 5, 'x', 7)");
    exec(
        &c,
        &mut s,
        "INSERT INTO a VALUES (1, 5, 3, 'y', NULL), (2, 1, 1, 'q', 1)",
    );
    assert_eq!(
        rows(&c, &mut s, "SELECT * FROM a ORDER BY k"),
        vec![
            vec!["1", "15", "5", "y", "7"],
            vec!["2", "1", "1", "q", "1"]
        ]
    );
}

#[test]
fn bad_input_is_rejected_and_state_unchanged() {
    let c = cluster(1, 10000);
    let mut s = session_in(&c, "db1");
    exec(&c, &mut s, "CREATE TABLE t (id INT NOT NULL, name VARCHAR(3)) DISTRIBUTED BY HASH(id) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\")");
    let before = c.with_state(|st| (st.last_journal_id, st.next_id));
    fails(&c, &mut s, "INSERT INTO t VALUES (1, 'toolong')");
    fails(&c, &mut s, "INSERT INTO t VALUES ('x', 'a')");
    fails(&c, &mut s, "INSERT INTO t VALUES (NULL, 'a')");
    fails(&c, &mut s, "INSERT INTO nope VALUES (1, 'a')");
    fails(&c, &mut s, "INSERT INTO t (id, nope) VALUES (1, 'a')");
    fails(&c, &mut s, "SELECT nope FROM t");
    let e = fails(&c, &mut s, "CREATE TABLE t (id INT) DISTRIBUTED BY HASH(id) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\")");
    assert_eq!(e.code, doris_emu::result::SqlError::TABLE_EXISTS);
    let e = fails(&c, &mut s, "USE nodb");
    assert_eq!(e.code, doris_emu::result::SqlError::BAD_DB);
    assert_eq!(c.with_state(|st| st.last_journal_id), before.0);
    assert!(rows(&c, &mut s, "SELECT * FROM t").is_empty());
    // Doris default of 3 replicas needs 3 backends.
    let e = fails(
        &c,
        &mut s,
        "CREATE TABLE t3 (id INT) DISTRIBUTED BY HASH(id) BUCKETS 1",
    );
    assert!(e.message.contains("Failed to find enough backend"), "{e}");
}

#[test]
fn range_partitions_route_and_reject() {
    let c = cluster(3, 10000);
    let mut s = session_in(&c, "db1");
    exec(&c, &mut s, "CREATE TABLE p (k INT, v INT) PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN (10), PARTITION p2 VALUES LESS THAN (20)) DISTRIBUTED BY HASH(k) BUCKETS 2");
    exec(&c, &mut s, "INSERT INTO p VALUES (1, 1), (15, 2)");
    let e = fails(&c, &mut s, "INSERT INTO p VALUES (25, 3)");
    assert!(e.message.contains("no partition for this tuple"), "{e}");
    let ranges = column(&c, &mut s, "SHOW PARTITIONS FROM p", "Range");
    assert_eq!(
        ranges[0],
        "[types: [INT]; keys: [-2147483648]; ..types: [INT]; keys: [10]; )"
    );
    assert_eq!(
        ranges[1],
        "[types: [INT]; keys: [10]; ..types: [INT]; keys: [20]; )"
    );
    let versions = column(&c, &mut s, "SHOW PARTITIONS FROM p", "VisibleVersion");
    assert_eq!(versions, vec!["2", "2"]);
    exec(
        &c,
        &mut s,
        "ALTER TABLE p ADD PARTITION p3 VALUES [(\"20\"), (\"30\"))",
    );
    exec(&c, &mut s, "INSERT INTO p VALUES (25, 3)");
    fails(
        &c,
        &mut s,
        "ALTER TABLE p ADD PARTITION p4 VALUES [(\"25\"), (\"35\"))",
    );
    exec(&c, &mut s, "ALTER TABLE p DROP PARTITION p1");
    assert_eq!(
        rows(&c, &mut s, "SELECT k FROM p ORDER BY k"),
        vec![vec!["15"], vec!["25"]]
    );
    exec(&c, &mut s, "TRUNCATE TABLE p PARTITION (p2)");
    assert_eq!(
        rows(&c, &mut s, "SELECT k FROM p ORDER BY k"),
        vec![vec!["25"]]
    );
    let tablets = c.with_state(|st| {
        let t = st.db("db1").unwrap().table("p").unwrap();
        t.partitions
            .iter()
            .map(|p| p.indexes[0].tablets[0].replicas.len())
            .collect::<Vec<_>>()
    });
    assert_eq!(tablets, vec![3, 3]);
}

#[test]
fn show_statements_answer_with_doris_columns() {
    let c = cluster(1, 10000);
    let mut s = session_in(&c, "db1");
    exec(&c, &mut s, "CREATE TABLE t (id INT) DISTRIBUTED BY HASH(id) BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\")");
    let db_id = column(&c, &mut s, "show proc '/dbs/'", "DbId")[0].clone();
    let tid = column(&c, &mut s, &format!("show proc '/dbs/{db_id}/'"), "TableId")[0].clone();
    let pid = column(
        &c,
        &mut s,
        &format!("show proc '/dbs/{db_id}/{tid}/partitions'"),
        "PartitionId",
    )[0]
    .clone();
    let iid = column(
        &c,
        &mut s,
        &format!("show proc '/dbs/{db_id}/{tid}/partitions/{pid}'"),
        "IndexId",
    )[0]
    .clone();
    let tablets = column(
        &c,
        &mut s,
        &format!("show proc '/dbs/{db_id}/{tid}/partitions/{pid}/{iid}'"),
        "BackendId",
    );
    assert_eq!(tablets, vec!["10001", "10001"]);
    assert_eq!(
        column(&c, &mut s, &format!("show table {tid}"), "TableName"),
        vec!["t"]
    );
    assert_eq!(
        column(&c, &mut s, "show backends", "HttpPort"),
        vec!["8040"]
    );
    assert_eq!(
        column(
            &c,
            &mut s,
            "select Host, QueryPort, RpcPort, IsMaster from frontends();",
            "IsMaster"
        ),
        vec!["true"]
    );
    assert_eq!(
        column(
            &c,
            &mut s,
            "ADMIN SHOW FRONTEND CONFIG LIKE \"%enable_feature_binlog%\"",
            "Value"
        ),
        vec!["true"]
    );
    assert_eq!(
        rows(&c, &mut s, "SELECT @@version_comment"),
        vec![vec!["Doris version doris-2.1.8-emu"]]
    );
    assert_eq!(
        column(&c, &mut s, "SHOW TABLES", "Tables_in_db1"),
        vec!["t"]
    );
    exec(&c, &mut s, "CREATE VIEW v AS SELECT id FROM t");
    let views = column(&c, &mut s, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'db1' AND  table_type = 'VIEW'", "table_name");
    assert_eq!(views, vec!["v"]);
    exec(&c, &mut s, "INSERT INTO t VALUES (7)");
    assert_eq!(rows(&c, &mut s, "SELECT * FROM v"), vec![vec!["7"]]);
    let e = fails(&c, &mut s, "DROP TABLE v");
    assert!(e.message.contains("is not TABLE"), "{e}");
    exec(&c, &mut s, "DROP VIEW v");
}

#[test]
fn session_functions_variables_and_dates() {
    let c = cluster(1, 10000);
    let mut s = doris_emu::cluster::Session::new("root", 42);
    assert_eq!(rows(&c, &mut s, "SELECT DATABASE()"), vec![vec!["NULL"]]);
    exec(&c, &mut s, "CREATE DATABASE d1");
    exec(&c, &mut s, "USE d1");
    let r = rows(&c, &mut s, "SELECT DATABASE(), CONNECTION_ID(), VERSION(), @@max_allowed_packet, @@wait_timeout, @@socket");
    assert_eq!(r, vec![vec!["d1", "42", "5.7.99", "16777216", "28800", ""]]);
    exec(&c, &mut s, "SET wait_timeout = 100");
    assert_eq!(rows(&c, &mut s, "SELECT @@wait_timeout"), vec![vec!["100"]]);
    fails(&c, &mut s, "SELECT @@no_such_variable");
    exec(&c, &mut s, "CREATE TABLE e (d DATE, t DATETIME, b BOOLEAN, l LARGEINT, f DOUBLE) DUPLICATE KEY(d) PARTITION BY RANGE(d) (PARTITION p2024 VALUES LESS THAN (\"2025-01-01\")) DISTRIBUTED BY HASH(d) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\")");
    exec(&c, &mut s, "INSERT INTO e VALUES ('2024-1-2', '2024-01-02 03:04:05', true, 170141183460469231731687303715884105727, 1.5)");
    let r = rows(
        &c,
        &mut s,
        "SELECT * FROM e WHERE d = '2024-01-02' AND t > '2024-01-02'",
    );
    assert_eq!(
        r,
        vec![vec![
            "2024-01-02",
            "2024-01-02 03:04:05",
            "1",
            "170141183460469231731687303715884105727",
            "1.5"
        ]]
    );
    fails(
        &c,
        &mut s,
        "INSERT INTO e VALUES ('2025-06-01', '2025-06-01', false, 1, 1)",
    );
    let range = column(&c, &mut s, "SHOW PARTITIONS FROM e", "Range");
    assert_eq!(
        range,
        vec!["[types: [DATEV2]; keys: [0000-01-01]; ..types: [DATEV2]; keys: [2025-01-01]; )"]
    );
    fails(&c, &mut s, "BEGIN");
    let e = fails(&c, &mut s, "GRANT ALL ON *.* TO x");
    assert_eq!(e.code, doris_emu::result::SqlError::NOT_SUPPORTED);
    assert!(c.check_password("root", "").is_ok());
    assert!(c.check_password("bob", "").is_err());
}
