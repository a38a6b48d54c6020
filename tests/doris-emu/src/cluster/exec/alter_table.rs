//! ALTER TABLE actions on the table as a whole: rename, comment, properties, distribution,
//! secondary indexes, REPLACE WITH TABLE.

use super::partition_ops::commit_table;
use super::{binlog, commit_catalog, err, olap_table_of, table_of, ExecResult};
use crate::cluster::catalog::{PartitionScheme, Table};
use crate::cluster::catalog_ops::Change;
use crate::cluster::config::Session;
use crate::cluster::records::{self, kind};
use crate::cluster::Writer;
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{IndexDef, ObjectName, Properties};
use serde_json::json;

/// `TBinlogType` REPLACE_TABLE (master).
pub(super) const REPLACE_TABLE: i32 = 18;
/// `TBinlogType` MODIFY_DISTRIBUTION_BUCKET_NUM (master).
pub(super) const MODIFY_DISTRIBUTION_BUCKET_NUM: i32 = 25;

pub(super) fn table_comment(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    comment: &str,
) -> ExecResult {
    t.comment = comment.to_string();
    let rec = json!({"type": "TABLE", "dbId": db_id, "tblId": t.id, "tblComment": comment});
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

pub(super) fn rename_table(w: &mut Writer<'_>, db_id: i64, mut t: Table, new: &str) -> ExecResult {
    let db = w
        .state
        .dbs
        .get(&db_id)
        .ok_or_else(|| err("database dropped"))?;
    if db.table(new).is_some() {
        return Err(SqlError::with_code(
            SqlError::TABLE_EXISTS,
            format!("Table '{new}' already exists"),
        ));
    }
    let old = std::mem::replace(&mut t.name, new.to_string());
    t.indexes[0].name = new.to_string();
    for p in t
        .partitions
        .iter_mut()
        .filter(|p| t.scheme == PartitionScheme::Unpartitioned && p.name == old)
    {
        p.name = new.to_string();
    }
    let rec = records::rename(db_id, t.id, -1, -1, [new, &old, "", "", "", ""]);
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(kind::RENAME_TABLE, db_id, vec![tid], rec),
    )
}

pub(super) fn set_properties(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    p: &Properties,
    raw: &str,
) -> ExecResult {
    super::ddl_db::validate_binlog_props(p)?;
    for (k, v) in &p.0 {
        match k.as_str() {
            "light_schema_change" if !v.eq_ignore_ascii_case("true") => {
                return Err(err("Property light_schema_change can only be set to true"))
            }
            "is_being_synced" if !matches!(v.as_str(), "true" | "false") => {
                return Err(err(format!("Invalid is_being_synced value: {v}")))
            }
            "replication_num" | "replication_allocation" => {
                return Err(err("Can not change replication allocation of the table, use ALTER TABLE ... MODIFY PARTITION"))
            }
            _ => {}
        }
        t.properties.insert(k.clone(), v.clone());
    }
    let props: std::collections::BTreeMap<_, _> = p.0.iter().cloned().collect();
    let rec = json!({"dbId": db_id, "tableId": t.id, "tableName": t.name, "properties": props, "sql": raw});
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(kind::MODIFY_TABLE_PROPERTY, db_id, vec![tid], rec),
    )
}

pub(super) fn modify_distribution(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    d: &crate::sql::ast::DistributionDesc,
) -> ExecResult {
    let nd = super::build::distribution(Some(d), t.keys_type, &t.columns)?;
    if nd.hash_columns != t.distribution.hash_columns {
        return Err(err("Cannot change distribution type or columns"));
    }
    t.distribution = nd;
    let rec = json!({"dbId": db_id, "tableId": t.id, "bucketNum": t.distribution.buckets});
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(MODIFY_DISTRIBUTION_BUCKET_NUM, db_id, vec![tid], rec),
    )
}

pub(super) fn index_binlog(
    db_id: i64,
    t: &Table,
    name: &str,
    drop: bool,
    raw: &str,
) -> serde_json::Value {
    json!({"dbId": db_id, "tableId": t.id, "isDropInvertedIndex": drop, "indexName": name, "rawSql": raw, "jobId": -1})
}

pub(super) fn add_index(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    def: &IndexDef,
    if_not_exists: bool,
    raw: &str,
) -> ExecResult {
    if if_not_exists
        && t.secondary_indexes
            .iter()
            .any(|i| i.name.eq_ignore_ascii_case(&def.name))
    {
        return Ok(QueryResult::ok());
    }
    let si = super::ddl_table::secondary_index(w, &t, def)?;
    t.secondary_indexes.push(si);
    let rec = index_binlog(db_id, &t, &def.name, false, raw);
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(
            kind::MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES,
            db_id,
            vec![tid],
            rec,
        ),
    )
}

pub(super) fn drop_index_of(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    name: &str,
    if_exists: bool,
    raw: &str,
) -> ExecResult {
    let Some(p) = t
        .secondary_indexes
        .iter()
        .position(|i| i.name.eq_ignore_ascii_case(name))
    else {
        return if if_exists {
            Ok(QueryResult::ok())
        } else {
            Err(err(format!("index {name} does not exist")))
        };
    };
    t.secondary_indexes.remove(p);
    let rec = index_binlog(db_id, &t, name, true, raw);
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(
            kind::MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES,
            db_id,
            vec![tid],
            rec,
        ),
    )
}

/// `CREATE INDEX idx ON t (...)`.
pub fn create_index(
    w: &mut Writer<'_>,
    s: &Session,
    table: &ObjectName,
    def: IndexDef,
    if_not_exists: bool,
) -> ExecResult {
    let (db, t) = olap_table_of(w.state, s, table)?;
    let raw = format!("CREATE INDEX `{}` ON `{}`.`{}`", def.name, db.name, t.name);
    let (db_id, t) = (db.id, t.clone());
    add_index(w, db_id, t, &def, if_not_exists, &raw)
}

/// `DROP INDEX idx ON t`.
pub fn drop_index(
    w: &mut Writer<'_>,
    s: &Session,
    table: &ObjectName,
    name: &str,
    if_exists: bool,
) -> ExecResult {
    let (db, t) = olap_table_of(w.state, s, table)?;
    let raw = format!("DROP INDEX `{name}` ON `{}`.`{}`", db.name, t.name);
    let (db_id, t) = (db.id, t.clone());
    drop_index_of(w, db_id, t, name, if_exists, &raw)
}

pub(super) fn replace_with(
    w: &mut Writer<'_>,
    db_id: i64,
    db_name: &str,
    a: Table,
    b_name: &str,
    props: &Properties,
) -> ExecResult {
    let swap = props
        .get("swap")
        .is_none_or(|v| v.eq_ignore_ascii_case("true"));
    let s = crate::cluster::config::Session {
        db: Some(db_name.to_string()),
        ..Default::default()
    };
    let (_, b) = table_of(w.state, &s, &ObjectName::bare(b_name))?;
    if b.is_view() {
        return Err(err(format!("{b_name} is not a OLAP table")));
    }
    let mut b = b.clone();
    let (a_name, a_id, b_id) = (a.name.clone(), a.id, b.id);
    b.name = a_name.clone();
    b.indexes[0].name = a_name.clone();
    let mut changes = vec![Change::DropTable {
        db_id,
        table_id: a_id,
    }];
    if swap {
        let mut a2 = a.clone();
        a2.name = b_name.to_string();
        a2.indexes[0].name = b_name.to_string();
        changes = vec![Change::PutTable {
            db_id,
            table: Box::new(a2),
        }];
    }
    changes.push(Change::PutTable {
        db_id,
        table: Box::new(b),
    });
    let rec = json!({
        "dbId": db_id, "dbName": db_name, "origTblId": a_id, "origTblName": a_name,
        "newTblId": b_id, "newTblName": b_name, "swapTable": swap, "isForce": false,
    });
    commit_catalog(
        w,
        changes,
        binlog(REPLACE_TABLE, db_id, vec![a_id, b_id], rec),
    )?;
    Ok(QueryResult::ok())
}
