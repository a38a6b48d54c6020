//! AGGREGATE KEY tables `(id INT, v BIGINT SUM)` on a source emulator: a double apply on
//! the target would double `v`, so equal rows mean every row replicated exactly once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ccr_syncer::doris::{SqlClient, SqlRow};
use doris_emu::testing::EmuProcess;
use serde_json::{json, Value};

use super::emu::side;
use super::poll::poll;

/// `CREATE TABLE` of `db`.`table`: 2 buckets, `replicas` replicas, binlog on.
pub fn sum_table_ddl(db: &str, table: &str, replicas: u32) -> String {
    format!(
        "CREATE TABLE `{db}`.`{table}` (id INT NOT NULL, v BIGINT SUM NOT NULL DEFAULT \"0\") \
         AGGREGATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2 \
         PROPERTIES (\"replication_num\" = \"{replicas}\", \"binlog.enable\" = \"true\")"
    )
}

/// The rows of `db`.`table` as `id:v`, by id; `None` while the query fails.
pub async fn id_v_rows(sql: &SqlClient, db: &str, table: &str) -> Option<Vec<String>> {
    let q = format!("SELECT id, v FROM `{db}`.`{table}` ORDER BY id");
    let rows = sql.query(&q).await.ok()?;
    let text = |r: &SqlRow| {
        let (id, v) = (r.get_opt("id"), r.get_opt("v"));
        format!("{}:{}", id.unwrap_or(""), v.unwrap_or(""))
    };
    Some(rows.iter().map(text).collect())
}

/// An insert stream running in a task (see [`SumTables::start_stream`]).
pub struct Stream {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<i64>,
}

/// Tables `t0..t{count-1}` of database `db`, replicated by jobs `{db}_j0..`.
#[derive(Clone, Copy)]
pub struct SumTables {
    pub db: &'static str,
    pub count: usize,
}

impl SumTables {
    /// Creates the database and the tables on `src`, each with the row `(0, 1)`.
    pub async fn create(&self, src: &SqlClient) {
        let db = self.db;
        src.exec(&format!("CREATE DATABASE `{db}`"))
            .await
            .expect("db");
        for i in 0..self.count {
            let ddl = sum_table_ddl(db, &format!("t{i}"), 1);
            src.exec(&ddl).await.expect("table");
            let insert = format!("INSERT INTO `{db}`.`t{i}` VALUES (0, 1)");
            src.exec(&insert).await.expect("insert");
        }
    }

    /// The rows of table `t{table}`.
    pub async fn rows(&self, sql: &SqlClient, table: usize) -> Option<Vec<String>> {
        id_v_rows(sql, self.db, &format!("t{table}")).await
    }

    /// `Some` once every table has rows and the same rows on `src` and `dst`.
    pub async fn all_equal(&self, src: &SqlClient, dst: &SqlClient) -> Option<()> {
        for t in 0..self.count {
            let a = self.rows(src, t).await?;
            if a.is_empty() || self.rows(dst, t).await? != a {
                return None;
            }
        }
        Some(())
    }

    /// Waits (120 s) until the full syncs copied every table to `dst`.
    pub async fn wait_full_syncs(&self, src: &SqlClient, dst: &SqlClient) {
        let equal = || self.all_equal(src, dst);
        poll("full syncs done", Duration::from_secs(120), equal).await;
    }

    /// Inserts one new row into every table per round until `stop`; returns the rounds.
    pub async fn insert_stream(self, src: SqlClient, stop: Arc<AtomicBool>) -> i64 {
        let mut k = 1i64;
        while !stop.load(Ordering::SeqCst) {
            for t in 0..self.count {
                let q = format!("INSERT INTO `{}`.`t{t}` VALUES ({k}, 1)", self.db);
                src.exec(&q).await.expect("stream insert");
            }
            k += 1;
            // Pace the stream (this is the load, not a wait for a condition).
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        k - 1
    }

    /// Starts [`SumTables::insert_stream`] in a task.
    pub fn start_stream(self, src: &SqlClient) -> Stream {
        let stop = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn(self.insert_stream(src.clone(), stop.clone()));
        Stream { stop, task }
    }

    /// Stops `stream` and waits until the targets equal the sources; returns the rounds.
    pub async fn finish_stream(&self, stream: Stream, src: &SqlClient, dst: &SqlClient) -> i64 {
        stream.stop.store(true, Ordering::SeqCst);
        let rounds = stream.task.await.expect("stream task");
        poll(
            "targets equal after the stream",
            Duration::from_secs(120),
            || self.all_equal(src, dst),
        )
        .await;
        rounds
    }

    /// The names of all jobs.
    pub fn job_names(&self) -> Vec<String> {
        (0..self.count).map(|i| self.job_name(i)).collect()
    }

    /// The name of the job of table `t{i}`.
    pub fn job_name(&self, i: usize) -> String {
        format!("{}_j{i}", self.db)
    }

    /// The `/create_ccr` body of the job of table `t{i}`, `src` → `dst`.
    pub fn job_body(&self, i: usize, src: &EmuProcess, dst: &EmuProcess) -> Value {
        let t = format!("t{i}");
        json!({"name": self.job_name(i), "src": side(src, self.db, &t),
               "dest": side(dst, self.db, &t)})
    }
}
