#!/usr/bin/env bash
# Benchmarks doris-emu: single-row INSERT transactions/s over MySQL and the cost of one
# replicated transaction through the raw RPC sequence (benches/emu_bench.rs).
# Usage: scripts/bench-emu.sh [--seconds N] [--connections C] [--repl-txns T]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p doris-emu
export DORIS_EMU_BIN="${DORIS_EMU_BIN:-$PWD/target/release/doris-emu}"
exec cargo bench -p ccr-syncer --bench emu_bench -- "$@"
