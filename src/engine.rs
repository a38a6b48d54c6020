//! The replication engine: one runner per job, plus the pieces it is made of.

pub mod backoff;
pub mod checkpoint;
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
