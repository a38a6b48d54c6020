//! Rollups and synchronous materialized views: extra indexes with their own tablets, built
//! synchronously (ALTER_JOB ROLLUP PENDING → FINISHED), dropped with DROP_ROLLUP.

use super::dml::{make_rowsets, route_rows, Target};
use super::partition_ops::commit_table;
use super::{binlog, commit_catalog, err, olap_table_of, ExecResult};
use crate::cluster::binlog::kind as bk;
use crate::cluster::catalog::{IndexMeta, Table};
use crate::cluster::catalog_ops::{AlterJob, Change};
use crate::cluster::config::Session;
use crate::cluster::read::read_partition;
use crate::cluster::records::{self, kind};
use crate::cluster::state::State;
use crate::cluster::{now_ms, Writer};
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{Expr, FromClause, RollupDef, SelectItem, Statement};
use serde_json::json;

/// Builds the index meta of a rollup definition (id allocated, columns checked).
pub fn rollup_index(state: &mut State, t: &Table, r: &RollupDef) -> Result<IndexMeta, SqlError> {
    if t.index_by_name(&r.name).is_some() {
        return Err(err(format!("Rollup name[{}] already used", r.name)));
    }
    let mut cols = Vec::new();
    for n in &r.columns {
        let c = t
            .column(n)
            .ok_or_else(|| err(format!("Column[{n}] does not exist")))?;
        if cols.contains(&c.unique_id) {
            return Err(err(format!("Duplicate column name[{n}] in rollup")));
        }
        cols.push(c.unique_id);
    }
    if cols.is_empty() {
        return Err(err("No column in rollup"));
    }
    Ok(IndexMeta {
        id: state.alloc_id(),
        name: r.name.clone(),
        columns: cols,
        schema_version: 0,
        define_sql: None,
    })
}

/// `ADD ROLLUP` (also the implementation of CREATE MATERIALIZED VIEW).
pub fn add(w: &mut Writer<'_>, db_id: i64, mut t: Table, r: &RollupDef, raw: &str) -> ExecResult {
    let index = rollup_index(w.state, &t, r)?;
    let job_id = w.state.alloc_id();
    let created = super::build::index_tablets(w.state, db_id, &t, &index)?;
    let old = t.clone();
    t.indexes.push(index.clone());
    let mut put = Vec::new();
    for (pid, pindex, data) in created {
        if let Some(p) = t.partition_by_id_mut(pid) {
            p.indexes.push(pindex);
        }
        put.push((pid, data));
    }
    let mut tablets = Vec::new();
    for (pid, mut data) in put {
        let Some(p) = old.partition_by_id(pid) else {
            continue;
        };
        let rows = read_partition(w.state, &old, p);
        if p.visible_version > 1 && !rows.is_empty() {
            let names = [p.name.clone()];
            let only = Table {
                indexes: vec![index.clone()],
                ..t.clone()
            };
            let routed = route_rows(
                &only,
                rows,
                &Target {
                    temp: p.is_temp,
                    names: &names,
                },
                0,
            )?;
            for mut rs in make_rowsets(&only, routed, job_id, None) {
                rs.version = p.visible_version;
                if let Some((_, td)) = data.iter_mut().find(|(id, _)| *id == rs.tablet_id) {
                    td.put_rowset(rs);
                }
            }
        }
        tablets.extend(data);
    }
    let base = t.base_index().clone();
    let rec = |state: &str| {
        json!({
            "type": "ROLLUP", "dbId": db_id, "tableId": t.id, "tableName": t.name, "jobId": job_id,
            "jobState": state, "rawSql": raw, "rollupIndexId": index.id, "rollUpIndexName": index.name,
            "baseIndexid": base.id, "baseIndexName": base.name,
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
        kind: "ROLLUP".into(),
        db_id,
        table_name: t.name.clone(),
        index_name: index.name.clone(),
        index_id: index.id,
        origin_index_id: base.id,
        base_index_name: base.name.clone(),
        schema_version: 0,
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
        Change::PutTablets(tablets),
        Change::AlterJob(job),
    ];
    commit_catalog(
        w,
        changes,
        binlog(bk::ALTER_JOB, db_id, vec![tid], finished),
    )?;
    Ok(QueryResult::ok())
}

/// `DROP ROLLUP r` / `DROP MATERIALIZED VIEW r ON t`.
pub fn drop(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    name: &str,
    if_exists: bool,
) -> ExecResult {
    let Some(pos) = t
        .indexes
        .iter()
        .position(|i| i.name.eq_ignore_ascii_case(name))
    else {
        return if if_exists {
            Ok(QueryResult::ok())
        } else {
            Err(err(format!(
                "Rollup index[{name}] does not exist in table[{}]",
                t.name
            )))
        };
    };
    if pos == 0 {
        return Err(err(format!(
            "Cannot drop base index by using DROP ROLLUP: {name}"
        )));
    }
    let index = t.indexes.remove(pos);
    let mut dropped = Vec::new();
    for p in &mut t.partitions {
        if let Some(i) = p.indexes.iter().position(|x| x.index_id == index.id) {
            dropped.extend(p.indexes.remove(i).tablets.iter().map(|x| x.id));
        }
    }
    let rec = json!({"dbId": db_id, "tableId": t.id, "tableName": t.name, "indexId": index.id, "indexName": index.name, "isForceDrop": false});
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        dropped,
        binlog(kind::DROP_ROLLUP, db_id, vec![tid], rec),
    )
}

/// `RENAME ROLLUP a b` (RENAME_TABLE record with the rollup fields).
pub fn rename(w: &mut Writer<'_>, db_id: i64, mut t: Table, old: &str, new: &str) -> ExecResult {
    if t.index_by_name(new).is_some() {
        return Err(err(format!("Rollup name[{new}] is already used")));
    }
    let tid = t.id;
    let i = t
        .indexes
        .iter_mut()
        .skip(1)
        .find(|i| i.name.eq_ignore_ascii_case(old));
    let i = i.ok_or_else(|| err(format!("Rollup index[{old}] does not exists")))?;
    let (iid, old_name) = (i.id, std::mem::replace(&mut i.name, new.to_string()));
    let rec = records::rename(db_id, tid, iid, -1, ["", "", new, &old_name, "", ""]);
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(kind::RENAME_TABLE, db_id, vec![tid], rec),
    )
}

/// CREATE / DROP MATERIALIZED VIEW (synchronous MVs = rollups over plain columns).
pub fn run_mv(w: &mut Writer<'_>, s: &Session, stmt: Statement) -> ExecResult {
    match stmt {
        Statement::CreateMaterializedView {
            if_not_exists,
            name,
            query_text,
            query,
            ..
        } => {
            let Some(FromClause::Table { name: tname, .. }) = &query.from else {
                return Err(err("The materialized view must have a base table"));
            };
            let (db, t) = olap_table_of(w.state, s, tname)?;
            if if_not_exists && t.index_by_name(&name).is_some() {
                return Ok(QueryResult::ok());
            }
            let mut cols = Vec::new();
            for item in &query.items {
                match item {
                    SelectItem::Expr {
                        expr: Expr::Column { name, .. },
                        ..
                    } => cols.push(name.clone()),
                    SelectItem::Expr {
                        expr: Expr::Function { args, .. },
                        ..
                    } if matches!(args.as_slice(), [Expr::Column { .. }]) => {
                        if let [Expr::Column { name, .. }] = args.as_slice() {
                            cols.push(name.clone());
                        }
                    }
                    _ => {
                        return Err(super::not_supported(
                            "materialized view with complex select items",
                        ))
                    }
                }
            }
            let r = RollupDef {
                name: name.clone(),
                columns: cols,
                dup_keys: vec![],
                from_index: None,
                properties: Default::default(),
            };
            let raw = format!("CREATE MATERIALIZED VIEW `{name}` AS {query_text}");
            let (db_id, t) = (db.id, t.clone());
            add(w, db_id, t, &r, &raw)
        }
        Statement::DropMaterializedView {
            if_exists,
            name,
            table,
        } => {
            let db = super::db_of(w.state, s, table.as_ref().and_then(|t| t.db.as_deref()))?;
            let found = match &table {
                Some(tn) => db.table(&tn.name),
                None => db.tables.values().find(|t| {
                    t.index_by_name(&name)
                        .is_some_and(|i| i.id != t.base_index().id)
                }),
            };
            let Some(t) = found else {
                return if if_exists {
                    Ok(QueryResult::ok())
                } else {
                    Err(err(format!("Materialized view [{name}] does not exist")))
                };
            };
            let (db_id, t) = (db.id, t.clone());
            drop(w, db_id, t, &name, if_exists)
        }
        _ => Err(err("not a materialized view statement")),
    }
}
