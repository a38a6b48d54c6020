//! CREATE / ALTER VIEW.

use super::ddl_table::{commit_new_table, exists_error};
use super::{binlog, commit_catalog, db_of, table_of, ExecResult};
use crate::cluster::catalog::{PartitionScheme, Props, Table, ViewDef};
use crate::cluster::catalog_ops::Change;
use crate::cluster::config::Session;
use crate::cluster::{now_ms, Writer};
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{self, CreateView};
use serde_json::json;

/// `TBinlogType` MODIFY_VIEW_DEF (master).
pub(super) const MODIFY_VIEW_DEF: i32 = 17;

pub(super) fn view_def(v: &CreateView) -> ViewDef {
    ViewDef {
        query: v.query_text.clone(),
        columns: v
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.comment.clone().unwrap_or_default()))
            .collect(),
    }
}

pub(super) fn check_view_query(
    w: &Writer<'_>,
    s: &Session,
    v: &CreateView,
) -> Result<(), SqlError> {
    if let Some(ast::FromClause::Table { name, .. }) =
        v.query.as_ref().and_then(|q| q.from.as_ref())
    {
        if !name
            .db
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case("information_schema"))
        {
            let mut n = name.clone();
            if let Some(d) = &n.db {
                n.db = Some(d.strip_prefix("default_cluster:").unwrap_or(d).to_string());
            }
            table_of(w.state, s, &n)?;
        }
    }
    Ok(())
}

/// `CREATE VIEW`.
pub fn create_view(w: &mut Writer<'_>, s: &Session, v: CreateView) -> ExecResult {
    let db = db_of(w.state, s, v.name.db.as_deref())?;
    if db.table(&v.name.name).is_some() {
        return if v.if_not_exists {
            Ok(QueryResult::ok())
        } else {
            Err(exists_error(&v.name.name))
        };
    }
    let db_id = db.id;
    check_view_query(w, s, &v)?;
    let table = Table {
        id: w.state.alloc_id(),
        name: v.name.name.clone(),
        comment: v.comment.clone().unwrap_or_default(),
        view: Some(view_def(&v)),
        columns: Vec::new(),
        keys_type: crate::cluster::catalog::KeysType::Dup,
        scheme: PartitionScheme::Unpartitioned,
        distribution: crate::cluster::catalog::Distribution {
            hash_columns: vec![],
            buckets: 0,
            auto: false,
        },
        partitions: Vec::new(),
        indexes: Vec::new(),
        secondary_indexes: Vec::new(),
        properties: Props::new(),
        next_col_uid: 0,
        create_time_ms: now_ms(),
        auto_inc_next: 1,
    };
    commit_new_table(w, db_id, (table, Vec::new()))
}

/// `ALTER VIEW`.
pub fn alter_view(w: &mut Writer<'_>, s: &Session, v: CreateView) -> ExecResult {
    let (db, t) = table_of(w.state, s, &v.name)?;
    if !t.is_view() {
        return Err(SqlError::with_code(
            1347,
            format!("'{}.{}' is not VIEW", db.name, t.name),
        ));
    }
    check_view_query(w, s, &v)?;
    let mut t = t.clone();
    let db_id = db.id;
    t.view = Some(view_def(&v));
    if let Some(c) = &v.comment {
        t.comment = c.clone();
    }
    let data = json!({"dbId": db_id, "tableId": t.id, "inlineViewDef": v.query_text, "sqlMode": 0});
    let tid = t.id;
    commit_catalog(
        w,
        vec![Change::PutTable {
            db_id,
            table: Box::new(t),
        }],
        binlog(MODIFY_VIEW_DEF, db_id, vec![tid], data),
    )?;
    Ok(QueryResult::ok())
}
