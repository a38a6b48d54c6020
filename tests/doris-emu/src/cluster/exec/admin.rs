//! Session statements (SET, SET NAMES, BEGIN/COMMIT/ROLLBACK), system variables, and
//! ADMIN SHOW/SET FRONTEND CONFIG.

use super::eval::{self, like_match, text, Relation};
use super::{err, not_supported, ExecResult};
use crate::cluster::config::Session;
use crate::cluster::journal::{FeConfigOp, JournalEntry};
use crate::cluster::state::State;
use crate::cluster::types::Value;
use crate::cluster::Writer;
use crate::result::{Column, QueryResult, SqlError};
use crate::sql::ast::{Expr, Properties, Statement, VarScope};

/// What `VERSION()` returns (Doris reports a MySQL 5.7 compatible version).
pub const MYSQL_VERSION: &str = "5.7.99";

/// `@@version_comment`.
pub const VERSION_COMMENT: &str = "Doris version doris-2.1.8-emu";

/// Default value of a system variable, if known.
fn default_var(name: &str) -> Option<Value> {
    let s = |v: &str| Some(Value::Str(v.to_string()));
    let i = |v: i128| Some(Value::Int(v));
    match name {
        "version_comment" => s(VERSION_COMMENT),
        "version" => s(MYSQL_VERSION),
        "max_allowed_packet" => i(16_777_216),
        "wait_timeout" => i(28800),
        "interactive_timeout" => i(3600),
        "net_write_timeout" | "net_read_timeout" => i(600),
        "socket" | "init_connect" => s(""),
        "autocommit" | "auto_increment_increment" => i(1),
        "lower_case_table_names" | "sql_auto_is_null" | "performance_schema" => i(0),
        "tx_isolation" | "transaction_isolation" => s("REPEATABLE-READ"),
        "tx_read_only" | "transaction_read_only" => i(0),
        "character_set_client"
        | "character_set_connection"
        | "character_set_results"
        | "character_set_server"
        | "character_set_database" => s("utf8mb4"),
        "collation_server" | "collation_connection" | "collation_database" => s("utf8mb4_0900_bin"),
        "time_zone" | "system_time_zone" => s("UTC"),
        "sql_mode" => s("ONLY_FULL_GROUP_BY"),
        "sql_select_limit" => i(i64::MAX as i128),
        "query_cache_size" => i(1_048_576),
        "query_cache_type" => s("OFF"),
        "license" => s("Apache License, Version 2.0"),
        "net_buffer_length" => i(16384),
        "query_timeout" => i(900),
        "insert_timeout" => i(14400),
        "exec_mem_limit" => i(2_147_483_648),
        "enable_insert_strict" => i(1),
        _ => None,
    }
}

/// The value of `@@name` for this session.
pub fn variable(s: &Session, name: &str) -> Result<Value, SqlError> {
    let lname = name.to_ascii_lowercase();
    let lname = lname
        .strip_prefix("session.")
        .or_else(|| lname.strip_prefix("local."))
        .unwrap_or(&lname);
    if let Some(v) = s.vars.get(lname) {
        return Ok(Value::Str(v.clone()));
    }
    default_var(lname)
        .ok_or_else(|| SqlError::with_code(1193, format!("Unknown system variable '{name}'")))
}

/// SET / SET NAMES / BEGIN / COMMIT / ROLLBACK.
pub fn session(s: &mut Session, stmt: Statement) -> ExecResult {
    match stmt {
        Statement::Set(assignments) => {
            for a in assignments {
                let v = set_value(s, &a.value)?;
                match a.scope {
                    VarScope::User => {
                        s.user_vars.insert(a.name, v);
                    }
                    _ => {
                        s.vars.insert(a.name.to_ascii_lowercase(), v);
                    }
                }
            }
            Ok(QueryResult::ok())
        }
        Statement::SetNames { .. } | Statement::Commit | Statement::Rollback => {
            Ok(QueryResult::ok())
        }
        // Explicit transactions are not supported by CCR; refuse rather than pretend.
        Statement::Begin => Err(not_supported("BEGIN (explicit transactions)")),
        _ => Err(err("not a session statement")),
    }
}

fn set_value(s: &Session, e: &Expr) -> Result<String, SqlError> {
    if let Expr::Column { name, .. } = e {
        return Ok(name.clone());
    }
    let rel = Relation::default();
    let v = eval::eval(
        e,
        &eval::Ctx {
            rel: &rel,
            row: None,
            session: s,
        },
    )?;
    Ok(text(&v).unwrap_or_default())
}

/// Rows of FE config items: (key, value, type, mutable, master only, comment).
fn fe_config_rows(state: &State) -> Vec<[String; 6]> {
    let mut rows: Vec<[String; 6]> = state
        .fe_config
        .iter()
        .map(|(k, v)| {
            let ty = if v == "true" || v == "false" {
                "boolean"
            } else {
                "String"
            };
            [
                k.clone(),
                v.clone(),
                ty.into(),
                "true".into(),
                "false".into(),
                String::new(),
            ]
        })
        .collect();
    rows.sort();
    rows
}

/// `ADMIN SHOW FRONTEND CONFIG [LIKE 'pat']`.
pub fn show_fe_config(state: &State, like: Option<&str>) -> ExecResult {
    let columns = ["Key", "Value", "Type", "IsMutable", "MasterOnly", "Comment"]
        .map(Column::text)
        .to_vec();
    let rows = fe_config_rows(state)
        .into_iter()
        .filter(|r| like.is_none_or(|p| like_match(&r[0], p)))
        .map(|r| r.into_iter().map(Some).collect())
        .collect();
    Ok(QueryResult::Rows { columns, rows })
}

/// `ADMIN SET FRONTEND CONFIG ("k" = "v")`.
pub fn set_fe_config(w: &mut Writer<'_>, props: &Properties) -> ExecResult {
    for (k, _) in &props.0 {
        if !w.state.fe_config.contains_key(k) {
            return Err(err(format!("Config '{k}' does not exist")));
        }
    }
    for (k, v) in &props.0 {
        w.commit(JournalEntry::FeConfig(FeConfigOp {
            key: k.clone(),
            value: v.clone(),
        }))?;
    }
    Ok(QueryResult::ok())
}
