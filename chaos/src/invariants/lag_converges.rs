//! All jobs back to lag ≈ 0 within 60 s of the heal: every job reports lag 0 through the
//! API and every replicated table matches its source.

use std::time::{Duration, Instant};

use ccr_syncer::doris::SqlClient;
use serde_json::json;

use super::tables_equal::{compare_table, replicated};
use super::Violation;
use crate::fleet::Fleet;

const NAME: &str = "lag_converges";

/// The deadline after the heal.
pub const LIMIT: Duration = Duration::from_secs(60);

/// Waits for convergence; returns the violations and how long it took.
pub async fn check(
    fleet: &Fleet,
    src: &SqlClient,
    dst: &SqlClient,
    jobs: &[String],
) -> (Vec<Violation>, Option<Duration>) {
    let start = Instant::now();
    let mut last = String::new();
    while start.elapsed() < LIMIT {
        match converged(fleet, src, dst, jobs).await {
            Ok(()) => return (Vec::new(), Some(start.elapsed())),
            Err(e) => last = e,
        }
        if start.elapsed().as_secs() >= 10 && start.elapsed().as_secs() % 10 == 0 {
            eprintln!("converging ({:.0?}): {last}", start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let v = Violation::new(
        NAME,
        format!("not converged {LIMIT:?} after the heal: {last}"),
    );
    (vec![v], None)
}

async fn converged(
    fleet: &Fleet,
    src: &SqlClient,
    dst: &SqlClient,
    jobs: &[String],
) -> Result<(), String> {
    for job in jobs {
        let lag = lag(fleet, job).await;
        if lag != Some(0) {
            return Err(format!("job {job}: lag {lag:?}"));
        }
    }
    for (db, tables) in replicated(src).await {
        for t in tables {
            compare_table(src, dst, db, &t).await?;
        }
    }
    Ok(())
}

async fn lag(fleet: &Fleet, job: &str) -> Option<i64> {
    for node in fleet.live() {
        let reply = fleet.post(node, "/get_lag", &json!({ "name": job })).await;
        if let Some(r) = reply.filter(|r| r["success"] == json!(true)) {
            return r["lag"].as_i64();
        }
    }
    None
}
