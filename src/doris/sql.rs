//! `SqlClient`: MySQL-protocol (text protocol, COM_QUERY) access to a Doris FE.
//!
//! On connect mysql_async normally runs `SELECT @@max_allowed_packet,@@wait_timeout,@@socket`;
//! we pin those settings in the options so the only commands sent are the handshake and
//! our COM_QUERY statements (plus COM_QUIT on close). Connections are pooled per client.

mod quote;
mod row;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::{OptsBuilder, Pool, PoolConstraints, PoolOpts, Row};

pub use self::quote::{quote_ident, quote_str};
pub use self::row::SqlRow;
use super::spec::join_host_port;
use super::{ClusterSpec, DorisError};

/// Pool and timeout settings of a [`SqlClient`].
#[derive(Clone, Debug)]
pub struct SqlOptions {
    /// Connect + query timeout per statement.
    pub timeout: Duration,
    /// Maximum open connections.
    pub max_connections: usize,
}

impl Default for SqlOptions {
    fn default() -> Self {
        SqlOptions {
            timeout: Duration::from_secs(30),
            max_connections: 8,
        }
    }
}

/// Pooled MySQL-protocol client for one FE query port (no failover, like the original).
#[derive(Debug, Clone)]
pub struct SqlClient {
    pool: Pool,
    addr: String,
    timeout: Duration,
}

impl SqlClient {
    /// A client for `spec.host:spec.port`, optionally bound to `database` (DSN `/<db>`).
    pub fn new(
        spec: &ClusterSpec,
        database: Option<&str>,
        options: SqlOptions,
    ) -> Result<Self, DorisError> {
        let (host, port) = spec.sql_addr()?;
        let constraints = PoolConstraints::new(0, options.max_connections.max(1))
            .ok_or_else(|| DorisError::InvalidSpec("bad sql pool size".into()))?;
        let pool_opts = PoolOpts::default()
            .with_constraints(constraints)
            // COM_RESET_CONNECTION is not something every server (or the emulator) knows.
            .with_reset_connection(false);
        let opts = OptsBuilder::default()
            .ip_or_hostname(host.clone())
            .tcp_port(port)
            .user(Some(spec.user.clone()))
            .pass(Some(spec.password.expose().to_string()))
            .db_name(database.map(str::to_string))
            .prefer_socket(false)
            .max_allowed_packet(Some(64 * 1024 * 1024))
            .wait_timeout(Some(28_800))
            .pool_opts(pool_opts);
        Ok(SqlClient {
            pool: Pool::new(opts),
            addr: join_host_port(&host, port),
            timeout: options.timeout,
        })
    }

    /// `host:port` this client talks to.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// Runs a text-protocol query and returns the rows of its first result set.
    pub async fn query(&self, sql: &str) -> Result<Vec<SqlRow>, DorisError> {
        let rows: Vec<Row> = self
            .timed(sql, async {
                let mut conn = self.pool.get_conn().await?;
                conn.query::<Row, _>(sql).await
            })
            .await?;
        let Some(first) = rows.first() else {
            return Ok(Vec::new());
        };
        let columns: Arc<[String]> = first
            .columns_ref()
            .iter()
            .map(|c| c.name_str().into_owned())
            .collect();
        Ok(rows
            .into_iter()
            .map(|row| {
                SqlRow::new(
                    columns.clone(),
                    row.unwrap_raw().into_iter().map(text).collect(),
                )
            })
            .collect())
    }

    /// Runs a statement that returns no rows (DDL, BACKUP, ...); returns affected rows.
    pub async fn exec(&self, sql: &str) -> Result<u64, DorisError> {
        self.timed(sql, async {
            let mut conn = self.pool.get_conn().await?;
            conn.query_drop(sql).await?;
            Ok(conn.affected_rows())
        })
        .await
    }

    /// Closes pooled connections.
    pub async fn disconnect(self) -> Result<(), DorisError> {
        let addr = self.addr.clone();
        self.pool
            .disconnect()
            .await
            .map_err(|e| sql_error(&addr, e))
    }

    async fn timed<T>(
        &self,
        sql: &str,
        op: impl std::future::Future<Output = Result<T, mysql_async::Error>>,
    ) -> Result<T, DorisError> {
        match tokio::time::timeout(self.timeout, op).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(sql_error(&self.addr, e)),
            Err(_) => Err(DorisError::NoReply {
                method: "sql".into(),
                addr: self.addr.clone(),
                message: format!("timed out after {:?}: {}", self.timeout, first_words(sql)),
            }),
        }
    }
}

/// Text-protocol values arrive as bytes; other variants only come from the binary protocol.
fn text(value: Option<mysql_async::Value>) -> Option<String> {
    match value? {
        mysql_async::Value::NULL => None,
        mysql_async::Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        other => Some(other.as_sql(true).trim_matches('\'').to_string()),
    }
}

/// The statement's first words, for error messages without leaking literals.
fn first_words(sql: &str) -> String {
    sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn sql_error(addr: &str, e: mysql_async::Error) -> DorisError {
    let code = match &e {
        mysql_async::Error::Server(s) => Some(s.code),
        _ => None,
    };
    DorisError::Sql {
        addr: addr.to_string(),
        code,
        message: e.to_string(),
    }
}
