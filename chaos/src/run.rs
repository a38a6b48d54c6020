//! One seeded run: setup, a safety phase under faults, then heal-and-converge and the
//! invariant checks.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use serde_json::json;

use crate::emu::{sibling, Emu};
use crate::fleet::{Fleet, BASE};
use crate::invariants::{self as inv, lag_converges};
use crate::ledger::{AckedState, Ledger};
use crate::nemesis::{Nemesis, NemesisStats};
use crate::schema::{jobs, setup_statements};
use crate::summary::Report;
use crate::timeline::Timeline;
use crate::workload::{api_ops, Workload};

/// How to run.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Seed of every random choice.
    pub seed: u64,
    /// Length of the safety phase (faults and load).
    pub fault_time: Duration,
    /// Work directory (node data and logs, emulator data); kept on failure.
    pub dir: PathBuf,
    /// Fault kinds the nemesis draws from (empty: all).
    pub faults: Vec<crate::nemesis::FaultKind>,
}

/// The pieces of a started world.
struct World {
    src: Emu,
    dst: Emu,
    fleet: Arc<Fleet>,
    ledger: Arc<Mutex<Ledger>>,
    timeline: Arc<Timeline>,
}

/// Runs once; an `Err` is a harness failure (setup), not an invariant violation.
pub async fn run(cfg: &RunConfig) -> anyhow::Result<Report> {
    let started = Instant::now();
    let w = setup(cfg).await?;
    let names: Vec<String> = jobs().into_iter().map(|j| j.name).collect();
    let stop_sampler = Arc::new(AtomicBool::new(false));
    let sampler = tokio::spawn(crate::sampler::run(w.fleet.clone(), stop_sampler.clone()));
    let stats = safety_phase(&w, cfg).await?;
    for id in BASE {
        w.fleet.wait_ready(id, Duration::from_secs(30)).await?;
    }
    w.timeline.record("heal", "faults and load stopped");
    let mut report = check(&w, &names).await;
    stop_sampler.store(true, Ordering::SeqCst);
    let samples = sampler.await?;
    let progress = inv::progress_monotonic::check(&samples.progress);
    report.violations.extend(progress);
    let audits = inv::single_committer::read(&w.fleet.log_files());
    report
        .violations
        .extend(inv::single_committer::check(&audits));
    let l = w.ledger.lock();
    report.seed = cfg.seed;
    report.runs = 1;
    report.elapsed = started.elapsed();
    report.nemesis = stats;
    report.failovers = samples.failovers;
    report.samples = samples.progress.len() as u64;
    report.audits = audits.len() as u64;
    (report.rows_written, report.source_errors) = (l.rows_written, l.source_errors);
    (report.ddl, report.api_writes) = (l.ddl, l.api_writes);
    report.timeline = w.timeline.render();
    Ok(report)
}

/// Load and faults for `cfg.fault_time`, then heal everything and stop the load.
async fn safety_phase(w: &World, cfg: &RunConfig) -> anyhow::Result<NemesisStats> {
    let what = format!("{:?} of faults and load", cfg.fault_time);
    w.timeline.record("safety-phase", &what);
    let stop_load = Arc::new(AtomicBool::new(false));
    let workload = Workload {
        src: w.src.sql.clone(),
        fleet: w.fleet.clone(),
        ledger: w.ledger.clone(),
        stop: stop_load.clone(),
        seed: cfg.seed,
    };
    let load = tokio::spawn(workload.run());
    let nemesis = Nemesis {
        fleet: w.fleet.clone(),
        src: w.src.clone(),
        dst: w.dst.clone(),
        timeline: w.timeline.clone(),
        seed: cfg.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        kinds: cfg.faults.clone(),
    };
    let stop_faults = Arc::new(AtomicBool::new(false));
    let healer = nemesis.clone();
    let faults = tokio::spawn(nemesis.run(stop_faults.clone()));
    tokio::time::sleep(cfg.fault_time).await;
    stop_faults.store(true, Ordering::SeqCst);
    let stats = faults.await?;
    healer.heal_all().await;
    stop_load.store(true, Ordering::SeqCst);
    load.await?;
    Ok(stats)
}

/// The heal-and-converge checks.
async fn check(w: &World, names: &[String]) -> Report {
    let mut report = Report::default();
    let acked: Vec<(String, AckedState)> = w.ledger.lock().jobs.clone().into_iter().collect();
    report
        .violations
        .extend(inv::acked_writes::check(&w.fleet, &acked).await);
    for job in api_ops::resume_all(&w.fleet, &w.ledger, names).await {
        report.violations.push(inv::Violation::new(
            "acked_writes",
            format!("resume of {job} never acknowledged"),
        ));
    }
    let (v, converge) = lag_converges::check(&w.fleet, &w.src.sql, &w.dst.sql, names).await;
    report.violations.extend(v);
    report.converge = converge;
    let tables = inv::tables_equal::check(&w.src.sql, &w.dst.sql).await;
    report.violations.extend(tables.violations);
    report.rows_checked = tables.rows_checked;
    report.known_gaps = tables.gaps;
    let agg = w.ledger.lock().agg.clone();
    report
        .violations
        .extend(inv::no_double_apply::check(&w.dst.sql, &agg).await);
    report
}

/// Starts the emulators and the fleet, creates the schema and the jobs, waits for the
/// initial full syncs.
async fn setup(cfg: &RunConfig) -> anyhow::Result<World> {
    let timeline = Arc::new(Timeline::new());
    let src = Emu::start("src", cfg.dir.join("src-emu"), 100_000, 10_001).await?;
    let dst = Emu::start("dst", cfg.dir.join("dst-emu"), 900_000, 20_001).await?;
    for stmt in setup_statements() {
        src.sql
            .exec(&stmt)
            .await
            .map_err(|e| anyhow::anyhow!("{stmt}: {e}"))?;
    }
    let bin = std::env::var_os("CCR_SYNCER_BIN")
        .map(PathBuf::from)
        .or_else(|| sibling("ccr-syncer"))
        .ok_or_else(|| anyhow::anyhow!("ccr-syncer binary not found"))?;
    let fleet = Arc::new(Fleet::start(&cfg.dir, &bin).await?);
    timeline.record("setup", "3 nodes, 2 emulators up");
    let mut ledger = Ledger::default();
    for db in crate::schema::dbs() {
        ledger.agg_insert(db, 0, true);
    }
    for job in jobs() {
        let body = json!({"name": job.name, "src": src.side(job.db, job.table),
                          "dest": dst.side(job.db, job.table)});
        let reply = fleet.post(1, "/create_ccr", &body).await;
        if reply.as_ref().map(|r| r["success"] == json!(true)) != Some(true) {
            anyhow::bail!("create {}: {reply:?}", job.name);
        }
        ledger.jobs.insert(job.name.clone(), AckedState::Running);
    }
    let names: Vec<String> = jobs().into_iter().map(|j| j.name).collect();
    let (v, took) = lag_converges::check(&fleet, &src.sql, &dst.sql, &names).await;
    if let Some(v) = v.first() {
        anyhow::bail!("initial full sync did not finish: {v}");
    }
    timeline.record("setup", &format!("initial sync done in {took:?}"));
    Ok(World {
        src,
        dst,
        fleet,
        ledger: Arc::new(Mutex::new(ledger)),
        timeline,
    })
}
