//! SqlClient against a recording MySQL-protocol server (opensrv-mysql).

use std::io;
use std::sync::Arc;

use async_trait::async_trait;
use opensrv_mysql::{
    AsyncMysqlIntermediary, AsyncMysqlShim, Column, ColumnFlags, ColumnType, ErrorKind, InitWriter,
    OkResponse, ParamParser, QueryResultWriter, StatementMetaWriter,
};
use parking_lot::Mutex;
use tokio::io::AsyncWrite;
use tokio::net::TcpListener;

use super::{SqlClient, SqlOptions};
use crate::doris::{ClusterSpec, ErrorClass, Secret};

type Log = Arc<Mutex<Vec<String>>>;

struct Recorder {
    log: Log,
}

fn column(name: &str, coltype: ColumnType) -> Column {
    Column {
        table: String::new(),
        column: name.into(),
        coltype,
        colflags: ColumnFlags::empty(),
    }
}

#[async_trait]
impl<W: AsyncWrite + Send + Unpin> AsyncMysqlShim<W> for Recorder {
    type Error = io::Error;

    fn version(&self) -> String {
        "5.7.99".into()
    }

    async fn on_prepare<'a>(
        &'a mut self,
        q: &'a str,
        info: StatementMetaWriter<'a, W>,
    ) -> io::Result<()> {
        self.log.lock().push(format!("PREPARE {q}"));
        info.error(ErrorKind::ER_UNSUPPORTED_PS, b"no").await
    }

    async fn on_execute<'a>(
        &'a mut self,
        _: u32,
        _: ParamParser<'a>,
        w: QueryResultWriter<'a, W>,
    ) -> io::Result<()> {
        w.error(ErrorKind::ER_UNSUPPORTED_PS, b"no").await
    }

    async fn on_close<'a>(&'a mut self, _: u32)
    where
        W: 'async_trait,
    {
    }

    /// A database named in the handshake arrives here (COM_INIT_DB-style) and must be
    /// answered, or the client waits forever.
    async fn on_init<'a>(&'a mut self, db: &'a str, w: InitWriter<'a, W>) -> io::Result<()> {
        self.log.lock().push(format!("INIT {db}"));
        w.ok().await
    }

    async fn on_query<'a>(
        &'a mut self,
        sql: &'a str,
        w: QueryResultWriter<'a, W>,
    ) -> io::Result<()> {
        self.log.lock().push(sql.to_string());
        if sql.starts_with("show proc") {
            let cols = [
                column("TableId", ColumnType::MYSQL_TYPE_LONGLONG),
                column("TableName", ColumnType::MYSQL_TYPE_VAR_STRING),
            ];
            let mut rows = w.start(&cols).await?;
            rows.write_col(10_118i64)?;
            rows.write_col("t1")?;
            rows.end_row().await?;
            rows.write_col(10_119i64)?;
            rows.write_col(None::<&str>)?;
            rows.end_row().await?;
            return rows.finish().await;
        }
        if sql.starts_with("DROP TABLE `missing`") {
            return w
                .error(ErrorKind::ER_BAD_TABLE_ERROR, b"Unknown table 'missing'")
                .await;
        }
        w.completed(OkResponse {
            affected_rows: 3,
            ..Default::default()
        })
        .await
    }
}

async fn start() -> (u16, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let log: Log = Arc::default();
    let shared = log.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let shim = Recorder {
                log: shared.clone(),
            };
            tokio::spawn(async move {
                let (r, w) = stream.into_split();
                let _ = AsyncMysqlIntermediary::run_on(shim, r, w).await;
            });
        }
    });
    (port, log)
}

fn spec(port: u16) -> ClusterSpec {
    ClusterSpec {
        host: "127.0.0.1".into(),
        port: port.to_string(),
        thrift_port: "9020".into(),
        user: "root".into(),
        password: Secret::new(""),
        database: "db1".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn queries_return_rows_by_column_name_and_send_nothing_else() {
    let (port, log) = start().await;
    let sql = SqlClient::new(&spec(port), None, SqlOptions::default()).expect("client");
    let rows = sql.query("show proc '/dbs/10116/'").await.expect("query");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].get_i64("TableId").expect("id"), 10_118);
    assert_eq!(rows[0].get_str("TableName").expect("name"), "t1");
    assert_eq!(rows[1].get_opt("TableName"), None, "NULL");
    assert!(rows[1].get_str("TableName").is_err());
    assert!(rows[0].get_str("Nope").is_err());
    assert_eq!(
        sql.exec("ALTER TABLE `t1` SET (\"a\"=\"b\")")
            .await
            .expect("exec"),
        3
    );
    let err = sql
        .exec("DROP TABLE `missing`")
        .await
        .expect_err("server error");
    assert_eq!(err.class(), ErrorClass::Fatal, "{err}");
    sql.disconnect().await.expect("disconnect");
    // Exactly our statements: no `SELECT @@...` on connect, no prepared statements.
    let seen = log.lock().clone();
    assert_eq!(
        seen,
        vec![
            "show proc '/dbs/10116/'".to_string(),
            "ALTER TABLE `t1` SET (\"a\"=\"b\")".to_string(),
            "DROP TABLE `missing`".to_string(),
        ]
    );
}

#[tokio::test]
async fn database_in_the_handshake_is_accepted() {
    let (port, log) = start().await;
    let sql = SqlClient::new(&spec(port), Some("db1"), SqlOptions::default()).expect("client");
    let rows = sql
        .query("show proc '/dbs/'")
        .await
        .expect("query with a default db");
    assert_eq!(rows.len(), 2);
    let seen = log.lock().clone();
    assert_eq!(
        seen,
        vec!["INIT db1".to_string(), "show proc '/dbs/'".to_string()]
    );
}

#[tokio::test]
async fn unreachable_server_is_retryable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let sql = SqlClient::new(&spec(port), None, SqlOptions::default()).expect("client");
    let err = sql.query("SHOW BACKENDS").await.expect_err("refused");
    assert_eq!(err.class(), ErrorClass::Retryable, "{err}");
}
