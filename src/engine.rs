//! The replication engine: one runner per job, plus the pieces it is made of.

pub mod checkpoint;
pub mod create;
pub mod ddl;
pub mod records;
pub mod status;
