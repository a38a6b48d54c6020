//! CREATE / DROP / ALTER DATABASE and USE.

use super::{binlog, commit_catalog, db_of, err, ExecResult};
use crate::cluster::binlog::kind;
use crate::cluster::catalog::Props;
use crate::cluster::catalog_ops::Change;
use crate::cluster::config::Session;
use crate::cluster::Writer;
use crate::result::{QueryResult, SqlError};
use crate::sql::ast::{Properties, Statement};
use serde_json::json;

/// `TBinlogType` ALTER_DATABASE_PROPERTY.
const ALTER_DATABASE_PROPERTY: i32 = 8;

/// Runs a database statement.
pub fn run(w: &mut Writer<'_>, s: &mut Session, stmt: Statement) -> ExecResult {
    match stmt {
        Statement::CreateDatabase {
            if_not_exists,
            name,
            properties,
        } => create(w, &name, if_not_exists, &properties),
        Statement::DropDatabase {
            if_exists, name, ..
        } => drop(w, s, &name, if_exists),
        Statement::Use { name, .. } => {
            let db = db_of(w.state, s, Some(&name))?;
            s.db = Some(db.name.clone());
            Ok(QueryResult::ok())
        }
        Statement::AlterDatabaseProperties { name, properties } => alter(w, s, &name, &properties),
        _ => Err(err("not a database statement")),
    }
}

fn to_props(p: &Properties) -> Props {
    p.0.iter().cloned().collect()
}

fn create(w: &mut Writer<'_>, name: &str, if_not_exists: bool, props: &Properties) -> ExecResult {
    let name = name.strip_prefix("default_cluster:").unwrap_or(name);
    if w.state.db(name).is_some() {
        if if_not_exists {
            return Ok(QueryResult::ok());
        }
        return Err(SqlError::with_code(
            SqlError::DB_EXISTS,
            format!("Can't create database '{name}'; database exists"),
        ));
    }
    validate_binlog_props(props)?;
    let id = w.state.alloc_id();
    let change = Change::PutDb {
        id,
        name: name.to_string(),
        properties: to_props(props),
    };
    commit_catalog(w, vec![change], None)?;
    Ok(QueryResult::ok())
}

/// Rejects malformed `binlog.*` values like Doris does.
pub fn validate_binlog_props(props: &Properties) -> Result<(), SqlError> {
    for (k, v) in &props.0 {
        let bad = match k.as_str() {
            "binlog.enable" => !matches!(v.to_ascii_lowercase().as_str(), "true" | "false"),
            "binlog.ttl_seconds" | "binlog.max_bytes" | "binlog.max_history_nums" => {
                v.parse::<i64>().is_err()
            }
            _ => false,
        };
        if bad {
            return Err(err(format!("Invalid {k} format: {v}")));
        }
    }
    Ok(())
}

fn drop(w: &mut Writer<'_>, s: &mut Session, name: &str, if_exists: bool) -> ExecResult {
    let name = name.strip_prefix("default_cluster:").unwrap_or(name);
    let Some(db) = w.state.db(name) else {
        if if_exists {
            return Ok(QueryResult::ok());
        }
        return Err(SqlError::with_code(
            1008,
            format!("Can't drop database '{name}'; database doesn't exist"),
        ));
    };
    let id = db.id;
    commit_catalog(w, vec![Change::DropDb { id }], None)?;
    if s.db.as_deref() == Some(name) {
        s.db = None;
    }
    Ok(QueryResult::ok())
}

fn alter(w: &mut Writer<'_>, s: &Session, name: &str, props: &Properties) -> ExecResult {
    validate_binlog_props(props)?;
    let db = db_of(w.state, s, Some(name))?;
    if props
        .get("binlog.enable")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        // Doris requires every table to have binlog enabled before the database does.
        if let Some(t) = db
            .tables
            .values()
            .find(|t| !t.is_view() && !t.binlog_enabled())
        {
            return Err(err(format!(
                "binlog is not enable in table[{}] in db [{}]",
                t.name, db.name
            )));
        }
    }
    let mut properties = db.properties.clone();
    for (k, v) in &props.0 {
        properties.insert(k.clone(), v.clone());
    }
    let (id, db_name) = (db.id, db.name.clone());
    let data = json!({"dbId": id, "dbName": db_name, "properties": props.0.iter().cloned().collect::<Props>()});
    let change = Change::PutDb {
        id,
        name: db_name,
        properties,
    };
    commit_catalog(
        w,
        vec![change],
        binlog(ALTER_DATABASE_PROPERTY, id, vec![], data),
    )?;
    let _ = kind::UPSERT;
    Ok(QueryResult::ok())
}
