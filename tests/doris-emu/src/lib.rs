//! `doris-emu`: an emulated Apache Doris cluster (one FE, a few BEs) that speaks the real
//! protocols: MySQL on the query port, Thrift `FrontendService` on the rpc port, Thrift
//! `BackendService` and the BE HTTP endpoints on each emulated BE.
//!
//! Layout:
//! - [`sql`]: lexer, AST and parser for the Doris SQL subset the emulator understands.
//! - [`cluster`]: the emulated cluster's state and semantics (catalog, tablets and rowsets,
//!   edit log and binlog, transactions, backup and restore, the SQL executor).
//! - [`server`]: the network front ends (MySQL, Thrift FE/BE, BE HTTP, admin HTTP) and the
//!   process wiring used by the `doris-emu` binary.
//! - [`result`]: what a SQL statement returns (shared by the executor and the MySQL server).

pub mod cluster;
pub mod result;
pub mod server;
pub mod sql;
pub mod testing;
