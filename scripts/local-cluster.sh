#!/usr/bin/env bash
# Runs the deploy/docker-compose.yml topology as local processes: node 1 bootstraps,
# nodes 2..n join node 1 through its HTTP API. See usage() below.
set -euo pipefail

PROG=local-cluster.sh
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<EOF
Usage: $PROG up|down|status [options]

Runs a ccr-syncer fleet as local processes (the topology of deploy/docker-compose.yml):
node 1 bootstraps a Raft group, nodes 2..N join node 1. Node i listens on HTTP port
BASE+100*(i-1) and Raft port BASE+100*(i-1)+1, on 127.0.0.1.

Commands:
  up       build the binaries if missing, start the nodes and wait until all are voters
  down     stop the nodes (SIGTERM, then SIGKILL after --stop-timeout seconds)
  status   each node's pid and /health, then \`syncerctl member list\`

Options:
  --nodes N           number of nodes (default 3)
  --base-port P       HTTP port of node 1 (default 9190)
  --dir D             pid files, logs and data (default ./local-cluster)
  --bin-dir D         where ccr-syncer and syncerctl are (default \$CCR_SYNCER_BIN_DIR,
                      else target/release)
  --no-build          never run cargo (fail if a binary is missing)
  --timeout S         up: seconds to wait for the group to form (default 60)
  --stop-timeout S    down: seconds between SIGTERM and SIGKILL (default 10)
  --log-level L       the nodes' --log-level (default info)
  --dry-run           up: print the node command lines, start nothing
  --clean             down: also remove the directory (data included)
  -h, --help          this help

The nodes inherit CCR_SYNCER_* environment variables (e.g. CCR_SYNCER_API_TOKEN, which
this script also sends on its own requests).

Files: DIR/nodeI.pid, DIR/nodeI.log, DIR/nodeI/ (data), DIR/cluster.env (the topology).
EOF
}

die() { echo "$PROG: $*" >&2; exit 1; }
bad_usage() { echo "$PROG: $*" >&2; echo "Try '$PROG --help'." >&2; exit 2; }

CMD="" NODES=3 BASE_PORT=9190 DIR="./local-cluster" BIN_DIR="${CCR_SYNCER_BIN_DIR:-}"
NO_BUILD=0 TIMEOUT=60 STOP_TIMEOUT=10 LOG_LEVEL=info DRY_RUN=0 CLEAN=0

need_value() { [ "$2" -ge 2 ] || bad_usage "$1 needs a value"; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      up | down | status)
        [ -z "$CMD" ] || bad_usage "only one command (got '$CMD' and '$1')"
        CMD="$1" ;;
      --nodes) need_value "$1" $#; NODES="$2"; shift ;;
      --base-port) need_value "$1" $#; BASE_PORT="$2"; shift ;;
      --dir) need_value "$1" $#; DIR="$2"; shift ;;
      --bin-dir) need_value "$1" $#; BIN_DIR="$2"; shift ;;
      --timeout) need_value "$1" $#; TIMEOUT="$2"; shift ;;
      --stop-timeout) need_value "$1" $#; STOP_TIMEOUT="$2"; shift ;;
      --log-level) need_value "$1" $#; LOG_LEVEL="$2"; shift ;;
      --no-build) NO_BUILD=1 ;;
      --dry-run) DRY_RUN=1 ;;
      --clean) CLEAN=1 ;;
      -h | --help) usage; exit 0 ;;
      *) bad_usage "unknown option '$1'" ;;
    esac
    shift
  done
  [ -n "$CMD" ] || bad_usage "missing command: up, down or status"
  is_uint "$NODES" && [ "$NODES" -ge 1 ] && [ "$NODES" -le 9 ] ||
    bad_usage "--nodes must be 1..9 (got '$NODES')"
  is_uint "$BASE_PORT" && [ "$BASE_PORT" -ge 1 ] &&
    [ $((BASE_PORT + 100 * (NODES - 1) + 1)) -le 65535 ] ||
    bad_usage "--base-port must leave room for $NODES nodes below 65536 (got '$BASE_PORT')"
  is_uint "$TIMEOUT" || bad_usage "--timeout must be a number of seconds (got '$TIMEOUT')"
  is_uint "$STOP_TIMEOUT" ||
    bad_usage "--stop-timeout must be a number of seconds (got '$STOP_TIMEOUT')"
  BIN_DIR="$(realpath -m "${BIN_DIR:-$ROOT/target/release}")"
  DIR="$(realpath -m "$DIR")"
}

http_port() { echo $((BASE_PORT + 100 * ($1 - 1))); }
raft_port() { echo $(($(http_port "$1") + 1)); }

# The command line of node $1, one argument per line.
node_argv() {
  local i="$1"
  printf '%s\n' "$BIN_DIR/ccr-syncer" --node-id "$i" --host 127.0.0.1 \
    --listen-host 127.0.0.1 --http-port "$(http_port "$i")" --raft-port "$(raft_port "$i")" \
    --data-dir "$DIR/node$i" --log-level "$LOG_LEVEL"
  if [ "$i" -gt 1 ]; then printf '%s\n' --join "127.0.0.1:$(http_port 1)"; fi
}

ensure_binaries() {
  local missing=0 b
  for b in ccr-syncer syncerctl; do [ -x "$BIN_DIR/$b" ] || missing=1; done
  [ "$missing" -eq 0 ] && return 0
  [ "$NO_BUILD" -eq 0 ] || die "missing binaries in $BIN_DIR (and --no-build was given)"
  [ "$BIN_DIR" = "$ROOT/target/release" ] ||
    die "missing binaries in $BIN_DIR; build them or pass --bin-dir"
  echo "$PROG: building release binaries" >&2
  (cd "$ROOT" && cargo build --release -p ccr-syncer --bins)
}

# Prints the pid in $1 if it is a live ccr-syncer process (guards against pid reuse).
live_pid() {
  local pid cmdline
  [ -f "$1" ] || return 1
  pid="$(cat "$1")"
  is_uint "$pid" && kill -0 "$pid" 2>/dev/null || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *ccr-syncer* ]] || return 1
  echo "$pid"
}

# Number of voters in the group, as node 1 sees it (0 when it cannot answer).
voter_count() {
  local url body
  url="http://127.0.0.1:$(http_port 1)"
  body="$(api_get "$url/cluster/members" 2>/dev/null || true)"
  { grep -o '"role":"voter"' <<<"$body" || true; } | wc -l | tr -d ' '
}

# GET with the API token of $CCR_SYNCER_API_TOKEN, if set (kept out of `ps`).
api_get() {
  if [ -z "${CCR_SYNCER_API_TOKEN:-}" ]; then curl -fsS --max-time 2 "$1"; return; fi
  curl -fsS --max-time 2 -H @<(printf 'Authorization: Bearer %s\n' "$CCR_SYNCER_API_TOKEN") "$1"
}

# syncerctl with the same token.
ctl() {
  if [ -z "${CCR_SYNCER_API_TOKEN:-}" ]; then "$BIN_DIR/syncerctl" "$@"; return; fi
  SYNCERCTL_TOKEN="$CCR_SYNCER_API_TOKEN" "$BIN_DIR/syncerctl" "$@"
}

start_node() {
  local i="$1" argv=()
  mapfile -t argv < <(node_argv "$i")
  mkdir -p "$DIR/node$i"
  "${argv[@]}" >>"$DIR/node$i.log" 2>&1 </dev/null &
  echo $! >"$DIR/node$i.pid"
  echo "node $i: pid $!, http 127.0.0.1:$(http_port "$i"), raft $(raft_port "$i")"
}

# Fails (with the log's tail) if any started node has exited.
check_alive() {
  local i
  for ((i = 1; i <= NODES; i++)); do
    live_pid "$DIR/node$i.pid" >/dev/null && continue
    tail -n 20 "$DIR/node$i.log" >&2 || true
    die "node $i exited during start-up; log: $DIR/node$i.log"
  done
}

wait_for_group() {
  local deadline=$((SECONDS + TIMEOUT)) voters=0
  while [ "$SECONDS" -lt "$deadline" ]; do
    check_alive
    voters="$(voter_count)"
    if [ "$voters" -ge "$NODES" ]; then
      echo "all $NODES nodes are voters"
      return 0
    fi
    sleep 0.2
  done
  die "timed out after ${TIMEOUT}s: $voters of $NODES nodes are voters (logs in $DIR)"
}

cmd_up() {
  local i
  if [ "$DRY_RUN" -eq 1 ]; then
    for ((i = 1; i <= NODES; i++)); do node_argv "$i" | paste -sd' ' -; done
    return 0
  fi
  ensure_binaries
  mkdir -p "$DIR"
  for ((i = 1; i <= 9; i++)); do
    if live_pid "$DIR/node$i.pid" >/dev/null; then
      die "node $i is already running (pid file $DIR/node$i.pid); run '$PROG down' first"
    fi
  done
  printf 'NODES=%s\nBASE_PORT=%s\nBIN_DIR=%q\n' "$NODES" "$BASE_PORT" "$BIN_DIR" \
    >"$DIR/cluster.env"
  for ((i = 1; i <= NODES; i++)); do start_node "$i"; done
  wait_for_group
}

stop_pid() {
  local name="$1" pid="$2" deadline=$((SECONDS + STOP_TIMEOUT))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "$name: still running after ${STOP_TIMEOUT}s; SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  echo "$name: stopped (pid $pid)"
}

cmd_down() {
  local f pid stopped=0
  [ -d "$DIR" ] || { echo "nothing to stop: no $DIR"; return 0; }
  for f in "$DIR"/node*.pid; do
    [ -e "$f" ] || continue
    if pid="$(live_pid "$f")"; then
      stop_pid "$(basename "$f" .pid)" "$pid"
      stopped=$((stopped + 1))
    fi
    rm -f "$f"
  done
  echo "$stopped node(s) stopped"
  if [ "$CLEAN" -eq 1 ]; then rm -rf "$DIR"; echo "removed $DIR"; fi
}

cmd_status() {
  local i pid health
  [ -f "$DIR/cluster.env" ] || die "no cluster in $DIR (run '$PROG up' first)"
  # shellcheck disable=SC1091
  . "$DIR/cluster.env"
  for ((i = 1; i <= NODES; i++)); do
    pid="$(live_pid "$DIR/node$i.pid" || echo "-")"
    health="$(curl -s --max-time 2 -w ' (HTTP %{http_code})' \
      "http://127.0.0.1:$(http_port "$i")/health")" || health="unreachable"
    echo "node $i: pid $pid, http 127.0.0.1:$(http_port "$i"), /health: $health"
  done
  for ((i = 1; i <= NODES; i++)); do
    live_pid "$DIR/node$i.pid" >/dev/null || continue
    ctl --endpoint "127.0.0.1:$(http_port "$i")" member list && return 0
  done
  die "no node answered 'syncerctl member list'"
}

parse_args "$@"
case "$CMD" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
esac
