//! SELECT over one source: a table or view, `frontends()`, `information_schema.tables`,
//! or nothing (`SELECT @@version_comment`).

use super::eval::{compare, eval, text, truthy, Ctx, Relation};
use super::{err, ExecResult};
use crate::cluster::config::Session;
use crate::cluster::read::read_table;
use crate::cluster::state::State;
use crate::cluster::types::{SqlType, Value};
use crate::result::{Cell, Column, ColumnKind, QueryResult, SqlError};
use crate::sql::ast::{Expr, FromClause, ObjectName, Select, SelectItem};
use std::cmp::Ordering;

/// Runs a SELECT.
pub fn run(state: &State, s: &Session, sel: &Select) -> ExecResult {
    let rel = match &sel.from {
        None => Relation {
            names: vec![],
            types: vec![],
            rows: vec![vec![]],
        },
        Some(FromClause::Function { name, .. }) => super::show::table_function(state, name)?,
        Some(FromClause::Table { name, .. }) => source(state, s, name, 0)?,
    };
    query(s, sel, rel)
}

/// Rows of a table or view (views run their query, one level deep per call).
pub fn source(
    state: &State,
    s: &Session,
    name: &ObjectName,
    depth: u32,
) -> Result<Relation, SqlError> {
    if name
        .db
        .as_deref()
        .is_some_and(|d| d.eq_ignore_ascii_case("information_schema"))
    {
        return super::show::information_schema(state, &name.name);
    }
    let mut n = name.clone();
    if let Some(d) = &n.db {
        n.db = Some(d.strip_prefix("default_cluster:").unwrap_or(d).to_string());
    }
    let db = super::db_of(state, s, n.db.as_deref())?;
    let t = db.table(&n.name).ok_or_else(|| {
        err(format!(
            "Table [{}] does not exist in database [{}].",
            n.name, db.name
        ))
    })?;
    if let Some(v) = &t.view {
        if depth > 8 {
            return Err(err("view nesting too deep"));
        }
        let Ok(crate::sql::ast::Statement::Select(q)) = crate::sql::parse(&v.query) else {
            return Err(super::not_supported(
                "SELECT from a view with a complex query",
            ));
        };
        let inner = match &q.from {
            Some(FromClause::Table { name, .. }) => source(state, s, name, depth + 1)?,
            _ => Relation {
                names: vec![],
                types: vec![],
                rows: vec![vec![]],
            },
        };
        return result_relation(query(s, &q, inner)?, &v.columns);
    }
    Ok(Relation {
        names: t.columns.iter().map(|c| c.name.clone()).collect(),
        types: t.columns.iter().map(|c| c.ty.clone()).collect(),
        rows: read_table(state, t),
    })
}

fn result_relation(r: QueryResult, cols: &[(String, String)]) -> Result<Relation, SqlError> {
    let QueryResult::Rows { columns, rows } = r else {
        return Err(err("view query returned no rows"));
    };
    let names = columns
        .iter()
        .enumerate()
        .map(|(i, c)| cols.get(i).map_or(c.name.clone(), |x| x.0.clone()))
        .collect();
    let rows = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| c.map_or(Value::Null, Value::Str))
                .collect()
        })
        .collect();
    Ok(Relation {
        names,
        types: vec![SqlType::String; columns.len()],
        rows,
    })
}

fn is_aggregate(e: &Expr) -> bool {
    match e {
        Expr::Function { name, .. } => {
            matches!(
                name.to_ascii_lowercase().as_str(),
                "count" | "sum" | "min" | "max" | "avg"
            )
        }
        Expr::Binary { left, right, .. } => is_aggregate(left) || is_aggregate(right),
        Expr::Unary { expr, .. } | Expr::Cast { expr, .. } => is_aggregate(expr),
        _ => false,
    }
}

/// Output rows with their sort keys.
pub type KeyedRows = Vec<(Vec<Value>, Vec<Cell>)>;

/// One output column: label, how to compute it, and its wire kind.
struct OutCol {
    label: String,
    expr: Expr,
    kind: ColumnKind,
    ty: Option<SqlType>,
}

fn kind_of(ty: &SqlType) -> ColumnKind {
    match ty {
        t if t.is_integer() => ColumnKind::Int,
        SqlType::Float | SqlType::Double | SqlType::Decimal(..) => ColumnKind::Float,
        _ => ColumnKind::Text,
    }
}

fn out_columns(sel: &Select, rel: &Relation) -> Result<Vec<OutCol>, SqlError> {
    let mut out = Vec::new();
    for item in &sel.items {
        match item {
            SelectItem::Wildcard { .. } => {
                for (n, t) in rel.names.iter().zip(&rel.types) {
                    out.push(OutCol {
                        label: n.clone(),
                        expr: Expr::col(n),
                        kind: kind_of(t),
                        ty: Some(t.clone()),
                    });
                }
            }
            SelectItem::Expr { expr, .. } => {
                let ty = match expr {
                    Expr::Column { name, .. } => {
                        let p = rel.position(name).ok_or_else(|| {
                            err(format!("Unknown column '{name}' in 'table list'"))
                        })?;
                        Some(rel.types[p].clone())
                    }
                    _ => None,
                };
                let kind = ty.as_ref().map_or(ColumnKind::Text, kind_of);
                out.push(OutCol {
                    label: item.label(),
                    expr: expr.clone(),
                    kind,
                    ty,
                });
            }
        }
    }
    Ok(out)
}

/// Runs the SELECT pipeline over a relation.
pub fn query(s: &Session, sel: &Select, rel: Relation) -> ExecResult {
    let cols = out_columns(sel, &rel)?;
    let mut rows = Vec::new();
    for r in &rel.rows {
        let keep = match &sel.filter {
            None => true,
            Some(f) => {
                truthy(&eval(
                    f,
                    &Ctx {
                        rel: &rel,
                        row: Some(r),
                        session: s,
                    },
                )?) == Some(true)
            }
        };
        if keep {
            rows.push(r.clone());
        }
    }
    let grouped = !sel.group_by.is_empty() || cols.iter().any(|c| is_aggregate(&c.expr));
    let mut out: Vec<(Vec<Value>, Vec<Cell>)> = if grouped {
        super::select_agg::grouped(
            s,
            sel,
            &rel,
            rows,
            &cols
                .iter()
                .map(|c| (c.expr.clone(), c.ty.clone()))
                .collect::<Vec<_>>(),
        )?
    } else {
        project(s, sel, &rel, &rows, &cols)?
    };
    if !sel.order_by.is_empty() {
        let desc: Vec<bool> = sel.order_by.iter().map(|o| o.desc).collect();
        out.sort_by(|a, b| order(&a.0, &b.0, &desc));
    }
    let mut cells: Vec<Vec<Cell>> = out.into_iter().map(|(_, c)| c).collect();
    if sel.distinct {
        let mut seen = std::collections::HashSet::new();
        cells.retain(|r| seen.insert(r.clone()));
    }
    let offset = sel.offset.unwrap_or(0) as usize;
    let cells: Vec<Vec<Cell>> = cells
        .into_iter()
        .skip(offset)
        .take(sel.limit.map_or(usize::MAX, |l| l as usize))
        .collect();
    let columns = cols
        .iter()
        .map(|c| Column {
            name: c.label.clone(),
            kind: c.kind,
        })
        .collect();
    Ok(QueryResult::Rows {
        columns,
        rows: cells,
    })
}

fn order(a: &[Value], b: &[Value], desc: &[bool]) -> Ordering {
    for ((x, y), d) in a.iter().zip(b).zip(desc) {
        let o = compare_nulls(x, y);
        let o = if *d { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn compare_nulls(x: &Value, y: &Value) -> Ordering {
    match (x.is_null(), y.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => compare(x, y),
    }
}

/// Renders an output value: plain columns with their type, others generically.
pub fn render(v: &Value, ty: Option<&SqlType>) -> Cell {
    match ty {
        Some(t) => v.render(t),
        None => text(v),
    }
}

fn project(
    s: &Session,
    sel: &Select,
    rel: &Relation,
    rows: &[Vec<Value>],
    cols: &[OutCol],
) -> Result<KeyedRows, SqlError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let cx = Ctx {
            rel,
            row: Some(r),
            session: s,
        };
        let mut cells = Vec::with_capacity(cols.len());
        let mut vals = Vec::with_capacity(cols.len());
        for c in cols {
            let v = match (&c.expr, &c.ty) {
                (Expr::Column { name, .. }, Some(_)) => {
                    rel.position(name).map_or(Value::Null, |p| r[p].clone())
                }
                _ => eval(&c.expr, &cx)?,
            };
            cells.push(render(&v, c.ty.as_ref()));
            vals.push(v);
        }
        let mut keys = Vec::with_capacity(sel.order_by.len());
        for o in &sel.order_by {
            keys.push(order_key(&o.expr, cols, &vals, &cx)?);
        }
        out.push((keys, cells));
    }
    Ok(out)
}

/// A sort key: an output alias / position, else the expression over the source row.
pub fn order_key(
    e: &Expr,
    cols: &[impl LabelOf],
    vals: &[Value],
    cx: &Ctx<'_>,
) -> Result<Value, SqlError> {
    if let Expr::Literal(crate::sql::ast::Literal::Int(n)) = e {
        return Ok(vals
            .get((*n as usize).wrapping_sub(1))
            .cloned()
            .unwrap_or(Value::Null));
    }
    if let Expr::Column { name, qualifier } = e {
        if qualifier.is_empty() && cx.rel.position(name).is_none() {
            if let Some(i) = cols
                .iter()
                .position(|c| c.label_of().eq_ignore_ascii_case(name))
            {
                return Ok(vals[i].clone());
            }
        }
    }
    eval(e, cx)
}

/// Access to an output column's label.
pub trait LabelOf {
    /// The label.
    fn label_of(&self) -> &str;
}

impl LabelOf for OutCol {
    fn label_of(&self) -> &str {
        &self.label
    }
}
