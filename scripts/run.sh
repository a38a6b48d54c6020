#!/usr/bin/env bash
# The project's main job (README "Run"): build and start a syncer node on its embedded
# defaults (HTTP API on port 9190, data in ./data). Extra arguments go to ccr-syncer.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin ccr-syncer
exec target/release/ccr-syncer "$@"
