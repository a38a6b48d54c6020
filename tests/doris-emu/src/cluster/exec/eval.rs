//! Scalar expression evaluation over one row of a relation.
//!
//! Decimal column values are seen as floats inside expressions (comparisons and
//! arithmetic); plain column projections render the stored value exactly instead.

use super::err;
use super::eval_fn::function;
pub use super::eval_fn::{civil_from_days, now_text};
use crate::cluster::config::Session;
use crate::cluster::types::{cmp_values, coerce, Lit, SqlType, Value};
use crate::result::SqlError;
use crate::sql::ast::{BinaryOp, Expr, Literal, UnaryOp, VarScope};
use std::cmp::Ordering;

/// A relation: named, typed columns and rows (the input of a SELECT).
#[derive(Debug, Clone, Default)]
pub struct Relation {
    /// Column names.
    pub names: Vec<String>,
    /// Column types.
    pub types: Vec<SqlType>,
    /// Rows.
    pub rows: Vec<Vec<Value>>,
}

impl Relation {
    /// A relation of text columns.
    pub fn text(names: &[&str], rows: Vec<Vec<String>>) -> Self {
        Relation {
            names: names.iter().map(|s| s.to_string()).collect(),
            types: vec![SqlType::String; names.len()],
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(Value::Str).collect())
                .collect(),
        }
    }

    /// Position of a column (case-insensitive).
    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }
}

/// Evaluation context: the relation's schema, the current row, and the session.
pub struct Ctx<'a> {
    /// Schema (rows unused).
    pub rel: &'a Relation,
    /// Current row, if any.
    pub row: Option<&'a [Value]>,
    /// Session (variables, current db).
    pub session: &'a Session,
}

/// Converts a literal.
pub fn literal(l: &Literal) -> Value {
    match l {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(i) => Value::Int(*i),
        Literal::Decimal(d) => d
            .parse()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::Str(d.clone())),
        Literal::String(s) => Value::Str(s.clone()),
    }
}

/// Truthiness (NULL → None).
pub fn truthy(v: &Value) -> Option<bool> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(*b),
        Value::Int(i) | Value::Decimal(i) => Some(*i != 0),
        Value::Float(f) => Some(*f != 0.0),
        Value::Str(s) => Some(s.parse::<f64>().map(|f| f != 0.0).unwrap_or(false)),
    }
}

fn column_value(cx: &Ctx<'_>, name: &str) -> Result<Value, SqlError> {
    let pos = cx
        .rel
        .position(name)
        .ok_or_else(|| err(format!("Unknown column '{name}' in 'table list'")))?;
    let Some(row) = cx.row else {
        return Ok(Value::Null);
    };
    Ok(match (&row[pos], &cx.rel.types[pos]) {
        (Value::Decimal(d), SqlType::Decimal(_, s)) => {
            Value::Float(*d as f64 / 10f64.powi(*s as i32))
        }
        (v, _) => v.clone(),
    })
}

/// Evaluates a scalar expression.
pub fn eval(e: &Expr, cx: &Ctx<'_>) -> Result<Value, SqlError> {
    Ok(match e {
        Expr::Literal(l) => literal(l),
        Expr::Column { name, .. } => column_value(cx, name)?,
        Expr::Variable {
            scope: VarScope::User,
            name,
        } => cx
            .session
            .user_vars
            .get(name)
            .cloned()
            .map_or(Value::Null, Value::Str),
        Expr::Variable { name, .. } => super::admin::variable(cx.session, name)?,
        Expr::Unary {
            op: UnaryOp::Neg,
            expr,
        } => match eval(expr, cx)? {
            Value::Int(i) => Value::Int(-i),
            v => v.as_f64().map_or(Value::Null, |f| Value::Float(-f)),
        },
        Expr::Unary {
            op: UnaryOp::Not,
            expr,
        } => truthy(&eval(expr, cx)?).map_or(Value::Null, |b| Value::Bool(!b)),
        Expr::Binary { left, op, right } => binary(*op, eval(left, cx)?, || eval(right, cx))?,
        Expr::IsNull { expr, negated } => Value::Bool(eval(expr, cx)?.is_null() != *negated),
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            let v = eval(expr, cx)?;
            if v.is_null() {
                return Ok(Value::Null);
            }
            let mut found = false;
            for item in list {
                found |= cmp_values(&v, &eval(item, cx)?) == Ordering::Equal;
            }
            Value::Bool(found != *negated)
        }
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => {
            let v = eval(expr, cx)?;
            let (lo, hi) = (eval(low, cx)?, eval(high, cx)?);
            if v.is_null() || lo.is_null() || hi.is_null() {
                return Ok(Value::Null);
            }
            let inside =
                cmp_values(&v, &lo) != Ordering::Less && cmp_values(&v, &hi) != Ordering::Greater;
            Value::Bool(inside != *negated)
        }
        Expr::Like {
            expr,
            pattern,
            negated,
        } => {
            let (v, p) = (eval(expr, cx)?, eval(pattern, cx)?);
            match (text(&v), text(&p)) {
                (Some(v), Some(p)) => Value::Bool(like(&v, &p) != *negated),
                _ => Value::Null,
            }
        }
        Expr::Function { name, args, .. } => function(name, args, cx)?,
        Expr::Cast { expr, data_type } => {
            let v = eval(expr, cx)?;
            let ty = super::build::sql_type(data_type)?;
            match text(&v) {
                None => Value::Null,
                Some(t) => coerce(&Lit::Str(t), &ty, "cast").unwrap_or(Value::Null),
            }
        }
        Expr::Case {
            operand,
            branches,
            else_result,
        } => case(operand.as_deref(), branches, else_result.as_deref(), cx)?,
        Expr::Wildcard | Expr::Default => return Err(err(format!("Unexpected expression {e}"))),
    })
}

fn case(
    operand: Option<&Expr>,
    branches: &[(Expr, Expr)],
    else_r: Option<&Expr>,
    cx: &Ctx<'_>,
) -> Result<Value, SqlError> {
    let op = operand.map(|o| eval(o, cx)).transpose()?;
    for (when, then) in branches {
        let w = eval(when, cx)?;
        let hit = match &op {
            Some(o) => !o.is_null() && cmp_values(o, &w) == Ordering::Equal,
            None => truthy(&w) == Some(true),
        };
        if hit {
            return eval(then, cx);
        }
    }
    else_r.map_or(Ok(Value::Null), |e| eval(e, cx))
}

/// Text form of an evaluated value (None for NULL).
pub fn text(v: &Value) -> Option<String> {
    v.render(&SqlType::String)
}

fn like(v: &str, p: &str) -> bool {
    fn go(v: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => v.is_empty(),
            Some(('%', rest)) => (0..=v.len()).any(|i| go(&v[i..], rest)),
            Some(('_', rest)) => !v.is_empty() && go(&v[1..], rest),
            Some(('\\', rest)) if !rest.is_empty() => {
                v.first() == rest.first() && go(&v[1..], &rest[1..])
            }
            Some((c, rest)) => {
                v.first().is_some_and(|x| x.eq_ignore_ascii_case(c)) && go(&v[1..], rest)
            }
        }
    }
    let (v, p): (Vec<char>, Vec<char>) = (v.chars().collect(), p.chars().collect());
    go(&v, &p)
}

/// `LIKE` matching (case-insensitive, `%`, `_`), exported for SHOW ... LIKE.
pub fn like_match(v: &str, p: &str) -> bool {
    like(v, p)
}

fn binary(
    op: BinaryOp,
    l: Value,
    r: impl FnOnce() -> Result<Value, SqlError>,
) -> Result<Value, SqlError> {
    use BinaryOp::*;
    if op == And {
        let lb = truthy(&l);
        if lb == Some(false) {
            return Ok(Value::Bool(false));
        }
        let rb = truthy(&r()?);
        return Ok(match (lb, rb) {
            (_, Some(false)) => Value::Bool(false),
            (Some(true), Some(true)) => Value::Bool(true),
            _ => Value::Null,
        });
    }
    if op == Or {
        let lb = truthy(&l);
        if lb == Some(true) {
            return Ok(Value::Bool(true));
        }
        let rb = truthy(&r()?);
        return Ok(match (lb, rb) {
            (_, Some(true)) => Value::Bool(true),
            (Some(false), Some(false)) => Value::Bool(false),
            _ => Value::Null,
        });
    }
    let r = r()?;
    if op == NullSafeEq {
        return Ok(Value::Bool(match (l.is_null(), r.is_null()) {
            (true, true) => true,
            (false, false) => cmp_values(&l, &r) == Ordering::Equal,
            _ => false,
        }));
    }
    if l.is_null() || r.is_null() {
        return Ok(Value::Null);
    }
    let cmp = || compare(&l, &r);
    Ok(match op {
        Eq => Value::Bool(cmp() == Ordering::Equal),
        NotEq => Value::Bool(cmp() != Ordering::Equal),
        Lt => Value::Bool(cmp() == Ordering::Less),
        LtEq => Value::Bool(cmp() != Ordering::Greater),
        Gt => Value::Bool(cmp() == Ordering::Greater),
        GtEq => Value::Bool(cmp() != Ordering::Less),
        _ => arith(op, &l, &r),
    })
}

/// Comparison with numeric coercion of strings compared to numbers.
pub fn compare(l: &Value, r: &Value) -> Ordering {
    match (l, r) {
        (Value::Str(a), Value::Str(b)) => match (as_datetime(a), as_datetime(b)) {
            // Date/datetime text compares as a datetime ('2024-1-2' = '2024-01-02 00:00:00').
            (Some(x), Some(y)) => x.cmp(&y),
            _ => a.cmp(b),
        },
        (Value::Str(_), _) | (_, Value::Str(_)) => match (l.as_f64(), r.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            _ => cmp_values(l, r),
        },
        _ => cmp_values(l, r),
    }
}

fn as_datetime(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 8 || !b[0].is_ascii_digit() || !s.contains('-') {
        return None;
    }
    crate::cluster::types::normalize_datetime(s)
}

fn arith(op: BinaryOp, l: &Value, r: &Value) -> Value {
    use BinaryOp::*;
    if let (Value::Int(a), Value::Int(b)) = (l, r) {
        match op {
            Plus => return Value::Int(a.saturating_add(*b)),
            Minus => return Value::Int(a.saturating_sub(*b)),
            Multiply => return Value::Int(a.saturating_mul(*b)),
            Modulo if *b != 0 => return Value::Int(a % b),
            _ => {}
        }
    }
    let (Some(a), Some(b)) = (l.as_f64(), r.as_f64()) else {
        return Value::Null;
    };
    match op {
        Plus => Value::Float(a + b),
        Minus => Value::Float(a - b),
        Multiply => Value::Float(a * b),
        Divide if b != 0.0 => Value::Float(a / b),
        Modulo if b != 0.0 => Value::Float(a % b),
        _ => Value::Null,
    }
}
