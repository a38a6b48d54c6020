//! INSERT OVERWRITE, Doris 2.1 style: create a temp partition per target partition (ADD_PARTITION
//! with isTempPartition), load the rows into them (UPSERT), then REPLACE_PARTITIONS with
//! strictRange=true, useTempPartitionName=false: the partitions take the temp partitions' ids.

use super::dml::{insert_rows, route_rows, typed_rows, Target};
use super::partition_ops::{add_temp_like, replace_partitions};
use super::{err, olap_table_of, ExecResult};
use crate::cluster::config::Session;
use crate::cluster::types::Lit;
use crate::cluster::Writer;
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{Insert, InsertSource};

fn rows_of(w: &Writer<'_>, s: &Session, ins: &Insert) -> Result<Vec<Vec<Option<Lit>>>, SqlError> {
    match &ins.source {
        InsertSource::Values(rows) => {
            let mut out = Vec::new();
            for r in rows {
                let mut row = Vec::new();
                for e in r {
                    row.push(match e {
                        crate::sql::ast::Expr::Default => None,
                        e => {
                            let rel = super::eval::Relation::default();
                            let v = super::eval::eval(
                                e,
                                &super::eval::Ctx {
                                    rel: &rel,
                                    row: None,
                                    session: s,
                                },
                            )?;
                            Some(super::eval::text(&v).map_or(Lit::Null, Lit::Str))
                        }
                    });
                }
                out.push(row);
            }
            Ok(out)
        }
        InsertSource::Select { query, .. } => {
            let QueryResult::Rows { rows, .. } = super::select::run(w.state, s, query)? else {
                return Ok(vec![]);
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

/// `INSERT OVERWRITE TABLE t [PARTITION (...)] ...`.
pub fn insert_overwrite(w: &mut Writer<'_>, s: &Session, ins: Insert) -> ExecResult {
    if ins.temporary_partition {
        return Err(err("Not support insert overwrite temporary partition"));
    }
    let lits = rows_of(w, s, &ins)?;
    let (db, table) = olap_table_of(w.state, s, &ins.table)?;
    let (db_id, table_id) = (db.id, table.id);
    let cols: Vec<String> = if ins.columns.is_empty() {
        table.columns.iter().map(|c| c.name.clone()).collect()
    } else {
        ins.columns.clone()
    };
    let rows = typed_rows(table, &cols, lits)?;
    let parts: Vec<String> = if ins.partitions.is_empty() {
        table.regular_partitions().map(|p| p.name.clone()).collect()
    } else {
        for n in &ins.partitions {
            if table.partition(n, false).is_none() {
                return Err(err(format!(
                    "Unknown partition: {n} in table: {}",
                    table.name
                )));
            }
        }
        ins.partitions.clone()
    };
    // Validate routing before any change is logged.
    route_rows(
        table,
        rows.clone(),
        &Target {
            temp: false,
            names: &parts,
        },
        0,
    )?;
    let txn_tag = w.state.next_id;
    let mut temps = Vec::new();
    for p in &parts {
        let temp = format!("{p}_{txn_tag:x}");
        add_temp_like(w, db_id, table_id, p, &temp)?;
        temps.push(temp);
    }
    let n = rows.len() as u64;
    let result = if rows.is_empty() {
        QueryResult::affected(0)
    } else {
        insert_rows(
            w,
            db_id,
            table_id,
            rows,
            &Target {
                temp: true,
                names: &temps,
            },
            ins.label,
        )?
    };
    let t = w
        .state
        .table_by_id(db_id, table_id)
        .ok_or_else(|| err("table dropped"))?
        .clone();
    replace_partitions(w, db_id, t, &parts, &temps, true, false, false)?;
    let _ = n;
    Ok(result)
}
