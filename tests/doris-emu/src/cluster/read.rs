//! Reading data: merge a tablet's rowsets in version order by key model.
//!
//! Rows are returned in the table's current column order; rowsets written under an older
//! schema are mapped by column unique id (missing columns get their default or NULL), so
//! light schema changes never rewrite data.

use super::catalog::{AggType, Column, DefaultValue, KeysType, Partition, Table};
use super::rowset::{CmpOp, DeleteCond, Rowset, TabletData, DELETE_SIGN_UID};
use super::state::State;
use super::types::{cmp_rows, cmp_values, coerce, Lit, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A key tuple usable in ordered maps.
#[derive(Debug, Clone)]
struct Key(Vec<Value>);

impl PartialEq for Key {
    fn eq(&self, o: &Self) -> bool {
        cmp_rows(&self.0, &o.0) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Key {
    fn cmp(&self, o: &Self) -> Ordering {
        cmp_rows(&self.0, &o.0)
    }
}

/// The value a column takes when a row does not carry it.
pub fn column_default(col: &Column) -> Value {
    match &col.default {
        Some(DefaultValue::Literal(s)) => {
            coerce(&Lit::Str(s.clone()), &col.ty, &col.name).unwrap_or(Value::Null)
        }
        _ => Value::Null,
    }
}

/// All rows of the table's regular partitions (base index), merged.
pub fn read_table(state: &State, table: &Table) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    for p in table.regular_partitions() {
        out.extend(read_partition(state, table, p));
    }
    out
}

/// All rows of one partition (base index), merged.
pub fn read_partition(state: &State, table: &Table, p: &Partition) -> Vec<Vec<Value>> {
    let Some(index) = p.index(table.base_index().id) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for t in &index.tablets {
        if let Some(data) = state.tablets.get(&t.id) {
            out.extend(read_tablet(table, data, p.visible_version));
        }
    }
    out
}

/// Rows of `rowset` mapped to the table's current columns, plus the delete sign per row.
fn map_rows<'a>(
    table: &'a Table,
    rowset: &'a Rowset,
) -> impl Iterator<Item = (Vec<Value>, bool)> + 'a {
    let positions: Vec<Option<usize>> = table
        .columns
        .iter()
        .map(|c| rowset.columns.iter().position(|rc| rc.uid == c.unique_id))
        .collect();
    let defaults: Vec<Value> = table.columns.iter().map(column_default).collect();
    let del = rowset
        .columns
        .iter()
        .position(|rc| rc.uid == DELETE_SIGN_UID);
    rowset.rows.iter().map(move |r| {
        let row = positions
            .iter()
            .zip(&defaults)
            .map(|(p, d)| {
                p.and_then(|i| r.get(i).cloned())
                    .unwrap_or_else(|| d.clone())
            })
            .collect();
        let deleted = del
            .and_then(|i| r.get(i))
            .is_some_and(|v| matches!(v, Value::Int(1) | Value::Bool(true)));
        (row, deleted)
    })
}

/// Merged rows of one tablet up to `max_version`.
pub fn read_tablet(table: &Table, data: &TabletData, max_version: i64) -> Vec<Vec<Value>> {
    let key_pos: Vec<usize> = (0..table.columns.len())
        .filter(|i| table.columns[*i].is_key)
        .collect();
    let key_of = |row: &Vec<Value>| Key(key_pos.iter().map(|i| row[*i].clone()).collect());
    let mut dup: Vec<Vec<Value>> = Vec::new();
    let mut keyed: BTreeMap<Key, Vec<Value>> = BTreeMap::new();
    for rs in data.rowsets.iter().take_while(|r| r.version <= max_version) {
        if let Some(conds) = &rs.delete {
            let hit = |row: &Vec<Value>| matches_delete(table, conds, row);
            dup.retain(|r| !hit(r));
            keyed.retain(|_, r| !hit(r));
            continue;
        }
        for (row, deleted) in map_rows(table, rs) {
            match table.keys_type {
                KeysType::Dup => dup.push(row),
                KeysType::Unique if deleted => {
                    keyed.remove(&key_of(&row));
                }
                KeysType::Unique => {
                    keyed.insert(key_of(&row), row);
                }
                KeysType::Agg => merge_agg(table, &mut keyed, key_of(&row), row),
            }
        }
    }
    if table.keys_type == KeysType::Dup {
        dup
    } else {
        keyed.into_values().collect()
    }
}

fn merge_agg(table: &Table, keyed: &mut BTreeMap<Key, Vec<Value>>, key: Key, row: Vec<Value>) {
    match keyed.get_mut(&key) {
        None => {
            keyed.insert(key, row);
        }
        Some(old) => {
            for (i, col) in table.columns.iter().enumerate() {
                if !col.is_key {
                    old[i] = aggregate(col.agg.as_ref(), &old[i], &row[i]);
                }
            }
        }
    }
}

/// Combines an existing aggregate value with a new one.
pub fn aggregate(agg: Option<&AggType>, old: &Value, new: &Value) -> Value {
    match (agg, old, new) {
        (Some(AggType::ReplaceIfNotNull), _, Value::Null) => old.clone(),
        (Some(AggType::Sum | AggType::Max | AggType::Min), Value::Null, _) => new.clone(),
        (Some(AggType::Sum | AggType::Max | AggType::Min), _, Value::Null) => old.clone(),
        (Some(AggType::Sum), a, b) => add_values(a, b),
        (Some(AggType::Max), a, b) => {
            if cmp_values(b, a) == Ordering::Greater {
                b.clone()
            } else {
                a.clone()
            }
        }
        (Some(AggType::Min), a, b) => {
            if cmp_values(b, a) == Ordering::Less {
                b.clone()
            } else {
                a.clone()
            }
        }
        _ => new.clone(),
    }
}

/// `a + b` for numeric values of the same column type.
pub fn add_values(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(x.saturating_add(*y)),
        (Value::Decimal(x), Value::Decimal(y)) => Value::Decimal(x.saturating_add(*y)),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => Value::Float(x + y),
            _ => b.clone(),
        },
    }
}

/// Whether `row` (current column order) matches every conjunct of a delete predicate.
pub fn matches_delete(table: &Table, conds: &[DeleteCond], row: &[Value]) -> bool {
    conds.iter().all(|c| {
        let Some(pos) = table
            .columns
            .iter()
            .position(|col| col.unique_id == c.column_uid)
        else {
            return false;
        };
        eval_cond(c.op, &row[pos], &c.values)
    })
}

fn eval_cond(op: CmpOp, v: &Value, operands: &[Value]) -> bool {
    let first = operands.first().unwrap_or(&Value::Null);
    let cmp = || {
        if v.is_null() || first.is_null() {
            None
        } else {
            Some(cmp_values(v, first))
        }
    };
    match op {
        CmpOp::IsNull => v.is_null(),
        CmpOp::IsNotNull => !v.is_null(),
        CmpOp::Eq => cmp() == Some(Ordering::Equal),
        CmpOp::Ne => cmp().is_some_and(|o| o != Ordering::Equal),
        CmpOp::Lt => cmp() == Some(Ordering::Less),
        CmpOp::Le => cmp().is_some_and(|o| o != Ordering::Greater),
        CmpOp::Gt => cmp() == Some(Ordering::Greater),
        CmpOp::Ge => cmp().is_some_and(|o| o != Ordering::Less),
        CmpOp::In => !v.is_null() && operands.iter().any(|o| cmp_values(v, o).is_eq()),
        CmpOp::NotIn => !v.is_null() && !operands.iter().any(|o| cmp_values(v, o).is_eq()),
    }
}
