//! Database-level equality: the same tables and views, each table equal (schema,
//! partitions, sorted rows), each view with the same definition.

use std::time::{Duration, Instant};

use ccr_syncer::doris::SqlClient;

use super::db::{diff, query, table_state, TableState, EQUAL_TIMEOUT};
use super::Scenario;

/// One object of a database as compared.
#[derive(Debug, PartialEq, Eq)]
enum Object {
    Table(TableState),
    View(String),
}

/// Names (sorted) and states of every table and view of `db`.
async fn db_state(c: &SqlClient, db: &str) -> Result<Vec<(String, Object)>, String> {
    let mut names: Vec<String> = query(c, &format!("SHOW TABLES FROM `{db}`"))
        .await?
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let q = format!("SHOW CREATE TABLE `{db}`.`{name}`");
        let create = query(c, &q).await?;
        let text = create
            .first()
            .and_then(|r| r.get(1))
            .cloned()
            .unwrap_or_default();
        let obj = if text.starts_with("CREATE VIEW") {
            Object::View(text)
        } else {
            Object::Table(table_state(c, db, &name).await?)
        };
        out.push((name, obj));
    }
    Ok(out)
}

fn describe(want: &[(String, Object)], got: &Result<Vec<(String, Object)>, String>) -> String {
    let got = match got {
        Err(e) => return format!("target: {e}"),
        Ok(g) => g,
    };
    let names = |v: &[(String, Object)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    let mut out = format!(
        "tables: source {:?}, target {:?}\n",
        names(want),
        names(got)
    );
    for (name, w) in want {
        match (w, got.iter().find(|(n, _)| n == name).map(|(_, o)| o)) {
            (Object::Table(a), Some(Object::Table(b))) if a != b => {
                out.push_str(&format!("{name}: {}", diff(a, &Ok(b.clone()))));
            }
            (a, Some(b)) if a != b => out.push_str(&format!("{name}: {a:?} vs {b:?}\n")),
            _ => {}
        }
    }
    out
}

impl Scenario {
    /// Waits until database `db` is equal on both sides (tables, views, rows).
    pub async fn wait_db_equal(&self, db: &str) {
        let start = Instant::now();
        loop {
            let want = db_state(&self.src_sql, db)
                .await
                .unwrap_or_else(|e| panic!("source: {e}"));
            let got = db_state(&self.dst_sql, db).await;
            if got.as_ref() == Ok(&want) {
                return;
            }
            if start.elapsed() > EQUAL_TIMEOUT {
                let jobs = self.describe_jobs().await;
                panic!(
                    "target db {db} never became equal to the source within {EQUAL_TIMEOUT:?}:\n{}\njobs: {jobs}",
                    describe(&want, &got)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
