//! `ccr-syncer`: a highly available Cross Cluster Replication syncer fleet for Apache Doris.
//!
//! Layout:
//! - [`doris`]: clients for the Doris wire protocols (FE/BE Thrift, MySQL SQL, BE HTTP).

pub mod api;
pub mod cli;
pub mod config;
pub mod doris;
pub mod engine;
pub mod fleet;
pub mod job;
pub mod manager;
pub mod node;
pub mod telemetry;
pub mod tls;
