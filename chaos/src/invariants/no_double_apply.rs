//! No double apply: on the target, each AGGREGATE-SUM key sums to the number of inserts of
//! `v = 1` made for it (a replayed load would double it). Inserts whose reply was lost may
//! or may not have happened, so they widen the allowed range.

use std::collections::BTreeMap;

use ccr_syncer::doris::SqlClient;

use super::Violation;
use crate::emu::rows;
use crate::ledger::SumCount;
use crate::schema::Kind;

const NAME: &str = "no_double_apply";

/// Checks the target's `agg` tables against the ledger.
pub async fn check(dst: &SqlClient, ledger: &BTreeMap<(String, i64), SumCount>) -> Vec<Violation> {
    let mut out = Vec::new();
    let dbs: std::collections::BTreeSet<&String> = ledger.keys().map(|(db, _)| db).collect();
    for db in dbs {
        let q = format!("SELECT id, v FROM `{db}`.`{}`", Kind::AggSum.table());
        let Some(got) = rows(dst, &q).await else {
            out.push(Violation::new(
                NAME,
                format!("{db}.agg unreadable on the target"),
            ));
            continue;
        };
        let got: BTreeMap<i64, u64> = got
            .iter()
            .filter_map(|r| Some((r.first()?.parse().ok()?, r.get(1)?.parse().ok()?)))
            .collect();
        for ((d, id), c) in ledger.iter().filter(|((d, _), _)| d == db) {
            let sum = got.get(id).copied().unwrap_or(0);
            if sum < c.acked || sum > c.acked + c.uncertain {
                out.push(Violation::new(
                    NAME,
                    format!(
                        "{d}.agg id {id}: sum {sum}, inserts acked {} (+{} unknown)",
                        c.acked, c.uncertain
                    ),
                ));
            }
        }
        for id in got
            .keys()
            .filter(|id| !ledger.contains_key(&(db.clone(), **id)))
        {
            out.push(Violation::new(
                NAME,
                format!("{db}.agg id {id}: never inserted"),
            ));
        }
    }
    out
}
