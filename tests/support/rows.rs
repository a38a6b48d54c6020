//! Query results as text, to compare a source table with its replica.

use std::time::Duration;

use ccr_syncer::doris::SqlClient;

use super::poll::poll_until;

/// The rows of `q`, each as `col=value,…` (NULL = "NULL"); `None` while the query fails.
pub async fn dump(sql: &SqlClient, q: &str) -> Option<Vec<String>> {
    let rows = sql.query(q).await.ok()?;
    let text = rows.iter().map(|r| {
        let cols = r.columns();
        cols.iter()
            .map(|c| format!("{c}={}", r.get_opt(c).unwrap_or("NULL")))
            .collect::<Vec<_>>()
            .join(",")
    });
    Some(text.collect())
}

/// The last `(source query, target query)` pair whose rows differ, are empty or fail on the
/// source, described; `None` when all match.
pub async fn difference<A, B>(src: &SqlClient, dst: &SqlClient, pairs: &[(A, B)]) -> Option<String>
where
    A: AsRef<str>,
    B: AsRef<str>,
{
    let mut last = None;
    for (a, b) in pairs {
        let (a, b) = (a.as_ref(), b.as_ref());
        let (x, y) = (dump(src, a).await, dump(dst, b).await);
        if x.is_none() || x != y || x.as_ref().is_some_and(Vec::is_empty) {
            last = Some(format!("{a}: {x:?} vs {b}: {y:?}"));
        }
    }
    last
}

/// Waits until every pair matches (see [`difference`]); `Err` with the last difference
/// after `timeout`.
pub async fn wait_pairs_equal<A, B>(
    src: &SqlClient,
    dst: &SqlClient,
    pairs: &[(A, B)],
    timeout: Duration,
) -> Result<(), String>
where
    A: AsRef<str>,
    B: AsRef<str>,
{
    let equal = || async { difference(src, dst, pairs).await.is_none().then_some(()) };
    if poll_until(timeout, equal).await.is_some() {
        return Ok(());
    }
    Err(difference(src, dst, pairs).await.unwrap_or_default())
}
