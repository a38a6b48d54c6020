//! ALTER TABLE: dispatch of actions; light column changes, renames, comments, properties,
//! indexes and REPLACE WITH TABLE. Heavy schema changes live in `schema_change`, rollups in
//! `rollup`, partitions in `partition_ops`.

use super::alter_table::*;
use super::partition_ops::{self as parts, commit_table};
use super::show_create::column_sql;
use super::{binlog, err, olap_table_of, ExecResult};
use crate::cluster::catalog::{AggType, KeysType, PartitionScheme, Table};
use crate::cluster::config::Session;
use crate::cluster::records::kind;
use crate::cluster::Writer;
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{AlterAction as A, AlterTable, ColumnDef, ColumnPosition, ObjectName};
use serde_json::json;

/// Runs every action of an ALTER TABLE in order (each one logged on its own).
pub fn run(w: &mut Writer<'_>, s: &Session, at: AlterTable) -> ExecResult {
    for (i, action) in at.actions.iter().enumerate() {
        let text = at.action_texts.get(i).cloned().unwrap_or_default();
        one(w, s, &at.table, action, &text)?;
    }
    Ok(QueryResult::ok())
}

fn one(w: &mut Writer<'_>, s: &Session, name: &ObjectName, action: &A, text: &str) -> ExecResult {
    let (db, t) = olap_table_of(w.state, s, name)?;
    let (db_id, db_name, t) = (db.id, db.name.clone(), t.clone());
    let raw = format!("ALTER TABLE `{db_name}`.`{}` {text}", t.name);
    match action {
        A::AddColumn {
            column,
            position,
            rollup: None,
        } => add_columns(
            w,
            db_id,
            t,
            std::slice::from_ref(column),
            position.as_ref(),
            &raw,
        ),
        A::AddColumns {
            columns,
            rollup: None,
        } => add_columns(w, db_id, t, columns, None, &raw),
        A::DropColumn { name, rollup: None } => drop_column(w, db_id, t, name, &raw),
        A::ModifyColumn {
            column,
            position,
            rollup: None,
        } => super::schema_change::modify_column(w, db_id, t, column, position.as_ref(), &raw),
        A::OrderBy {
            columns,
            rollup: None,
        } => super::schema_change::order_by(w, db_id, t, columns, &raw),
        A::AddColumn { .. }
        | A::AddColumns { .. }
        | A::DropColumn { .. }
        | A::ModifyColumn { .. }
        | A::OrderBy { .. } => Err(super::not_supported(
            "ALTER TABLE ... TO/FROM rollup column changes",
        )),
        A::ModifyColumnComment { name, comment } => column_comment(w, db_id, t, name, comment),
        A::RenameColumn { old, new } => rename_column(w, db_id, t, old, new),
        A::AddPartition {
            temporary,
            partition,
            distribution,
        } => parts::add(w, db_id, t, *temporary, partition, distribution.as_ref()),
        A::DropPartition {
            temporary,
            if_exists,
            name,
            force,
        } => parts::drop(w, db_id, t, *temporary, name, *if_exists, *force),
        A::RenamePartition { old, new } => parts::rename(w, db_id, t, old, new),
        A::ReplacePartition {
            partitions,
            temp_partitions,
            properties,
        } => parts::replace(w, db_id, t, partitions, temp_partitions, properties),
        A::ModifyPartition {
            temporary,
            partitions,
            properties,
        } => parts::modify(w, db_id, t, *temporary, partitions, properties),
        A::Rename { new_name } => rename_table(w, db_id, t, new_name),
        A::RenameRollup { old, new } => super::rollup::rename(w, db_id, t, old, new),
        A::AddRollup(r) => super::rollup::add(w, db_id, t, r, &raw),
        A::DropRollup { name } => super::rollup::drop(w, db_id, t, name, false),
        A::AddIndex(def) => add_index(w, db_id, t, def, false, &raw),
        A::DropIndex { if_exists, name } => drop_index_of(w, db_id, t, name, *if_exists, &raw),
        A::ModifyComment { comment } => table_comment(w, db_id, t, comment),
        A::SetProperties(p) => set_properties(w, db_id, t, p, &raw),
        A::ReplaceWithTable { table, properties } => {
            replace_with(w, db_id, &db_name, t, table, properties)
        }
        A::ModifyDistribution(d) => modify_distribution(w, db_id, t, d),
    }
}

pub(super) fn light_enabled(t: &Table) -> bool {
    t.properties
        .get("light_schema_change")
        .is_none_or(|v| v.eq_ignore_ascii_case("true"))
}

fn columns_binlog(db_id: i64, t: &Table, raw: &str) -> serde_json::Value {
    let schema: Vec<serde_json::Value> = t
        .columns
        .iter()
        .map(|c| json!({"name": c.name, "uniqueId": c.unique_id}))
        .collect();
    json!({
        "dbId": db_id, "tableId": t.id, "indexSchemaMap": {t.base_index().id.to_string(): schema},
        "indexes": [], "jobId": -1, "rawSql": raw,
    })
}

fn add_columns(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    defs: &[ColumnDef],
    pos: Option<&ColumnPosition>,
    raw: &str,
) -> ExecResult {
    if defs.iter().any(|d| d.is_key) || !light_enabled(&t) {
        return super::schema_change::add_columns_heavy(w, db_id, t, defs, pos, raw);
    }
    for d in defs {
        if t.column(&d.name).is_some() {
            return Err(err(format!(
                "Can not add column which already exists in base table: {}",
                d.name
            )));
        }
        let mut c = super::build::column(d, t.next_col_uid)?;
        match (t.keys_type, &c.agg) {
            (KeysType::Agg, None) => return Err(err(format!("Can not add column {} without aggregate type to an aggregate table", c.name))),
            (KeysType::Unique, None) => c.agg = Some(AggType::Replace),
            (KeysType::Dup | KeysType::Unique, Some(_)) if t.keys_type != KeysType::Agg => {
                return Err(err(format!("Can not assign aggregation method on column in Duplicate/Unique data model table: {}", c.name)))
            }
            _ => {}
        }
        if !c.nullable && c.default.is_none() {
            return Err(err(format!(
                "Can not add column which has no default value and not nullable: {}",
                c.name
            )));
        }
        let at = insert_position(&t, pos)?;
        t.next_col_uid += 1;
        t.indexes[0].columns.push(c.unique_id);
        t.columns.insert(at, c);
    }
    t.indexes[0].columns = t.columns.iter().map(|c| c.unique_id).collect();
    t.indexes[0].schema_version += 1;
    let raw = add_column_raw(&t, defs, pos, raw);
    let rec = columns_binlog(db_id, &t, &raw);
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(
            kind::MODIFY_TABLE_ADD_OR_DROP_COLUMNS,
            db_id,
            vec![tid],
            rec,
        ),
    )
}

/// `ALTER TABLE `db`.`t`` part of a raw statement.
pub(super) fn raw_prefix(raw: &str) -> &str {
    raw.match_indices("` ")
        .next()
        .map_or(raw, |(i, _)| &raw[..=i])
}

/// Doris' canonical rawSql of a light ADD COLUMN: ``ALTER TABLE `db`.`t` ADD COLUMN `c` INT
/// NULL DEFAULT "1" COMMENT ""``.
fn add_column_raw(
    t: &Table,
    defs: &[ColumnDef],
    pos: Option<&ColumnPosition>,
    raw: &str,
) -> String {
    let cols: Vec<String> = defs
        .iter()
        .filter_map(|d| t.column(&d.name))
        .map(|c| {
            let mut x = column_sql(t, c).replacen(&c.ty.to_sql(), &c.ty.to_sql().to_uppercase(), 1);
            if c.comment.is_empty() {
                x.push_str(" COMMENT \"\"");
            }
            x
        })
        .collect();
    let body = if cols.len() == 1 {
        cols[0].clone()
    } else {
        format!("({})", cols.join(", "))
    };
    let pos = match pos {
        Some(ColumnPosition::First) => " FIRST".to_string(),
        Some(ColumnPosition::After(a)) => format!(" AFTER `{a}`"),
        None => String::new(),
    };
    format!("{} ADD COLUMN {body}{pos}", raw_prefix(raw))
}

/// Where a new value column goes (end by default; never before a key column).
pub fn insert_position(t: &Table, pos: Option<&ColumnPosition>) -> Result<usize, SqlError> {
    let keys = t.key_columns().count();
    match pos {
        None => Ok(t.columns.len()),
        Some(ColumnPosition::First) => Err(err("Invalid column order. value should be after key")),
        Some(ColumnPosition::After(c)) => {
            let p = t
                .column_pos(c)
                .ok_or_else(|| err(format!("Column[{c}] does not exists")))?;
            if p + 1 < keys {
                return Err(err("Invalid column order. value should be after key"));
            }
            Ok(p + 1)
        }
    }
}

fn drop_column(w: &mut Writer<'_>, db_id: i64, mut t: Table, name: &str, raw: &str) -> ExecResult {
    let p = t
        .column_pos(name)
        .ok_or_else(|| err(format!("Column does not exists: {name}")))?;
    let in_partition = match &t.scheme {
        PartitionScheme::Range(c) | PartitionScheme::List(c) => {
            c.iter().any(|x| x.eq_ignore_ascii_case(name))
        }
        PartitionScheme::Unpartitioned => false,
    };
    if in_partition {
        return Err(err(format!("Can not drop partition column: {name}")));
    }
    if t.distribution
        .hash_columns
        .iter()
        .any(|x| x.eq_ignore_ascii_case(name))
    {
        return Err(err(format!("Can not drop distribution column: {name}")));
    }
    if t.columns.len() == 1 {
        return Err(err("Do not allow remove last column of table"));
    }
    if t.columns[p].is_key || !light_enabled(&t) {
        return super::schema_change::drop_column_heavy(w, db_id, t, name, raw);
    }
    let c = t.columns.remove(p);
    let raw = format!("{} DROP COLUMN `{}`", raw_prefix(raw), c.name);
    let raw = raw.as_str();
    for idx in &mut t.indexes {
        idx.columns.retain(|u| *u != c.unique_id);
    }
    t.secondary_indexes
        .retain(|i| !i.columns.iter().any(|x| x.eq_ignore_ascii_case(name)));
    t.indexes[0].schema_version += 1;
    let rec = columns_binlog(db_id, &t, raw);
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(
            kind::MODIFY_TABLE_ADD_OR_DROP_COLUMNS,
            db_id,
            vec![tid],
            rec,
        ),
    )
}

fn column_comment(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    name: &str,
    comment: &str,
) -> ExecResult {
    let p = t
        .column_pos(name)
        .ok_or_else(|| err(format!("Unknown column '{name}'")))?;
    t.columns[p].comment = comment.to_string();
    let col = t.columns[p].name.clone();
    let rec =
        json!({"type": "COLUMN", "dbId": db_id, "tblId": t.id, "colToComment": {col: comment}});
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(kind::MODIFY_COMMENT, db_id, vec![tid], rec),
    )
}

fn rename_column(w: &mut Writer<'_>, db_id: i64, mut t: Table, old: &str, new: &str) -> ExecResult {
    if !light_enabled(&t) {
        return Err(err(
            "Do not support rename column when light_schema_change is false",
        ));
    }
    let p = t
        .column_pos(old)
        .ok_or_else(|| err(format!("Column[{old}] does not exists")))?;
    if t.column(new).is_some() {
        return Err(err(format!("Column name[{new}] is already used")));
    }
    let old_name = std::mem::replace(&mut t.columns[p].name, new.to_string());
    let fix = |v: &mut Vec<String>| {
        v.iter_mut()
            .filter(|c| c.eq_ignore_ascii_case(&old_name))
            .for_each(|c| *c = new.to_string())
    };
    if let PartitionScheme::Range(c) | PartitionScheme::List(c) = &mut t.scheme {
        fix(c);
    }
    fix(&mut t.distribution.hash_columns);
    for p in &mut t.partitions {
        fix(&mut p.distribution.hash_columns);
    }
    for i in &mut t.secondary_indexes {
        fix(&mut i.columns);
    }
    t.indexes[0].schema_version += 1;
    let versions: serde_json::Map<String, serde_json::Value> = t
        .indexes
        .iter()
        .map(|i| (i.id.to_string(), json!(i.schema_version)))
        .collect();
    let rec = json!({"dbId": db_id, "tableId": t.id, "colName": old_name, "newColName": new, "indexIdToSchemaVersion": versions});
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(kind::RENAME_COLUMN, db_id, vec![tid], rec),
    )
}
