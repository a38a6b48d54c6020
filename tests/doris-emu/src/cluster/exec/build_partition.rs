//! New partitions, tablets and replicas; partition items from `VALUES` clauses.

use super::build::not_enough_backends;
use super::err;
use crate::cluster::catalog::{
    Bound, Distribution, IndexMeta, Partition, PartitionIndex, PartitionItem, Replica, Table,
    Tablet,
};
use crate::cluster::catalog_ops::NewTablets;
use crate::cluster::partition::{cmp_bounds, items_overlap, partition_types, range_string};
use crate::cluster::rowset::TabletData;
use crate::cluster::state::State;
use crate::cluster::types::{coerce, Lit, SqlType, Value};
use crate::result::SqlError;
use crate::sql::ast::{PartitionValue, PartitionValues};
use std::cmp::Ordering;

/// Allocates a partition with tablets for every index of `table` and replicas on BEs.
pub fn new_partition(
    state: &mut State,
    (db_id, table): (i64, &Table),
    name: &str,
    item: PartitionItem,
    is_temp: bool,
    dist: Distribution,
    now: i64,
) -> Result<(Partition, Vec<(i64, TabletData)>), SqlError> {
    let rep = table.replication_num();
    let bes = state.alive_backends();
    if (bes.len() as u32) < rep || rep == 0 {
        return Err(not_enough_backends(rep));
    }
    let pid = state.alloc_id();
    let mut indexes = Vec::new();
    let mut data = Vec::new();
    for (i, index) in table.indexes.iter().enumerate() {
        let tablets = new_tablets(state, &bes, rep, dist.buckets, i);
        for t in &tablets {
            let td = TabletData {
                db_id,
                table_id: table.id,
                partition_id: pid,
                index_id: index.id,
                rowsets: Vec::new(),
            };
            data.push((t.id, td));
        }
        indexes.push(PartitionIndex {
            index_id: index.id,
            tablets,
        });
    }
    let p = Partition {
        id: pid,
        name: name.to_string(),
        item,
        visible_version: 1,
        visible_version_time: now,
        is_temp,
        distribution: dist,
        replication_num: rep,
        indexes,
    };
    Ok((p, data))
}

/// Tablets for one index: ids ascending, replicas spread round-robin over the BEs.
pub fn new_tablets(
    state: &mut State,
    bes: &[i64],
    rep: u32,
    buckets: u32,
    salt: usize,
) -> Vec<Tablet> {
    (0..buckets as usize)
        .map(|b| {
            let id = state.alloc_id();
            let replicas = (0..rep as usize)
                .map(|r| Replica {
                    id: state.alloc_id(),
                    backend_id: bes[(b + r + salt) % bes.len()],
                })
                .collect();
            Tablet { id, replicas }
        })
        .collect()
}

/// Tablets for a new index (rollup / schema change) in every partition of `table`.
pub fn index_tablets(
    state: &mut State,
    db_id: i64,
    table: &Table,
    index: &IndexMeta,
) -> Result<Vec<(i64, PartitionIndex, NewTablets)>, SqlError> {
    let bes = state.alive_backends();
    let mut out = Vec::new();
    for (n, p) in table.partitions.iter().enumerate() {
        if (bes.len() as u32) < p.replication_num || p.replication_num == 0 {
            return Err(not_enough_backends(p.replication_num));
        }
        let tablets = new_tablets(state, &bes, p.replication_num, p.distribution.buckets, n);
        let data = tablets
            .iter()
            .map(|t| {
                (
                    t.id,
                    TabletData {
                        db_id,
                        table_id: table.id,
                        partition_id: p.id,
                        index_id: index.id,
                        rowsets: Vec::new(),
                    },
                )
            })
            .collect();
        out.push((
            p.id,
            PartitionIndex {
                index_id: index.id,
                tablets,
            },
            data,
        ));
    }
    Ok(out)
}

pub(super) fn bound_values(
    values: &[PartitionValue],
    types: &[SqlType],
    cols: &[String],
) -> Result<Vec<Bound>, SqlError> {
    if values.len() > types.len() {
        return Err(err("partition key desc list size[".to_string()
            + &values.len().to_string()
            + "] is larger than partition column size["
            + &types.len().to_string()
            + "]"));
    }
    let mut out = Vec::with_capacity(types.len());
    for (i, ty) in types.iter().enumerate() {
        out.push(match values.get(i) {
            Some(PartitionValue::MaxValue) => Bound::Max,
            Some(PartitionValue::Value(s)) => {
                Bound::V(coerce(&Lit::Str(s.clone()), ty, &cols[i]).map_err(err)?)
            }
            Some(PartitionValue::Null) => return Err(err("Can not use NULL in range partition")),
            None if matches!(out.last(), Some(Bound::Max)) => Bound::Max,
            None => Bound::V(ty.min_value()),
        });
    }
    Ok(out)
}

/// Builds and checks the item of a new partition against `existing` (same temp-ness).
pub fn partition_item(
    table: &Table,
    values: &PartitionValues,
    existing: &[&Partition],
) -> Result<PartitionItem, SqlError> {
    let types = partition_types(table);
    let cols = crate::cluster::partition::partition_columns(table).to_vec();
    let item = match values {
        PartitionValues::Unspecified if types.is_empty() => PartitionItem::All,
        PartitionValues::Unspecified => return Err(err("partition values must be specified")),
        PartitionValues::LessThan(v) => {
            let upper = bound_values(v, &types, &cols)?;
            let lower = existing
                .iter()
                .filter_map(|p| match &p.item {
                    PartitionItem::Range { upper: u, .. }
                        if cmp_bounds(u, &upper) != Ordering::Greater =>
                    {
                        Some(u.clone())
                    }
                    _ => None,
                })
                .max_by(|a, b| cmp_bounds(a, b))
                .unwrap_or_else(|| types.iter().map(|t| Bound::V(t.min_value())).collect());
            PartitionItem::Range { lower, upper }
        }
        PartitionValues::Fixed { lower, upper } => PartitionItem::Range {
            lower: bound_values(lower, &types, &cols)?,
            upper: bound_values(upper, &types, &cols)?,
        },
        PartitionValues::In(tuples) => PartitionItem::List(list_values(tuples, &types, &cols)?),
    };
    check_item(&types, &item, existing)?;
    Ok(item)
}

pub(super) fn list_values(
    tuples: &[Vec<PartitionValue>],
    types: &[SqlType],
    cols: &[String],
) -> Result<Vec<Vec<Value>>, SqlError> {
    let mut out = Vec::new();
    for t in tuples {
        if t.len() != types.len() {
            return Err(err(
                "partition key desc list size does not match partition column size",
            ));
        }
        let mut row = Vec::new();
        for (i, v) in t.iter().enumerate() {
            row.push(match v {
                PartitionValue::Value(s) => {
                    coerce(&Lit::Str(s.clone()), &types[i], &cols[i]).map_err(err)?
                }
                PartitionValue::Null => Value::Null,
                PartitionValue::MaxValue => {
                    return Err(err("MAXVALUE is not allowed in list partition"))
                }
            });
        }
        out.push(row);
    }
    Ok(out)
}

pub(super) fn check_item(
    types: &[SqlType],
    item: &PartitionItem,
    existing: &[&Partition],
) -> Result<(), SqlError> {
    if let PartitionItem::Range { lower, upper } = item {
        if cmp_bounds(lower, upper) != Ordering::Less {
            return Err(err(format!(
                "The lower values must smaller than upper values: {}",
                range_string(types, item)
            )));
        }
    }
    if let Some(p) = existing.iter().find(|p| items_overlap(&p.item, item)) {
        return Err(err(format!(
            "Range {} is intersected with range: {}",
            range_string(types, item),
            range_string(types, &p.item)
        )));
    }
    Ok(())
}
