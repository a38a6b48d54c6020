//! The individual creation checks, one SQL round trip each.

use super::CreateError;
use crate::doris::http::BeHttpClient;
use crate::doris::{quote_ident, quote_str, ClusterSpec, Frontend, SqlClient};

const BINLOG_ON: &str = "\"binlog.enable\" = \"true\"";

fn ident(name: &str) -> Result<String, CreateError> {
    quote_ident(name).map_err(|e| CreateError::Check(e.to_string()))
}

/// FEs of the cluster (`frontends()`).
pub(crate) async fn frontends(sql: &SqlClient) -> Result<Vec<Frontend>, CreateError> {
    let q = "select Host, QueryPort, RpcPort, IsMaster from frontends();";
    let rows = sql
        .query(q)
        .await
        .map_err(CreateError::doris("list frontends"))?;
    let fe = |r: &crate::doris::SqlRow| Frontend {
        host: r.get_opt("Host").unwrap_or_default().to_string(),
        port: r.get_opt("QueryPort").unwrap_or_default().to_string(),
        thrift_port: r.get_opt("RpcPort").unwrap_or_default().to_string(),
        is_master: r.get_bool("IsMaster").unwrap_or(false),
    };
    Ok(rows.iter().map(fe).filter(|f| !f.host.is_empty()).collect())
}

/// `enable_feature_binlog` on the FE and on every BE.
pub(crate) async fn binlog_feature(
    sql: &SqlClient,
    http: &BeHttpClient,
    spec: &ClusterSpec,
) -> Result<(), CreateError> {
    let q = "ADMIN SHOW FRONTEND CONFIG LIKE \"%enable_feature_binlog%\"";
    let rows = sql
        .query(q)
        .await
        .map_err(CreateError::doris("read FE config"))?;
    let on = rows
        .first()
        .and_then(|r| r.get_bool("Value").ok())
        .unwrap_or(false);
    if !on {
        return Err(CreateError::Check(format!(
            "FE {}:{} has enable_feature_binlog=false: set enable_feature_binlog = true in fe.conf and restart the FE",
            spec.host, spec.port
        )));
    }
    be_binlog_feature(sql, http).await
}

async fn be_binlog_feature(sql: &SqlClient, http: &BeHttpClient) -> Result<(), CreateError> {
    let backends = sql
        .query("show backends")
        .await
        .map_err(CreateError::doris("show backends"))?;
    for be in &backends {
        let host = be
            .get_str("Host")
            .map_err(CreateError::doris("show backends"))?;
        let port = be
            .get_i64("HttpPort")
            .map_err(CreateError::doris("show backends"))?;
        let port = u16::try_from(port).unwrap_or(0);
        let ok = http
            .binlog_feature_enabled(host, port)
            .await
            .map_err(CreateError::doris(format!("BE {host}:{port} show_config")))?;
        if !ok {
            return Err(CreateError::Check(format!(
                "BE {host}:{port} has enable_feature_binlog=false: set enable_feature_binlog = true in be.conf and restart the BE"
            )));
        }
    }
    Ok(())
}

/// Whether database `db` exists.
pub(crate) async fn db_exists(sql: &SqlClient, db: &str) -> Result<bool, CreateError> {
    let q = format!("SHOW DATABASES LIKE {}", quote_str(db));
    let rows = sql
        .query(&q)
        .await
        .map_err(CreateError::doris("show databases"))?;
    // LIKE treats `_`/`%` as wildcards: compare exactly.
    Ok(rows.iter().any(|r| r.get_opt("Database") == Some(db)))
}

/// Id of database `db` (`show proc '/dbs/'`, 2.0's `default_cluster:` prefix accepted).
pub(crate) async fn db_id(sql: &SqlClient, db: &str) -> Result<i64, CreateError> {
    let rows = sql
        .query("show proc '/dbs/'")
        .await
        .map_err(CreateError::doris("show proc '/dbs/'"))?;
    let legacy = format!("default_cluster:{db}");
    let row = rows
        .iter()
        .find(|r| matches!(r.get_opt("DbName"), Some(n) if n == db || n == legacy));
    match row {
        Some(r) => r
            .get_i64("DbId")
            .map_err(CreateError::doris("show proc '/dbs/'")),
        None => Err(CreateError::Check(format!(
            "database {} not found in show proc '/dbs/'",
            ident(db)?
        ))),
    }
}

/// Id of table `table` in database id `db_id`; `None` if absent.
pub(crate) async fn table_id(
    sql: &SqlClient,
    db_id: i64,
    table: &str,
) -> Result<Option<i64>, CreateError> {
    let q = format!("show proc {}", quote_str(&format!("/dbs/{db_id}/")));
    let rows = sql
        .query(&q)
        .await
        .map_err(CreateError::doris("list tables"))?;
    let row = rows.iter().find(|r| r.get_opt("TableName") == Some(table));
    row.map(|r| {
        r.get_i64("TableId")
            .map_err(CreateError::doris("list tables"))
    })
    .transpose()
}

/// Names of the tables of database id `db_id`.
pub(crate) async fn table_names(sql: &SqlClient, db_id: i64) -> Result<Vec<String>, CreateError> {
    let q = format!("show proc {}", quote_str(&format!("/dbs/{db_id}/")));
    let rows = sql
        .query(&q)
        .await
        .map_err(CreateError::doris("list tables"))?;
    // Views cannot take table properties: skip them when the FE says which rows are views.
    let is_view = |r: &crate::doris::SqlRow| {
        r.get_opt("Type")
            .is_some_and(|t| t.eq_ignore_ascii_case("VIEW"))
    };
    Ok(rows
        .iter()
        .filter(|r| !is_view(r))
        .filter_map(|r| r.get_opt("TableName").map(str::to_string))
        .collect())
}

/// Source database has `"binlog.enable" = "true"`.
pub(crate) async fn db_binlog_on(sql: &SqlClient, db: &str) -> Result<(), CreateError> {
    let q = format!("SHOW CREATE DATABASE {}", ident(db)?);
    let rows = sql
        .query(&q)
        .await
        .map_err(CreateError::doris("show create database"))?;
    let text = rows
        .first()
        .and_then(|r| r.get_opt("Create Database"))
        .unwrap_or_default();
    if text.contains(BINLOG_ON) {
        return Ok(());
    }
    Err(CreateError::Check(format!(
        "source database {} has binlog disabled: run ALTER DATABASE {} SET PROPERTIES (\"binlog.enable\" = \"true\") (and enable it on each table)",
        ident(db)?,
        ident(db)?
    )))
}

/// Source table exists and has `"binlog.enable" = "true"`.
pub(crate) async fn table_binlog_on(
    sql: &SqlClient,
    db: &str,
    table: &str,
) -> Result<(), CreateError> {
    let full = format!("{}.{}", ident(db)?, ident(table)?);
    let q = format!("SHOW TABLES FROM {} LIKE {}", ident(db)?, quote_str(table));
    let rows = sql
        .query(&q)
        .await
        .map_err(CreateError::doris("show tables"))?;
    if !rows
        .iter()
        .any(|r| r.columns().first().and_then(|c| r.get_opt(c)) == Some(table))
    {
        return Err(CreateError::Check(format!(
            "source table {full} does not exist"
        )));
    }
    let rows = sql
        .query(&format!("SHOW CREATE TABLE {full}"))
        .await
        .map_err(CreateError::doris("show create table"))?;
    let text = rows
        .first()
        .and_then(|r| r.get_opt("Create Table"))
        .unwrap_or_default();
    if text.contains(BINLOG_ON) {
        return Ok(());
    }
    Err(CreateError::Check(format!(
        "source table {full} has binlog disabled: run ALTER TABLE {full} SET (\"binlog.enable\" = \"true\")"
    )))
}
