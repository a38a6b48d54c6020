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

# crate:test-target (tests/fuzz_*.rs of the crate owning each decoder), and crate dirs.
targets=(
  "doris-thrift:fuzz_thrift"
  "ccr-syncer:fuzz_records"
  "ccr-syncer:fuzz_api"
  "syncer-raft:fuzz_raft"
  "doris-emu:fuzz_sql"
)
declare -A dirs=(
  [doris-thrift]=proto/doris [ccr-syncer]=. [syncer-raft]=raft [doris-emu]=tests/doris-emu
)

# Build everything first, then run the binaries directly: timings exclude builds.
echo "== build (release)" >&2
declare -A bins
for t in "${targets[@]}"; do
  out="$(cargo test --release --locked -p "${t%%:*}" --test "${t##*:}" --no-run 2>&1)" || {
    echo "$out" >&2
    exit 1
  }
  bins[$t]="$PWD/$(echo "$out" | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -n 1)"
done

echo
echo "| crate         | target       | props | cases/prop | seconds | result |"
echo "|---------------|--------------|------:|-----------:|--------:|--------|"
failed=0
for t in "${targets[@]}"; do
  log="$(mktemp)"
  start=$(date +%s%N)
  result="ok"
  # Run from the crate's directory, as cargo does (regression files live by the sources).
  dir="${dirs[${t%%:*}]}"
  if ! (cd "$dir" && FUZZ_CASES="$cases" "${bins[$t]}" -q >"$log" 2>&1); then
    result="FAILED"
    failed=1
    cat "$log" >&2
  fi
  ms=$((($(date +%s%N) - start) / 1000000))
  props=$(grep -Eo '[0-9]+ passed' "$log" | grep -Eo '[0-9]+' || echo 0)
  printf '| %-13s | %-12s | %5s | %10s | %5d.%01d | %-6s |\n' "${t%%:*}" "${t##*:}" "$props" \
    "$cases" $((ms / 1000)) $((ms % 1000 / 100)) "$result"
  rm -f "$log"
done
exit "$failed"
