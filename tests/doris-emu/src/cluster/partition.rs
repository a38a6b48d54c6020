//! Partition items: Doris-style range strings (getMeta / UPSERT records match partitions
//! across clusters by them), SQL rendering of `VALUES` clauses, and row → partition routing.

use super::catalog::{Bound, Partition, PartitionItem, PartitionScheme, Table};
use super::types::{cmp_values, SqlType, Value};
use std::cmp::Ordering;

/// Types of the partition columns of `table`.
pub fn partition_types(table: &Table) -> Vec<SqlType> {
    partition_columns(table)
        .iter()
        .map(|c| {
            table
                .column(c)
                .map(|c| c.ty.clone())
                .unwrap_or(SqlType::String)
        })
        .collect()
}

/// Names of the partition columns (empty when unpartitioned).
pub fn partition_columns(table: &Table) -> &[String] {
    match &table.scheme {
        PartitionScheme::Unpartitioned => &[],
        PartitionScheme::Range(c) | PartitionScheme::List(c) => c,
    }
}

fn key_string(types: &[SqlType], keys: &[String]) -> String {
    let t: Vec<String> = types.iter().map(SqlType::primitive_name).collect();
    format!("types: [{}]; keys: [{}]; ", t.join(", "), keys.join(", "))
}

fn bound_texts(types: &[SqlType], bounds: &[Bound]) -> Vec<String> {
    bounds
        .iter()
        .zip(types)
        .map(|(b, ty)| match b {
            Bound::V(v) => v.key_text(ty),
            Bound::Max => "MAXVALUE".into(),
        })
        .collect()
}

/// The canonical item string of a partition, e.g.
/// `[types: [INT]; keys: [10]; ..types: [INT]; keys: [20]; )`; "" when unpartitioned.
pub fn range_string(types: &[SqlType], item: &PartitionItem) -> String {
    match item {
        PartitionItem::All => String::new(),
        PartitionItem::Range { lower, upper } => format!(
            "[{}..{})",
            key_string(types, &bound_texts(types, lower)),
            key_string(types, &bound_texts(types, upper))
        ),
        PartitionItem::List(tuples) => {
            let keys: Vec<String> = tuples
                .iter()
                .map(|t| {
                    let texts: Vec<String> =
                        t.iter().zip(types).map(|(v, ty)| v.key_text(ty)).collect();
                    key_string(types, &texts)
                })
                .collect();
            format!("[{}]", keys.join(", "))
        }
    }
}

/// The range string of partition `p` of `table`.
pub fn partition_range(table: &Table, p: &Partition) -> String {
    range_string(&partition_types(table), &p.item)
}

fn sql_tuple(types: &[SqlType], values: impl Iterator<Item = String>) -> String {
    let _ = types;
    let parts: Vec<String> = values.collect();
    format!("({})", parts.join(", "))
}

/// The `VALUES ...` clause of a partition as SHOW CREATE TABLE / ADD_PARTITION print it:
/// `VALUES [("10"), ("20"))`, `VALUES IN (("1"), ("2"))`; "" when unpartitioned.
pub fn values_sql(types: &[SqlType], item: &PartitionItem) -> String {
    let quote = |b: &Bound, ty: &SqlType| match b {
        Bound::V(v) => format!("\"{}\"", v.key_text(ty)),
        Bound::Max => "MAXVALUE".into(),
    };
    match item {
        PartitionItem::All => String::new(),
        PartitionItem::Range { lower, upper } => {
            let l = sql_tuple(types, lower.iter().zip(types).map(|(b, t)| quote(b, t)));
            let u = sql_tuple(types, upper.iter().zip(types).map(|(b, t)| quote(b, t)));
            format!("VALUES [{l}, {u})")
        }
        PartitionItem::List(tuples) => {
            let items: Vec<String> = tuples
                .iter()
                .map(|t| {
                    sql_tuple(
                        types,
                        t.iter().zip(types).map(|(v, ty)| match v {
                            Value::Null => "NULL".to_string(),
                            v => format!("\"{}\"", v.key_text(ty)),
                        }),
                    )
                })
                .collect();
            format!("VALUES IN ({})", items.join(", "))
        }
    }
}

/// Compares a key tuple with a bound tuple (MAXVALUE is above everything).
pub fn cmp_key_bound(key: &[Value], bound: &[Bound]) -> Ordering {
    for (k, b) in key.iter().zip(bound) {
        let o = match b {
            Bound::Max => Ordering::Less,
            Bound::V(v) => cmp_values(k, v),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Compares two bound tuples.
pub fn cmp_bounds(a: &[Bound], b: &[Bound]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Bound::Max, Bound::Max) => Ordering::Equal,
            (Bound::Max, _) => Ordering::Greater,
            (_, Bound::Max) => Ordering::Less,
            (Bound::V(x), Bound::V(y)) => cmp_values(x, y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Whether `key` (values of the partition columns) falls into `item`.
pub fn item_contains(item: &PartitionItem, key: &[Value]) -> bool {
    match item {
        PartitionItem::All => true,
        PartitionItem::Range { lower, upper } => {
            cmp_key_bound(key, lower) != Ordering::Less
                && cmp_key_bound(key, upper) == Ordering::Less
        }
        PartitionItem::List(tuples) => tuples.iter().any(|t| {
            t.len() == key.len() && t.iter().zip(key).all(|(a, b)| cmp_values(a, b).is_eq())
        }),
    }
}

/// Whether two items overlap (range intersection or a shared list value).
pub fn items_overlap(a: &PartitionItem, b: &PartitionItem) -> bool {
    match (a, b) {
        (
            PartitionItem::Range {
                lower: l1,
                upper: u1,
            },
            PartitionItem::Range {
                lower: l2,
                upper: u2,
            },
        ) => cmp_bounds(l1, u2) == Ordering::Less && cmp_bounds(l2, u1) == Ordering::Less,
        (PartitionItem::List(x), PartitionItem::List(_)) => x.iter().any(|t| item_contains(b, t)),
        _ => true,
    }
}

/// The regular (or temp) partition that holds `key`.
/// In RANGE tables NULL keys go to the partition holding the type's minimum value.
pub fn route<'a>(table: &'a Table, key: &[Value], temp: bool) -> Option<&'a Partition> {
    let owned;
    let key = if matches!(table.scheme, PartitionScheme::Range(_)) && key.iter().any(Value::is_null)
    {
        let types = partition_types(table);
        owned = key
            .iter()
            .zip(&types)
            .map(|(v, t)| {
                if v.is_null() {
                    t.min_value()
                } else {
                    v.clone()
                }
            })
            .collect::<Vec<_>>();
        &owned[..]
    } else {
        key
    };
    table
        .partitions
        .iter()
        .filter(|p| p.is_temp == temp)
        .find(|p| item_contains(&p.item, key))
}

/// Partitions of one kind (regular or temp) in Doris display order: by range for RANGE
/// tables, creation order otherwise.
pub fn sorted_partitions(table: &Table, temp: bool) -> Vec<&Partition> {
    let mut v: Vec<&Partition> = table
        .partitions
        .iter()
        .filter(|p| p.is_temp == temp)
        .collect();
    v.sort_by(|a, b| match (&a.item, &b.item) {
        (PartitionItem::Range { lower: x, .. }, PartitionItem::Range { lower: y, .. }) => {
            cmp_bounds(x, y)
        }
        _ => Ordering::Equal,
    });
    v
}
