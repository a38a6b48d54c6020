//! SQL on the two clusters and what "equal" means: same schema (SHOW CREATE TABLE minus
//! the name, `is_being_synced` and ids), same partitions (names, ranges, buckets) and the
//! same sorted full rows.

use std::time::{Duration, Instant};

use ccr_syncer::doris::{ClusterSpec, SqlClient, SqlOptions};
use doris_emu::testing::EmuProcess;

use super::Scenario;

/// How long `wait_equal` waits (a full sync on a loaded 2-core box takes a few seconds).
pub const EQUAL_TIMEOUT: Duration = Duration::from_secs(60);

/// A SQL client on `emu` (no default database).
pub fn client(emu: &EmuProcess) -> SqlClient {
    let spec = ClusterSpec {
        host: emu.host().to_string(),
        port: emu.query_port().to_string(),
        thrift_port: emu.rpc_port().to_string(),
        user: "root".into(),
        database: "x".into(),
        ..Default::default()
    };
    SqlClient::new(&spec, None, SqlOptions::default()).expect("sql client")
}

/// Rows of `q` as text (NULL = "NULL"), in result order; `Err` with the error text.
pub async fn query(c: &SqlClient, q: &str) -> Result<Vec<Vec<String>>, String> {
    let rows = c.query(q).await.map_err(|e| format!("{q}: {e}"))?;
    Ok(rows
        .iter()
        .map(|r| {
            r.columns()
                .iter()
                .map(|col| r.get_opt(col).unwrap_or("NULL").to_string())
                .collect()
        })
        .collect())
}

/// Runs statements in order, panicking with the statement on failure.
pub async fn exec_all(c: &SqlClient, side: &str, stmts: &[&str]) {
    for s in stmts {
        if let Err(e) = c.exec(s).await {
            panic!("{side}: {s}: {e}");
        }
    }
}

/// `` `db`.`table` `` (test names never hold backquotes).
pub fn qualified(db: &str, table: &str) -> String {
    format!("`{db}`.`{table}`")
}

/// Everything "equal" compares of one table.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct TableState {
    /// Normalized SHOW CREATE TABLE.
    pub schema: Vec<String>,
    /// `name range buckets` of each partition.
    pub partitions: Vec<String>,
    /// Sorted full rows.
    pub rows: Vec<Vec<String>>,
}

/// SHOW CREATE TABLE without the table name line's name, `is_being_synced` and ids.
fn normalize_schema(create: &str) -> Vec<String> {
    create
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.contains("\"is_being_synced\""))
        .map(|(i, l)| {
            if i == 0 && l.starts_with("CREATE TABLE") {
                "CREATE TABLE <name> (".to_string()
            } else {
                l.trim_end_matches(',').to_string()
            }
        })
        .collect()
}

/// The state of `db.table` on `c`, or the error text (e.g. the table does not exist).
pub async fn table_state(c: &SqlClient, db: &str, table: &str) -> Result<TableState, String> {
    let t = qualified(db, table);
    let create = query(c, &format!("SHOW CREATE TABLE {t}")).await?;
    let text = create
        .first()
        .and_then(|r| r.get(1))
        .cloned()
        .unwrap_or_default();
    let parts = query(c, &format!("SHOW PARTITIONS FROM {t}")).await?;
    // Columns: PartitionId, PartitionName, .., Range (6), DistributionKey (7), Buckets (8).
    let partitions = parts
        .iter()
        .map(|r| format!("{} {} {} {}", r[1], r[6], r[7], r[8]))
        .collect();
    let mut rows = query(c, &format!("SELECT * FROM {t}")).await?;
    rows.sort();
    Ok(TableState {
        schema: normalize_schema(&text),
        partitions,
        rows,
    })
}

/// The lines in which two states differ, for failure messages.
pub fn diff(want: &TableState, got: &Result<TableState, String>) -> String {
    let got = match got {
        Err(e) => return format!("target: {e}\nsource: {want:#?}"),
        Ok(g) => g,
    };
    let mut out = String::new();
    let mut part = |what: &str, a: Vec<String>, b: Vec<String>| {
        let missing: Vec<_> = a.iter().filter(|x| !b.contains(x)).collect();
        let extra: Vec<_> = b.iter().filter(|x| !a.contains(x)).collect();
        if a != b {
            out.push_str(&format!(
                "{what}: only on source {missing:?}; only on target {extra:?}\n"
            ));
        }
    };
    part("schema", want.schema.clone(), got.schema.clone());
    part(
        "partitions",
        want.partitions.clone(),
        got.partitions.clone(),
    );
    let fmt = |rows: &[Vec<String>]| rows.iter().map(|r| r.join("|")).collect::<Vec<_>>();
    part("rows", fmt(&want.rows), fmt(&got.rows));
    out
}

impl Scenario {
    /// Runs statements on the source.
    pub async fn src_sql(&self, stmts: &[&str]) {
        exec_all(&self.src_sql, "source", stmts).await;
    }

    /// Runs statements on the target.
    pub async fn dst_sql(&self, stmts: &[&str]) {
        exec_all(&self.dst_sql, "target", stmts).await;
    }

    /// Rows of a query on the source.
    pub async fn src_rows(&self, q: &str) -> Vec<Vec<String>> {
        query(&self.src_sql, q)
            .await
            .unwrap_or_else(|e| panic!("source: {e}"))
    }

    /// Rows of a query on the target (`Err` = the error text).
    pub async fn dst_rows(&self, q: &str) -> Result<Vec<Vec<String>>, String> {
        query(&self.dst_sql, q).await
    }

    /// Waits until `db.table` is equal on both sides; returns its state.
    pub async fn wait_equal(&self, db: &str, table: &str) -> TableState {
        self.wait_equal_as(db, table, db, table).await
    }

    /// Waits until source `sdb.stable` equals target `ddb.dtable` (schema, partitions,
    /// sorted rows); panics after [`EQUAL_TIMEOUT`] with the difference and job states.
    pub async fn wait_equal_as(
        &self,
        sdb: &str,
        stable: &str,
        ddb: &str,
        dtable: &str,
    ) -> TableState {
        let start = Instant::now();
        loop {
            let want = table_state(&self.src_sql, sdb, stable)
                .await
                .unwrap_or_else(|e| panic!("source: {e}"));
            let got = table_state(&self.dst_sql, ddb, dtable).await;
            if got.as_ref() == Ok(&want) {
                return want;
            }
            if start.elapsed() > EQUAL_TIMEOUT {
                let jobs = self.describe_jobs().await;
                panic!(
                    "target {ddb}.{dtable} never became equal to source {sdb}.{stable} within \
                     {EQUAL_TIMEOUT:?}:\n{}\njobs: {jobs}",
                    diff(&want, &got)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Checks for `window` that target `db.table` keeps state `want` (a paused or deleted
    /// job must not apply anything; the window exceeds the engine's longest idle poll).
    pub async fn assert_unchanged(
        &self,
        db: &str,
        table: &str,
        want: &TableState,
        window: Duration,
    ) {
        let start = Instant::now();
        while start.elapsed() < window {
            let got = table_state(&self.dst_sql, db, table).await;
            assert!(
                got.as_ref() == Ok(want),
                "target {db}.{table} changed:\n{}",
                diff(want, &got)
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `(name, id, visible version)` of each partition of target `db.table`.
    pub async fn dst_partition_ids(&self, db: &str, table: &str) -> Vec<(String, String, String)> {
        let q = format!("SHOW PARTITIONS FROM {}", qualified(db, table));
        let rows = self
            .dst_rows(&q)
            .await
            .unwrap_or_else(|e| panic!("target: {e}"));
        rows.into_iter()
            .map(|r| (r[1].clone(), r[0].clone(), r[2].clone()))
            .collect()
    }

    /// Names of the tables (and views) of `db` on the target.
    pub async fn dst_tables(&self, db: &str) -> Vec<String> {
        let rows = self.dst_rows(&format!("SHOW TABLES FROM `{db}`")).await;
        let mut names: Vec<String> = rows
            .unwrap_or_default()
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        names.sort();
        names
    }

    /// Names of the tables (and views) of `db` on the source.
    pub async fn src_tables(&self, db: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .src_rows(&format!("SHOW TABLES FROM `{db}`"))
            .await
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        names.sort();
        names
    }

    /// Snapshot names of the BACKUP jobs on the source db `db` ("no new BACKUP was issued").
    pub async fn source_backups(&self, db: &str) -> Vec<String> {
        let rows = query(&self.src_sql, &format!("SHOW BACKUP FROM `{db}`")).await;
        // Column 1 is SnapshotName (JobId, SnapshotName, DbName, State, ...).
        rows.unwrap_or_default()
            .into_iter()
            .map(|r| r[1].clone())
            .collect()
    }

    /// How many BACKUPs were issued on the source db `db`.
    pub async fn count_source_backups(&self, db: &str) -> usize {
        self.source_backups(db).await.len()
    }

    /// `"is_being_synced"` of the target table (`None` when not shown).
    pub async fn dst_is_being_synced(&self, db: &str, table: &str) -> Option<String> {
        let q = format!("SHOW CREATE TABLE {}", qualified(db, table));
        let rows = self.dst_rows(&q).await.ok()?;
        let text = rows.first()?.get(1)?.clone();
        let line = text.lines().find(|l| l.contains("\"is_being_synced\""))?;
        line.split('=')
            .nth(1)
            .map(|v| v.trim().trim_matches(|c| c == '"' || c == ',').to_string())
    }
}
