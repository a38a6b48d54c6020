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
