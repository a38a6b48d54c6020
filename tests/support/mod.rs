//! Small pieces shared by several test binaries and by the other `*_common` helper
//! modules (which pull single files in with `#[path]`, so they stay usable from benches):
//! polling, `doris-emu` processes with a root SQL client, the in-process HTTP API, the
//! AGGREGATE SUM tables the engine tests replicate, and child-process reaping.
#![allow(dead_code)]

pub mod api;
pub mod emu;
pub mod poll;
pub mod ports;
pub mod process;
pub mod rows;
pub mod sum_tables;
