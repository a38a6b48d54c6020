//! `--data-dir` persistence across a SIGKILL + restart of the real binary.

use doris_emu::testing::{EmuOptions, EmuProcess};
use mysql_async::prelude::Queryable;

async fn rows(url: &str) -> Vec<(i64, String)> {
    let mut conn = mysql_async::Conn::from_url(url).await.expect("connect");
    conn.query("SELECT k, v FROM keep.t ORDER BY k")
        .await
        .expect("select")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_with_the_same_data_dir_keeps_data_and_backend_ids() {
    let bin = env!("CARGO_BIN_EXE_doris-emu").into();
    let mut emu = EmuProcess::start(EmuOptions {
        be_count: 2,
        binary: Some(bin),
        ..Default::default()
    })
    .expect("start");
    let ids: Vec<i64> = emu.ports().backends.iter().map(|b| b.id).collect();
    let mut conn = mysql_async::Conn::from_url(emu.mysql_url())
        .await
        .expect("connect");
    conn.query_drop("CREATE DATABASE keep")
        .await
        .expect("create db");
    conn.query_drop(
        "CREATE TABLE keep.t (k INT, v VARCHAR(8)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) \
         BUCKETS 2 PROPERTIES (\"replication_num\" = \"1\")",
    )
    .await
    .expect("create table");
    conn.query_drop("INSERT INTO keep.t VALUES (1, 'x'), (2, 'y')")
        .await
        .expect("insert");
    drop(conn);
    let before = rows(&emu.mysql_url()).await;
    assert_eq!(before.len(), 2);

    let old_port = emu.query_port();
    emu.restart().expect("restart on the same ports");
    assert_eq!(emu.query_port(), old_port);
    assert_eq!(rows(&emu.mysql_url()).await, before);

    emu.restart_on_new_ports().expect("restart on new ports");
    assert_eq!(rows(&emu.mysql_url()).await, before);
    let again: Vec<i64> = emu.ports().backends.iter().map(|b| b.id).collect();
    assert_eq!(again, ids, "BE ids must be stable across restarts");
    assert!(
        emu.terminate(std::time::Duration::from_secs(10)),
        "SIGTERM must stop it gracefully"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn testing_helpers_drive_the_admin_endpoint() {
    let bin = env!("CARGO_BIN_EXE_doris-emu").into();
    let emu = EmuProcess::start(EmuOptions {
        binary: Some(bin),
        ..Default::default()
    })
    .expect("start");
    emu.set_fault(r#"{"target":"sql:CREATE","times":1,"message":"nope"}"#)
        .expect("set fault");
    let mut conn = mysql_async::Conn::from_url(emu.mysql_url())
        .await
        .expect("connect");
    let err = conn
        .query_drop("CREATE DATABASE x")
        .await
        .expect_err("injected");
    assert!(err.to_string().contains("nope"), "{err}");
    conn.query_drop("CREATE DATABASE x")
        .await
        .expect("fault fired once");
    emu.gc_binlog(Some("x")).expect("forced gc");
    emu.gc_binlog(None).expect("forced gc of every db");
    emu.clear_faults().expect("clear");
    let bad = emu.admin_post("/fault", "{not json").expect("reply");
    assert_eq!(bad.0, 400);
}
