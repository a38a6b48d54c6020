use crate::sql::ast::*;

fn expr(sql: &str) -> Expr {
    match super::ok(&format!("SELECT {sql}")) {
        Statement::Select(s) => match s.items.into_iter().next() {
            Some(SelectItem::Expr { expr, .. }) => expr,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

fn render(sql: &str) -> String {
    expr(sql).to_string()
}

#[test]
fn precedence() {
    assert_eq!(render("1 + 2 * 3"), "1 + 2 * 3");
    assert_eq!(render("(1 + 2) * 3"), "(1 + 2) * 3");
    assert_eq!(render("1 - (2 - 3)"), "1 - (2 - 3)");
    assert_eq!(render("1 - 2 - 3"), "1 - 2 - 3");
    assert_eq!(
        render("a = 1 OR b = 2 AND c = 3"),
        "`a` = 1 OR `b` = 2 AND `c` = 3"
    );
    assert_eq!(
        render("(a = 1 OR b = 2) AND c = 3"),
        "(`a` = 1 OR `b` = 2) AND `c` = 3"
    );
    assert_eq!(render("NOT a = 1 AND b"), "NOT `a` = 1 AND `b`");
    assert_eq!(render("NOT (a AND b)"), "NOT (`a` AND `b`)");
    assert_eq!(render("a && b || c"), "`a` AND `b` OR `c`");
    assert_eq!(render("a <> 1"), "`a` != 1");
    assert_eq!(render("a <=> NULL"), "`a` <=> NULL");
    assert_eq!(render("- a % 3"), "-`a` % 3");
    assert_eq!(render("-(1 + a)"), "-(1 + `a`)");
    // Never render `--` (a comment).
    assert_eq!(render("-(-5)"), "-(-5)");
    assert_eq!(render("- -a"), "-(-`a`)");
    let Expr::Binary { op, .. } = expr("a = 1 AND b = 2") else {
        panic!()
    };
    assert_eq!(op, BinaryOp::And);
}

#[test]
fn predicates() {
    assert_eq!(render("a IS NULL"), "`a` IS NULL");
    assert_eq!(render("a is not null"), "`a` IS NOT NULL");
    assert_eq!(render("a not in (1, 2)"), "`a` NOT IN (1, 2)");
    assert_eq!(
        render("a between 1 and 5 and b"),
        "`a` BETWEEN 1 AND 5 AND `b`"
    );
    assert_eq!(render("a not between -1 and 5"), "`a` NOT BETWEEN -1 AND 5");
    assert_eq!(
        render("a like 'x%' or a not like \"y\""),
        "`a` LIKE 'x%' OR `a` NOT LIKE 'y'"
    );
    assert_eq!(render("t.a = db.t.b"), "`t`.`a` = `db`.`t`.`b`");
}

#[test]
fn literals_functions_casts() {
    assert_eq!(expr("-5"), Expr::Literal(Literal::Int(-5)));
    assert_eq!(
        expr("1.5e3"),
        Expr::Literal(Literal::Decimal("1.5e3".into()))
    );
    assert_eq!(
        expr("99999999999999999999999999999999999999999"),
        Expr::Literal(Literal::Decimal(
            "99999999999999999999999999999999999999999".into()
        ))
    );
    assert_eq!(expr("TRUE"), Expr::Literal(Literal::Bool(true)));
    assert_eq!(render("'it''s'"), "'it\\'s'");
    assert_eq!(render("concat(a, 'x', 1)"), "concat(`a`, 'x', 1)");
    assert_eq!(render("CAST(a AS VARCHAR(10))"), "CAST(`a` AS VARCHAR(10))");
    assert_eq!(render("DATE '2024-01-01'"), "CAST('2024-01-01' AS DATE)");
    assert_eq!(render("CURRENT_TIMESTAMP"), "CURRENT_TIMESTAMP()");
    assert_eq!(
        render("case when a > 1 then 'x' else 'y' end"),
        "CASE WHEN `a` > 1 THEN 'x' ELSE 'y' END"
    );
    assert_eq!(render("@x"), "@x");
    assert_eq!(render("`a``b`"), "`a``b`");
    // Keywords are usable as column names.
    assert_eq!(render("`key` = value"), "`key` = `value`");
}

#[test]
fn display_round_trips() {
    for sql in [
        "`a` = 1 AND (`b` = 2 OR `c` IN ('x', 'y'))",
        "`k` NOT BETWEEN 1 AND 2",
        "NOT `a` IS NULL",
        "`a` - (`b` + 1) * -2",
        "COUNT(DISTINCT `x`)",
    ] {
        let once = render(sql);
        assert_eq!(render(&once), once, "{sql}");
    }
}
