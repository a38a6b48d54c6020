//! Fuzz target: doris-emu's SQL parser (`doris_emu::sql::{parse, parse_many}`), which
//! reads whatever a MySQL client sends.
//!
//! Inputs: random expression trees rendered with `Display` (they must parse back to the
//! same rendering), a corpus of valid statements of every kind, the same mutated
//! (truncated, bit-flipped, spliced, repeated), deeply nested expressions and raw text.
//! Property: no panic, no stack overflow, the heap stays under the cap of `mutate.rs`,
//! and every statement `parse_many_with_text` returns re-parses from its own text to the
//! same statement. `FUZZ_CASES=N` scales the run.

#[path = "fuzz_sql/corpus.rs"]
mod corpus;
#[path = "../../../tests/fuzz_common/mutate.rs"]
mod mutate;

use doris_emu::sql::ast::{BinaryOp, DataType, Expr, Literal, SelectItem, UnaryOp, VarScope};
use doris_emu::sql::{parse, parse_many, parse_many_with_text, Statement};
use proptest::prelude::*;

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Bool),
        any::<i128>().prop_map(Literal::Int),
        "-?[0-9]{1,6}\\.[0-9]{1,4}".prop_map(Literal::Decimal),
        "\\PC{0,10}".prop_map(Literal::String),
    ]
}

fn binary_op() -> impl Strategy<Value = BinaryOp> {
    use BinaryOp::*;
    prop::sample::select(vec![
        Plus, Minus, Multiply, Divide, Modulo, Eq, NotEq, Lt, LtEq, Gt, GtEq, NullSafeEq, And, Or,
    ])
}

fn leaf() -> impl Strategy<Value = Expr> {
    let ident = "[a-zA-Z_][a-zA-Z0-9_]{0,6}";
    prop_oneof![
        literal().prop_map(Expr::Literal),
        (prop::collection::vec("\\PC{1,6}", 0..3), "\\PC{1,8}")
            .prop_map(|(qualifier, name)| Expr::Column { qualifier, name }),
        (
            prop::sample::select(vec![VarScope::User, VarScope::Session, VarScope::Global]),
            ident
        )
            .prop_map(|(scope, name)| Expr::Variable { scope, name }),
    ]
}

/// Data types for CAST, taken from the parser itself (`DataType` keeps source text).
fn data_types() -> Vec<DataType> {
    corpus::TYPES
        .iter()
        .filter_map(|ty| match parse(&format!("SELECT CAST(1 AS {ty})")) {
            Ok(Statement::Select(s)) => match s.items.into_iter().next() {
                Some(SelectItem::Expr {
                    expr: Expr::Cast { data_type, .. },
                    ..
                }) => Some(data_type),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Random expression trees (no `*` / DEFAULT: those need their own context).
fn expr() -> impl Strategy<Value = Expr> {
    let types = data_types();
    assert_eq!(types.len(), corpus::TYPES.len(), "every corpus type parses");
    leaf().prop_recursive(5, 48, 4, move |inner| {
        let b = |e: Expr| Box::new(e);
        prop_oneof![
            (inner.clone(), prop::sample::select(types.clone())).prop_map(move |(e, data_type)| {
                Expr::Cast {
                    expr: b(e),
                    data_type,
                }
            }),
            (any::<bool>(), inner.clone()).prop_map(move |(neg, e)| Expr::Unary {
                op: if neg { UnaryOp::Neg } else { UnaryOp::Not },
                expr: b(e),
            }),
            (inner.clone(), binary_op(), inner.clone()).prop_map(move |(l, op, r)| Expr::Binary {
                left: b(l),
                op,
                right: b(r)
            }),
            (inner.clone(), any::<bool>()).prop_map(move |(e, negated)| Expr::IsNull {
                expr: b(e),
                negated
            }),
            (
                inner.clone(),
                prop::collection::vec(inner.clone(), 1..4),
                any::<bool>()
            )
                .prop_map(move |(e, list, negated)| Expr::InList {
                    expr: b(e),
                    list,
                    negated
                }),
            (inner.clone(), inner.clone(), inner.clone(), any::<bool>()).prop_map(
                move |(e, lo, hi, negated)| Expr::Between {
                    expr: b(e),
                    low: b(lo),
                    high: b(hi),
                    negated
                }
            ),
            (inner.clone(), inner.clone(), any::<bool>()).prop_map(move |(e, p, negated)| {
                Expr::Like {
                    expr: b(e),
                    pattern: b(p),
                    negated,
                }
            }),
            (
                prop::sample::select(corpus::FUNCTIONS),
                prop::collection::vec(inner.clone(), 0..3),
                any::<bool>()
            )
                .prop_map(|(name, args, distinct)| Expr::Function {
                    name: name.to_string(),
                    args,
                    distinct
                }),
            (
                proptest::option::of(inner.clone()),
                prop::collection::vec((inner.clone(), inner.clone()), 1..3),
                proptest::option::of(inner),
            )
                .prop_map(move |(o, branches, e)| Expr::Case {
                    operand: o.map(b),
                    branches,
                    else_result: e.map(b),
                }),
        ]
    })
}

/// The first select item of `SELECT <text> FROM t`, rendered again.
fn reparse_expr(text: &str) -> Result<String, String> {
    match parse(&format!("SELECT {text} FROM t")) {
        Ok(Statement::Select(s)) => match s.items.first() {
            Some(SelectItem::Expr {
                expr, alias: None, ..
            }) if s.items.len() == 1 => Ok(expr.to_string()),
            _ => Err(format!("not one select item: {s:?}")),
        },
        other => Err(format!("{other:?}")),
    }
}

/// Every entry point; statements returned with their text must re-parse from it.
fn parse_all(sql: &str) {
    let _ = parse(sql);
    let _ = parse_many(sql);
    if let Ok(stmts) = parse_many_with_text(sql) {
        for p in stmts {
            assert_eq!(
                parse(&p.text).as_ref(),
                Ok(&p.statement),
                "text: {:?}",
                p.text
            );
        }
    }
}

/// Inputs nested `depth` deep with one of the parser's recursive constructs.
fn deep(depth: usize, kind: u8) -> String {
    let (open, close) = match kind % 5 {
        0 => ("(", ")"),
        1 => ("-", ""),
        2 => ("NOT ", ""),
        3 => ("CASE WHEN ", " THEN 1 END"),
        _ => ("abs(", ")"),
    };
    format!(
        "SELECT {}1{} FROM t",
        open.repeat(depth),
        close.repeat(depth)
    )
}

proptest! {
    #![proptest_config(mutate::config(192))]

    #[test]
    fn rendered_expressions_round_trip(e in expr()) {
        let text = e.to_string();
        let again = reparse_expr(&text).map_err(|m| TestCaseError::fail(format!("{text}: {m}")))?;
        prop_assert_eq!(&again, &text);
    }

    #[test]
    fn corpus_statements_parse(i in 0..corpus::STATEMENTS.len()) {
        let sql = corpus::STATEMENTS[i];
        prop_assert!(parse(sql).is_ok(), "{}: {:?}", sql, parse(sql));
        parse_all(sql);
    }

    #[test]
    fn mutated_statements_never_panic(
        a in prop::sample::select(corpus::STATEMENTS),
        b in prop::sample::select(corpus::STATEMENTS),
        muts in mutate::mutations(),
        e in expr(),
    ) {
        parse_all(&mutate::apply_text(a, b, &muts));
        parse_all(&format!("{a};\n{b};;"));
        let with_expr = format!("DELETE FROM t WHERE {e}; {b}");
        parse_all(&mutate::apply_text(&with_expr, a, &muts));
    }

    #[test]
    fn raw_and_deep_text_never_panics(
        text in mutate::noisy_text(),
        depth in 0usize..2000,
        kind in any::<u8>(),
    ) {
        parse_all(&text);
        parse_all(&deep(depth, kind));
    }
}
