//! DELETE (delete-predicate rowsets; delete-sign rows on UNIQUE tables) and UPDATE (UNIQUE
//! tables only: rewritten rows, last write wins).

use super::dml::{make_rowsets, new_label, next_random_slot, publish, route_rows, Target};
use super::eval::{eval, literal, truthy, Ctx, Relation};
use super::{err, olap_table_of, ExecResult};
use crate::cluster::catalog::{KeysType, Table};
use crate::cluster::config::Session;
use crate::cluster::read::read_partition;
use crate::cluster::rowset::{CmpOp, DeleteCond, Rowset, RowsetColumn, DELETE_SIGN_UID};
use crate::cluster::types::{coerce, Lit, Value};
use crate::cluster::Writer;
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{BinaryOp, Expr, ObjectName};

fn relation_of(table: &Table) -> Relation {
    Relation {
        names: table.columns.iter().map(|c| c.name.clone()).collect(),
        types: table.columns.iter().map(|c| c.ty.clone()).collect(),
        rows: Vec::new(),
    }
}

/// Current rows of the selected partitions matching `filter`: (partition id, row).
fn matching_rows(
    w: &Writer<'_>,
    s: &Session,
    table: &Table,
    partitions: &[String],
    filter: Option<&Expr>,
) -> Result<Vec<Vec<Value>>, SqlError> {
    let rel = relation_of(table);
    let mut out = Vec::new();
    for p in table.regular_partitions() {
        if !partitions.is_empty() && !partitions.iter().any(|n| n.eq_ignore_ascii_case(&p.name)) {
            continue;
        }
        for row in read_partition(w.state, table, p) {
            let hit = match filter {
                None => true,
                Some(f) => {
                    truthy(&eval(
                        f,
                        &Ctx {
                            rel: &rel,
                            row: Some(&row),
                            session: s,
                        },
                    )?) == Some(true)
                }
            };
            if hit {
                out.push(row);
            }
        }
    }
    Ok(out)
}

fn check_partitions(table: &Table, partitions: &[String]) -> Result<(), SqlError> {
    for n in partitions {
        if table.partition(n, false).is_none() {
            return Err(err(format!("Partition does not exist. name: {n}")));
        }
    }
    Ok(())
}

/// `DELETE FROM t [PARTITION ...] WHERE ...`.
pub fn delete(
    w: &mut Writer<'_>,
    s: &Session,
    name: &ObjectName,
    partitions: &[String],
    filter: Option<&Expr>,
) -> ExecResult {
    let (db, table) = olap_table_of(w.state, s, name)?;
    check_partitions(table, partitions)?;
    let (db_id, table_id) = (db.id, table.id);
    if table.keys_type == KeysType::Unique {
        let rows = matching_rows(w, s, table, partitions, filter)?;
        return write_unique_rows(w, db_id, table_id, rows, true);
    }
    let filter = filter.ok_or_else(|| err("Where clause is not set"))?;
    let mut conds = Vec::new();
    delete_conds(table, filter, &mut conds)?;
    let txn_id = w.state.alloc_id();
    let table = w
        .state
        .table_by_id(db_id, table_id)
        .ok_or_else(|| err("table dropped"))?;
    let mut rowsets = Vec::new();
    let mut pids = Vec::new();
    for p in table.regular_partitions() {
        if !partitions.is_empty() && !partitions.iter().any(|n| n.eq_ignore_ascii_case(&p.name)) {
            continue;
        }
        pids.push(p.id);
        for t in p.indexes.iter().flat_map(|i| &i.tablets) {
            let mut rs = Rowset::empty(t.id, 0, txn_id);
            rs.delete = Some(conds.clone());
            rowsets.push(rs);
        }
    }
    publish(w, db_id, txn_id, new_label(txn_id), rowsets, pids, 0)
}

fn delete_conds(table: &Table, e: &Expr, out: &mut Vec<DeleteCond>) -> Result<(), SqlError> {
    let unsupported = || {
        err("Where clause only supports compound predicate, binary predicate, is_null predicate or in predicate")
    };
    let (col, op, operands): (&str, CmpOp, Vec<&Expr>) = match e {
        Expr::Binary {
            left,
            op: BinaryOp::And,
            right,
        } => {
            delete_conds(table, left, out)?;
            return delete_conds(table, right, out);
        }
        Expr::Binary { left, op, right } => {
            let Expr::Column { name, .. } = &**left else {
                return Err(unsupported());
            };
            let op = match op {
                BinaryOp::Eq => CmpOp::Eq,
                BinaryOp::NotEq => CmpOp::Ne,
                BinaryOp::Lt => CmpOp::Lt,
                BinaryOp::LtEq => CmpOp::Le,
                BinaryOp::Gt => CmpOp::Gt,
                BinaryOp::GtEq => CmpOp::Ge,
                _ => return Err(unsupported()),
            };
            (name, op, vec![&**right])
        }
        Expr::IsNull { expr, negated } => {
            let Expr::Column { name, .. } = &**expr else {
                return Err(unsupported());
            };
            (
                name,
                if *negated {
                    CmpOp::IsNotNull
                } else {
                    CmpOp::IsNull
                },
                vec![],
            )
        }
        Expr::InList {
            expr,
            list,
            negated,
        } => {
            let Expr::Column { name, .. } = &**expr else {
                return Err(unsupported());
            };
            (
                name,
                if *negated { CmpOp::NotIn } else { CmpOp::In },
                list.iter().collect(),
            )
        }
        _ => return Err(unsupported()),
    };
    let c = table
        .column(col)
        .ok_or_else(|| err(format!("Unknown column '{col}' in '{}'", table.name)))?;
    if table.keys_type == KeysType::Agg && !c.is_key {
        return Err(err(format!("delete predicate on value column only supports Unique table with merge-on-write enabled and Duplicate table, but Table[{}] is an aggregate table.", table.name)));
    }
    let mut values = Vec::new();
    for o in operands {
        let Expr::Literal(l) = o else {
            return Err(unsupported());
        };
        let text = super::eval::text(&literal(l));
        let lit = text.map_or(Lit::Null, Lit::Str);
        values.push(coerce(&lit, &c.ty, &c.name).map_err(err)?);
    }
    out.push(DeleteCond {
        column: c.name.clone(),
        column_uid: c.unique_id,
        op,
        values,
    });
    Ok(())
}

/// Writes full rows to a UNIQUE table, optionally as delete-sign rows.
fn write_unique_rows(
    w: &mut Writer<'_>,
    db_id: i64,
    table_id: i64,
    rows: Vec<Vec<Value>>,
    delete: bool,
) -> ExecResult {
    let n = rows.len() as u64;
    if rows.is_empty() {
        return Ok(QueryResult::Ok {
            affected_rows: 0,
            info: String::new(),
        });
    }
    let txn_id = w.state.alloc_id();
    let slot = next_random_slot(w.state);
    let table = w
        .state
        .table_by_id(db_id, table_id)
        .ok_or_else(|| err("table dropped"))?;
    let rows: Vec<Vec<Value>> = if delete {
        rows.into_iter()
            .map(|mut r| {
                r.push(Value::Int(1));
                r
            })
            .collect()
    } else {
        rows
    };
    let routed = route_rows(
        table,
        rows,
        &Target {
            temp: false,
            names: &[],
        },
        slot,
    )?;
    let extra = delete.then(|| RowsetColumn {
        uid: DELETE_SIGN_UID,
        name: "__DORIS_DELETE_SIGN__".into(),
    });
    let rowsets = make_rowsets(table, routed, txn_id, extra);
    publish(w, db_id, txn_id, new_label(txn_id), rowsets, Vec::new(), n)
}

/// `UPDATE t SET c = e, ... [WHERE ...]` (UNIQUE tables only).
pub fn update(
    w: &mut Writer<'_>,
    s: &Session,
    name: &ObjectName,
    assignments: &[(String, Expr)],
    filter: Option<&Expr>,
) -> ExecResult {
    let (db, table) = olap_table_of(w.state, s, name)?;
    if table.keys_type != KeysType::Unique {
        return Err(err("Only unique table could be updated."));
    }
    let mut targets = Vec::new();
    for (c, e) in assignments {
        let p = table
            .column_pos(c)
            .ok_or_else(|| err(format!("Unknown column '{c}' in '{}'", table.name)))?;
        if table.columns[p].is_key {
            return Err(err(format!(
                "Only value columns of unique table could be updated, column: {c}"
            )));
        }
        targets.push((p, e));
    }
    let (db_id, table_id) = (db.id, table.id);
    let rel = relation_of(table);
    let mut rows = Vec::new();
    for row in matching_rows(w, s, table, &[], filter)? {
        let mut new_row = row.clone();
        for (p, e) in &targets {
            let v = eval(
                e,
                &Ctx {
                    rel: &rel,
                    row: Some(&row),
                    session: s,
                },
            )?;
            let col = &table.columns[*p];
            let lit = super::eval::text(&v).map_or(Lit::Null, Lit::Str);
            let v = coerce(&lit, &col.ty, &col.name).map_err(err)?;
            if v.is_null() && !col.nullable {
                return Err(err(format!("Insert has filtered data in strict mode. Reason: null value for not null column, column={}", col.name)));
            }
            new_row[*p] = v;
        }
        rows.push(new_row);
    }
    write_unique_rows(w, db_id, table_id, rows, false)
}
