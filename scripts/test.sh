#!/usr/bin/env bash
# The project's test command (README "Test"): lint, build, and run every test.
# Works on a fresh machine: installs its own system packages first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

echo "== fmt" >&2
cargo fmt --all -- --check

echo "== clippy" >&2
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== build" >&2
# Integration tests start the doris-emu and ccr-syncer binaries as real processes.
cargo build --workspace --bins --locked

echo "== test" >&2
cargo nextest run --workspace --locked --no-fail-fast

echo "== chaos (seed 1, 2 minutes of faults; chaos/README.md)" >&2
scripts/chaos.sh --seed 1 --minutes 2
