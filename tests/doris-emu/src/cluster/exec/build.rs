//! Turning AST definitions into catalog objects: types, columns, keys, distribution,
//! partitions with their tablets and replicas.

pub use super::build_partition::{index_tablets, new_partition, partition_item};
use super::err;
use crate::cluster::catalog::{AggType, Column, DefaultValue, Distribution, KeysType};
use crate::cluster::types::{coerce, Lit, SqlType};
use crate::result::SqlError;
use crate::sql::ast::{self, Buckets, DistributionDesc, TypeKind};

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
        TypeKind::Decimal {
            precision, scale, ..
        } => {
            let (p, s) = (small(*precision, 9), small(*scale, 0));
            if p == 0 || p > 38 || s > p {
                return Err(err(format!(
                    "Invalid decimal type: precision {p}, scale {s}"
                )));
            }
            SqlType::Decimal(p as u8, s as u8)
        }
        TypeKind::Date { .. } => SqlType::Date,
        TypeKind::DateTime { precision, .. } => {
            SqlType::DateTime(small(*precision, 0).min(6) as u8)
        }
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
        return Err(err(format!(
            "Can not set null default value to non nullable column: {}",
            def.name
        )));
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
        if matches!(
            c.ty,
            SqlType::Float | SqlType::Double | SqlType::Other(_) | SqlType::String
        ) || n == 3
        {
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
pub fn columns(
    defs: &[ast::ColumnDef],
    keys: Option<&ast::KeysDesc>,
) -> Result<(KeysType, Vec<Column>), SqlError> {
    let mut cols = Vec::with_capacity(defs.len());
    for (i, d) in defs.iter().enumerate() {
        if cols
            .iter()
            .any(|c: &Column| c.name.eq_ignore_ascii_case(&d.name))
        {
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
            return Err(err(
                "Key columns should be a ordered prefix of the schema. KeyColumns[".to_string()
                    + &keys.join(", ")
                    + "]",
            ));
        }
    }
    Ok(keys.len())
}

fn resolve_agg(keys_type: KeysType, c: &mut Column) -> Result<(), SqlError> {
    if c.is_key {
        if c.agg.is_some() {
            return Err(err(format!(
                "Key column {} should not specify aggregate type.",
                c.name
            )));
        }
        if matches!(c.ty, SqlType::Float | SqlType::Double) {
            return Err(err(
                "Float or double can not used as a key, use decimal instead.",
            ));
        }
        return Ok(());
    }
    match keys_type {
        KeysType::Agg if c.agg.is_none() => Err(err(format!(
            "The column[{}] must specify aggregate type",
            c.name
        ))),
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
pub fn distribution(
    desc: Option<&DistributionDesc>,
    keys_type: KeysType,
    cols: &[Column],
) -> Result<Distribution, SqlError> {
    let (hash, buckets) = match desc {
        None if keys_type == KeysType::Dup => (Vec::new(), None),
        None => (
            cols.iter()
                .filter(|c| c.is_key)
                .map(|c| c.name.clone())
                .collect(),
            None,
        ),
        Some(DistributionDesc::Hash { columns, buckets }) => (columns.clone(), *buckets),
        Some(DistributionDesc::Random { buckets }) => (Vec::new(), *buckets),
    };
    if hash.is_empty() && keys_type == KeysType::Unique {
        return Err(err(
            "Create unique keys table should not contain random distribution desc",
        ));
    }
    let mut resolved = Vec::with_capacity(hash.len());
    for h in &hash {
        let Some(c) = cols.iter().find(|c| c.name.eq_ignore_ascii_case(h)) else {
            return Err(err(format!(
                "Distribution column[{h}] is not found in table"
            )));
        };
        if keys_type != KeysType::Dup && !c.is_key {
            return Err(err(format!("Distribution column[{h}] is not key column")));
        }
        resolved.push(c.name.clone());
    }
    let (buckets, auto) = match buckets {
        Some(Buckets::Num(0)) => {
            return Err(err(
                "Number of hash distribution should be greater than zero.",
            ))
        }
        Some(Buckets::Num(n)) => (n, false),
        Some(Buckets::Auto) | None => (AUTO_BUCKETS, true),
    };
    Ok(Distribution {
        hash_columns: resolved,
        buckets,
        auto,
    })
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
