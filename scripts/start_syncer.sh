#!/usr/bin/env bash
# Start one ccr-syncer node, in the foreground or as a daemon.
# Compatible with the original syncer's shell/start_syncer.sh options.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$SCRIPT_DIR")
SYNCER_HOME_SET=${SYNCER_HOME:+1}
SYNCER_HOME=${SYNCER_HOME:-$REPO_DIR}
PROG=$(basename "$0")
DB_TYPE_REFUSAL="the Raft-replicated embedded store replaces MySQL/PostgreSQL-based HA; run several nodes instead"

usage() {
    cat <<USAGE
Usage: $PROG [options] [-- extra ccr-syncer args]

Starts a ccr-syncer node. Writes its pid to <pid_dir>/<host>_<port>.pid and refuses to
start when that pid is still alive. Output is appended to the log file.

Options:
  --daemon                 run in the background (nohup); default: foreground
  --config FILE            TOML config file (see deploy/syncer.example.toml)
  --node_id ID             Raft node id
  --host HOST              advertised host (default 127.0.0.1)
  --port PORT              HTTP API port (default 9190)
  --raft_port PORT         Raft gRPC port (default 9191)
  --join ADDRS             comma-separated HTTP addresses of members to join
  --db_dir DIR             data directory (default: the node's, ./data)
  --db_type TYPE           only sqlite3/embedded (kept for old command lines)
  --log_dir FILE           log FILE path (default \$SYNCER_HOME/log/<host>_<port>.log)
  --log_level LEVEL        trace|debug|info|warn|error (default info)
  --pid_dir DIR            pid file directory (default \$SYNCER_HOME/bin if SYNCER_HOME
                           is set, else this script's directory)
  --connect_timeout DUR    Doris Thrift connect timeout, e.g. 10s
  --rpc_timeout DUR        Doris Thrift RPC timeout, e.g. 30s
  -h, --help               show this help

Host and port name the pid and log files; when a --config file sets other values,
pass --host/--port too. Arguments after -- go to ccr-syncer unchanged.
The binary is \$SYNCER_BIN, else <repo>/target/release/ccr-syncer, else
<repo>/target/debug/ccr-syncer, else ccr-syncer next to this script or on PATH.
USAGE
}

bad_usage() {
    echo "$PROG: $*" >&2
    echo "Try '$PROG --help'." >&2
    exit 2
}

find_binary() {
    local candidate
    for candidate in "${SYNCER_BIN:-}" "$REPO_DIR/target/release/ccr-syncer" \
        "$REPO_DIR/target/debug/ccr-syncer" "$SCRIPT_DIR/ccr-syncer"; do
        if [[ -n $candidate && -x $candidate ]]; then
            echo "$candidate"
            return 0
        fi
    done
    command -v ccr-syncer || {
        echo "$PROG: ccr-syncer binary not found; build it (cargo build --release) or set SYNCER_BIN" >&2
        exit 1
    }
}

# Sets VALUE from "--opt=value" or from the next argument; SHIFT_BY says how many to drop.
take_value() {
    if [[ $HAS_VALUE == 1 ]]; then
        SHIFT_BY=1
    else
        [[ $# -ge 2 ]] || bad_usage "option $OPT needs a value"
        VALUE=$2 SHIFT_BY=2
    fi
}

DAEMON=0 HOST=127.0.0.1 PORT=9190 LOG_FILE="" PID_DIR="" EXTRA=() FLAGS=()
while [[ $# -gt 0 ]]; do
    OPT=$1 VALUE="" HAS_VALUE=0 SHIFT_BY=1
    if [[ $OPT == --*=* ]]; then
        VALUE=${OPT#*=} OPT=${OPT%%=*} HAS_VALUE=1
    fi
    case $OPT in
        -h | --help | --daemon) [[ $HAS_VALUE == 0 ]] || bad_usage "option $OPT takes no value" ;;
        --config | --node_id | --node-id | --host | --port | --raft_port | --raft-port | --join | \
            --db_dir | --db_type | --log_dir | --log_level | --pid_dir | --connect_timeout | \
            --rpc_timeout) take_value "$@" ;;
        --) ;;
        *) bad_usage "unknown option '$OPT'" ;;
    esac
    case $OPT in
        -h | --help) usage; exit 0 ;;
        --daemon) DAEMON=1 ;;
        --config) FLAGS+=(--config "$VALUE") ;;
        --node_id | --node-id) FLAGS+=(--node-id "$VALUE") ;;
        --host) HOST=$VALUE; FLAGS+=(--host "$VALUE") ;;
        --port) PORT=$VALUE; FLAGS+=(--http-port "$VALUE") ;;
        --raft_port | --raft-port) FLAGS+=(--raft-port "$VALUE") ;;
        --join) FLAGS+=(--join "$VALUE") ;;
        --db_dir) FLAGS+=(--data-dir "$VALUE") ;;
        --db_type)
            case $VALUE in
                sqlite3 | embedded) ;;
                *) echo "$PROG: --db_type $VALUE is not supported: $DB_TYPE_REFUSAL" >&2; exit 2 ;;
            esac ;;
        --log_dir) LOG_FILE=$VALUE ;;
        --log_level) FLAGS+=(--log-level "$VALUE") ;;
        --pid_dir) PID_DIR=$VALUE ;;
        --connect_timeout) FLAGS+=(--connect-timeout "$VALUE") ;;
        --rpc_timeout) FLAGS+=(--rpc-timeout "$VALUE") ;;
        --) shift; EXTRA=("$@"); break ;;
        *) bad_usage "unknown option '$OPT'" ;;
    esac
    shift "$SHIFT_BY"
done

[[ $PORT =~ ^[0-9]+$ ]] || bad_usage "--port must be a number, got '$PORT'"
if [[ -z $PID_DIR ]]; then
    if [[ -n $SYNCER_HOME_SET ]]; then PID_DIR=$SYNCER_HOME/bin; else PID_DIR=$SCRIPT_DIR; fi
fi
LOG_FILE=${LOG_FILE:-$SYNCER_HOME/log/${HOST}_${PORT}.log}
PID_FILE=$PID_DIR/${HOST}_${PORT}.pid
mkdir -p "$PID_DIR" "$(dirname "$LOG_FILE")"

if [[ -f $PID_FILE ]]; then
    pid=$(tr -d '[:space:]' <"$PID_FILE")
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        echo "Syncer running as process $pid. Stop it first." >&2
        exit 1
    fi
    rm -f "$PID_FILE"
fi

BIN=$(find_binary)
echo "start time: $(date '+%Y-%m-%d %H:%M:%S')" >>"$LOG_FILE"

if [[ $DAEMON == 1 ]]; then
    # The node appends its logs and its stray output (panics) to the same file, as the
    # original did.
    # shellcheck disable=SC2094
    nohup "$BIN" "${FLAGS[@]}" --log-file "$LOG_FILE" "${EXTRA[@]}" >>"$LOG_FILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"
    # A bad flag or config makes the node exit at once: report that here, not silently.
    for _ in 1 2 3 4 5; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            echo "$PROG: ccr-syncer exited at startup; last lines of $LOG_FILE:" >&2
            tail -n 20 "$LOG_FILE" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "Syncer started as process $pid (pid file $PID_FILE, log $LOG_FILE)."
else
    echo $$ >"$PID_FILE"
    exec > >(tee -a "$LOG_FILE") 2>&1
    exec "$BIN" "${FLAGS[@]}" "${EXTRA[@]}"
fi
