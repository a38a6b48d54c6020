//! The fault timeline: when each fault started, what it was, what it hit, when it healed.

use std::fmt::Write;
use std::time::Instant;

use parking_lot::Mutex;

/// One entry.
#[derive(Clone, Debug)]
pub struct Event {
    /// Seconds since the run started.
    pub at: f64,
    /// Fault kind (or phase marker).
    pub fault: String,
    /// What it hit (`node 2`, `dst commitTxn`, ...).
    pub target: String,
}

/// The run's timeline.
pub struct Timeline {
    start: Instant,
    events: Mutex<Vec<Event>>,
}

impl Timeline {
    /// An empty timeline starting now.
    pub fn new() -> Self {
        Timeline {
            start: Instant::now(),
            events: Mutex::new(Vec::new()),
        }
    }

    /// Records `fault` on `target` now.
    pub fn record(&self, fault: &str, target: &str) {
        let at = self.start.elapsed().as_secs_f64();
        eprintln!("[{at:8.2}s] {fault:<14} {target}");
        self.events.lock().push(Event {
            at,
            fault: fault.into(),
            target: target.into(),
        });
    }

    /// Every entry, in order.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().clone()
    }

    /// The timeline as text.
    pub fn render(&self) -> String {
        let mut out = String::from("fault timeline (seconds since start):\n");
        for e in self.events() {
            let _ = writeln!(out, "  {:8.2}  {:<14} {}", e.at, e.fault, e.target);
        }
        out
    }
}

impl Default for Timeline {
    fn default() -> Self {
        Self::new()
    }
}
