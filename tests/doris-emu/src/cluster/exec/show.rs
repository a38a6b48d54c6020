//! SHOW statements (except SHOW PROC, in `show_proc`), `frontends()` / `backends()` table
//! functions and `information_schema` tables.

use super::eval::{like_match, Relation};
use super::show_create::{show_create_database, show_create_table, view_sql};
use super::{db_of, err, table_of, ExecResult};
use crate::cluster::config::Session;
use crate::cluster::state::State;
use crate::cluster::Writer;
use crate::result::{Column, QueryResult, SqlError};
use crate::sql::ast::{Expr, Select, SelectItem, Show};

/// A text result set.
pub fn text_rows(names: &[&str], rows: Vec<Vec<String>>) -> QueryResult {
    QueryResult::Rows {
        columns: names.iter().map(|n| Column::text(*n)).collect(),
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(Some).collect())
            .collect(),
    }
}

/// Applies an optional WHERE filter to a text relation (SHOW ... WHERE).
pub fn filtered(s: &Session, rel: Relation, filter: Option<&Expr>) -> ExecResult {
    let sel = Select {
        distinct: false,
        items: vec![SelectItem::Wildcard { qualifier: None }],
        from: None,
        filter: filter.cloned(),
        group_by: vec![],
        having: None,
        order_by: vec![],
        limit: None,
        offset: None,
    };
    super::select::query(s, &sel, rel)
}

/// Runs a SHOW statement.
pub fn run(w: &mut Writer<'_>, s: &mut Session, show: Show) -> ExecResult {
    let st = &*w.state;
    match show {
        Show::Databases { like } => {
            let mut names: Vec<String> = st.db_names.keys().cloned().collect();
            names.extend(["information_schema".to_string(), "mysql".to_string()]);
            names.sort();
            names.retain(|n| like.as_deref().is_none_or(|p| like_match(n, p)));
            Ok(text_rows(
                &["Database"],
                names.into_iter().map(|n| vec![n]).collect(),
            ))
        }
        Show::Tables { full, db, like } => tables(st, s, full, db.as_deref(), like.as_deref()),
        Show::CreateTable(name) | Show::CreateView(name) => {
            let (db, t) = table_of(st, s, &name)?;
            if t.is_view() {
                let row = vec![
                    t.name.clone(),
                    view_sql(t),
                    "utf8mb4".into(),
                    "utf8mb4_0900_bin".into(),
                ];
                return Ok(text_rows(
                    &[
                        "View",
                        "Create View",
                        "character_set_client",
                        "collation_connection",
                    ],
                    vec![row],
                ));
            }
            Ok(text_rows(
                &["Table", "Create Table"],
                vec![vec![t.name.clone(), show_create_table(db, t)]],
            ))
        }
        Show::CreateDatabase(name) => {
            let db = db_of(st, s, Some(&name))?;
            Ok(text_rows(
                &["Database", "Create Database"],
                vec![vec![db.name.clone(), show_create_database(db)]],
            ))
        }
        Show::Partitions { temporary, table } => {
            super::show_proc::partitions_of(st, s, &table, temporary)
        }
        Show::Columns { full, table, all } => super::show_proc::columns(st, s, &table, full, all),
        Show::Proc(path) => super::show_proc::run(st, &path),
        Show::TableById(id) => {
            let rows = st
                .find_table(id)
                .map(|(d, t)| vec![t.name.clone(), d.name.clone(), d.id.to_string()]);
            Ok(text_rows(
                &["TableName", "DbName", "DbId"],
                rows.into_iter().collect(),
            ))
        }
        Show::Backends => Ok(rel_result(backends(st))),
        Show::Frontends => Ok(rel_result(frontends(st))),
        Show::Transaction { db, filter } => {
            let db = db_of(st, s, db.as_deref())?;
            st.txns.show(db.id, filter.as_ref()).map_err(err)
        }
        Show::AlterJobs { kind, db, filter } => {
            super::show_proc::alter_jobs(st, s, kind, db.as_deref(), filter.as_ref())
        }
        Show::Variables { like, filter, .. } => variables(s, like.as_deref(), filter.as_ref()),
        Show::Index { table } => super::show_proc::indexes(st, s, &table),
        Show::Warnings => Ok(text_rows(&["Level", "Code", "Message"], vec![])),
        Show::Data { .. } => Err(super::not_supported("SHOW DATA")),
        Show::Backup { .. } => Err(super::not_supported("SHOW BACKUP")),
        Show::Restore { .. } => Err(super::not_supported("SHOW RESTORE")),
        Show::Snapshot { .. } => Err(super::not_supported("SHOW SNAPSHOT")),
    }
}

fn tables(st: &State, s: &Session, full: bool, db: Option<&str>, like: Option<&str>) -> ExecResult {
    let db = db_of(st, s, db)?;
    let mut ts: Vec<(&String, bool)> = db.tables.values().map(|t| (&t.name, t.is_view())).collect();
    ts.sort();
    let rows = ts
        .into_iter()
        .filter(|(n, _)| like.is_none_or(|p| like_match(n, p)))
        .map(|(n, v)| {
            let mut r = vec![n.clone()];
            if full {
                r.push(if v { "VIEW" } else { "BASE TABLE" }.into());
            }
            r
        })
        .collect();
    let col = format!("Tables_in_{}", db.name);
    if full {
        Ok(text_rows(&[&col, "Table_type"], rows))
    } else {
        Ok(text_rows(&[&col], rows))
    }
}

fn variables(s: &Session, like: Option<&str>, filter: Option<&Expr>) -> ExecResult {
    let names = [
        "autocommit",
        "character_set_client",
        "character_set_connection",
        "character_set_results",
        "character_set_server",
        "collation_connection",
        "collation_server",
        "init_connect",
        "interactive_timeout",
        "license",
        "lower_case_table_names",
        "max_allowed_packet",
        "net_write_timeout",
        "query_cache_size",
        "sql_mode",
        "system_time_zone",
        "time_zone",
        "transaction_isolation",
        "tx_isolation",
        "version",
        "version_comment",
        "wait_timeout",
    ];
    let mut rows = Vec::new();
    for n in names {
        if like.is_none_or(|p| like_match(n, p)) {
            let v = super::admin::variable(s, n)?;
            rows.push(vec![
                n.to_string(),
                super::eval::text(&v).unwrap_or_default(),
            ]);
        }
    }
    filtered(s, Relation::text(&["Variable_name", "Value"], rows), filter)
}

fn rel_result(r: Relation) -> QueryResult {
    QueryResult::Rows {
        columns: r.names.iter().map(Column::text).collect(),
        rows: r
            .rows
            .into_iter()
            .map(|row| row.into_iter().map(|v| super::eval::text(&v)).collect())
            .collect(),
    }
}

/// Number of tablet replicas on backend `be`.
fn replicas_on(st: &State, be: i64) -> usize {
    st.dbs
        .values()
        .flat_map(|d| d.tables.values())
        .flat_map(|t| t.partitions.iter())
        .flat_map(|p| p.indexes.iter())
        .flat_map(|i| i.tablets.iter())
        .map(|t| t.replicas.iter().filter(|r| r.backend_id == be).count())
        .sum()
}

/// SHOW BACKENDS / `backends()` rows.
pub fn backends(st: &State) -> Relation {
    let names = [
        "BackendId",
        "Host",
        "HeartbeatPort",
        "BePort",
        "HttpPort",
        "BrpcPort",
        "ArrowFlightSqlPort",
        "LastStartTime",
        "LastHeartbeat",
        "Alive",
        "SystemDecommissioned",
        "TabletNum",
        "DataUsedCapacity",
        "AvailCapacity",
        "TotalCapacity",
        "UsedPct",
        "Tag",
        "ErrMsg",
        "Version",
        "Status",
        "NodeRole",
    ];
    let rows = st
        .backends
        .iter()
        .map(|b| {
            let tablets = replicas_on(st, b.id);
            [
                b.id.to_string(),
                b.host.clone(),
                b.heartbeat_port.to_string(),
                b.be_port.to_string(),
                b.http_port.to_string(),
                b.brpc_port.to_string(),
                "-1".into(),
                String::new(),
                String::new(),
                b.alive.to_string(),
                "false".into(),
                tablets.to_string(),
                "0.000 ".into(),
                "1.000 TB".into(),
                "1.000 TB".into(),
                "0.00 %".into(),
                "{\"location\" : \"default\"}".into(),
                String::new(),
                "doris-2.1.8-emu".into(),
                "{\"lastSuccessReportTabletsTime\":\"N/A\"}".into(),
                "mix".into(),
            ]
            .to_vec()
        })
        .collect();
    Relation::text(&names, rows)
}

/// SHOW FRONTENDS / `frontends()` rows.
pub fn frontends(st: &State) -> Relation {
    let f = &st.frontend;
    let names = [
        "Name",
        "Host",
        "EditLogPort",
        "HttpPort",
        "QueryPort",
        "RpcPort",
        "ArrowFlightSqlPort",
        "Role",
        "IsMaster",
        "ClusterId",
        "Join",
        "Alive",
        "ReplayedJournalId",
        "LastStartTime",
        "LastHeartbeat",
        "IsHelper",
        "ErrMsg",
        "Version",
        "CurrentConnected",
    ];
    let row = vec![
        format!("fe_{}_{}", f.host.replace('.', "_"), f.edit_log_port),
        f.host.clone(),
        f.edit_log_port.to_string(),
        f.http_port.to_string(),
        f.query_port.to_string(),
        f.rpc_port.to_string(),
        "-1".into(),
        "FOLLOWER".into(),
        "true".into(),
        "1".into(),
        "true".into(),
        "true".into(),
        st.last_journal_id.to_string(),
        String::new(),
        String::new(),
        "true".into(),
        String::new(),
        "doris-2.1.8-emu".into(),
        "Yes".into(),
    ];
    Relation::text(&names, vec![row])
}

/// Table functions usable in FROM.
pub fn table_function(st: &State, name: &str) -> Result<Relation, SqlError> {
    match name.to_ascii_lowercase().as_str() {
        "frontends" => Ok(frontends(st)),
        "backends" => Ok(backends(st)),
        other => Err(err(format!("Can not found function '{other}'"))),
    }
}

/// `information_schema.<name>` as a relation.
pub fn information_schema(st: &State, name: &str) -> Result<Relation, SqlError> {
    let mut dbs: Vec<_> = st.dbs.values().collect();
    dbs.sort_by(|a, b| a.name.cmp(&b.name));
    match name.to_ascii_lowercase().as_str() {
        "tables" => {
            let mut rows = Vec::new();
            for d in &dbs {
                for t in d.tables.values() {
                    let ty = if t.is_view() { "VIEW" } else { "BASE TABLE" };
                    let engine = if t.is_view() { "" } else { "Doris" };
                    rows.push(vec![
                        "internal".into(),
                        d.name.clone(),
                        t.name.clone(),
                        ty.into(),
                        engine.into(),
                        t.comment.clone(),
                    ]);
                }
            }
            Ok(Relation::text(
                &[
                    "TABLE_CATALOG",
                    "TABLE_SCHEMA",
                    "TABLE_NAME",
                    "TABLE_TYPE",
                    "ENGINE",
                    "TABLE_COMMENT",
                ],
                rows,
            ))
        }
        "schemata" => {
            let rows = dbs
                .iter()
                .map(|d| {
                    vec![
                        "internal".into(),
                        d.name.clone(),
                        "utf8".into(),
                        "utf8_general_ci".into(),
                    ]
                })
                .collect();
            Ok(Relation::text(
                &[
                    "CATALOG_NAME",
                    "SCHEMA_NAME",
                    "DEFAULT_CHARACTER_SET_NAME",
                    "DEFAULT_COLLATION_NAME",
                ],
                rows,
            ))
        }
        "views" => {
            let mut rows = Vec::new();
            for d in &dbs {
                for t in d.tables.values().filter(|t| t.is_view()) {
                    let def = t.view.as_ref().map(|v| v.query.clone()).unwrap_or_default();
                    rows.push(vec!["internal".into(), d.name.clone(), t.name.clone(), def]);
                }
            }
            Ok(Relation::text(
                &[
                    "TABLE_CATALOG",
                    "TABLE_SCHEMA",
                    "TABLE_NAME",
                    "VIEW_DEFINITION",
                ],
                rows,
            ))
        }
        "columns" => Ok(super::show_proc::info_columns(&dbs)),
        other => Err(err(format!("Unknown table 'information_schema.{other}'"))),
    }
}
