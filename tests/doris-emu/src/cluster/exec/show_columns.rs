//! DESC / SHOW COLUMNS, SHOW INDEX, SHOW ALTER TABLE and `information_schema.columns`.

use super::eval::Relation;
use super::show::{filtered, text_rows};
use super::show_proc::fmt_time;
use super::{db_of, olap_table_of, table_of, ExecResult};
use crate::cluster::catalog::{Database, KeysType, Table};
use crate::cluster::config::Session;
use crate::cluster::state::State;
use crate::sql::ast::{AlterJobKind, Expr, ObjectName};

/// DESC / SHOW [FULL] COLUMNS.
pub fn columns(st: &State, s: &Session, name: &ObjectName, full: bool, all: bool) -> ExecResult {
    let (_, t) = table_of(st, s, name)?;
    if all && !t.is_view() {
        return Ok(desc_all(t));
    }
    let rows = t
        .columns
        .iter()
        .map(|c| {
            let extra = match (&c.agg, t.keys_type) {
                (Some(a), KeysType::Agg) => a.sql(),
                _ => String::new(),
            };
            let default = crate::cluster::read::column_default(c)
                .render(&c.ty)
                .unwrap_or_else(|| "NULL".into());
            let null = if c.nullable { "YES" } else { "NO" }.to_string();
            let ty = c.ty.to_sql().to_uppercase();
            if full {
                vec![
                    c.name.clone(),
                    ty,
                    String::new(),
                    null,
                    c.is_key.to_string(),
                    default,
                    extra,
                    String::new(),
                    c.comment.clone(),
                ]
            } else {
                vec![
                    c.name.clone(),
                    ty,
                    null,
                    c.is_key.to_string(),
                    default,
                    extra,
                ]
            }
        })
        .collect();
    if full {
        Ok(text_rows(
            &[
                "Field",
                "Type",
                "Collation",
                "Null",
                "Key",
                "Default",
                "Extra",
                "Privileges",
                "Comment",
            ],
            rows,
        ))
    } else {
        Ok(text_rows(
            &["Field", "Type", "Null", "Key", "Default", "Extra"],
            rows,
        ))
    }
}

pub(super) fn desc_all(t: &Table) -> crate::result::QueryResult {
    let mut rows = Vec::new();
    for idx in &t.indexes {
        for (n, uid) in idx.columns.iter().enumerate() {
            let Some(c) = t.columns.iter().find(|c| c.unique_id == *uid) else {
                continue;
            };
            let (iname, kt) = if n == 0 {
                (idx.name.clone(), t.keys_type.internal().to_string())
            } else {
                (String::new(), String::new())
            };
            let ty = c.ty.to_sql().to_uppercase();
            rows.push(vec![
                iname,
                kt,
                c.name.clone(),
                ty.clone(),
                ty,
                if c.nullable { "Yes" } else { "No" }.into(),
                c.is_key.to_string(),
                "NULL".into(),
                String::new(),
                "true".into(),
                String::new(),
                String::new(),
            ]);
        }
    }
    text_rows(
        &[
            "IndexName",
            "IndexKeysType",
            "Field",
            "Type",
            "InternalType",
            "Null",
            "Key",
            "Default",
            "Extra",
            "Visible",
            "DefineExpr",
            "WhereClause",
        ],
        rows,
    )
}

/// `SHOW INDEX FROM t`.
pub fn indexes(st: &State, s: &Session, name: &ObjectName) -> ExecResult {
    let (_, t) = olap_table_of(st, s, name)?;
    let mut rows = Vec::new();
    for i in &t.secondary_indexes {
        let props: Vec<String> = i
            .properties
            .iter()
            .map(|(k, v)| format!("\"{k}\" = \"{v}\""))
            .collect();
        rows.push(vec![
            t.name.clone(),
            String::new(),
            i.name.clone(),
            String::new(),
            i.columns.join(","),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            i.kind.clone(),
            i.comment.clone(),
            format!("({})", props.join(", ")),
        ]);
    }
    Ok(text_rows(
        &[
            "Table",
            "Non_unique",
            "Key_name",
            "Seq_in_index",
            "Column_name",
            "Collation",
            "Cardinality",
            "Sub_part",
            "Packed",
            "Null",
            "Index_type",
            "Comment",
            "Properties",
        ],
        rows,
    ))
}

/// `SHOW ALTER TABLE COLUMN|ROLLUP [FROM db] [WHERE ...]`.
pub fn alter_jobs(
    st: &State,
    s: &Session,
    kind: AlterJobKind,
    db: Option<&str>,
    filter: Option<&Expr>,
) -> ExecResult {
    let db = db_of(st, s, db)?;
    let want = if kind == AlterJobKind::Column {
        "SCHEMA_CHANGE"
    } else {
        "ROLLUP"
    };
    let jobs = st
        .alter_jobs
        .iter()
        .filter(|j| j.db_id == db.id && j.kind == want);
    let rel = if kind == AlterJobKind::Column {
        let rows = jobs
            .map(|j| {
                vec![
                    j.job_id.to_string(),
                    j.table_name.clone(),
                    fmt_time(j.create_ms),
                    fmt_time(j.finish_ms),
                    j.index_name.clone(),
                    j.index_id.to_string(),
                    j.origin_index_id.to_string(),
                    format!("{}:0", j.schema_version),
                    "0".into(),
                    j.state.clone(),
                    String::new(),
                    "NULL".into(),
                    "2592000".into(),
                ]
            })
            .collect();
        Relation::text(
            &[
                "JobId",
                "TableName",
                "CreateTime",
                "FinishTime",
                "IndexName",
                "IndexId",
                "OriginIndexId",
                "SchemaVersion",
                "TransactionId",
                "State",
                "Msg",
                "Progress",
                "Timeout",
            ],
            rows,
        )
    } else {
        let rows = jobs
            .map(|j| {
                vec![
                    j.job_id.to_string(),
                    j.table_name.clone(),
                    fmt_time(j.create_ms),
                    fmt_time(j.finish_ms),
                    j.base_index_name.clone(),
                    j.index_name.clone(),
                    j.index_id.to_string(),
                    "0".into(),
                    j.state.clone(),
                    String::new(),
                    "NULL".into(),
                    "86400".into(),
                ]
            })
            .collect();
        Relation::text(
            &[
                "JobId",
                "TableName",
                "CreateTime",
                "FinishTime",
                "BaseIndexName",
                "RollupIndexName",
                "RollupId",
                "TransactionId",
                "State",
                "Msg",
                "Progress",
                "Timeout",
            ],
            rows,
        )
    };
    filtered(s, rel, filter)
}

/// `information_schema.columns`.
pub fn info_columns(dbs: &[&Database]) -> Relation {
    let mut rows = Vec::new();
    for d in dbs {
        for t in d.tables.values() {
            for (i, c) in t.columns.iter().enumerate() {
                rows.push(vec![
                    "internal".into(),
                    d.name.clone(),
                    t.name.clone(),
                    c.name.clone(),
                    (i + 1).to_string(),
                    if c.nullable { "YES" } else { "NO" }.into(),
                    c.ty.to_sql(),
                    c.ty.to_sql(),
                    if c.is_key { "UNI" } else { "" }.into(),
                    c.comment.clone(),
                ]);
            }
        }
    }
    Relation::text(
        &[
            "TABLE_CATALOG",
            "TABLE_SCHEMA",
            "TABLE_NAME",
            "COLUMN_NAME",
            "ORDINAL_POSITION",
            "IS_NULLABLE",
            "DATA_TYPE",
            "COLUMN_TYPE",
            "COLUMN_KEY",
            "COLUMN_COMMENT",
        ],
        rows,
    )
}
