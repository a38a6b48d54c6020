//! The nemesis: faults chosen by a seeded RNG, one at a time — inject, hold, heal, then
//! measure how long the fleet takes to recover (every live node holds a lease and every
//! job has an owner).

mod doris_faults;
mod node_faults;
mod recovery;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::emu::Emu;
use crate::fleet::Fleet;
use crate::timeline::Timeline;

/// Every fault kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FaultKind {
    /// kill -9 a node, restart it later.
    KillRestart,
    /// SIGSTOP a node for longer than the lease, then SIGCONT.
    StopCont,
    /// Cut a node off from the other nodes (proxies), then heal.
    Partition,
    /// kill -9 the Raft leader, restart it later.
    KillLeader,
    /// Add a fresh node under load, then remove it.
    Membership,
    /// Errors and latency injected into a doris-emu.
    EmuFault,
    /// kill -9 and restart a doris-emu.
    EmuRestart,
    /// Forced binlog GC on the source (jobs must full-sync by themselves).
    BinlogGc,
}

impl FaultKind {
    /// All kinds, in the order of the summary table.
    pub const ALL: [FaultKind; 8] = [
        FaultKind::KillRestart,
        FaultKind::StopCont,
        FaultKind::Partition,
        FaultKind::KillLeader,
        FaultKind::Membership,
        FaultKind::EmuFault,
        FaultKind::EmuRestart,
        FaultKind::BinlogGc,
    ];

    /// Short name (timeline, summary).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::KillRestart => "kill-restart",
            FaultKind::StopCont => "sigstop",
            FaultKind::Partition => "partition",
            FaultKind::KillLeader => "kill-leader",
            FaultKind::Membership => "membership",
            FaultKind::EmuFault => "emu-fault",
            FaultKind::EmuRestart => "emu-restart",
            FaultKind::BinlogGc => "binlog-gc",
        }
    }

    /// The kind named `name` (as in [`FaultKind::name`]).
    pub fn parse(name: &str) -> Option<FaultKind> {
        FaultKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What the nemesis saw.
#[derive(Debug, Default, Clone)]
pub struct NemesisStats {
    /// Faults injected per kind.
    pub counts: BTreeMap<FaultKind, u64>,
    /// Time from each heal to recovery.
    pub recoveries: Vec<Duration>,
    /// Faults after which the fleet did not recover within the limit.
    pub unrecovered: Vec<String>,
}

/// The fault injector.
#[derive(Clone)]
pub struct Nemesis {
    /// The fleet.
    pub fleet: Arc<Fleet>,
    /// Source cluster.
    pub src: Emu,
    /// Target cluster.
    pub dst: Emu,
    /// The timeline.
    pub timeline: Arc<Timeline>,
    /// Seed of the nemesis' RNG.
    pub seed: u64,
    /// The fault kinds to draw from (empty: all of them).
    pub kinds: Vec<FaultKind>,
}

/// Recovery longer than this is reported.
const RECOVERY_LIMIT: Duration = Duration::from_secs(45);

impl Nemesis {
    /// Injects faults until `stop`, then returns the stats.
    pub async fn run(self, stop: Arc<AtomicBool>) -> NemesisStats {
        let mut rng = StdRng::seed_from_u64(self.seed);
        let mut stats = NemesisStats::default();
        let mut next_id = 4;
        let kinds = if self.kinds.is_empty() {
            FaultKind::ALL.to_vec()
        } else {
            self.kinds.clone()
        };
        while !stop.load(Ordering::SeqCst) {
            // Quiet gap between faults (load keeps flowing).
            tokio::time::sleep(Duration::from_millis(rng.gen_range(1_000..4_000))).await;
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let kind = kinds[rng.gen_range(0..kinds.len())];
            let target = self.inject(kind, &mut rng, &mut next_id).await;
            *stats.counts.entry(kind).or_default() += 1;
            self.timeline
                .record(&format!("{}-healed", kind.name()), &target);
            match self.recovered(RECOVERY_LIMIT).await {
                Some(d) => {
                    self.timeline
                        .record("recovered", &format!("{}: {d:.2?}", kind.name()));
                    if d > Duration::from_secs(5) {
                        let what = format!("{} on {target}: {d:.1?}", kind.name());
                        self.timeline.record("slow-recovery", &what);
                    }
                    stats.recoveries.push(d);
                }
                None => stats
                    .unrecovered
                    .push(format!("{} on {target}", kind.name())),
            }
        }
        stats
    }

    /// Injects, holds and heals one fault; returns its target.
    async fn inject(&self, kind: FaultKind, rng: &mut StdRng, next_id: &mut u64) -> String {
        match kind {
            FaultKind::KillRestart => self.kill_restart(rng, None).await,
            FaultKind::StopCont => self.stop_cont(rng).await,
            FaultKind::Partition => self.partition(rng).await,
            FaultKind::KillLeader => {
                let leader = self.fleet.leader().await;
                self.kill_restart(rng, leader).await
            }
            FaultKind::Membership => {
                let id = *next_id;
                *next_id += 1;
                self.membership(rng, id).await
            }
            FaultKind::EmuFault => self.emu_fault(rng).await,
            FaultKind::EmuRestart => self.emu_restart(rng).await,
            FaultKind::BinlogGc => self.binlog_gc(rng).await,
        }
    }

    /// Heals everything the nemesis may have left behind (end of the safety phase).
    pub async fn heal_all(&self) {
        self.fleet.links.heal_all();
        for id in crate::fleet::BASE {
            let running = self.fleet.with(id, |n| {
                n.set_stopped(false);
                n.is_running()
            });
            if running == Some(false) {
                let _ = self.fleet.spawn(id);
            }
        }
        for emu in [&self.src, &self.dst] {
            if !emu.is_running().await {
                let _ = emu.restart().await;
            }
            let _ = emu.clear_faults().await;
        }
        self.timeline
            .record("heal-all", "fleet, proxies, emulators");
    }
}

/// Sleeps a random time in `range` ms (how long a fault is held).
async fn hold(rng: &mut StdRng, range: std::ops::Range<u64>) {
    tokio::time::sleep(Duration::from_millis(rng.gen_range(range))).await;
}
