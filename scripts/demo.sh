#!/usr/bin/env bash
# The README's first command: a CCR syncer fleet replicating between two emulated Doris
# clusters, surviving the loss of a job's owner. See usage() below.
set -euo pipefail

PROG=demo.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<EOF
Usage: $PROG [--no-build] [--keep] [--base-port P] [--dir D] [--timeout S]

Builds the release binaries, starts two doris-emu clusters (source and target) and three
local syncer nodes (scripts/local-cluster.sh), creates a source database with binlog on
and two tables, creates a database job and a table job with the documented curl commands,
writes rows, prints the lag and the target's rows, kill -9s the node that owns the
database job, shows the job moving to another node and new rows still arriving, then
cleans everything up. Exits non-zero as soon as a check fails.

Options:
  --no-build      use existing binaries (\$CCR_SYNCER_BIN_DIR, else target/release)
  --keep          leave the clusters and nodes running at the end (prints how to stop)
  --base-port P   HTTP port of syncer node 1 (default 9190; nodes use P, P+100, P+200)
  --dir D         working directory (default: a new temporary directory)
  --timeout S     limit of each wait, in seconds (default 30)
  -h, --help      this help

Needs curl and the mysql client (scripts/install-deps.sh installs them).
EOF
}

bad_usage() { echo "$PROG: $*" >&2; echo "Try '$PROG --help'." >&2; exit 2; }
need_value() { [ "$2" -ge 2 ] || bad_usage "$1 needs a value"; }

BUILD=1 KEEP=0 BASE_PORT=9190 WORK="" TIMEOUT=30
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --keep) KEEP=1 ;;
    --base-port) need_value "$1" $#; BASE_PORT="$2"; shift ;;
    --dir) need_value "$1" $#; WORK="$2"; shift ;;
    --timeout) need_value "$1" $#; TIMEOUT="$2"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) bad_usage "unknown option '$1'" ;;
  esac
  shift
done
[[ "$BASE_PORT" =~ ^[0-9]+$ ]] && [ "$BASE_PORT" -le 65334 ] ||
  bad_usage "--base-port must be a port number below 65335 (got '$BASE_PORT')"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || bad_usage "--timeout must be a number of seconds"

BIN_DIR="$(realpath -m "${CCR_SYNCER_BIN_DIR:-$ROOT/target/release}")"
OWN_WORK=0
if [ -z "$WORK" ]; then WORK="$(mktemp -d -t ccr-demo.XXXXXX)"; OWN_WORK=1; fi
mkdir -p "$WORK"
WORK="$(realpath "$WORK")"
[ -z "$(ls -A "$WORK")" ] || bad_usage "--dir must be empty or new (got $WORK)"
CLUSTER=(bash "$ROOT/scripts/local-cluster.sh" --dir "$WORK/cluster" --bin-dir "$BIN_DIR"
  --base-port "$BASE_PORT" --no-build)

STEP=0
step() { STEP=$((STEP + 1)); printf '\n=== %d. %s\n' "$STEP" "$*"; }
fail() { echo "$PROG: FAILED: $*" >&2; exit 1; }

# wait_until SECONDS WHAT COMMAND...: runs COMMAND every 0.2 s until it succeeds.
wait_until() {
  local limit="$1" what="$2"
  local deadline=$((SECONDS + limit))
  shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after ${limit}s waiting for $what"
    sleep 0.2
  done
}

# SIGTERM, up to 5 s to exit, then SIGKILL.
stop_emu() {
  local pid n
  pid="$(cat "$WORK/$1.pid" 2>/dev/null)" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((n = 0; n < 50; n++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$rc" -ne 0 ]; then
    echo "$PROG: FAILED (exit $rc) during step $STEP" >&2
    for log in "$WORK"/*.log "$WORK"/cluster/*.log; do
      [ -f "$log" ] && { echo "--- last lines of $log" >&2; tail -n 15 "$log" >&2; }
    done
  fi
  if [ "$KEEP" -eq 1 ]; then
    echo
    echo "Left running (--keep). Stop with:"
    echo "  ${CLUSTER[*]} down; kill \$(cat $WORK/src.pid $WORK/dst.pid)"
    exit "$rc"
  fi
  echo
  echo "=== cleaning up"
  "${CLUSTER[@]}" down --stop-timeout 5 >/dev/null 2>&1 || true
  for side in src dst; do stop_emu "$side"; done
  if [ "$OWN_WORK" -eq 1 ]; then rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers ----------------------------------------------------------------------------
http_port() { echo $((BASE_PORT + 100 * ($1 - 1))); }
node_pid() { cat "$WORK/cluster/node$1.pid" 2>/dev/null; }
node_alive() { kill -0 "$(node_pid "$1")" 2>/dev/null; }
emu_port() { sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$WORK/$1.ports"; }
sql() { MYSQL_PWD="" mysql -h 127.0.0.1 -P "$1" -u root --batch --skip-column-names -e "$2"; }
src_sql() { echo "source> $1"; sql "$SRC_Q" "$1" || fail "source SQL failed: $1"; }

# API port of a live node (node 1 unless it was killed).
api_port() {
  local i
  for i in 1 2 3; do node_alive "$i" && { http_port "$i"; return 0; }; done
  fail "no syncer node is alive"
}

start_emu() { # side id_base be_id_base
  "$BIN_DIR/doris-emu" --data-dir "$WORK/$1" --id-base "$2" --be-id-base "$3" \
    >"$WORK/$1.ports" 2>"$WORK/$1.log" </dev/null &
  echo $! >"$WORK/$1.pid"
}
emu_ready() { kill -0 "$(cat "$WORK/$1.pid")" || fail "doris-emu $1 exited"; grep -q query_port "$WORK/$1.ports"; }

# post PATH JSON: the seeds' curl command, printed, then run; prints the reply.
post() {
  local url
  url="http://127.0.0.1:$(api_port)/$1"
  echo "\$ curl -X POST -H \"Content-Type: application/json\" -d '$2' $url"
  curl -sS --max-time 10 -X POST -H "Content-Type: application/json" -d "$2" "$url" ||
    fail "POST $url failed"
  echo
}

spec() { # port thrift_port database table
  printf '{"host": "127.0.0.1", "port": "%s", "thrift_port": "%s", "user": "root", "password": "", "database": "%s", "table": "%s"}' "$@"
}

create_job() { # name src_db src_table dest_db dest_table
  local body reply
  body="$(printf '{"name": "%s", "src": %s, "dest": %s}' "$1" \
    "$(spec "$SRC_Q" "$SRC_RPC" "$2" "$3")" "$(spec "$DST_Q" "$DST_RPC" "$4" "$5")")"
  reply="$(post create_ccr "$body")"
  echo "$reply"
  grep -q '"success":true' <<<"$reply" || fail "create_ccr $1 was refused"
}

rows() { sql "$1" "SELECT * FROM $2 ORDER BY 1"; }
same_rows() { # src_table dst_table
  local a b
  a="$(rows "$SRC_Q" "$1" 2>/dev/null)" || return 1
  b="$(rows "$DST_Q" "$2" 2>/dev/null)" || return 1
  [ -n "$a" ] && [ "$a" = "$b" ]
}
wait_synced() {
  wait_until "$TIMEOUT" "demo.orders on the target" same_rows demo.orders demo.orders
  wait_until "$TIMEOUT" "demo.events on the target" same_rows demo.events demo.events
  wait_until "$TIMEOUT" "demo_copy.events on the target" same_rows demo.events demo_copy.events
}
show_target() {
  local t
  for t in demo.orders demo.events demo_copy.events; do
    echo "target $t:"
    rows "$DST_Q" "$t" | sed 's/^/  /' || fail "cannot read $t on the target"
  done
}

# Node (1..3) that owns job $1 by a live node's /cluster/status; fails when none.
owner_of() {
  local i status
  for i in 1 2 3; do
    node_alive "$i" || continue
    status="$(curl -sS --max-time 2 "http://127.0.0.1:$(http_port "$i")/cluster/status" \
      2>/dev/null)" || continue
    if [[ "$status" =~ \"jobs_owned\":\[[^]]*\"$1\" ]]; then echo "$i"; return 0; fi
  done
  return 1
}
has_owner() { owner_of "$1" >/dev/null; }
moved_from() { local o; o="$(owner_of "$2")" && [ "$o" != "$1" ]; }
members() { "$BIN_DIR/syncerctl" --endpoint "127.0.0.1:$(api_port)" member list; }

# --- the demo ---------------------------------------------------------------------------
step "Build"
if ! command -v mysql >/dev/null || ! command -v curl >/dev/null; then
  "$ROOT/scripts/install-deps.sh"
fi
if [ "$BUILD" -eq 1 ]; then
  [ "$BIN_DIR" = "$ROOT/target/release" ] || fail "set --no-build with CCR_SYNCER_BIN_DIR"
  (cd "$ROOT" && cargo build --release -p ccr-syncer -p doris-emu --bins)
fi
for b in ccr-syncer syncerctl doris-emu; do
  [ -x "$BIN_DIR/$b" ] || fail "missing $BIN_DIR/$b (build it, or drop --no-build)"
done
command -v mysql >/dev/null || fail "the mysql client is missing (scripts/install-deps.sh)"
command -v curl >/dev/null || fail "curl is missing (scripts/install-deps.sh)"
echo "binaries in $BIN_DIR; working directory $WORK"

step "Start two doris-emu clusters (source and target)"
start_emu src 100000 10001
start_emu dst 900000 20001
wait_until "$TIMEOUT" "the source doris-emu" emu_ready src
wait_until "$TIMEOUT" "the target doris-emu" emu_ready dst
SRC_Q="$(emu_port src query_port)" SRC_RPC="$(emu_port src rpc_port)"
DST_Q="$(emu_port dst query_port)" DST_RPC="$(emu_port dst rpc_port)"
echo "source: mysql -h 127.0.0.1 -P $SRC_Q -u root   (thrift $SRC_RPC)"
echo "target: mysql -h 127.0.0.1 -P $DST_Q -u root   (thrift $DST_RPC)"

step "Start three syncer nodes (scripts/local-cluster.sh up)"
"${CLUSTER[@]}" up --timeout "$TIMEOUT" || fail "the syncer fleet did not form"
members

step "Create the source database (binlog on) and two tables"
PROPS='PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")'
for stmt in 'CREATE DATABASE demo PROPERTIES ("binlog.enable" = "true")' \
  "CREATE TABLE demo.orders (id INT NOT NULL, amount BIGINT SUM NOT NULL DEFAULT \"0\") AGGREGATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2 $PROPS" \
  "CREATE TABLE demo.events (id INT NOT NULL, kind INT NULL) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 2 $PROPS" \
  "INSERT INTO demo.orders VALUES (1, 100), (2, 200)" \
  "INSERT INTO demo.events VALUES (1, 1), (2, 2)"; do
  src_sql "$stmt"
done

step "Create a database job and a table job"
create_job demo_db demo "" demo ""
create_job demo_tbl demo events demo_copy events

step "Write rows; wait for the target to match"
src_sql "INSERT INTO demo.orders VALUES (2, 50), (3, 300)"
src_sql "INSERT INTO demo.events VALUES (3, 3)"
wait_synced
post get_lag '{"name": "demo_db"}'
post get_lag '{"name": "demo_tbl"}'
show_target

step "Kill -9 the node that owns demo_db"
wait_until "$TIMEOUT" "an owner of demo_db" has_owner demo_db
OWNER="$(owner_of demo_db)" || fail "demo_db lost its owner"
echo "demo_db is owned by node $OWNER (pid $(node_pid "$OWNER")); kill -9"
KILLED_AT="$(date +%s%N)"
kill -9 "$(node_pid "$OWNER")"

step "The job moves to another node"
wait_until "$TIMEOUT" "demo_db to move off node $OWNER" moved_from "$OWNER" demo_db
echo "demo_db is now owned by node $(owner_of demo_db)," \
  "$(( ($(date +%s%N) - KILLED_AT) / 1000000 )) ms after the kill"
members || true

step "New rows still arrive on the target"
src_sql "INSERT INTO demo.orders VALUES (4, 400), (1, 1)"
src_sql "INSERT INTO demo.events VALUES (4, 4), (5, 5)"
wait_synced
post get_lag '{"name": "demo_db"}'
post get_lag '{"name": "demo_tbl"}'
show_target

step "Done: every check passed"
