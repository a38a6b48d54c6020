#!/usr/bin/env bash
# Runs every fuzz target (proptest, stable Rust) with many cases in release mode and prints
# cases, time and outcome per target. The test command runs the same targets briefly.
#
#   scripts/fuzz.sh [--cases N]     # N cases per property (default 20000)
set -euo pipefail
cd "$(dirname "$0")/.."

cases=20000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cases) cases="$2"; shift 2 ;;
    -h|--help) sed -n 2,6p "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# crate:test-target (tests/fuzz_*.rs of the crate owning each decoder)
targets=(
  "doris-thrift:fuzz_thrift"
  "ccr-syncer:fuzz_records"
  "ccr-syncer:fuzz_api"
  "syncer-raft:fuzz_raft"
  "doris-emu:fuzz_sql"
)

echo "== build (release)" >&2
for t in "${targets[@]}"; do
  cargo test --release --locked -p "${t%%:*}" --test "${t##*:}" --no-run >&2
done

failed=0
summary=()
for t in "${targets[@]}"; do
  crate="${t%%:*}" target="${t##*:}"
  log="$(mktemp)"
  start=$(date +%s%N)
  if FUZZ_CASES="$cases" cargo test --release --locked -q -p "$crate" --test "$target" >"$log" 2>&1; then
    result="ok"
  else
    result="FAILED"
    failed=1
    cat "$log" >&2
  fi
  ms=$((($(date +%s%N) - start) / 1000000))
  props=$(grep -Eo '[0-9]+ passed' "$log" | grep -Eo '[0-9]+' || echo 0)
  summary+=("$(printf '| %-13s | %-12s | %5s | %10s | %4d.%01d | %-6s |' "$crate" "$target" "$props" "$cases" $((ms / 1000)) $((ms % 1000 / 100)) "$result")")
  rm -f "$log"
done

echo
echo "| crate         | target       | props | cases/prop | seconds | result |"
echo "|---------------|--------------|-------|-----------:|--------:|--------|"
printf '%s\n' "${summary[@]}"
exit "$failed"
