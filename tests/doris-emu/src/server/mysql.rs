//! The MySQL front end on the query port (opensrv-mysql): `mysql_native_password` auth for
//! `root`, COM_QUERY → [`crate::cluster::Cluster::execute`], COM_INIT_DB / `USE` → session
//! db, COM_PING. Prepared statements are refused with an error.

mod admin;
mod auth;
pub mod sysvars;

use std::io;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use opensrv_mysql::{
    AsyncMysqlIntermediary, AsyncMysqlShim, Column as MyColumn, ColumnFlags, ColumnType, ErrorKind,
    InitWriter, OkResponse, ParamParser, QueryResultWriter, StatementMetaWriter,
};
use tokio::io::AsyncWrite;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::backend::{self, Session};
use super::fault::sql_target;
use super::Shared;
use crate::result::{ColumnKind, QueryResult, SqlError};

static NEXT_CONNECTION_ID: AtomicU32 = AtomicU32::new(1);

/// Accepts MySQL connections until `stop` is cancelled; each connection runs in its own task
/// so a misbehaving client only affects itself.
pub async fn serve(listener: TcpListener, shared: Shared, stop: CancellationToken) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let shim = Connection::new(shared.clone());
                    conns.spawn(async move {
                        let (r, w) = stream.into_split();
                        if let Err(e) = AsyncMysqlIntermediary::run_on(shim, r, w).await {
                            tracing::debug!(%peer, error = %e, "mysql connection ended");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "mysql accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
        }
    }
    conns.shutdown().await;
}

/// One client connection: its session and its handshake scramble.
struct Connection {
    shared: Shared,
    session: Option<Session>,
    scramble: [u8; auth::SCRAMBLE_LEN],
    id: u32,
}

impl Connection {
    fn new(shared: Shared) -> Self {
        let id = NEXT_CONNECTION_ID.fetch_add(1, Ordering::Relaxed);
        Connection {
            session: Some(backend::new_session(id)),
            shared,
            scramble: auth::new_scramble(),
            id,
        }
    }

    /// Runs `sql` on a blocking thread (the executor may fsync its journal).
    async fn run_sql(&mut self, sql: String) -> Result<QueryResult, SqlError> {
        let cluster = self.shared.cluster.clone();
        let mut session = self
            .session
            .take()
            .unwrap_or_else(|| backend::new_session(self.id));
        let joined = tokio::task::spawn_blocking(move || {
            let r = backend::execute(&cluster, &mut session, &sql);
            (session, r)
        })
        .await;
        match joined {
            Ok((session, r)) => {
                self.session = Some(session);
                r
            }
            Err(e) => Err(SqlError::new(format!("internal error: {e}"))),
        }
    }

    /// Full statement pipeline: emulator admin commands, injected faults, the executor, and
    /// the system-variable fallback.
    async fn query(&mut self, sql: &str) -> Result<QueryResult, SqlError> {
        if let Some(r) = admin::try_handle(&self.shared, sql) {
            return r;
        }
        let target = sql_target(sql);
        let fault = self.shared.faults.check(&target, Some("sql:*")).await;
        if let Some(f) = fault.as_ref().filter(|f| !f.after) {
            return Err(injected_sql_error(f));
        }
        let r = match self.run_sql(sql.to_string()).await {
            Err(e) => sysvars::answer(sql).ok_or(e),
            ok => ok,
        };
        match fault {
            Some(f) => Err(injected_sql_error(&f)),
            None => r,
        }
    }
}

fn injected_sql_error(f: &super::fault::Injected) -> SqlError {
    let code = u16::try_from(f.code_or(i32::from(SqlError::UNKNOWN))).unwrap_or(SqlError::UNKNOWN);
    SqlError::with_code(code, f.message.clone())
}

/// opensrv panics on error numbers it does not know; keep to its table (1000..=1885).
fn error_kind(code: u16) -> ErrorKind {
    if (1000..=1885).contains(&code) {
        ErrorKind::from(code)
    } else {
        ErrorKind::ER_UNKNOWN_ERROR
    }
}

fn wire_columns(cols: &[crate::result::Column]) -> Vec<MyColumn> {
    cols.iter()
        .map(|c| MyColumn {
            table: String::new(),
            column: c.name.clone(),
            coltype: match c.kind {
                ColumnKind::Int => ColumnType::MYSQL_TYPE_LONGLONG,
                ColumnKind::Float => ColumnType::MYSQL_TYPE_DOUBLE,
                ColumnKind::Text => ColumnType::MYSQL_TYPE_VAR_STRING,
            },
            colflags: ColumnFlags::empty(),
        })
        .collect()
}

async fn write_result<W: AsyncWrite + Send + Unpin>(
    result: Result<QueryResult, SqlError>,
    w: QueryResultWriter<'_, W>,
) -> io::Result<()> {
    match result {
        Ok(QueryResult::Ok {
            affected_rows,
            info,
        }) => {
            w.completed(OkResponse {
                affected_rows,
                info,
                ..Default::default()
            })
            .await
        }
        Ok(QueryResult::Rows { columns, rows }) => {
            let cols = wire_columns(&columns);
            let mut rw = w.start(&cols).await?;
            for row in &rows {
                for i in 0..cols.len() {
                    rw.write_col(row.get(i).and_then(|c| c.as_deref()))?;
                }
                rw.end_row().await?;
            }
            rw.finish().await
        }
        Err(e) => w.error(error_kind(e.code), e.message.as_bytes()).await,
    }
}

#[async_trait]
impl<W: AsyncWrite + Send + Unpin> AsyncMysqlShim<W> for Connection {
    type Error = io::Error;

    fn version(&self) -> String {
        sysvars::SERVER_VERSION.to_string()
    }

    fn connect_id(&self) -> u32 {
        self.id
    }

    fn salt(&self) -> [u8; 20] {
        self.scramble
    }

    async fn authenticate(&self, plugin: &str, user: &[u8], salt: &[u8], data: &[u8]) -> bool {
        let ok = user == b"root"
            && plugin == "mysql_native_password"
            && auth::native_password_ok(&self.shared.root_password, salt, data);
        if !ok {
            tracing::info!(user = %String::from_utf8_lossy(user), "mysql login denied");
        }
        ok
    }

    async fn on_prepare<'a>(
        &'a mut self,
        _: &'a str,
        info: StatementMetaWriter<'a, W>,
    ) -> io::Result<()> {
        let msg = "prepared statements are not supported by doris-emu";
        info.error(ErrorKind::ER_UNSUPPORTED_PS, msg.as_bytes())
            .await
    }

    async fn on_execute<'a>(
        &'a mut self,
        _: u32,
        _: ParamParser<'a>,
        w: QueryResultWriter<'a, W>,
    ) -> io::Result<()> {
        let msg = "prepared statements are not supported by doris-emu";
        w.error(ErrorKind::ER_UNSUPPORTED_PS, msg.as_bytes()).await
    }

    async fn on_close<'a>(&'a mut self, _: u32)
    where
        W: 'async_trait,
    {
    }

    async fn on_query<'a>(
        &'a mut self,
        sql: &'a str,
        w: QueryResultWriter<'a, W>,
    ) -> io::Result<()> {
        tracing::debug!(conn = self.id, sql, "query");
        let result = self.query(sql).await;
        if let Err(e) = &result {
            tracing::debug!(conn = self.id, code = e.code, error = %e.message, "query failed");
        }
        write_result(result, w).await
    }

    async fn on_init<'a>(&'a mut self, db: &'a str, w: InitWriter<'a, W>) -> io::Result<()> {
        let sql = format!("USE `{}`", db.replace('`', "``"));
        match self.run_sql(sql).await {
            Ok(_) => w.ok().await,
            Err(e) => w.error(error_kind(e.code), e.message.as_bytes()).await,
        }
    }
}
