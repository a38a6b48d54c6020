#!/usr/bin/env bash
# Seeded chaos run: three ccr-syncer nodes and two doris-emu clusters under injected faults,
# then heal and check the invariants (chaos/README.md).
#   scripts/chaos.sh --seed N --minutes M [--dir D] [--keep]
# Exits non-zero on a violation, printing the seed and the fault timeline.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked -p ccr-syncer -p doris-emu -p syncer-chaos --bins >&2
exec target/debug/chaos "$@"
