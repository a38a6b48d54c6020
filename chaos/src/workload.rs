//! The seeded workload: a steady stream of inserts and deletes into the UNIQUE, DUPLICATE
//! and AGGREGATE-SUM tables of every source database, periodic DDL, and pause/resume calls.

pub mod api_ops;
pub mod ddl;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ccr_syncer::doris::SqlClient;
use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::fleet::Fleet;
use crate::ledger::Ledger;
use crate::schema::{dbs, jobs, Kind, KEY_SPACE};
use ddl::DdlState;

/// Everything the workload task needs.
pub struct Workload {
    /// Source SQL client.
    pub src: SqlClient,
    /// The fleet (pause/resume go through its nodes).
    pub fleet: Arc<Fleet>,
    /// The oracle.
    pub ledger: Arc<Mutex<Ledger>>,
    /// Set to end the workload.
    pub stop: Arc<AtomicBool>,
    /// Seed of the workload's own RNG.
    pub seed: u64,
}

/// Pace of the stream (this is the load, not a wait for a condition): about 4 row
/// operations a second over three databases, below what a db job applies (~3–4 binlogs a
/// second each in a debug build, every binlog being several Raft progress commits), so
/// jobs catch up after each fault instead of falling behind for good.
const TICK: Duration = Duration::from_millis(250);

impl Workload {
    /// Runs until `stop`; the last pause of each job is undone by the heal phase.
    pub async fn run(self) {
        let mut rng = StdRng::seed_from_u64(self.seed);
        let mut ddl = DdlState::new(dbs());
        let names: Vec<String> = jobs().into_iter().map(|j| j.name).collect();
        let mut next_ddl = Instant::now() + Duration::from_secs(5);
        let mut next_api = Instant::now() + Duration::from_secs(10);
        let mut paused: Option<(String, Instant)> = None;
        while !self.stop.load(Ordering::SeqCst) {
            self.row_op(&mut rng, &ddl).await;
            if Instant::now() >= next_ddl {
                for stmt in ddl.next(&mut rng) {
                    let ok = self.src.exec(&stmt).await.is_ok();
                    self.count(ok, 0);
                }
                self.ledger.lock().ddl += 1;
                next_ddl = Instant::now() + Duration::from_millis(rng.gen_range(4_000..9_000));
            }
            if let Some((job, at)) = paused.take() {
                if Instant::now() >= at {
                    api_ops::pause_or_resume(&self.fleet, &self.ledger, &mut rng, &job, false)
                        .await;
                } else {
                    paused = Some((job, at));
                }
            } else if Instant::now() >= next_api {
                let job = names[rng.gen_range(0..names.len())].clone();
                api_ops::pause_or_resume(&self.fleet, &self.ledger, &mut rng, &job, true).await;
                paused = Some((
                    job,
                    Instant::now() + Duration::from_secs(rng.gen_range(2..6)),
                ));
                next_api = Instant::now() + Duration::from_secs(rng.gen_range(10..20));
            }
            tokio::time::sleep(TICK).await;
        }
    }

    fn count(&self, ok: bool, rows: u64) {
        let mut l = self.ledger.lock();
        if ok {
            l.rows_written += rows;
        } else {
            l.source_errors += 1;
        }
    }

    /// One insert or delete into a random table.
    async fn row_op(&self, rng: &mut StdRng, ddl: &DdlState) {
        let all = dbs();
        let db = all[rng.gen_range(0..all.len())];
        let id = rng.gen_range(0..KEY_SPACE);
        let kind = Kind::ALL[rng.gen_range(0..3)];
        let t = kind.table();
        if kind == Kind::AggSum {
            let q = format!("INSERT INTO `{db}`.`{t}` (id, v) VALUES ({id}, 1)");
            let ok = self.src.exec(&q).await.is_ok();
            self.ledger.lock().agg_insert(db, id, ok);
            return self.count(ok, 1);
        }
        let q = match rng.gen_range(0..10) {
            0..=1 => format!("DELETE FROM `{db}`.`{t}` WHERE id = {id}"),
            2 => match ddl.extra_tables().first() {
                Some((db, extra)) => {
                    format!("INSERT INTO `{db}`.`{extra}` (id, v) VALUES ({id}, 1)")
                }
                None => return,
            },
            _ => format!(
                "INSERT INTO `{db}`.`{t}` (id, v) VALUES ({id}, {})",
                rng.gen_range(0..1000)
            ),
        };
        let ok = self.src.exec(&q).await.is_ok();
        self.count(ok, 1);
    }
}
