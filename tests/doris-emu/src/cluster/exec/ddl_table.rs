//! CREATE TABLE [LIKE], DROP TABLE / VIEW.

use super::build::{self, new_partition, partition_item};
use super::show_create::{show_create_table, view_sql};
use super::{binlog, commit_catalog, db_of, err, ExecResult};
use crate::cluster::binlog::kind;
use crate::cluster::catalog::{
    IndexMeta, PartitionItem, PartitionScheme, Props, SecondaryIndex, Table,
};
use crate::cluster::catalog_ops::Change;
use crate::cluster::config::Session;
use crate::cluster::{now_ms, Writer};
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{self, CreateTable, ObjectName, PartitionDesc};
use serde_json::json;

pub(super) fn exists_error(name: &str) -> SqlError {
    SqlError::with_code(
        SqlError::TABLE_EXISTS,
        format!("Table '{name}' already exists"),
    )
}

/// Table properties with Doris defaults filled in (so SHOW CREATE prints them and a
/// re-created table compares equal).
pub fn table_properties(
    user: &ast::Properties,
    db_props: &Props,
    unique: bool,
) -> Result<Props, SqlError> {
    super::ddl_db::validate_binlog_props(user)?;
    let mut p: Props = user.0.iter().cloned().collect();
    let rep = match (p.remove("replication_num"), p.get("replication_allocation")) {
        (_, Some(a)) => crate::cluster::catalog::parse_replication_allocation(a)
            .ok_or_else(|| err(format!("Invalid replication allocation: {a}")))?,
        (Some(n), None) => n
            .trim()
            .parse::<u32>()
            .map_err(|_| err(format!("Invalid replication number: {n}")))?,
        // Tables inherit the database's default replication (Doris 1.2+).
        (None, None) => db_props
            .get("replication_allocation")
            .and_then(|a| crate::cluster::catalog::parse_replication_allocation(a))
            .or_else(|| {
                db_props
                    .get("replication_num")
                    .and_then(|n| n.trim().parse().ok())
            })
            .unwrap_or(3),
    };
    p.insert(
        "replication_allocation".into(),
        format!("tag.location.default: {rep}"),
    );
    let db_binlog = db_props.get("binlog.enable").map(String::as_str) == Some("true");
    if db_binlog && p.get("binlog.enable").map(String::as_str) == Some("false") {
        return Err(err(
            "Cannot create table with binlog disabled when database binlog enable",
        ));
    }
    let defaults = [
        ("binlog.enable", if db_binlog { "true" } else { "false" }),
        ("binlog.ttl_seconds", "86400"),
        ("binlog.max_bytes", "9223372036854775807"),
        ("binlog.max_history_nums", "9223372036854775807"),
        ("light_schema_change", "true"),
        ("is_being_synced", "false"),
    ];
    for (k, v) in defaults {
        // A table starts from its database's binlog config (Doris merges the two).
        let v = db_props
            .get(k)
            .filter(|_| k.starts_with("binlog."))
            .map_or(v, String::as_str);
        p.entry(k.into()).or_insert_with(|| v.into());
    }
    if unique {
        p.entry("enable_unique_key_merge_on_write".into())
            .or_insert_with(|| "true".into());
    }
    Ok(p)
}

/// `CREATE TABLE`.
pub fn create_table(w: &mut Writer<'_>, s: &Session, ct: CreateTable) -> ExecResult {
    let db = db_of(w.state, s, ct.name.db.as_deref())?;
    if db.table(&ct.name.name).is_some() {
        return if ct.if_not_exists {
            Ok(QueryResult::ok())
        } else {
            Err(exists_error(&ct.name.name))
        };
    }
    if let Some(e) = ct
        .engine
        .as_deref()
        .filter(|e| !e.eq_ignore_ascii_case("olap"))
    {
        return Err(super::not_supported(&format!(
            "CREATE TABLE ... ENGINE={e}"
        )));
    }
    let (db_id, db_props) = (db.id, db.properties.clone());
    let table = build_table(w, db_id, &db_props, &ct)?;
    commit_new_table(w, db_id, table)
}

fn build_table(
    w: &mut Writer<'_>,
    db_id: i64,
    db_props: &Props,
    ct: &CreateTable,
) -> Result<(Table, Vec<(i64, crate::cluster::rowset::TabletData)>), SqlError> {
    let (keys_type, columns) = build::columns(&ct.columns, ct.keys.as_ref())?;
    let scheme = match &ct.partition {
        None => PartitionScheme::Unpartitioned,
        Some(PartitionDesc::Range { columns: c, .. }) => PartitionScheme::Range(c.clone()),
        Some(PartitionDesc::List { columns: c, .. }) => PartitionScheme::List(c.clone()),
    };
    let distribution = build::distribution(ct.distribution.as_ref(), keys_type, &columns)?;
    let unique = keys_type == crate::cluster::catalog::KeysType::Unique;
    let properties = table_properties(&ct.properties, db_props, unique)?;
    let now = now_ms();
    let (id, base_id) = (w.state.alloc_id(), w.state.alloc_id());
    let base = IndexMeta {
        id: base_id,
        name: ct.name.name.clone(),
        columns: columns.iter().map(|c| c.unique_id).collect(),
        schema_version: 0,
        define_sql: None,
    };
    let mut table = Table {
        id,
        name: ct.name.name.clone(),
        comment: ct.comment.clone().unwrap_or_default(),
        view: None,
        next_col_uid: columns.len() as u32,
        columns,
        keys_type,
        scheme,
        distribution,
        partitions: Vec::new(),
        indexes: vec![base],
        secondary_indexes: Vec::new(),
        properties,
        create_time_ms: now,
        auto_inc_next: 1,
    };
    check_partition_columns(&table)?;
    for r in &ct.rollups {
        let idx = super::rollup::rollup_index(w.state, &table, r)?;
        table.indexes.push(idx);
    }
    for i in &ct.indexes {
        let si = secondary_index(w, &table, i)?;
        table.secondary_indexes.push(si);
    }
    let tablets = add_initial_partitions(w, db_id, &mut table, ct.partition.as_ref(), now)?;
    Ok((table, tablets))
}

fn check_partition_columns(t: &Table) -> Result<(), SqlError> {
    for c in crate::cluster::partition::partition_columns(t) {
        let Some(col) = t.column(c) else {
            return Err(err(format!(
                "Partition column[{c}] does not exist in column list."
            )));
        };
        if !col.is_key && t.keys_type != crate::cluster::catalog::KeysType::Dup {
            return Err(err(format!(
                "The partition column could not be aggregated column: {c}"
            )));
        }
    }
    Ok(())
}

/// A secondary index definition checked against the table.
pub fn secondary_index(
    w: &mut Writer<'_>,
    t: &Table,
    i: &ast::IndexDef,
) -> Result<SecondaryIndex, SqlError> {
    for c in &i.columns {
        if t.column(c).is_none() {
            return Err(err(format!(
                "Column does not exist in table. invalid column: {c}"
            )));
        }
    }
    if t.secondary_indexes
        .iter()
        .any(|x| x.name.eq_ignore_ascii_case(&i.name))
    {
        return Err(err(format!("index `{}` already exist.", i.name)));
    }
    Ok(SecondaryIndex {
        id: w.state.alloc_id(),
        name: i.name.clone(),
        columns: i.columns.clone(),
        kind: i.index_type.map_or("INVERTED", |k| k.as_str()).to_string(),
        properties: i.properties.0.clone(),
        comment: i.comment.clone().unwrap_or_default(),
    })
}

fn add_initial_partitions(
    w: &mut Writer<'_>,
    db_id: i64,
    table: &mut Table,
    desc: Option<&PartitionDesc>,
    now: i64,
) -> Result<Vec<(i64, crate::cluster::rowset::TabletData)>, SqlError> {
    let defs = match desc {
        None => {
            let (p, data) = new_partition(
                w.state,
                (db_id, table),
                &table.name.clone(),
                PartitionItem::All,
                false,
                table.distribution.clone(),
                now,
            )?;
            table.partitions.push(p);
            return Ok(data);
        }
        Some(PartitionDesc::Range { partitions, .. } | PartitionDesc::List { partitions, .. }) => {
            partitions
        }
    };
    let mut all = Vec::new();
    for d in defs {
        if table.partition(&d.name, false).is_some() {
            return Err(err(format!("Duplicated partition name: {}", d.name)));
        }
        let existing: Vec<&crate::cluster::catalog::Partition> = table.partitions.iter().collect();
        let item = partition_item(table, &d.values, &existing)?;
        let (p, data) = new_partition(
            w.state,
            (db_id, table),
            &d.name,
            item,
            false,
            table.distribution.clone(),
            now,
        )?;
        table.partitions.push(p);
        all.extend(data);
    }
    Ok(all)
}

pub(super) fn commit_new_table(
    w: &mut Writer<'_>,
    db_id: i64,
    (table, tablets): (Table, Vec<(i64, crate::cluster::rowset::TabletData)>),
) -> ExecResult {
    let db = w
        .state
        .dbs
        .get(&db_id)
        .ok_or_else(|| err("database dropped"))?;
    let sql = if table.is_view() {
        view_sql(&table)
    } else {
        show_create_table(db, &table)
    };
    let data = json!({
        "dbId": db_id, "dbName": db.name, "tableId": table.id, "tableName": table.name,
        "tableType": if table.is_view() { "VIEW" } else { "OLAP" }, "sql": sql,
    });
    let tid = table.id;
    let changes = vec![
        Change::PutTable {
            db_id,
            table: Box::new(table),
        },
        Change::PutTablets(tablets),
    ];
    commit_catalog(
        w,
        changes,
        binlog(kind::CREATE_TABLE, db_id, vec![tid], data),
    )?;
    Ok(QueryResult::ok())
}

/// `CREATE TABLE t LIKE src`: same definition, fresh ids, no data.
pub fn create_table_like(
    w: &mut Writer<'_>,
    s: &Session,
    if_not_exists: bool,
    name: &ObjectName,
    src: &ObjectName,
) -> ExecResult {
    let (_, src_t) = super::olap_table_of(w.state, s, src)?;
    let src_db = db_of(w.state, s, src.db.as_deref())?;
    let text = show_create_table(src_db, src_t);
    let Ok(ast::Statement::CreateTable(mut ct)) = crate::sql::parse(&text) else {
        return Err(err(
            "CREATE TABLE LIKE: cannot rebuild the source definition",
        ));
    };
    ct.name = name.clone();
    ct.if_not_exists = if_not_exists;
    create_table(w, s, *ct)
}

/// `DROP TABLE` / `DROP VIEW`.
pub fn drop_table(
    w: &mut Writer<'_>,
    s: &Session,
    name: &ObjectName,
    if_exists: bool,
    force: bool,
    view: bool,
) -> ExecResult {
    let db = db_of(w.state, s, name.db.as_deref())?;
    let Some(t) = db.table(&name.name) else {
        if if_exists {
            return Ok(QueryResult::ok());
        }
        return Err(SqlError::with_code(
            SqlError::BAD_TABLE,
            format!("Unknown table '{}'", name.name),
        ));
    };
    if t.is_view() != view {
        let what = if view { "VIEW" } else { "TABLE" };
        return Err(SqlError::with_code(
            1347,
            format!("'{}.{}' is not {what}", db.name, t.name),
        ));
    }
    let kw = if view { "VIEW" } else { "TABLE" };
    let data = json!({
        "dbId": db.id, "tableId": t.id, "tableName": t.name, "isView": view, "isForce": force,
        "rawSql": format!("DROP {kw} IF EXISTS `{}`", t.name),
    });
    let (db_id, tid) = (db.id, t.id);
    commit_catalog(
        w,
        vec![Change::DropTable {
            db_id,
            table_id: tid,
        }],
        binlog(kind::DROP_TABLE, db_id, vec![tid], data),
    )?;
    Ok(QueryResult::ok())
}
