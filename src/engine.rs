//! The replication engine: one runner per job, plus the pieces it is made of.
//!
//! Entry point: [`run`] / [`run_with`] (`runner`) takes a
//! [`checkpoint::RunnerContext`] and returns a [`checkpoint::RunnerExit`]. The runner
//! dispatches on `progress.sync_state`: `full_sync` (with `snapshot` and
//! `partial_sync`) for backup/restore, `incremental` for the binlog loop, which hands
//! UPSERTs to `upsert` (+ `ingest`) and everything else to `ddl` via
//! `incremental::apply_ddl`. `context` holds the per-job clients, `meta` the cached
//! lookups, `backoff` the retry delays, `error` how failures are classified.

pub mod backoff;
pub mod checkpoint;
pub mod clean;
pub mod context;
pub mod create;
pub mod ddl;
pub mod error;
pub mod full_sync;
pub mod incremental;
pub mod ingest;
pub mod meta;
pub mod partial_sync;
pub mod records;
pub mod runner;
pub mod snapshot;
pub mod status;
pub mod upsert;

pub use context::EngineOptions;
pub use error::{EngineError, EngineResult};
pub use runner::{run, run_with};
