#!/usr/bin/env bash
# Benchmarks the replication engine (benches/engine_bench.rs): replication lag at fixed
# source commit rates, the highest sustained rate, and catch-up throughput vs the raw RPC
# loop (the floor), all against release doris-emu processes.
# Usage: scripts/bench-engine.sh [--seconds N] [--rates 100,1000] [--step-seconds S]
#        [--max-rate R] [--catchup-txns T] [--poll-ms P] [--skip a,b,c]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p doris-emu
export DORIS_EMU_BIN="${DORIS_EMU_BIN:-$PWD/target/release/doris-emu}"
exec cargo bench -p ccr-syncer --bench engine_bench -- "$@"
