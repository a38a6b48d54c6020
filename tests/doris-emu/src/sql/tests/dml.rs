use super::ok;
use crate::sql::ast::*;

fn insert(sql: &str) -> Insert {
    match ok(sql) {
        Statement::Insert(i) => *i,
        other => panic!("{other:?}"),
    }
}

fn select(sql: &str) -> Select {
    match ok(sql) {
        Statement::Select(s) => *s,
        other => panic!("{other:?}"),
    }
}

fn int(i: i128) -> Expr {
    Expr::Literal(Literal::Int(i))
}

fn string(s: &str) -> Expr {
    Expr::Literal(Literal::String(s.into()))
}

#[test]
fn insert_values() {
    let i = insert(
        "INSERT INTO db.t PARTITION (p1, p2) (a, `b`) VALUES (1, 'x'), (-2, NULL), (3, DEFAULT)",
    );
    assert_eq!(i.table.db.as_deref(), Some("db"));
    assert_eq!(i.partitions, ["p1", "p2"]);
    assert_eq!(i.columns, ["a", "b"]);
    let InsertSource::Values(rows) = &i.source else {
        panic!()
    };
    assert_eq!(rows[0], [int(1), string("x")]);
    assert_eq!(rows[1], [int(-2), Expr::Literal(Literal::Null)]);
    assert_eq!(rows[2][1], Expr::Default);
    assert!(!i.overwrite);
}

#[test]
fn insert_label_overwrite_and_select() {
    let i = insert("INSERT INTO t WITH LABEL lbl_1 VALUES (1)");
    assert_eq!(i.label.as_deref(), Some("lbl_1"));
    let i = insert("INSERT OVERWRITE TABLE t PARTITION(p1) VALUES (1, 2.5)");
    assert!(i.overwrite);
    assert_eq!(i.partitions, ["p1"]);
    let InsertSource::Values(rows) = &i.source else {
        panic!()
    };
    assert_eq!(rows[0][1], Expr::Literal(Literal::Decimal("2.5".into())));
    let i = insert("INSERT OVERWRITE TABLE t SELECT * FROM t2 WHERE k > 1");
    let InsertSource::Select { query, text } = &i.source else {
        panic!()
    };
    assert_eq!(text, "SELECT * FROM t2 WHERE k > 1");
    assert!(query.filter.is_some());
    let i = insert("insert into t (a) select a from s");
    assert_eq!(i.columns, ["a"]);
    let i = insert("INSERT INTO t TEMPORARY PARTITION (tp1) VALUES (1)");
    assert!(i.temporary_partition);
}

#[test]
fn delete_and_update() {
    let Statement::Delete {
        table,
        partitions,
        filter,
    } = ok("DELETE FROM `db`.`t` PARTITION p1 WHERE k1 = 3 AND k2 IN ('a', 'b')")
    else {
        panic!()
    };
    assert_eq!(table.name, "t");
    assert_eq!(partitions, ["p1"]);
    assert_eq!(
        filter.expect("where").to_string(),
        "`k1` = 3 AND `k2` IN ('a', 'b')"
    );
    let Statement::Delete { partitions, .. } = ok("DELETE FROM t PARTITIONS (p1, p2) WHERE k < 10")
    else {
        panic!()
    };
    assert_eq!(partitions, ["p1", "p2"]);
    let Statement::Update {
        table,
        assignments,
        filter,
    } = ok("UPDATE t SET v = v + 1, w = 'x' WHERE id = 5")
    else {
        panic!()
    };
    assert_eq!(table, ObjectName::bare("t"));
    assert_eq!(assignments[0].0, "v");
    assert_eq!(assignments[0].1.to_string(), "`v` + 1");
    assert_eq!(filter.expect("where").to_string(), "`id` = 5");
}

#[test]
fn select_single_table() {
    let s = select("SELECT k, COUNT(*) AS n, SUM(v) total, MIN(`v`), max(v) FROM db.t x WHERE k > 1 GROUP BY k ORDER BY k DESC, n LIMIT 10 OFFSET 5");
    assert_eq!(s.items.len(), 5);
    assert_eq!(s.items[1].label(), "n");
    assert_eq!(s.items[2].label(), "total");
    assert_eq!(s.items[3].label(), "MIN(`v`)");
    let SelectItem::Expr {
        expr: Expr::Function { name, args, .. },
        ..
    } = &s.items[1]
    else {
        panic!()
    };
    assert_eq!(
        (name.as_str(), args.as_slice()),
        ("COUNT", &[Expr::Wildcard][..])
    );
    let Some(FromClause::Table { name, alias }) = &s.from else {
        panic!()
    };
    assert_eq!(
        (name.db.as_deref(), alias.as_deref()),
        (Some("db"), Some("x"))
    );
    assert_eq!(s.group_by, [Expr::col("k")]);
    assert!(s.order_by[0].desc && !s.order_by[1].desc);
    assert_eq!((s.limit, s.offset), (Some(10), Some(5)));
    let s = select("select * from t limit 5, 10");
    assert_eq!(s.items, [SelectItem::Wildcard { qualifier: None }]);
    assert_eq!((s.limit, s.offset), (Some(10), Some(5)));
    let s = select("select count(distinct k), t.* from t");
    assert_eq!(
        s.items[1],
        SelectItem::Wildcard {
            qualifier: Some("t".into())
        }
    );
}

#[test]
fn table_less_selects_sent_by_clients() {
    let s = select("SELECT @@version_comment LIMIT 1");
    assert_eq!(s.items[0].label(), "@@version_comment");
    assert_eq!(s.limit, Some(1));
    let s = select("SELECT @@max_allowed_packet, @@wait_timeout, @@socket, @@global.read_only");
    assert_eq!(s.items.len(), 4);
    let SelectItem::Expr { expr, .. } = &s.items[3] else {
        panic!()
    };
    assert_eq!(
        expr,
        &Expr::Variable {
            scope: VarScope::Global,
            name: "read_only".into()
        }
    );
    for f in ["DATABASE", "USER", "CONNECTION_ID", "VERSION"] {
        let s = select(&format!("SELECT {f}()"));
        assert_eq!(s.items[0].label(), format!("{f}()"));
    }
    let s = select("SELECT 1");
    assert!(s.from.is_none());
}

#[test]
fn table_functions_and_information_schema() {
    let s = select("select Host, QueryPort, RpcPort, IsMaster from frontends();");
    assert_eq!(
        s.from,
        Some(FromClause::Function {
            name: "frontends".into(),
            args: vec![],
            alias: None
        })
    );
    let s = select("SELECT table_name FROM information_schema.tables WHERE table_schema = 'db' AND  table_type = 'VIEW'");
    let Some(FromClause::Table { name, .. }) = &s.from else {
        panic!()
    };
    assert_eq!(
        (name.db.as_deref(), name.name.as_str()),
        (Some("information_schema"), "tables")
    );
    assert_eq!(
        s.filter.expect("where").to_string(),
        "`table_schema` = 'db' AND `table_type` = 'VIEW'"
    );
}

#[test]
fn unsupported_select_shapes() {
    for sql in [
        "SELECT * FROM a JOIN b ON a.x = b.x",
        "SELECT * FROM a, b",
        "SELECT 1 UNION SELECT 2",
        "SELECT * FROM (SELECT 1) x",
        "SELECT * FROM t WHERE k IN (SELECT k FROM s)",
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
