//! Heavy schema changes (key columns, type changes, ORDER BY), run synchronously: ALTER_JOB
//! PENDING, then the table switches to a NEW base index id with NEW tablets holding the
//! converted data, and ALTER_JOB FINISHED with `iim` {shadow index id: origin index id}.

use super::dml::{make_rowsets, route_rows, Target};
use super::{binlog, commit_catalog, err, ExecResult};
use crate::cluster::binlog::kind as bk;
use crate::cluster::catalog::{AggType, Column, KeysType, PartitionScheme, Table};
use crate::cluster::catalog_ops::NewTablets;
use crate::cluster::catalog_ops::{AlterJob, Change};
use crate::cluster::read::{column_default, read_partition};
use crate::cluster::types::{coerce, Lit, Value};
use crate::cluster::{now_ms, Writer};
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{ColumnDef, ColumnPosition};
use serde_json::json;

fn check_keys_prefix(cols: &[Column]) -> Result<(), SqlError> {
    let keys = cols.iter().take_while(|c| c.is_key).count();
    if cols.iter().skip(keys).any(|c| c.is_key) {
        return Err(err("Invalid column order. value should be after key"));
    }
    if keys == 0 {
        return Err(err("Table should have at least one key column"));
    }
    Ok(())
}

/// `MODIFY COLUMN` (type change, key column, or reposition): a heavy schema change.
pub fn modify_column(
    w: &mut Writer<'_>,
    db_id: i64,
    t: Table,
    def: &ColumnDef,
    pos: Option<&ColumnPosition>,
    raw: &str,
) -> ExecResult {
    let p = t
        .column_pos(&def.name)
        .ok_or_else(|| err(format!("Column[{}] does not exists", def.name)))?;
    let old = &t.columns[p];
    let mut c = super::build::column(def, old.unique_id)?;
    c.name = old.name.clone();
    c.is_key = old.is_key || def.is_key;
    match (t.keys_type, &c.agg, &old.agg) {
        (KeysType::Agg, None, a) => c.agg = a.clone(),
        (KeysType::Agg, Some(n), Some(o)) if n != o => {
            return Err(err("Can not change aggregation type"))
        }
        (KeysType::Unique, _, _) if !c.is_key => c.agg = Some(AggType::Replace),
        _ => {}
    }
    if let (
        crate::cluster::types::SqlType::Varchar(n),
        crate::cluster::types::SqlType::Varchar(o),
    ) = (&c.ty, &old.ty)
    {
        if n < o {
            return Err(err("Cannot shorten string length"));
        }
    }
    if c.is_key
        && matches!(
            c.ty,
            crate::cluster::types::SqlType::Float | crate::cluster::types::SqlType::Double
        )
    {
        return Err(err(
            "Float or double can not used as a key, use decimal instead.",
        ));
    }
    if c.ty != old.ty {
        if crate::cluster::partition::partition_columns(&t)
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&c.name))
        {
            return Err(err(format!("Can not modify partition column[{}]", c.name)));
        }
        if t.distribution
            .hash_columns
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&c.name))
        {
            return Err(err(format!(
                "Can not modify distribution column[{}]",
                c.name
            )));
        }
    }
    let mut cols = t.columns.clone();
    cols.remove(p);
    let at = match pos {
        None => p,
        Some(ColumnPosition::First) => 0,
        Some(ColumnPosition::After(a)) => {
            cols.iter()
                .position(|x| x.name.eq_ignore_ascii_case(a))
                .ok_or_else(|| err(format!("Column[{a}] does not exists")))?
                + 1
        }
    };
    cols.insert(at, c);
    heavy(w, db_id, t, cols, raw)
}

/// `ORDER BY (...)`: every column, keys first.
pub fn order_by(
    w: &mut Writer<'_>,
    db_id: i64,
    t: Table,
    names: &[String],
    raw: &str,
) -> ExecResult {
    if names.len() != t.columns.len() {
        return Err(err("Reorder stmt should contains all columns"));
    }
    let mut cols = Vec::new();
    for n in names {
        let c = t
            .column(n)
            .ok_or_else(|| err(format!("Column[{n}] not exists")))?;
        if cols.iter().any(|x: &Column| x.unique_id == c.unique_id) {
            return Err(err(format!("Duplicated column[{n}]")));
        }
        cols.push(c.clone());
    }
    heavy(w, db_id, t, cols, raw)
}

/// `ADD COLUMN ... KEY` (or any add when light schema change is off).
pub fn add_columns_heavy(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    defs: &[ColumnDef],
    pos: Option<&ColumnPosition>,
    raw: &str,
) -> ExecResult {
    let mut cols = t.columns.clone();
    for d in defs {
        if t.column(&d.name).is_some() || cols.iter().any(|c| c.name.eq_ignore_ascii_case(&d.name))
        {
            return Err(err(format!(
                "Can not add column which already exists in base table: {}",
                d.name
            )));
        }
        let mut c = super::build::column(d, t.next_col_uid)?;
        t.next_col_uid += 1;
        if !c.nullable && c.default.is_none() {
            return Err(err(format!(
                "Can not add column which has no default value and not nullable: {}",
                c.name
            )));
        }
        if !c.is_key && t.keys_type == KeysType::Unique {
            c.agg = Some(AggType::Replace);
        }
        if !c.is_key && t.keys_type == KeysType::Agg && c.agg.is_none() {
            return Err(err(format!(
                "Can not add column {} without aggregate type to an aggregate table",
                c.name
            )));
        }
        let keys = cols.iter().filter(|c| c.is_key).count();
        let at = match pos {
            Some(ColumnPosition::First) => 0,
            Some(ColumnPosition::After(a)) => {
                cols.iter()
                    .position(|x| x.name.eq_ignore_ascii_case(a))
                    .ok_or_else(|| err(format!("Column[{a}] does not exists")))?
                    + 1
            }
            None if c.is_key => keys,
            None => cols.len(),
        };
        cols.insert(at, c);
    }
    heavy(w, db_id, t, cols, raw)
}

/// `DROP COLUMN` of a key column (or any drop when light schema change is off).
pub fn drop_column_heavy(
    w: &mut Writer<'_>,
    db_id: i64,
    t: Table,
    name: &str,
    raw: &str,
) -> ExecResult {
    let p = t
        .column_pos(name)
        .ok_or_else(|| err(format!("Column does not exists: {name}")))?;
    if t.columns[p].is_key && t.keys_type == KeysType::Unique {
        return Err(err("Can not drop key column in Unique data model table"));
    }
    let mut cols = t.columns.clone();
    cols.remove(p);
    heavy(w, db_id, t, cols, raw)
}

/// Converts one merged row of the old schema to the new columns.
fn convert(old: &Table, cols: &[Column], row: &[Value]) -> Result<Vec<Value>, SqlError> {
    let mut out = Vec::with_capacity(cols.len());
    for c in cols {
        let v = match old.columns.iter().position(|o| o.unique_id == c.unique_id) {
            None => column_default(c),
            Some(i) => match row[i].render(&old.columns[i].ty) {
                None => Value::Null,
                Some(t) => coerce(&Lit::Str(t), &c.ty, &c.name)
                    .map_err(|e| err(format!("schema change failed: {e}")))?,
            },
        };
        if v.is_null() && !c.nullable {
            return Err(err(format!(
                "schema change failed: column {} is not nullable but has null values",
                c.name
            )));
        }
        out.push(v);
    }
    Ok(out)
}

/// Runs the schema change job to `cols` synchronously.
fn heavy(w: &mut Writer<'_>, db_id: i64, old: Table, cols: Vec<Column>, raw: &str) -> ExecResult {
    check_keys_prefix(&cols)?;
    let (job_id, new_index) = (w.state.alloc_id(), w.state.alloc_id());
    let mut t = old.clone();
    t.columns = cols;
    let old_index = t.indexes[0].id;
    t.indexes[0].id = new_index;
    t.indexes[0].columns = t.columns.iter().map(|c| c.unique_id).collect();
    t.indexes[0].schema_version += 1;
    if let PartitionScheme::Range(c) | PartitionScheme::List(c) = &t.scheme {
        if c.iter().any(|n| t.column(n).is_none()) {
            return Err(err("Can not drop partition column"));
        }
    }
    let (put, drop) = rebuild_base(w, db_id, &old, &mut t, job_id)?;
    let iim = json!({new_index.to_string(): old_index});
    let rec = |state: &str| {
        json!({
            "type": "SCHEMA_CHANGE", "dbId": db_id, "tableId": t.id, "tableName": t.name,
            "jobId": job_id, "jobState": state, "rawSql": raw, "iim": iim,
        })
    };
    commit_catalog(
        w,
        vec![],
        binlog(bk::ALTER_JOB, db_id, vec![t.id], rec("PENDING")),
    )?;
    let now = now_ms();
    let job = AlterJob {
        job_id,
        kind: "SCHEMA_CHANGE".into(),
        db_id,
        table_name: t.name.clone(),
        index_name: t.name.clone(),
        index_id: new_index,
        origin_index_id: old_index,
        base_index_name: t.name.clone(),
        schema_version: t.indexes[0].schema_version,
        create_ms: now,
        finish_ms: now,
        state: "FINISHED".into(),
    };
    let finished = rec("FINISHED");
    let tid = t.id;
    let changes = vec![
        Change::PutTable {
            db_id,
            table: Box::new(t),
        },
        Change::PutTablets(put),
        Change::DropTablets(drop),
        Change::AlterJob(job),
    ];
    commit_catalog(
        w,
        changes,
        binlog(bk::ALTER_JOB, db_id, vec![tid], finished),
    )?;
    Ok(QueryResult::ok())
}

/// New base tablets (with converted data at each partition's visible version) replacing the
/// old base tablets in `t`; returns (tablets to add, tablet ids to drop).
fn rebuild_base(
    w: &mut Writer<'_>,
    db_id: i64,
    old: &Table,
    t: &mut Table,
    job_id: i64,
) -> Result<(NewTablets, Vec<i64>), SqlError> {
    let base = t.indexes[0].clone();
    let created = super::build::index_tablets(
        w.state,
        db_id,
        &Table {
            indexes: vec![base.clone()],
            ..t.clone()
        },
        &base,
    )?;
    let mut pending = Vec::new();
    let mut drop = Vec::new();
    for (pid, pindex, data) in created {
        let Some(op) = old.partition_by_id(pid) else {
            continue;
        };
        let mut rows = Vec::new();
        for r in read_partition(w.state, old, op) {
            rows.push(convert(old, &t.columns, &r)?);
        }
        let np = t
            .partition_by_id_mut(pid)
            .ok_or_else(|| err("partition vanished"))?;
        drop.extend(np.indexes[0].tablets.iter().map(|x| x.id));
        np.indexes[0] = pindex;
        pending.push((np.name.clone(), np.is_temp, np.visible_version, rows, data));
    }
    let only_base = Table {
        indexes: vec![base],
        ..t.clone()
    };
    let mut put = Vec::new();
    for (name, temp, version, rows, mut data) in pending {
        if version > 1 && !rows.is_empty() {
            let names = [name];
            let routed = route_rows(
                &only_base,
                rows,
                &Target {
                    temp,
                    names: &names,
                },
                0,
            )?;
            for mut rs in make_rowsets(&only_base, routed, job_id, None) {
                rs.version = version;
                if let Some((_, td)) = data.iter_mut().find(|(id, _)| *id == rs.tablet_id) {
                    td.put_rowset(rs);
                }
            }
        }
        put.extend(data);
    }
    Ok((put, drop))
}
