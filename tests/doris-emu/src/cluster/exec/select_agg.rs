//! GROUP BY and aggregate functions (COUNT, SUM, MIN, MAX, AVG) for SELECT.

use super::err;
use super::eval::{compare, eval, truthy, Ctx, Relation};
use super::select::render;
use crate::cluster::config::Session;
use crate::cluster::read::add_values;
use crate::cluster::types::{SqlType, Value};
use crate::result::{Cell, SqlError};
use crate::sql::ast::{Expr, Select};
use std::cmp::Ordering;
use std::collections::HashMap;

type Out = Vec<(Vec<Value>, Vec<Cell>)>;

/// Groups `rows` and computes the output columns `cols` (expr, plain-column type) per group.
pub fn grouped(
    s: &Session,
    sel: &Select,
    rel: &Relation,
    rows: Vec<Vec<Value>>,
    cols: &[(Expr, Option<SqlType>)],
) -> Result<Out, SqlError> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<Vec<Value>>> = HashMap::new();
    for r in rows {
        let cx = Ctx {
            rel,
            row: Some(&r),
            session: s,
        };
        let mut key = String::new();
        for g in &sel.group_by {
            key.push_str(&format!("{:?}|", eval(g, &cx)?));
        }
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(r);
    }
    if sel.group_by.is_empty() && order.is_empty() {
        order.push(String::new());
        groups.insert(String::new(), Vec::new());
    }
    let mut out = Vec::new();
    for k in order {
        let g = groups.remove(&k).unwrap_or_default();
        if let Some(h) = &sel.having {
            if truthy(&agg_eval(h, rel, &g, s)?.0) != Some(true) {
                continue;
            }
        }
        let mut vals = Vec::new();
        let mut cells = Vec::new();
        for (e, ty) in cols {
            let (v, t) = agg_eval(e, rel, &g, s)?;
            cells.push(render(&v, t.as_ref().or(ty.as_ref())));
            vals.push(v);
        }
        let mut keys = Vec::new();
        for o in &sel.order_by {
            keys.push(order_key(&o.expr, sel, &vals, rel, &g, s)?);
        }
        out.push((keys, cells));
    }
    Ok(out)
}

fn order_key(
    e: &Expr,
    sel: &Select,
    vals: &[Value],
    rel: &Relation,
    g: &[Vec<Value>],
    s: &Session,
) -> Result<Value, SqlError> {
    if let Expr::Column { name, .. } = e {
        let hit = sel
            .items
            .iter()
            .position(|i| i.label().eq_ignore_ascii_case(name));
        if let (Some(i), None) = (hit, rel.position(name)) {
            return Ok(vals.get(i).cloned().unwrap_or(Value::Null));
        }
    }
    if let Expr::Literal(crate::sql::ast::Literal::Int(n)) = e {
        return Ok(vals
            .get((*n as usize).wrapping_sub(1))
            .cloned()
            .unwrap_or(Value::Null));
    }
    Ok(agg_eval(e, rel, g, s)?.0)
}

/// Evaluates an expression over a group: aggregates over all rows, the rest on the first row.
fn agg_eval(
    e: &Expr,
    rel: &Relation,
    g: &[Vec<Value>],
    s: &Session,
) -> Result<(Value, Option<SqlType>), SqlError> {
    match e {
        Expr::Function {
            name,
            args,
            distinct,
        } if is_agg_name(name) => aggregate(name, args, *distinct, rel, g, s),
        Expr::Binary { left, op, right } if contains_agg(e) => {
            let (l, _) = agg_eval(left, rel, g, s)?;
            let (r, _) = agg_eval(right, rel, g, s)?;
            let lit = |v: Value| Expr::Literal(to_literal(v));
            let combined = Expr::Binary {
                left: Box::new(lit(l)),
                op: *op,
                right: Box::new(lit(r)),
            };
            Ok((
                eval(
                    &combined,
                    &Ctx {
                        rel,
                        row: None,
                        session: s,
                    },
                )?,
                None,
            ))
        }
        Expr::Column { name, .. } => {
            let p = rel
                .position(name)
                .ok_or_else(|| err(format!("Unknown column '{name}' in 'table list'")))?;
            Ok((
                g.first().map_or(Value::Null, |r| r[p].clone()),
                Some(rel.types[p].clone()),
            ))
        }
        _ => {
            let row = g.first().map(|r| r.as_slice());
            Ok((
                eval(
                    e,
                    &Ctx {
                        rel,
                        row,
                        session: s,
                    },
                )?,
                None,
            ))
        }
    }
}

fn to_literal(v: Value) -> crate::sql::ast::Literal {
    use crate::sql::ast::Literal;
    match v {
        Value::Null => Literal::Null,
        Value::Bool(b) => Literal::Bool(b),
        Value::Int(i) => Literal::Int(i),
        Value::Float(f) => Literal::Decimal(f.to_string()),
        Value::Decimal(d) => Literal::Int(d),
        Value::Str(s) => Literal::String(s),
    }
}

fn is_agg_name(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "count" | "sum" | "min" | "max" | "avg"
    )
}

fn contains_agg(e: &Expr) -> bool {
    match e {
        Expr::Function { name, .. } => is_agg_name(name),
        Expr::Binary { left, right, .. } => contains_agg(left) || contains_agg(right),
        _ => false,
    }
}

fn aggregate(
    name: &str,
    args: &[Expr],
    distinct: bool,
    rel: &Relation,
    g: &[Vec<Value>],
    s: &Session,
) -> Result<(Value, Option<SqlType>), SqlError> {
    let lname = name.to_ascii_lowercase();
    if lname == "count" && matches!(args.first(), Some(Expr::Wildcard) | None) {
        return Ok((Value::Int(g.len() as i128), Some(SqlType::BigInt)));
    }
    let arg = args
        .first()
        .ok_or_else(|| err(format!("{name} requires an argument")))?;
    // Plain columns aggregate on stored values (exact decimals); expressions via eval.
    let (mut vals, ty) = match arg {
        Expr::Column { name, .. } => {
            let p = rel
                .position(name)
                .ok_or_else(|| err(format!("Unknown column '{name}' in 'table list'")))?;
            (
                g.iter().map(|r| r[p].clone()).collect::<Vec<_>>(),
                Some(rel.types[p].clone()),
            )
        }
        _ => {
            let mut v = Vec::new();
            for r in g {
                v.push(eval(
                    arg,
                    &Ctx {
                        rel,
                        row: Some(r),
                        session: s,
                    },
                )?);
            }
            (v, None)
        }
    };
    vals.retain(|v| !v.is_null());
    if distinct {
        vals.sort_by(compare);
        vals.dedup_by(|a, b| compare(a, b) == Ordering::Equal);
    }
    Ok(match lname.as_str() {
        "count" => (Value::Int(vals.len() as i128), Some(SqlType::BigInt)),
        "sum" => {
            let sum = vals
                .iter()
                .skip(1)
                .fold(vals.first().cloned().unwrap_or(Value::Null), |a, b| {
                    add_values(&a, b)
                });
            let ty = ty.filter(|t| t.is_integer() || matches!(t, SqlType::Decimal(..)));
            (
                sum,
                ty.map(|t| if t.is_integer() { SqlType::LargeInt } else { t }),
            )
        }
        "min" => (
            vals.iter()
                .min_by(|a, b| compare(a, b))
                .cloned()
                .unwrap_or(Value::Null),
            ty,
        ),
        "max" => (
            vals.iter()
                .max_by(|a, b| compare(a, b))
                .cloned()
                .unwrap_or(Value::Null),
            ty,
        ),
        _ => {
            let scale = match ty {
                Some(SqlType::Decimal(_, sc)) => 10f64.powi(sc as i32),
                _ => 1.0,
            };
            let total: f64 = vals.iter().filter_map(Value::as_f64).sum();
            let avg = if vals.is_empty() {
                Value::Null
            } else {
                Value::Float(total / scale / vals.len() as f64)
            };
            (avg, None)
        }
    })
}
