//! Helpers shared by the `cluster_*` integration tests.
#![allow(dead_code)]

use doris_emu::cluster::{BackendConfig, Cluster, ClusterConfig, Session};
use doris_emu::result::{QueryResult, SqlError};

/// A memory-only cluster with `n` backends and the given id base.
pub fn cluster(n: usize, id_base: i64) -> Cluster {
    Cluster::open(config(n, id_base, None)).expect("open cluster")
}

/// A config with `n` backends.
pub fn config(n: usize, id_base: i64, dir: Option<std::path::PathBuf>) -> ClusterConfig {
    let backends = (0..n)
        .map(|i| BackendConfig {
            id: 10001 + i as i64,
            host: "127.0.0.1".into(),
            be_port: 9060 + i as i32,
            http_port: 8040 + i as i32,
            brpc_port: 8060 + i as i32,
            heartbeat_port: 9050 + i as i32,
        })
        .collect();
    ClusterConfig {
        data_dir: dir,
        backends,
        id_base,
        ..Default::default()
    }
}

/// Runs SQL, panicking with the statement on error.
pub fn exec(c: &Cluster, s: &mut Session, sql: &str) -> QueryResult {
    match c.execute(s, sql) {
        Ok(r) => r,
        Err(e) => panic!("{sql}: {e}"),
    }
}

/// Runs SQL expecting an error.
pub fn fails(c: &Cluster, s: &mut Session, sql: &str) -> SqlError {
    match c.execute(s, sql) {
        Ok(r) => panic!("{sql}: expected an error, got {r:?}"),
        Err(e) => e,
    }
}

/// Rows of a query as strings ("NULL" for NULL).
pub fn rows(c: &Cluster, s: &mut Session, sql: &str) -> Vec<Vec<String>> {
    match exec(c, s, sql) {
        QueryResult::Rows { rows, .. } => rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|c| c.unwrap_or_else(|| "NULL".into()))
                    .collect()
            })
            .collect(),
        other => panic!("{sql}: expected rows, got {other:?}"),
    }
}

/// The value of column `col` in each row of a result.
pub fn column(c: &Cluster, s: &mut Session, sql: &str, col: &str) -> Vec<String> {
    match exec(c, s, sql) {
        QueryResult::Rows { columns, rows } => {
            let i = columns
                .iter()
                .position(|c| c.name == col)
                .unwrap_or_else(|| panic!("{sql}: no column {col}"));
            rows.into_iter()
                .map(|r| r[i].clone().unwrap_or_else(|| "NULL".into()))
                .collect()
        }
        other => panic!("{sql}: expected rows, got {other:?}"),
    }
}

/// A session with `db` selected (created when missing).
pub fn session_in(c: &Cluster, db: &str) -> Session {
    let mut s = Session::default();
    exec(c, &mut s, &format!("CREATE DATABASE IF NOT EXISTS `{db}`"));
    exec(c, &mut s, &format!("USE `{db}`"));
    s
}

/// Binlogs of a db (via the binlog store's getBinlog, walking from `prev`).
pub fn binlogs(c: &Cluster, db: &str) -> Vec<(i64, i32, String)> {
    c.with_state(|st| {
        let db_id = st.db(db).expect("db").id;
        let mut out = Vec::new();
        let mut prev = -1;
        loop {
            match st.binlog.get(db_id, None, prev, Some(255)) {
                Ok((_, got)) if !got.is_empty() => {
                    for g in got {
                        prev = g.entry.commit_seq;
                        if g.entry.kind != 7 {
                            out.push((g.entry.commit_seq, g.entry.kind, g.entry.data.clone()));
                        }
                    }
                }
                _ => break,
            }
        }
        out
    })
}
