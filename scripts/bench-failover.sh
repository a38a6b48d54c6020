#!/usr/bin/env bash
# Benchmarks the syncer fleet (benches/fleet_bench.rs): leader election and job failover
# after kill -9 (three release ccr-syncer processes, two release doris-emu with a steady
# insert stream), progress checkpoints through Raft, and 1,000 dry-run jobs on three nodes.
# Usage: scripts/bench-failover.sh [--kills N] [--jobs J] [--seconds S] [--skip a,b,c,d]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p doris-emu
export DORIS_EMU_BIN="${DORIS_EMU_BIN:-$PWD/target/release/doris-emu}"
exec cargo bench -p ccr-syncer --bench fleet_bench -- "$@"
