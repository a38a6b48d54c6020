//! `ccr-syncer`: a highly available Cross Cluster Replication syncer fleet for Apache Doris.
//!
//! Layout:
//! - [`doris`]: clients for the Doris wire protocols (FE/BE Thrift, MySQL SQL, BE HTTP).

pub mod doris;
