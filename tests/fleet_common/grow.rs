//! Growing a fleet: node 1 bootstraps a group, the others join through it; and how the
//! jobs are spread over the nodes.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Fleet;

impl Fleet {
    /// Starts node 1, which bootstraps a group, and waits until it leads; returns its
    /// status. `dry_run` picks the stand-in runner instead of the replication engine.
    pub async fn start_seed(&mut self, dry_run: bool) -> Value {
        self.add(1, vec![]).dry_run = dry_run;
        self.start(1);
        self.wait_ready(1).await
    }

    /// Starts nodes `ids` joining through node 1 (without waiting for them).
    pub fn start_joiners(&mut self, ids: &[u64], dry_run: bool) {
        let seed = self.addr(1);
        for id in ids {
            self.add(*id, vec![seed.clone()]).dry_run = dry_run;
            self.start(*id);
        }
    }

    /// Node 1 bootstraps, nodes 2 and 3 join through it; returns once all three are ready.
    pub async fn three(dry_run: bool) -> Fleet {
        let mut fleet = Fleet::new();
        fleet.start_seed(dry_run).await;
        fleet.start_joiners(&[2, 3], dry_run);
        for id in [1, 2, 3] {
            fleet.wait_ready(id).await;
        }
        fleet
    }

    /// Node 1 bootstraps with the dry-run jobs `job0..job{jobs-1}`, then nodes 2 and 3
    /// join through it; returns once they are ready.
    pub async fn three_with_jobs(jobs: usize) -> Fleet {
        let mut fleet = Fleet::new();
        fleet.start_seed(true).await;
        for i in 0..jobs {
            fleet.create_job(1, &format!("job{i}")).await;
        }
        fleet.start_joiners(&[2, 3], true);
        for id in [2, 3] {
            fleet.wait_ready(id).await;
        }
        fleet
    }
}

/// How many jobs each node owns, given job → owner (nodes owning none are absent).
pub fn counts(owners: &BTreeMap<String, u64>) -> BTreeMap<u64, usize> {
    let mut counts = BTreeMap::new();
    owners
        .values()
        .for_each(|n| *counts.entry(*n).or_default() += 1);
    counts
}
