//! `syncer-chaos`: a seeded chaos harness for the syncer fleet, modeled on openraft's
//! `tests-turmoil` — three `ccr-syncer` processes (node-to-node traffic through
//! fault-injecting proxies) and two `doris-emu` processes run a workload while a seeded
//! nemesis injects faults (safety phase); then everything heals and the invariants, one
//! per file under [`invariants`], are checked (heal-and-converge phase).

pub mod emu;
pub mod fleet;
pub mod invariants;
pub mod ledger;
pub mod nemesis;
pub mod node;
pub mod proxy;
pub mod run;
pub mod sampler;
pub mod schema;
pub mod summary;
pub mod timeline;
pub mod workload;

pub use run::{run, RunConfig};
pub use summary::Report;
