//! Integration tests of `syncer-raft`, one binary (one link step).

mod fixtures;
mod t10_store_suite;
mod t20_cluster;
mod t30_snapshot;
mod t40_malformed;
mod t50_throughput;
mod t60_tls;
