use super::ok;
use crate::sql::ast::*;

fn create_table(sql: &str) -> CreateTable {
    match ok(sql) {
        Statement::CreateTable(t) => *t,
        other => panic!("{other:?}"),
    }
}

const DORIS_STYLE: &str = "CREATE TABLE `t` (\n  `id` INT NOT NULL COMMENT \"\",\n  `k` int NULL,\n  \
`v` varchar(20) NULL DEFAULT \"null\" COMMENT 'it\\'s',\n  `d` DECIMAL(10, 2) REPLACE_IF_NOT_NULL NULL DEFAULT \"0\",\n  \
`ts` DATETIMEV2(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),\n  INDEX idx_v (`v`) USING INVERTED PROPERTIES(\"parser\" = \"english\") COMMENT 'inv'\n\
) ENGINE=OLAP\nUNIQUE KEY(`id`)\nCOMMENT 'OLAP'\nPARTITION BY RANGE(`k`)\n\
(PARTITION p1 VALUES [(\"-2147483648\"), (\"10\")),\nPARTITION p2 VALUES [(\"10\"), (\"20\")))\n\
DISTRIBUTED BY HASH(`id`) BUCKETS 3\nPROPERTIES (\n\"replication_allocation\" = \"tag.location.default: 1\",\n\
\"binlog.enable\" = \"true\"\n);";

#[test]
fn doris_show_create_table_style() {
    let t = create_table(DORIS_STYLE);
    assert_eq!(t.name, ObjectName::bare("t"));
    let names: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "k", "v", "d", "ts"]);
    let id = &t.columns[0];
    assert_eq!(
        (
            id.data_type.kind.clone(),
            id.nullable,
            id.comment.as_deref()
        ),
        (TypeKind::Int, Some(false), Some(""))
    );
    let v = &t.columns[2];
    assert_eq!(v.data_type.text, "varchar(20)");
    assert_eq!(v.data_type.kind, TypeKind::Varchar(Some(20)));
    assert_eq!(
        v.default,
        Some(ColumnDefault::Literal(Literal::String("null".into())))
    );
    assert_eq!(v.comment.as_deref(), Some("it's"));
    let d = &t.columns[3];
    assert_eq!(d.agg_type, Some(AggType::ReplaceIfNotNull));
    assert_eq!(
        d.data_type.kind,
        TypeKind::Decimal {
            precision: Some(10),
            scale: Some(2),
            v3: false
        }
    );
    let ts = &t.columns[4];
    assert_eq!(
        ts.data_type.kind,
        TypeKind::DateTime {
            precision: Some(3),
            v2: true
        }
    );
    assert_eq!(ts.default, Some(ColumnDefault::CurrentTimestamp(Some(3))));
    assert_eq!(t.indexes.len(), 1);
    assert_eq!(t.indexes[0].index_type, Some(IndexType::Inverted));
    assert_eq!(t.indexes[0].properties.get("parser"), Some("english"));
    assert_eq!(t.engine.as_deref(), Some("OLAP"));
    assert_eq!(
        t.keys,
        Some(KeysDesc {
            keys_type: KeysType::Unique,
            columns: vec!["id".into()]
        })
    );
    assert_eq!(t.comment.as_deref(), Some("OLAP"));
    let Some(PartitionDesc::Range {
        columns,
        partitions,
    }) = &t.partition
    else {
        panic!()
    };
    assert_eq!(columns, &["k".to_string()]);
    assert_eq!(partitions[0].name, "p1");
    assert_eq!(
        partitions[0].values,
        PartitionValues::Fixed {
            lower: vec![PartitionValue::Value("-2147483648".into())],
            upper: vec![PartitionValue::Value("10".into())],
        }
    );
    assert_eq!(partitions[1].values_text, "VALUES [(\"10\"), (\"20\"))");
    assert_eq!(
        t.distribution,
        Some(DistributionDesc::Hash {
            columns: vec!["id".into()],
            buckets: Some(Buckets::Num(3))
        })
    );
    assert_eq!(t.properties.get("binlog.enable"), Some("true"));
    assert_eq!(
        t.properties.get("replication_allocation"),
        Some("tag.location.default: 1")
    );
}

#[test]
fn create_table_less_than_list_rollup_and_aggregate() {
    let t = create_table(
        "create table if not exists db1.`tbl` (k1 date, k2 bigint, v1 bigint sum default '0', \
         v2 hll hll_union, v3 bitmap bitmap_union, v4 string max, v5 jsonb replace) \
         aggregate key(k1, k2) partition by range(k1) (partition p0 values less than ('2024-01-01'), \
         partition p1 values less than (maxvalue)) distributed by random buckets auto \
         rollup (r1(k1, v1), r2(k2, v1) duplicate key(k2)) properties('replication_num' = '1')",
    );
    assert!(t.if_not_exists);
    assert_eq!(t.name.db.as_deref(), Some("db1"));
    assert_eq!(t.columns[2].agg_type, Some(AggType::Sum));
    assert_eq!(
        t.columns[2].default,
        Some(ColumnDefault::Literal(Literal::String("0".into())))
    );
    assert_eq!(t.columns[3].data_type.kind, TypeKind::Other("HLL".into()));
    assert_eq!(t.columns[4].agg_type, Some(AggType::BitmapUnion));
    assert_eq!(t.columns[6].data_type.kind, TypeKind::Json);
    let Some(PartitionDesc::Range { partitions, .. }) = &t.partition else {
        panic!()
    };
    assert_eq!(
        partitions[0].values,
        PartitionValues::LessThan(vec![PartitionValue::Value("2024-01-01".into())])
    );
    assert_eq!(
        partitions[1].values,
        PartitionValues::LessThan(vec![PartitionValue::MaxValue])
    );
    assert_eq!(
        t.distribution,
        Some(DistributionDesc::Random {
            buckets: Some(Buckets::Auto)
        })
    );
    assert_eq!(t.rollups.len(), 2);
    assert_eq!(t.rollups[1].dup_keys, vec!["k2".to_string()]);
    assert_eq!(t.properties.get("replication_num"), Some("1"));
}

#[test]
fn create_table_list_partitions_and_types() {
    let t = create_table(
        "CREATE TABLE t (a TINYINT, b SMALLINT, c INTEGER, d LARGEINT, e BOOLEAN, f FLOAT, g DOUBLE, \
         h DECIMALV3(27, 9), i DATEV2, j DATETIME, k CHAR(10), l TEXT, m JSON, n ARRAY<INT>, \
         o MAP<STRING, ARRAY<INT>>, id BIGINT NOT NULL AUTO_INCREMENT(100)) DUPLICATE KEY(a) \
         PARTITION BY LIST(a, b) (PARTITION p1 VALUES IN ((\"1\", \"2\"), (\"3\", \"4\")), \
         PARTITION p2 VALUES IN (\"5\", -6), PARTITION p3 VALUES IN (((\"7\")))) \
         DISTRIBUTED BY HASH(a) BUCKETS 1",
    );
    let kinds: Vec<_> = t
        .columns
        .iter()
        .map(|c| c.data_type.kind.to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "TINYINT",
            "SMALLINT",
            "INT",
            "LARGEINT",
            "BOOLEAN",
            "FLOAT",
            "DOUBLE",
            "DECIMALV3(27, 9)",
            "DATEV2",
            "DATETIME",
            "CHAR(10)",
            "STRING",
            "JSON",
            "ARRAY<INT>",
            "MAP<STRING, ARRAY<INT>>",
            "BIGINT",
        ]
    );
    assert_eq!(t.columns[15].auto_increment, Some(100));
    let Some(PartitionDesc::List {
        columns,
        partitions,
    }) = &t.partition
    else {
        panic!()
    };
    assert_eq!(columns.len(), 2);
    let v = |s: &str| PartitionValue::Value(s.into());
    assert_eq!(
        partitions[0].values,
        PartitionValues::In(vec![vec![v("1"), v("2")], vec![v("3"), v("4")]])
    );
    assert_eq!(
        partitions[1].values,
        PartitionValues::In(vec![vec![v("5")], vec![v("-6")]])
    );
    assert_eq!(
        partitions[2].values,
        PartitionValues::In(vec![vec![v("7")]])
    );
}

#[test]
fn create_table_like_and_unsupported_forms() {
    assert_eq!(
        ok("CREATE TABLE t2 LIKE db.t1"),
        Statement::CreateTableLike {
            if_not_exists: false,
            name: ObjectName::bare("t2"),
            source: ObjectName {
                catalog: None,
                db: Some("db".into()),
                name: "t1".into()
            },
        }
    );
    for sql in [
        "CREATE TABLE t AS SELECT 1",
        "CREATE CATALOG c",
        "CREATE USER u",
    ] {
        assert!(
            matches!(
                crate::sql::parse(sql),
                Err(crate::sql::ParseError::Unsupported(_))
            ),
            "{sql}"
        );
    }
}

#[test]
fn databases_and_use() {
    assert_eq!(
        ok("CREATE DATABASE IF NOT EXISTS `db` PROPERTIES (\"binlog.enable\" = \"true\")"),
        Statement::CreateDatabase {
            if_not_exists: true,
            name: "db".into(),
            properties: Properties(vec![("binlog.enable".into(), "true".into())]),
        }
    );
    assert_eq!(
        ok("drop database if exists db force;"),
        Statement::DropDatabase {
            if_exists: true,
            name: "db".into(),
            force: true
        }
    );
    assert_eq!(
        ok("USE `my-db`"),
        Statement::Use {
            catalog: None,
            name: "my-db".into()
        }
    );
    assert_eq!(
        ok("USE internal.db"),
        Statement::Use {
            catalog: Some("internal".into()),
            name: "db".into()
        }
    );
    assert_eq!(ok("ALTER DATABASE db SET PROPERTIES (\"binlog.enable\" = \"true\", \"binlog.ttl_seconds\" = \"3600\")"), Statement::AlterDatabaseProperties {
        name: "db".into(),
        properties: Properties(vec![("binlog.enable".into(), "true".into()), ("binlog.ttl_seconds".into(), "3600".into())]),
    });
}

#[test]
fn drop_and_truncate() {
    let name = |db: Option<&str>, n: &str| ObjectName {
        catalog: None,
        db: db.map(Into::into),
        name: n.into(),
    };
    assert_eq!(
        ok("DROP TABLE `db`.`t` FORCE"),
        Statement::DropTable {
            if_exists: false,
            name: name(Some("db"), "t"),
            force: true
        }
    );
    assert_eq!(
        ok("DROP TABLE IF EXISTS `t`"),
        Statement::DropTable {
            if_exists: true,
            name: name(None, "t"),
            force: false
        }
    );
    assert_eq!(
        ok("DROP VIEW IF EXISTS `v`"),
        Statement::DropView {
            if_exists: true,
            name: name(None, "v")
        }
    );
    assert_eq!(
        ok("TRUNCATE TABLE `t` PARTITIONS (p1)"),
        Statement::TruncateTable {
            name: name(None, "t"),
            partitions: vec!["p1".into()],
            temporary: false,
            partition_text: "PARTITIONS (p1)".into(),
        }
    );
    assert_eq!(
        ok("TRUNCATE TABLE t PARTITION p2"),
        Statement::TruncateTable {
            name: name(None, "t"),
            partitions: vec!["p2".into()],
            temporary: false,
            partition_text: "PARTITION p2".into(),
        }
    );
    assert_eq!(
        ok("truncate table db.t"),
        Statement::TruncateTable {
            name: name(Some("db"), "t"),
            partitions: vec![],
            temporary: false,
            partition_text: String::new(),
        }
    );
}

#[test]
fn views_keep_raw_query_text() {
    let sql = "CREATE VIEW IF NOT EXISTS `v` (`a` COMMENT 'x', b) COMMENT 'view' AS select `k`, count(*) from `internal`.`db`.`t` group by k;";
    let Statement::CreateView(v) = ok(sql) else {
        panic!()
    };
    assert!(v.if_not_exists);
    assert_eq!(
        v.columns[0],
        ViewColumn {
            name: "a".into(),
            comment: Some("x".into())
        }
    );
    assert_eq!(v.comment.as_deref(), Some("view"));
    assert_eq!(
        v.query_text,
        "select `k`, count(*) from `internal`.`db`.`t` group by k"
    );
    let q = v.query.expect("parsed");
    let Some(FromClause::Table { name, .. }) = &q.from else {
        panic!()
    };
    assert_eq!(name.catalog.as_deref(), Some("internal"));
    // Joins are outside the SELECT subset but the view is still accepted, raw.
    let Statement::CreateView(v) = ok("CREATE VIEW v AS SELECT a.x FROM a JOIN b ON a.id = b.id")
    else {
        panic!()
    };
    assert_eq!(v.query_text, "SELECT a.x FROM a JOIN b ON a.id = b.id");
    assert!(v.query.is_none());
    let Statement::AlterView(v) = ok("ALTER VIEW db.v (c) AS SELECT 1") else {
        panic!()
    };
    assert_eq!(v.query_text, "SELECT 1");
}

#[test]
fn indexes_and_materialized_views() {
    let Statement::CreateIndex { table, index, .. } =
        ok("CREATE INDEX IF NOT EXISTS idx ON t (c) USING INVERTED PROPERTIES(\"parser\"=\"unicode\") COMMENT 'c'")
    else {
        panic!()
    };
    assert_eq!(table, ObjectName::bare("t"));
    assert_eq!(index.columns, vec!["c".to_string()]);
    assert_eq!(index.comment.as_deref(), Some("c"));
    assert_eq!(
        ok("DROP INDEX idx ON db.t"),
        Statement::DropIndex {
            if_exists: false,
            name: "idx".into(),
            table: ObjectName {
                catalog: None,
                db: Some("db".into()),
                name: "t".into()
            },
        }
    );
    let Statement::CreateMaterializedView {
        name,
        query_text,
        query,
        ..
    } = ok("CREATE MATERIALIZED VIEW mv1 AS SELECT k1, SUM(v1) FROM t GROUP BY k1")
    else {
        panic!()
    };
    assert_eq!(name, "mv1");
    assert_eq!(query_text, "SELECT k1, SUM(v1) FROM t GROUP BY k1");
    assert_eq!(query.group_by.len(), 1);
    assert_eq!(
        ok("DROP MATERIALIZED VIEW IF EXISTS mv1 ON t"),
        Statement::DropMaterializedView {
            if_exists: true,
            name: "mv1".into(),
            table: Some(ObjectName::bare("t")),
        }
    );
}

#[test]
fn keywords_and_odd_names_as_identifiers() {
    let t = create_table("CREATE TABLE `select` (`from` INT, key INT, value STRING, comment STRING COMMENT 'c', `a``b` INT, `my-col` INT) DUPLICATE KEY(`from`, key) DISTRIBUTED BY HASH(key) BUCKETS 1 PROPERTIES (\"replication_num\" = 1, \"x\" = -1)");
    assert_eq!(t.name.name, "select");
    let names: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["from", "key", "value", "comment", "a`b", "my-col"]);
    assert_eq!(t.properties.get("x"), Some("-1"));
    assert_eq!(
        ok("DROP TABLE `my-db`.`it's`"),
        Statement::DropTable {
            if_exists: false,
            name: ObjectName {
                catalog: None,
                db: Some("my-db".into()),
                name: "it's".into()
            },
            force: false,
        }
    );
}

/// The shape the executor's SHOW CREATE TABLE writes (lower-case types, AUTO_INCREMENT before
/// DEFAULT, escaped comments, empty property list) must re-parse.
#[test]
fn emulator_show_create_style_round_trips() {
    let sql = "CREATE TABLE `t` (\n  `id` bigint NOT NULL AUTO_INCREMENT(1),\n  `d` decimal(10,2) NULL DEFAULT \"0\" COMMENT \"a \\\"q\\\" \\\\\",\n  \
               `ts` datetime(3) NULL DEFAULT CURRENT_TIMESTAMP,\n  `arr` array<int> NULL,\n  `s` text NULL,\n  \
               INDEX `i1` (`s`) USING INVERTED PROPERTIES(\"parser\" = \"english\") COMMENT 'it\\'s'\n) ENGINE=OLAP\n\
               DUPLICATE KEY(`id`)\nCOMMENT 'OLAP'\nPARTITION BY LIST(`id`)\n(PARTITION `p1` VALUES IN ((\"1\"), (\"2\")),\n\
               PARTITION `p2` VALUES IN ((NULL)))\nDISTRIBUTED BY RANDOM BUCKETS AUTO\nPROPERTIES (\n\n);";
    let t = create_table(sql);
    assert_eq!(t.columns[0].auto_increment, Some(1));
    assert_eq!(t.columns[1].comment.as_deref(), Some("a \"q\" \\"));
    assert_eq!(
        t.columns[2].default,
        Some(ColumnDefault::CurrentTimestamp(None))
    );
    assert_eq!(
        t.columns[3].data_type.kind,
        TypeKind::Other("ARRAY<INT>".into())
    );
    assert_eq!(t.indexes[0].comment.as_deref(), Some("it's"));
    let Some(PartitionDesc::List { partitions, .. }) = &t.partition else {
        panic!()
    };
    assert_eq!(
        partitions[1].values,
        PartitionValues::In(vec![vec![PartitionValue::Null]])
    );
    assert!(t.properties.is_empty());
}
