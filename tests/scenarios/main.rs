//! End-to-end acceptance scenarios (/work/shared/scenarios.md, T1–T11 and D1–D6): two
//! `doris-emu` processes and real `ccr-syncer` node processes, over the real protocols.
//! Every scenario runs on a single node and on a three-node fleet.
//!
//! Run: `cargo build -p doris-emu && cargo nextest run --test scenarios` (the emulator
//! binary is taken from `target/debug`, so build it first to test the current source).
//! A failing scenario keeps its temp dir (node and emulator logs) and prints its path.

mod harness;

mod d01_tables_come_and_go;
mod d02_renames;
mod d03_paused_backlog;
mod d04_signature_mismatch;
mod d05_no_double_apply;
mod d06_restart;
mod t01_common;
mod t02_partitions;
mod t03_truncate;
mod t04_columns;
mod t05_key_column;
mod t06_alias;
mod t07_allow_table_exists;
mod t08_binlog_expired;
mod t09_force_fullsync;
mod t10_replace_partition;
mod t11_insert_overwrite;
