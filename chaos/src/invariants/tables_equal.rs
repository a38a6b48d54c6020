//! Every target table equals its source: same tables per database, same schema (`DESC`),
//! same partitions (names and ranges) and the same rows (sorted).

use ccr_syncer::doris::SqlClient;

use super::Violation;
use crate::emu::rows;
use crate::schema::{jobs, DB_JOBS, TABLE_DB};

const NAME: &str = "tables_equal";

/// What the comparison found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Broken invariant.
    pub violations: Vec<Violation>,
    /// Rows compared.
    pub rows_checked: u64,
    /// Known gaps (reported, not failed); none at present.
    pub gaps: Vec<String>,
}

/// Compares every replicated table.
pub async fn check(src: &SqlClient, dst: &SqlClient) -> Outcome {
    let mut out = Vec::new();
    let mut checked = 0;
    for (db, tables) in replicated(src).await {
        for t in tables {
            match compare_table(src, dst, db, &t).await {
                Ok(n) => checked += n,
                Err(e) => out.push(Violation::new(NAME, e)),
            }
        }
    }
    for db in DB_JOBS {
        // Exactly the source's tables: a target-only table (e.g. dropped on the source,
        // its DROP binlog GC'd, then a full sync) is a violation too.
        let (a, b) = (table_names(src, db).await, table_names(dst, db).await);
        if a.is_none() || a != b {
            out.push(Violation::new(
                NAME,
                format!("{db}: source tables {a:?}, target {b:?}"),
            ));
        }
    }
    Outcome {
        violations: out,
        rows_checked: checked,
        gaps: Vec::new(),
    }
}

/// `(db, tables)` replicated by some job, as the source has them now.
pub async fn replicated(src: &SqlClient) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    for db in DB_JOBS {
        out.push((db, table_names(src, db).await.unwrap_or_default()));
    }
    let tables = jobs()
        .into_iter()
        .filter(|j| j.db == TABLE_DB)
        .map(|j| j.table.to_string());
    out.push((TABLE_DB, tables.collect()));
    out
}

async fn table_names(c: &SqlClient, db: &str) -> Option<Vec<String>> {
    let mut names: Vec<String> = rows(c, &format!("SHOW TABLES FROM `{db}`"))
        .await?
        .into_iter()
        .filter_map(|r| r.into_iter().next())
        .collect();
    names.sort();
    Some(names)
}

/// Compares one table on both sides; `Ok(rows compared)` or the first difference.
pub async fn compare_table(
    src: &SqlClient,
    dst: &SqlClient,
    db: &str,
    t: &str,
) -> Result<u64, String> {
    let desc = format!("DESC `{db}`.`{t}`");
    let (a, b) = (rows(src, &desc).await, rows(dst, &desc).await);
    if a != b {
        return Err(format!("{db}.{t}: schema differs: {a:?} vs {b:?}"));
    }
    let (a, b) = (partitions(src, db, t).await, partitions(dst, db, t).await);
    if a != b {
        return Err(format!("{db}.{t}: partitions differ: {a:?} vs {b:?}"));
    }
    let q = format!("SELECT * FROM `{db}`.`{t}`");
    let sorted = |r: Option<Vec<Vec<String>>>| {
        r.map(|mut v| {
            v.sort();
            v
        })
    };
    let (a, b) = (sorted(rows(src, &q).await), sorted(rows(dst, &q).await));
    match (&a, &b) {
        (Some(x), Some(y)) if x == y => Ok(x.len() as u64),
        (Some(x), Some(y)) => Err(format!(
            "{db}.{t}: rows differ: {} source rows, {} target rows, first difference {:?}",
            x.len(),
            y.len(),
            x.iter().zip(y.iter()).find(|(p, q)| p != q)
        )),
        _ => Err(format!(
            "{db}.{t}: unreadable (source {}, target {})",
            a.is_some(),
            b.is_some()
        )),
    }
}

/// Partition names and ranges (ids differ between clusters by design).
async fn partitions(c: &SqlClient, db: &str, t: &str) -> Option<Vec<(String, String)>> {
    let q = format!("SHOW PARTITIONS FROM `{db}`.`{t}`");
    let rs = c.query(&q).await.ok()?;
    let mut out: Vec<(String, String)> = rs
        .iter()
        .map(|r| {
            let name = r.get_opt("PartitionName").unwrap_or("").to_string();
            (name, r.get_opt("Range").unwrap_or("").to_string())
        })
        .collect();
    out.sort();
    Some(out)
}
