//! MySQL front end: the `mysql` CLI, `mysql_async`, auth, bad SQL, `ADMIN EMU FAULT`.

use std::process::Command;

use doris_emu::server::{self, RunningEmu, ServerConfig};
use doris_emu::testing::{EmuOptions, EmuProcess};
use mysql_async::prelude::Queryable;

const CREATE_TABLE: &str = "CREATE TABLE t (k INT, v VARCHAR(16)) DUPLICATE KEY(k) \
    DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES (\"replication_num\" = \"1\")";

async fn start(password: &str) -> RunningEmu {
    let cfg = ServerConfig {
        root_password: password.into(),
        binlog_gc_interval: None,
        ..Default::default()
    };
    server::run(cfg, std::future::pending())
        .await
        .expect("start doris-emu in process")
}

fn url(emu: &RunningEmu, password: &str) -> String {
    format!("mysql://root:{password}@127.0.0.1:{}", emu.ports.query_port)
}

#[test]
fn mysql_cli_runs_a_script_and_reads_rows_back() {
    if Command::new("mysql").arg("--version").output().is_err() {
        eprintln!("SKIPPED: the `mysql` client is not installed (apt-get install mariadb-client)");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_doris-emu").into();
    let emu = EmuProcess::start(EmuOptions {
        binary: Some(bin),
        ..Default::default()
    })
    .expect("start doris-emu");
    let script = format!(
        "CREATE DATABASE cli; USE cli; {CREATE_TABLE}; \
         INSERT INTO t VALUES (2, 'two'), (1, 'one'); SELECT k, v FROM t ORDER BY k;"
    );
    let out = Command::new("mysql")
        .args(["-h127.0.0.1", &format!("-P{}", emu.query_port()), "-uroot"])
        .args(["--batch", "--skip-column-names", "-e", &script])
        .output()
        .expect("run mysql");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "mysql failed: {stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\tone\n2\ttwo\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_creates_inserts_and_selects() {
    let emu = start("").await;
    let mut conn = mysql_async::Conn::from_url(url(&emu, ""))
        .await
        .expect("connect");
    conn.query_drop("CREATE DATABASE d1")
        .await
        .expect("create db");
    conn.query_drop("USE d1").await.expect("use");
    conn.query_drop(CREATE_TABLE).await.expect("create table");
    conn.query_drop("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
        .await
        .expect("insert");
    let rows: Vec<(i64, String)> = conn
        .query("SELECT k, v FROM d1.t ORDER BY k")
        .await
        .expect("select");
    assert_eq!(rows, vec![(1, "a".to_string()), (2, "b".to_string())]);
    conn.ping().await.expect("ping");
    conn.disconnect().await.expect("disconnect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_sql_is_an_error_and_the_connection_survives() {
    let emu = start("").await;
    let mut conn = mysql_async::Conn::from_url(url(&emu, ""))
        .await
        .expect("connect");
    let err = conn
        .query_drop("SELEKT FROM WHERE ((")
        .await
        .expect_err("must fail");
    assert!(matches!(err, mysql_async::Error::Server(_)), "{err:?}");
    let err = conn
        .query_drop("USE no_such_db")
        .await
        .expect_err("unknown db");
    assert!(matches!(err, mysql_async::Error::Server(_)), "{err:?}");
    let one: Option<i64> = conn.query_first("SELECT 1").await.expect("still usable");
    assert_eq!(one, Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_root_with_the_right_password_logs_in() {
    let emu = start("s3cret").await;
    let ok = mysql_async::Conn::from_url(url(&emu, "s3cret")).await;
    assert!(ok.is_ok(), "{:?}", ok.err());
    let wrong = mysql_async::Conn::from_url(url(&emu, "nope")).await;
    assert!(wrong.is_err(), "wrong password accepted");
    let other = format!("mysql://bob:s3cret@127.0.0.1:{}", emu.ports.query_port);
    assert!(
        mysql_async::Conn::from_url(other).await.is_err(),
        "user bob accepted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_emu_fault_fails_the_next_statement_of_a_kind() {
    let emu = start("").await;
    let mut conn = mysql_async::Conn::from_url(url(&emu, ""))
        .await
        .expect("connect");
    conn.query_drop("ADMIN EMU FAULT SET sql:CREATE times 1 status_code 1105 message 'boom'")
        .await
        .expect("set fault");
    let rules: Vec<(String, String)> = conn.query("ADMIN EMU FAULT SHOW").await.expect("show");
    assert_eq!(rules.len(), 1, "{rules:?}");
    let err = conn
        .query_drop("CREATE DATABASE f1")
        .await
        .expect_err("injected");
    assert!(err.to_string().contains("boom"), "{err}");
    conn.query_drop("CREATE DATABASE f1")
        .await
        .expect("second try passes");
    conn.query_drop("ADMIN EMU FAULT CLEAR")
        .await
        .expect("clear");
    assert!(emu.faults.list().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_and_abandoned_clients_do_not_affect_others() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = start("").await;
    let addr = ("127.0.0.1", emu.ports.query_port);
    let mut good = mysql_async::Conn::from_url(url(&emu, ""))
        .await
        .expect("connect");
    let mut junk = tokio::net::TcpStream::connect(addr).await.expect("tcp");
    let mut greeting = [0u8; 128];
    let n = junk.read(&mut greeting).await.expect("server greeting");
    assert!(n > 4 && greeting[4] == 10, "protocol 10 handshake expected");
    junk.write_all(&[0xff; 64]).await.expect("garbage");
    drop(junk);
    let half = tokio::net::TcpStream::connect(addr).await.expect("tcp");
    drop(half);
    let one: Option<i64> = good.query_first("SELECT 1").await.expect("unaffected");
    assert_eq!(one, Some(1));
    let mut fresh = mysql_async::Conn::from_url(url(&emu, ""))
        .await
        .expect("new connection");
    let one: Option<i64> = fresh.query_first("SELECT 1").await.expect("select");
    assert_eq!(one, Some(1));
}
