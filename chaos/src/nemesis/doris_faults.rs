//! Faults on the Doris side: injected errors and latency, emulator restarts, binlog GC.

use rand::rngs::StdRng;
use rand::Rng;

use super::{hold, Nemesis};
use crate::schema::dbs;

/// Source-side targets (the workload writes over SQL, which is never faulted at the source).
const SRC_TARGETS: [&str; 4] = ["getBinlog", "getBinlogLag", "getSnapshot", "getMasterToken"];
/// Target-side targets.
const DST_TARGETS: [&str; 5] = [
    "beginTxn",
    "commitTxn",
    "ingest_binlog",
    "sql:*",
    "restoreSnapshot",
];

impl Nemesis {
    /// Installs an error/latency rule on a random RPC for 2–8 s, then clears it.
    pub(super) async fn emu_fault(&self, rng: &mut StdRng) -> String {
        let on_src = rng.gen_bool(0.4);
        let (emu, rpc) = if on_src {
            (&self.src, SRC_TARGETS[rng.gen_range(0..SRC_TARGETS.len())])
        } else {
            (&self.dst, DST_TARGETS[rng.gen_range(0..DST_TARGETS.len())])
        };
        let rule = match rng.gen_range(0..3) {
            0 => format!(r#"{{"target":"{rpc}","error_rate":0.5}}"#),
            1 => format!(
                r#"{{"target":"{rpc}","latency_ms":{}}}"#,
                rng.gen_range(100..800)
            ),
            // Lost replies: the call happened, the answer says it failed.
            _ if rpc == "commitTxn" => {
                r#"{"target":"commitTxn","publish_timeout":true,"times":2}"#.into()
            }
            _ => format!(r#"{{"target":"{rpc}","error_rate":0.3,"after":true}}"#),
        };
        let target = format!("{} {rule}", emu.name);
        self.timeline.record("emu-fault", &target);
        if let Err(e) = emu.set_fault(rule).await {
            self.timeline.record("emu-fault-failed", &e.to_string());
        }
        hold(rng, 2_000..8_000).await;
        let _ = emu.clear_faults().await;
        target
    }

    /// kill -9 a random emulator and restart it on the same ports and data.
    pub(super) async fn emu_restart(&self, rng: &mut StdRng) -> String {
        let emu = if rng.gen_bool(0.5) {
            &self.src
        } else {
            &self.dst
        };
        self.timeline.record("emu-restart", emu.name);
        if let Err(e) = emu.restart().await {
            self.timeline.record("emu-restart-failed", &e.to_string());
        }
        emu.name.to_string()
    }

    /// Forces a binlog GC of a random source database up to its newest binlog.
    pub(super) async fn binlog_gc(&self, rng: &mut StdRng) -> String {
        let all = dbs();
        let db = all[rng.gen_range(0..all.len())];
        self.timeline.record("binlog-gc", &format!("src {db}"));
        if let Err(e) = self.src.gc_binlog(db.to_string()).await {
            self.timeline.record("binlog-gc-failed", &e.to_string());
        }
        hold(rng, 500..2_000).await;
        format!("src {db}")
    }
}
