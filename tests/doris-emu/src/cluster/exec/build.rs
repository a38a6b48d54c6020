//! Turning AST definitions into catalog objects: types, columns, keys, distribution,
//! partitions with their tablets and replicas.

use super::err;
use crate::cluster::catalog::{
    AggType, Bound, Column, DefaultValue, Distribution, IndexMeta, KeysType, Partition,
    PartitionIndex, PartitionItem, Replica, Table, Tablet,
};
use crate::cluster::partition::{cmp_bounds, items_overlap, partition_types, range_string};
use crate::cluster::rowset::TabletData;
use crate::cluster::state::State;
use crate::cluster::types::{coerce, Lit, SqlType, Value};
use crate::result::SqlError;
use crate::sql::ast::{self, Buckets, DistributionDesc, PartitionValue, PartitionValues, TypeKind};
use std::cmp::Ordering;

/// Bucket count chosen for `BUCKETS AUTO` (deterministic, small).
pub const AUTO_BUCKETS: u32 = 1;

/// Converts an AST type.
pub fn sql_type(dt: &ast::DataType) -> Result<SqlType, SqlError> {
    let small = |n: Option<u32>, d: u32| n.unwrap_or(d);
    Ok(match &dt.kind {
        TypeKind::TinyInt => SqlType::TinyInt,
        TypeKind::SmallInt => SqlType::SmallInt,
        TypeKind::Int => SqlType::Int,
        TypeKind::BigInt => SqlType::BigInt,
        TypeKind::LargeInt => SqlType::LargeInt,
        TypeKind::Boolean => SqlType::Boolean,
        TypeKind::Float => SqlType::Float,
        TypeKind::Double => SqlType::Double,
        TypeKind::Decimal { precision, scale, .. } => {
            let (p, s) = (small(*precision, 9), small(*scale, 0));
            if p == 0 || p > 38 || s > p {
                return Err(err(format!("Invalid decimal type: precision {p}, scale {s}")));
            }
            SqlType::Decimal(p as u8, s as u8)
        }
        TypeKind::Date { .. } => SqlType::Date,
        TypeKind::DateTime { precision, .. } => SqlType::DateTime(small(*precision, 0).min(6) as u8),
        TypeKind::Char(n) => SqlType::Char(small(*n, 1)),
        TypeKind::Varchar(n) => SqlType::Varchar(small(*n, 65533)),
        TypeKind::String => SqlType::String,
        TypeKind::Json => SqlType::Other("JSON".into()),
        TypeKind::Other(s) => SqlType::Other(s.clone()),
    })
}

fn agg_type(a: &ast::AggType) -> AggType {
    match a {
        ast::AggType::Sum => AggType::Sum,
        ast::AggType::Max => AggType::Max,
        ast::AggType::Min => AggType::Min,
        ast::AggType::Replace => AggType::Replace,
        ast::AggType::ReplaceIfNotNull => AggType::ReplaceIfNotNull,
        other => AggType::Other(other.as_str().to_string()),
    }
}

/// Converts one column definition (keys decided by the caller).
pub fn column(def: &ast::ColumnDef, unique_id: u32) -> Result<Column, SqlError> {
    let ty = sql_type(&def.data_type)?;
    let default = match &def.default {
        None => None,
        Some(ast::ColumnDefault::Null) => Some(DefaultValue::Null),
        Some(ast::ColumnDefault::Literal(l)) => {
            let text = l.as_text().unwrap_or_default();
            coerce(&Lit::Str(text.clone()), &ty, &def.name)
                .map_err(|_| err(format!("Invalid default value for '{}': {text}", def.name)))?;
            Some(DefaultValue::Literal(text))
        }
        Some(ast::ColumnDefault::CurrentTimestamp(p)) => Some(DefaultValue::Expr(match p {
            Some(n) => format!("CURRENT_TIMESTAMP({n})"),
            None => "CURRENT_TIMESTAMP".into(),
        })),
        Some(ast::ColumnDefault::Keyword(k)) => Some(DefaultValue::Expr(k.clone())),
    };
    if def.nullable == Some(false) && default == Some(DefaultValue::Null) {
        return Err(err(format!("Can not set null default value to non nullable column: {}", def.name)));
    }
    Ok(Column {
        name: def.name.clone(),
        ty,
        is_key: def.is_key,
        agg: def.agg_type.as_ref().map(agg_type),
        nullable: def.nullable.unwrap_or(true),
        default,
        auto_increment: def.auto_increment.is_some(),
        comment: def.comment.clone().unwrap_or_default(),
        unique_id,
    })
}

fn key_bytes(ty: &SqlType) -> usize {
    match ty {
        SqlType::Boolean | SqlType::TinyInt => 1,
        SqlType::SmallInt => 2,
        SqlType::Int | SqlType::Float | SqlType::Date => 4,
        SqlType::BigInt | SqlType::Double | SqlType::DateTime(_) => 8,
        SqlType::LargeInt | SqlType::Decimal(..) => 16,
        SqlType::Char(n) => *n as usize,
        _ => 20,
    }
}

/// Doris' implicit DUPLICATE KEY: leading columns up to 36 bytes / 3 columns, stopping after
/// a string column and before a float or complex column.
fn default_dup_keys(cols: &[Column]) -> usize {
    let mut n = 0;
    let mut bytes = 0;
    for c in cols {
        if matches!(c.ty, SqlType::Float | SqlType::Double | SqlType::Other(_) | SqlType::String) || n == 3 {
            break;
        }
        bytes += key_bytes(&c.ty);
        if bytes > 36 && n > 0 {
            break;
        }
        n += 1;
        if matches!(c.ty, SqlType::Varchar(_) | SqlType::Char(_)) {
            break;
        }
    }
    n.max(1)
}

/// Builds the columns of a CREATE TABLE with key flags and aggregation types resolved.
pub fn columns(defs: &[ast::ColumnDef], keys: Option<&ast::KeysDesc>) -> Result<(KeysType, Vec<Column>), SqlError> {
    let mut cols = Vec::with_capacity(defs.len());
    for (i, d) in defs.iter().enumerate() {
        if cols.iter().any(|c: &Column| c.name.eq_ignore_ascii_case(&d.name)) {
            return Err(err(format!("Duplicate column name '{}'", d.name)));
        }
        cols.push(column(d, i as u32)?);
    }
    if cols.is_empty() {
        return Err(err("Table should contain at least one column"));
    }
    let keys_type = match keys.map(|k| k.keys_type) {
        Some(ast::KeysType::Unique) => KeysType::Unique,
        Some(ast::KeysType::Aggregate) => KeysType::Agg,
        Some(ast::KeysType::Duplicate) => KeysType::Dup,
        None if cols.iter().any(|c| c.agg.is_some()) => KeysType::Agg,
        None => KeysType::Dup,
    };
    let key_count = match keys {
        Some(k) => check_key_prefix(&cols, &k.columns)?,
        None if keys_type == KeysType::Agg => cols.iter().take_while(|c| c.agg.is_none()).count(),
        None => default_dup_keys(&cols),
    };
    for (i, c) in cols.iter_mut().enumerate() {
        c.is_key = i < key_count;
        resolve_agg(keys_type, c)?;
    }
    Ok((keys_type, cols))
}

fn check_key_prefix(cols: &[Column], keys: &[String]) -> Result<usize, SqlError> {
    for (i, k) in keys.iter().enumerate() {
        if cols.iter().all(|c| !c.name.eq_ignore_ascii_case(k)) {
            return Err(err(format!("Key column[{k}] doesn't exist.")));
        }
        if !cols.get(i).is_some_and(|c| c.name.eq_ignore_ascii_case(k)) {
            return Err(err("Key columns should be a ordered prefix of the schema. KeyColumns[".to_string()
                + &keys.join(", ") + "]"));
        }
    }
    Ok(keys.len())
}

fn resolve_agg(keys_type: KeysType, c: &mut Column) -> Result<(), SqlError> {
    if c.is_key {
        if c.agg.is_some() {
            return Err(err(format!("Key column {} should not specify aggregate type.", c.name)));
        }
        if matches!(c.ty, SqlType::Float | SqlType::Double) {
            return Err(err(format!("Float or double can not used as a key, use decimal instead.")));
        }
        return Ok(());
    }
    match keys_type {
        KeysType::Agg if c.agg.is_none() => {
            Err(err(format!("The column[{}] must specify aggregate type", c.name)))
        }
        KeysType::Agg => Ok(()),
        _ if c.agg.is_some() => Err(err(format!(
            "{} table should not specify aggregate type for non-key column[{}]",
            keys_type.internal(),
            c.name
        ))),
        KeysType::Unique => {
            c.agg = Some(AggType::Replace);
            Ok(())
        }
        KeysType::Dup => Ok(()),
    }
}

/// Resolves a distribution clause (None → Doris 2.1 default).
pub fn distribution(desc: Option<&DistributionDesc>, keys_type: KeysType, cols: &[Column]) -> Result<Distribution, SqlError> {
    let (hash, buckets) = match desc {
        None if keys_type == KeysType::Dup => (Vec::new(), None),
        None => (cols.iter().filter(|c| c.is_key).map(|c| c.name.clone()).collect(), None),
        Some(DistributionDesc::Hash { columns, buckets }) => (columns.clone(), *buckets),
        Some(DistributionDesc::Random { buckets }) => (Vec::new(), *buckets),
    };
    if hash.is_empty() && keys_type == KeysType::Unique {
        return Err(err("Create unique keys table should not contain random distribution desc"));
    }
    let mut resolved = Vec::with_capacity(hash.len());
    for h in &hash {
        let Some(c) = cols.iter().find(|c| c.name.eq_ignore_ascii_case(h)) else {
            return Err(err(format!("Distribution column[{h}] is not found in table")));
        };
        if keys_type != KeysType::Dup && !c.is_key {
            return Err(err(format!("Distribution column[{h}] is not key column")));
        }
        resolved.push(c.name.clone());
    }
    let (buckets, auto) = match buckets {
        Some(Buckets::Num(0)) => return Err(err("Number of hash distribution should be greater than zero.")),
        Some(Buckets::Num(n)) => (n, false),
        Some(Buckets::Auto) | None => (AUTO_BUCKETS, true),
    };
    Ok(Distribution { hash_columns: resolved, buckets, auto })
}

/// The Doris "not enough backends" error.
pub fn not_enough_backends(n: u32) -> SqlError {
    err(format!(
        "Failed to find enough backend, please check the replication num,replication tag and storage medium \
         and avail capacity of backends or maybe all be on this node is decommissioned.\n\
         Create failed replications:\nreplication tag: {{\"location\" : \"default\"}}, replication num: {n}, \
         storage medium: HDD"
    ))
}

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
            let td = TabletData { db_id, table_id: table.id, partition_id: pid, index_id: index.id, rowsets: Vec::new() };
            data.push((t.id, td));
        }
        indexes.push(PartitionIndex { index_id: index.id, tablets });
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
pub fn new_tablets(state: &mut State, bes: &[i64], rep: u32, buckets: u32, salt: usize) -> Vec<Tablet> {
    (0..buckets as usize)
        .map(|b| {
            let id = state.alloc_id();
            let replicas = (0..rep as usize)
                .map(|r| Replica { id: state.alloc_id(), backend_id: bes[(b + r + salt) % bes.len()] })
                .collect();
            Tablet { id, replicas }
        })
        .collect()
}

/// Tablets for a new index (rollup / schema change) in every partition of `table`.
pub fn index_tablets(state: &mut State, db_id: i64, table: &Table, index: &IndexMeta) -> Vec<(i64, PartitionIndex, Vec<(i64, TabletData)>)> {
    let bes = state.alive_backends();
    let mut out = Vec::new();
    for (n, p) in table.partitions.iter().enumerate() {
        let tablets = new_tablets(state, &bes, p.replication_num, p.distribution.buckets, n);
        let data = tablets
            .iter()
            .map(|t| (t.id, TabletData { db_id, table_id: table.id, partition_id: p.id, index_id: index.id, rowsets: Vec::new() }))
            .collect();
        out.push((p.id, PartitionIndex { index_id: index.id, tablets }, data));
    }
    out
}

fn bound_values(values: &[PartitionValue], types: &[SqlType], cols: &[String]) -> Result<Vec<Bound>, SqlError> {
    if values.len() > types.len() {
        return Err(err("partition key desc list size[".to_string() + &values.len().to_string()
            + "] is larger than partition column size[" + &types.len().to_string() + "]"));
    }
    let mut out = Vec::with_capacity(types.len());
    for (i, ty) in types.iter().enumerate() {
        out.push(match values.get(i) {
            Some(PartitionValue::MaxValue) => Bound::Max,
            Some(PartitionValue::Value(s)) => Bound::V(coerce(&Lit::Str(s.clone()), ty, &cols[i]).map_err(err)?),
            Some(PartitionValue::Null) => return Err(err("Can not use NULL in range partition")),
            None if matches!(out.last(), Some(Bound::Max)) => Bound::Max,
            None => Bound::V(ty.min_value()),
        });
    }
    Ok(out)
}

/// Builds and checks the item of a new partition against `existing` (same temp-ness).
pub fn partition_item(table: &Table, values: &PartitionValues, existing: &[&Partition]) -> Result<PartitionItem, SqlError> {
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
                    PartitionItem::Range { upper: u, .. } if cmp_bounds(u, &upper) != Ordering::Greater => Some(u.clone()),
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

fn list_values(tuples: &[Vec<PartitionValue>], types: &[SqlType], cols: &[String]) -> Result<Vec<Vec<Value>>, SqlError> {
    let mut out = Vec::new();
    for t in tuples {
        if t.len() != types.len() {
            return Err(err("partition key desc list size does not match partition column size"));
        }
        let mut row = Vec::new();
        for (i, v) in t.iter().enumerate() {
            row.push(match v {
                PartitionValue::Value(s) => coerce(&Lit::Str(s.clone()), &types[i], &cols[i]).map_err(err)?,
                PartitionValue::Null => Value::Null,
                PartitionValue::MaxValue => return Err(err("MAXVALUE is not allowed in list partition")),
            });
        }
        out.push(row);
    }
    Ok(out)
}

fn check_item(types: &[SqlType], item: &PartitionItem, existing: &[&Partition]) -> Result<(), SqlError> {
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
