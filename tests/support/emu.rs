//! `doris-emu` processes with a `root` SQL client, and the JSON cluster side of a
//! `/create_ccr` request pointing at one.

use ccr_syncer::doris::{ClusterSpec, Secret, SqlClient, SqlOptions};
use doris_emu::testing::{EmuOptions, EmuProcess};
use serde_json::{json, Value};

/// Options of an emulator whose ids start at `id_base` (so ids differ across clusters).
pub fn emu_opts(id_base: i64) -> EmuOptions {
    EmuOptions {
        id_base: Some(id_base),
        ..Default::default()
    }
}

/// [`emu_opts`] with the backend ids starting at `be_id_base` too.
pub fn emu_ids(id_base: i64, be_id_base: i64) -> EmuOptions {
    EmuOptions {
        be_id_base: Some(be_id_base),
        ..emu_opts(id_base)
    }
}

/// Starts an emulator (blocking) and connects a `root` SQL client to it.
pub fn start_emu(opts: EmuOptions) -> (EmuProcess, SqlClient) {
    let password = opts.root_password.clone();
    let emu = EmuProcess::start(opts).expect("doris-emu starts");
    let sql = root_sql(&emu, &password);
    (emu, sql)
}

/// [`start_emu`] off the async runtime's worker threads.
pub async fn spawn_emu(opts: EmuOptions) -> (EmuProcess, SqlClient) {
    tokio::task::spawn_blocking(move || start_emu(opts))
        .await
        .expect("spawn_blocking")
}

/// A source and a target emulator whose `root` password is `password` (ids from
/// `src_ids` / `dst_ids`: (cluster, backend)), the source holding database `db` with
/// binlog on and table `t1 (k, v)` with rows (1, 10), (2, 20).
pub async fn password_pair_with_db(
    password: &str,
    src_ids: (i64, i64),
    dst_ids: (i64, i64),
    db: &str,
) -> ((EmuProcess, SqlClient), (EmuProcess, SqlClient)) {
    let opts = |(id, be): (i64, i64)| EmuOptions {
        root_password: password.into(),
        ..emu_ids(id, be)
    };
    let (src_opts, dst_opts) = (opts(src_ids), opts(dst_ids));
    let (src, dst) =
        tokio::task::spawn_blocking(move || (start_emu(src_opts), start_emu(dst_opts)))
            .await
            .expect("emulators");
    for s in [
        format!("CREATE DATABASE `{db}` PROPERTIES (\"binlog.enable\" = \"true\")"),
        format!(
            "CREATE TABLE `{db}`.`t1` (k INT NOT NULL, v INT NULL) DUPLICATE KEY(k) \
             DISTRIBUTED BY HASH(k) BUCKETS 1 \
             PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")"
        ),
        format!("INSERT INTO `{db}`.`t1` VALUES (1, 10), (2, 20)"),
    ] {
        src.1.exec(&s).await.unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    (src, dst)
}

/// A SQL client on `emu` as `root` with `password` (default database `x`).
pub fn root_sql(emu: &EmuProcess, password: &str) -> SqlClient {
    let spec = ClusterSpec {
        host: "127.0.0.1".into(),
        port: emu.query_port().to_string(),
        thrift_port: emu.rpc_port().to_string(),
        user: "root".into(),
        password: Secret::new(password),
        database: "x".into(),
        ..Default::default()
    };
    SqlClient::new(&spec, None, SqlOptions::default()).expect("sql client")
}

/// The `src`/`dest` JSON of a job on `emu`'s `db`.`table` (`""` for a db job), as `root`
/// with an empty password.
pub fn side(emu: &EmuProcess, db: &str, table: &str) -> Value {
    side_with_password(emu, "", db, table)
}

/// [`side`] with `root`'s `password`.
pub fn side_with_password(emu: &EmuProcess, password: &str, db: &str, table: &str) -> Value {
    json!({"host": "127.0.0.1", "port": emu.query_port().to_string(),
           "thrift_port": emu.rpc_port().to_string(), "user": "root", "password": password,
           "database": db, "table": table})
}
