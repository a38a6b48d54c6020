//! INSERT (VALUES / SELECT) and the shared row routing: partition by key, bucket by hash of
//! the distribution columns, one rowset per touched tablet, published as one load.

pub use super::dml_delete::{delete, update};
use super::{err, olap_table_of, ExecResult};
use crate::cluster::catalog::{DefaultValue, Partition, Table};
use crate::cluster::config::Session;
use crate::cluster::load::LoadRequest;
use crate::cluster::partition::{partition_columns, route};
use crate::cluster::rowset::{Rowset, RowsetColumn};
use crate::cluster::state::State;
use crate::cluster::types::{coerce, hash_values, Lit, Value};
use crate::cluster::Writer;
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{Expr, Insert, InsertSource};
use std::collections::BTreeMap;

/// Rows destined to one base tablet (bucket `bucket` of partition `partition_id`).
pub type Routed = BTreeMap<(i64, usize), Vec<Vec<Value>>>;

/// Where rows may go: regular or temp partitions, optionally restricted by name.
pub struct Target<'a> {
    /// Route into temp partitions.
    pub temp: bool,
    /// Allowed partition names (empty = any).
    pub names: &'a [String],
}

/// Routes full rows (table column order) to (partition id, bucket).
/// `random_slot` picks the tablet of RANDOM-distributed partitions (one per load).
pub fn route_rows(
    table: &Table,
    rows: Vec<Vec<Value>>,
    target: &Target<'_>,
    random_slot: u64,
) -> Result<Routed, SqlError> {
    let part_pos: Vec<usize> = partition_columns(table)
        .iter()
        .filter_map(|c| table.column_pos(c))
        .collect();
    let mut out: Routed = BTreeMap::new();
    for row in rows {
        let key: Vec<Value> = part_pos.iter().map(|i| row[*i].clone()).collect();
        let p = pick_partition(table, &key, target)?;
        let hash_pos = p
            .distribution
            .hash_columns
            .iter()
            .filter_map(|c| table.column_pos(c));
        let buckets = p.distribution.buckets.max(1) as u64;
        let bucket = if p.distribution.hash_columns.is_empty() {
            random_slot % buckets
        } else {
            hash_values(hash_pos.map(|i| &row[i])) % buckets
        };
        out.entry((p.id, bucket as usize)).or_default().push(row);
    }
    Ok(out)
}

fn pick_partition<'t>(
    table: &'t Table,
    key: &[Value],
    target: &Target<'_>,
) -> Result<&'t Partition, SqlError> {
    let p = route(table, key, target.temp).filter(|p| {
        target.names.is_empty() || target.names.iter().any(|n| n.eq_ignore_ascii_case(&p.name))
    });
    p.ok_or_else(|| {
        let tuple: Vec<String> = key.iter().map(|v| format!("{v:?}")).collect();
        err(format!(
            "Insert has filtered data in strict mode. Reason: no partition for this tuple. tuple=({})",
            tuple.join(", ")
        ))
    })
}

/// Builds rowsets (base index and rollups) for routed rows.
pub fn make_rowsets(
    table: &Table,
    routed: Routed,
    txn_id: i64,
    extra: Option<RowsetColumn>,
) -> Vec<Rowset> {
    let mut out = Vec::new();
    for ((pid, bucket), rows) in routed {
        let Some(p) = table.partition_by_id(pid) else {
            continue;
        };
        for index in &table.indexes {
            let Some(tablet) = p.index(index.id).and_then(|i| i.tablets.get(bucket)) else {
                continue;
            };
            let positions: Vec<usize> = index
                .columns
                .iter()
                .filter_map(|uid| table.columns.iter().position(|c| c.unique_id == *uid))
                .collect();
            let mut columns: Vec<RowsetColumn> = positions
                .iter()
                .map(|i| RowsetColumn {
                    uid: table.columns[*i].unique_id,
                    name: table.columns[*i].name.clone(),
                })
                .collect();
            columns.extend(extra.clone());
            let width = columns.len();
            let rows = rows
                .iter()
                .map(|r| {
                    let mut v: Vec<Value> = positions.iter().map(|i| r[*i].clone()).collect();
                    v.extend(
                        r.iter()
                            .skip(table.columns.len())
                            .take(width - positions.len())
                            .cloned(),
                    );
                    v
                })
                .collect();
            let mut rs = Rowset::empty(tablet.id, 0, txn_id);
            rs.num_segments = 1;
            rs.columns = columns;
            rs.rows = rows;
            out.push(rs);
        }
    }
    out
}

/// Publishes rowsets as a local load; returns the Doris-like OK info.
pub fn publish(
    w: &mut Writer<'_>,
    db_id: i64,
    txn_id: i64,
    label: String,
    rowsets: Vec<Rowset>,
    partitions: Vec<i64>,
    n: u64,
) -> ExecResult {
    let req = LoadRequest {
        db_id,
        txn_id,
        label: label.clone(),
        rowsets,
        partitions,
    };
    w.publish_local_load(req)?;
    let info = format!("{{'label':'{label}', 'status':'VISIBLE', 'txnId':'{txn_id}'}}");
    Ok(QueryResult::Ok {
        affected_rows: n,
        info,
    })
}

/// Assigns AUTO_INCREMENT values to NULL cells of auto-increment columns.
fn fill_auto_increment(table: &Table, rows: &mut [Vec<Value>]) {
    let mut next = table.auto_inc_next.max(1) as i128;
    for (i, c) in table.columns.iter().enumerate() {
        if !c.auto_increment {
            continue;
        }
        for r in rows.iter_mut().filter(|r| r[i].is_null()) {
            r[i] = Value::Int(next);
            next += 1;
        }
    }
}

/// Advances the RANDOM distribution cursor (one tablet per load, rotating).
pub fn next_random_slot(state: &mut State) -> u64 {
    state.random_cursor = state.random_cursor.wrapping_add(1);
    state.random_cursor
}

/// A fresh local load label.
pub fn new_label(txn_id: i64) -> String {
    format!(
        "insert_{:016x}{:016x}",
        txn_id as u64,
        crate::cluster::now_ms() as u64
    )
}

fn literal_of(e: &Expr, s: &Session) -> Result<Option<Lit>, SqlError> {
    use crate::sql::ast::Literal as L;
    Ok(Some(match e {
        Expr::Literal(L::Null) => Lit::Null,
        Expr::Literal(L::Bool(b)) => Lit::Bool(*b),
        Expr::Literal(L::Int(i)) => Lit::Number(i.to_string()),
        Expr::Literal(L::Decimal(d)) => Lit::Number(d.clone()),
        Expr::Literal(L::String(t)) => Lit::Str(t.clone()),
        Expr::Default => return Ok(None),
        other => {
            let rel = super::eval::Relation::default();
            let v = super::eval::eval(
                other,
                &super::eval::Ctx {
                    rel: &rel,
                    row: None,
                    session: s,
                },
            )?;
            match super::eval::text(&v) {
                None => Lit::Null,
                Some(t) => Lit::Str(t),
            }
        }
    }))
}

/// Value of a column not supplied by an INSERT.
pub fn missing_value(c: &crate::cluster::catalog::Column) -> Result<Value, SqlError> {
    match &c.default {
        Some(DefaultValue::Literal(s)) => coerce(&Lit::Str(s.clone()), &c.ty, &c.name).map_err(err),
        Some(DefaultValue::Expr(e)) if e.starts_with("CURRENT_TIMESTAMP") => {
            coerce(&Lit::Str(super::eval::now_text()), &c.ty, &c.name).map_err(err)
        }
        _ if c.nullable || c.auto_increment => Ok(Value::Null),
        _ => Err(err(format!(
            "Column has no default value. column: {}",
            c.name
        ))),
    }
}

/// Converts source rows (literals per listed column) to full typed rows.
pub fn typed_rows(
    table: &Table,
    cols: &[String],
    rows: Vec<Vec<Option<Lit>>>,
) -> Result<Vec<Vec<Value>>, SqlError> {
    let mut pos = Vec::with_capacity(cols.len());
    for c in cols {
        let p = table
            .column_pos(c)
            .ok_or_else(|| err(format!("Unknown column '{c}' in '{}'", table.name)))?;
        if pos.contains(&p) {
            return Err(err(format!("Column '{c}' specified twice")));
        }
        pos.push(p);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if r.len() != pos.len() {
            return Err(err("Column count doesn't match value count"));
        }
        let mut full: Vec<Option<Value>> = vec![None; table.columns.len()];
        for (lit, p) in r.into_iter().zip(&pos) {
            let col = &table.columns[*p];
            full[*p] = Some(match lit {
                Some(l) => coerce(&l, &col.ty, &col.name).map_err(err)?,
                None => missing_value(col)?,
            });
        }
        let mut row = Vec::with_capacity(full.len());
        for (v, col) in full.into_iter().zip(&table.columns) {
            let v = match v {
                Some(v) => v,
                None => missing_value(col)?,
            };
            if v.is_null() && !col.nullable && !col.auto_increment {
                return Err(err(format!(
                    "Insert has filtered data in strict mode. Reason: null value for not null column, column={}",
                    col.name
                )));
            }
            row.push(v);
        }
        out.push(row);
    }
    Ok(out)
}

fn source_rows(
    w: &Writer<'_>,
    s: &Session,
    ins: &Insert,
) -> Result<Vec<Vec<Option<Lit>>>, SqlError> {
    match &ins.source {
        InsertSource::Values(rows) => rows
            .iter()
            .map(|r| r.iter().map(|e| literal_of(e, s)).collect())
            .collect(),
        InsertSource::Select { query, .. } => {
            let QueryResult::Rows { rows, .. } = super::select::run(w.state, s, query)? else {
                return Ok(Vec::new());
            };
            Ok(rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|c| Some(c.map_or(Lit::Null, Lit::Str)))
                        .collect()
                })
                .collect())
        }
    }
}

/// `INSERT INTO ...` (and `INSERT OVERWRITE`, delegated).
pub fn insert(w: &mut Writer<'_>, s: &Session, ins: Insert) -> ExecResult {
    if ins.overwrite {
        return super::dml_overwrite::insert_overwrite(w, s, ins);
    }
    let (db, table) = olap_table_of(w.state, s, &ins.table)?;
    let db_id = db.id;
    let cols: Vec<String> = if ins.columns.is_empty() {
        table.columns.iter().map(|c| c.name.clone()).collect()
    } else {
        ins.columns.clone()
    };
    let lits = source_rows(w, s, &ins)?;
    let (db, table) = olap_table_of(w.state, s, &ins.table)?;
    let rows = typed_rows(table, &cols, lits)?;
    if rows.is_empty() {
        return Ok(QueryResult::Ok {
            affected_rows: 0,
            info: "all partitions have no load data".into(),
        });
    }
    let _ = db;
    let table_id = table.id;
    insert_rows(
        w,
        db_id,
        table_id,
        rows,
        &Target {
            temp: ins.temporary_partition,
            names: &ins.partitions,
        },
        ins.label,
    )
}

/// Routes and publishes full rows into `table_id`.
pub fn insert_rows(
    w: &mut Writer<'_>,
    db_id: i64,
    table_id: i64,
    rows: Vec<Vec<Value>>,
    target: &Target<'_>,
    label: Option<String>,
) -> ExecResult {
    let n = rows.len() as u64;
    if let Some(l) = &label {
        if let Err(used) = w.state.txns.check_label(db_id, l, None) {
            return Err(SqlError::with_code(SqlError::UNKNOWN, used.msg));
        }
    }
    let txn_id = w.state.alloc_id();
    let label = label.unwrap_or_else(|| new_label(txn_id));
    let slot = next_random_slot(w.state);
    let table = w
        .state
        .table_by_id(db_id, table_id)
        .ok_or_else(|| err("table dropped"))?;
    let mut rows = rows;
    fill_auto_increment(table, &mut rows);
    let routed = route_rows(table, rows, target, slot)?;
    let rowsets = make_rowsets(table, routed, txn_id, None);
    publish(w, db_id, txn_id, label, rowsets, Vec::new(), n)
}
