use super::ok;
use crate::sql::ast::*;

fn alter(sql: &str) -> AlterTable {
    match ok(sql) {
        Statement::AlterTable(a) => *a,
        other => panic!("{other:?}"),
    }
}

fn one(sql: &str) -> AlterAction {
    let mut a = alter(sql);
    assert_eq!(a.actions.len(), 1, "{sql}");
    a.actions.remove(0)
}

fn props(kv: &[(&str, &str)]) -> Properties {
    Properties(
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

#[test]
fn add_partition_from_binlog_sql() {
    let a = alter("ALTER TABLE `t` ADD PARTITION `p2` VALUES [(\"10\"), (\"20\")) (\"version_info\" = \"1\") DISTRIBUTED BY HASH(`id`) BUCKETS 3");
    let AlterAction::AddPartition {
        temporary,
        partition,
        distribution,
    } = &a.actions[0]
    else {
        panic!()
    };
    assert!(!temporary);
    assert_eq!(partition.name, "p2");
    assert_eq!(partition.values_text, "VALUES [(\"10\"), (\"20\"))");
    assert_eq!(partition.properties.get("version_info"), Some("1"));
    assert_eq!(
        distribution,
        &Some(DistributionDesc::Hash {
            columns: vec!["id".into()],
            buckets: Some(Buckets::Num(3))
        })
    );
    assert_eq!(a.action_texts[0], "ADD PARTITION `p2` VALUES [(\"10\"), (\"20\")) (\"version_info\" = \"1\") DISTRIBUTED BY HASH(`id`) BUCKETS 3");
}

#[test]
fn add_partition_variants() {
    let AlterAction::AddPartition { temporary, partition, distribution } =
        one("ALTER TABLE t ADD TEMPORARY PARTITION IF NOT EXISTS tp1 VALUES LESS THAN (\"100\") DISTRIBUTED BY RANDOM BUCKETS AUTO")
    else {
        panic!()
    };
    assert!(temporary && partition.if_not_exists);
    assert_eq!(
        distribution,
        Some(DistributionDesc::Random {
            buckets: Some(Buckets::Auto)
        })
    );
    let AlterAction::AddPartition { partition, .. } = one(
        "ALTER TABLE t ADD PARTITION p VALUES IN ((\"a\"), (\"b\")) (\"version_info\" = \"2\");",
    ) else {
        panic!()
    };
    assert_eq!(
        partition.values,
        PartitionValues::In(vec![
            vec![PartitionValue::Value("a".into())],
            vec![PartitionValue::Value("b".into())]
        ])
    );
    // Unpartitioned tables: empty tuples, or no VALUES at all.
    let AlterAction::AddPartition { partition, .. } =
        one("ALTER TABLE t ADD PARTITION `t` VALUES [(), ()) (\"version_info\" = \"1\")")
    else {
        panic!()
    };
    assert_eq!(
        partition.values,
        PartitionValues::Fixed {
            lower: vec![],
            upper: vec![]
        }
    );
    let AlterAction::AddPartition { partition, .. } =
        one("ALTER TABLE t ADD PARTITION `t` (\"version_info\" = \"1\")")
    else {
        panic!()
    };
    assert_eq!(
        (partition.values, partition.values_text.as_str()),
        (PartitionValues::Unspecified, "")
    );
}

#[test]
fn drop_rename_replace_partitions() {
    assert_eq!(
        one("ALTER TABLE `db`.`t` DROP PARTITION `p1`"),
        AlterAction::DropPartition {
            temporary: false,
            if_exists: false,
            name: "p1".into(),
            force: false
        }
    );
    assert_eq!(
        one("ALTER TABLE t DROP TEMPORARY PARTITION IF EXISTS `p1` FORCE"),
        AlterAction::DropPartition {
            temporary: true,
            if_exists: true,
            name: "p1".into(),
            force: true
        }
    );
    assert_eq!(
        one("ALTER TABLE t RENAME PARTITION p1 p2;"),
        AlterAction::RenamePartition {
            old: "p1".into(),
            new: "p2".into()
        }
    );
    assert_eq!(
        one("ALTER TABLE t REPLACE PARTITION (p1, p2) WITH TEMPORARY PARTITION (tp1, tp2) PROPERTIES (\"strict_range\" = \"true\", \"use_temp_partition_name\" = \"false\")"),
        AlterAction::ReplacePartition {
            partitions: vec!["p1".into(), "p2".into()],
            temp_partitions: vec!["tp1".into(), "tp2".into()],
            properties: props(&[("strict_range", "true"), ("use_temp_partition_name", "false")]),
        }
    );
    assert_eq!(
        one("ALTER TABLE t MODIFY PARTITION p1 SET (\"storage_medium\" = \"HDD\")"),
        AlterAction::ModifyPartition {
            temporary: false,
            partitions: vec!["p1".into()],
            properties: props(&[("storage_medium", "HDD")]),
        }
    );
    assert_eq!(
        one("ALTER TABLE t MODIFY PARTITION (*) SET (\"a\" = \"b\")"),
        AlterAction::ModifyPartition {
            temporary: false,
            partitions: vec!["*".into()],
            properties: props(&[("a", "b")]),
        }
    );
}

#[test]
fn column_actions() {
    let AlterAction::AddColumn { column, position, rollup } =
        one("ALTER TABLE `db`.`t` ADD COLUMN `c` INT KEY NULL DEFAULT \"1\" COMMENT 'x' AFTER `b` TO r1")
    else {
        panic!()
    };
    assert!(column.is_key);
    assert_eq!(
        column.default,
        Some(ColumnDefault::Literal(Literal::String("1".into())))
    );
    assert_eq!(position, Some(ColumnPosition::After("b".into())));
    assert_eq!(rollup.as_deref(), Some("r1"));
    let AlterAction::AddColumns { columns, .. } = one(
        "ALTER TABLE t ADD COLUMN (a INT, b VARCHAR(10) REPLACE_IF_NOT_NULL NULL DEFAULT NULL)",
    ) else {
        panic!()
    };
    assert_eq!(columns[1].default, Some(ColumnDefault::Null));
    assert_eq!(
        one("ALTER TABLE t DROP COLUMN c FROM r1"),
        AlterAction::DropColumn {
            name: "c".into(),
            rollup: Some("r1".into())
        }
    );
    let AlterAction::ModifyColumn {
        column, position, ..
    } = one("ALTER TABLE t MODIFY COLUMN c BIGINT NOT NULL FIRST")
    else {
        panic!()
    };
    assert_eq!(
        (column.data_type.kind, position),
        (TypeKind::BigInt, Some(ColumnPosition::First))
    );
    assert_eq!(
        one("ALTER TABLE `t` MODIFY COLUMN `c` COMMENT 'it\\'s'"),
        AlterAction::ModifyColumnComment {
            name: "c".into(),
            comment: "it's".into()
        }
    );
    assert_eq!(
        one("ALTER TABLE `t` RENAME COLUMN `a` `b`"),
        AlterAction::RenameColumn {
            old: "a".into(),
            new: "b".into()
        }
    );
    assert_eq!(
        one("ALTER TABLE t ORDER BY (b, a)"),
        AlterAction::OrderBy {
            columns: vec!["b".into(), "a".into()],
            rollup: None
        }
    );
}

#[test]
fn several_comma_separated_actions() {
    let a = alter("ALTER TABLE `t` MODIFY COLUMN `a` COMMENT 'x', MODIFY COLUMN `b` COMMENT \"q\\\"\", ADD COLUMN c INT, DROP COLUMN d");
    assert_eq!(a.actions.len(), 4);
    assert_eq!(
        a.action_texts,
        [
            "MODIFY COLUMN `a` COMMENT 'x'",
            "MODIFY COLUMN `b` COMMENT \"q\\\"\"",
            "ADD COLUMN c INT",
            "DROP COLUMN d"
        ]
    );
    assert_eq!(
        a.actions[1],
        AlterAction::ModifyColumnComment {
            name: "b".into(),
            comment: "q\"".into()
        }
    );
}

#[test]
fn table_level_actions() {
    assert_eq!(one("ALTER TABLE `t` REPLACE WITH TABLE `__ccr_t_1700000000` PROPERTIES(\"swap\"=\"false\")"), AlterAction::ReplaceWithTable {
        table: "__ccr_t_1700000000".into(),
        properties: props(&[("swap", "false")]),
    });
    assert_eq!(
        one("ALTER TABLE `t` SET (\"is_being_synced\"=\"false\")"),
        AlterAction::SetProperties(props(&[("is_being_synced", "false")]))
    );
    assert_eq!(
        one("ALTER TABLE t MODIFY COMMENT 'it\\'s \\\\ \"x\"'"),
        AlterAction::ModifyComment {
            comment: "it's \\ \"x\"".into()
        }
    );
    assert_eq!(
        one("ALTER TABLE old_t RENAME new_t"),
        AlterAction::Rename {
            new_name: "new_t".into()
        }
    );
    assert_eq!(
        one("ALTER TABLE t RENAME column"),
        AlterAction::Rename {
            new_name: "column".into()
        }
    );
    assert_eq!(
        one("ALTER TABLE `t` RENAME ROLLUP r1 r2"),
        AlterAction::RenameRollup {
            old: "r1".into(),
            new: "r2".into()
        }
    );
    assert_eq!(
        one("ALTER TABLE t MODIFY DISTRIBUTION DISTRIBUTED BY HASH(k) BUCKETS 8"),
        AlterAction::ModifyDistribution(DistributionDesc::Hash {
            columns: vec!["k".into()],
            buckets: Some(Buckets::Num(8))
        })
    );
}

#[test]
fn rollups_and_indexes() {
    let a = alter("ALTER TABLE t ADD ROLLUP r1 (k1, v1) DUPLICATE KEY (k1) PROPERTIES(\"timeout\" = \"10\"), r2 (k2)");
    assert_eq!(a.actions.len(), 2);
    let AlterAction::AddRollup(r) = &a.actions[0] else {
        panic!()
    };
    assert_eq!((r.name.as_str(), r.dup_keys.len()), ("r1", 1));
    let a = alter("ALTER TABLE t DROP ROLLUP r1, r2, ADD COLUMN c INT");
    assert_eq!(
        a.actions[..2],
        [
            AlterAction::DropRollup { name: "r1".into() },
            AlterAction::DropRollup { name: "r2".into() }
        ]
    );
    let AlterAction::AddIndex(idx) =
        one("ALTER TABLE t ADD INDEX idx1 (c) USING BLOOM_FILTER COMMENT 'bf'")
    else {
        panic!()
    };
    assert_eq!(idx.index_type, Some(IndexType::BloomFilter));
    assert_eq!(
        one("ALTER TABLE t DROP INDEX idx1"),
        AlterAction::DropIndex {
            if_exists: false,
            name: "idx1".into()
        }
    );
}

#[test]
fn lightning_schema_change_raw_sql() {
    // MODIFY_TABLE_ADD_OR_DROP_COLUMNS rawSql, including the 2.0 `default_cluster:` qualifier.
    let a = alter("ALTER TABLE `default_cluster:db`.`t` ADD COLUMN `v2` int(11) REPLACE_IF_NOT_NULL NULL DEFAULT NULL COMMENT \"\"");
    assert_eq!(a.table.db.as_deref(), Some("default_cluster:db"));
    let AlterAction::AddColumn { column, .. } = &a.actions[0] else {
        panic!()
    };
    assert_eq!(
        (
            column.data_type.kind.clone(),
            column.data_type.text.as_str()
        ),
        (TypeKind::Int, "int(11)")
    );
    assert_eq!(column.agg_type, Some(AggType::ReplaceIfNotNull));
}

#[test]
fn syncer_rewritten_add_partition_for_unpartitioned_table() {
    // The syncer strips `VALUES [(), ()) (...)` and appends the distribution.
    let AlterAction::AddPartition {
        partition,
        distribution,
        ..
    } = one("ALTER TABLE `t` ADD PARTITION `t` DISTRIBUTED BY HASH(id, k) BUCKETS 3")
    else {
        panic!()
    };
    assert_eq!(partition.values, PartitionValues::Unspecified);
    assert_eq!(
        distribution,
        Some(DistributionDesc::Hash {
            columns: vec!["id".into(), "k".into()],
            buckets: Some(Buckets::Num(3))
        })
    );
    // RENAME_TABLE replay uses unquoted names.
    let a = alter("ALTER TABLE old_name RENAME new_name");
    assert_eq!(a.table, ObjectName::bare("old_name"));
}
