#!/usr/bin/env bash
# Stop ccr-syncer nodes started by start_syncer.sh, by their pid files.
# Compatible with the original syncer's shell/stop_syncer.sh options.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SYNCER_HOME_SET=${SYNCER_HOME:+1}
SYNCER_HOME=${SYNCER_HOME:-$(dirname "$SCRIPT_DIR")}
PROG=$(basename "$0")

usage() {
    cat <<USAGE
Usage: $PROG [options]

Stops ccr-syncer processes named by pid files: sends a signal, waits until the process
is gone, then removes the pid file. Checks that each pid is a ccr-syncer first.

Which pid files:
  --files "a.pid b.pid"   these files (relative names are in --pid_dir)
  --host HOST --port PORT  <pid_dir>/<host>_<port>.pid (host defaults to 127.0.0.1)
  (neither)                every *.pid file in --pid_dir

Options:
  --pid_dir DIR     pid file directory (default \$SYNCER_HOME/bin if SYNCER_HOME is
                    set, else this script's directory)
  --force           send SIGKILL instead of SIGTERM
  --grace           send SIGTERM (the default; accepted for old command lines)
  --timeout SECS    how long to wait for each process to exit (default 30)
  -h, --help        show this help

Note: the original stop_syncer.sh sent SIGKILL unless --grace was given; this one
stops gracefully (SIGTERM, the node finishes in-flight steps) unless --force is given.
Exit status: 0 when every process stopped, 1 if any failed, 2 on bad options.
USAGE
}

bad_usage() {
    echo "$PROG: $*" >&2
    echo "Try '$PROG --help'." >&2
    exit 2
}

# Whether pid is a ccr-syncer (by command name or by the executable of its command line).
is_syncer() {
    local pid=$1 comm args exe
    comm=$(ps -p "$pid" -o comm= 2>/dev/null || true)
    args=$(ps -p "$pid" -o args= 2>/dev/null || true)
    exe=$(basename "${args%% *}" 2>/dev/null || true)
    case "$comm" in ccr-syncer | ccr_syncer) return 0 ;; esac
    case "$exe" in ccr-syncer | ccr_syncer) return 0 ;; esac
    return 1
}

# Whether pid still runs (a zombie counts as gone).
alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(ps -p "$1" -o stat= 2>/dev/null || true)
    [[ -n $state && $state != Z* ]]
}

stop_one() {
    local file=$1 pid waited=0 deadline
    if [[ ! -f $file ]]; then
        echo "$PROG: pid file $file does not exist" >&2
        return 1
    fi
    pid=$(tr -d '[:space:]' <"$file")
    if [[ ! $pid =~ ^[0-9]+$ ]]; then
        echo "$PROG: pid file $file holds no pid" >&2
        return 1
    fi
    if ! alive "$pid"; then
        echo "$PROG: process $pid from $file is not running; removing the stale pid file" >&2
        rm -f "$file"
        return 1
    fi
    if ! is_syncer "$pid"; then
        echo "$PROG: process $pid from $file is not a ccr-syncer; not signalling it" >&2
        return 1
    fi
    kill -s "$SIGNAL" "$pid"
    deadline=$((TIMEOUT * 10))
    while alive "$pid"; do
        if ((waited >= deadline)); then
            echo "$PROG: process $pid did not exit within ${TIMEOUT}s; try --force" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    rm -f "$file"
    echo "Stopped ccr-syncer process $pid ($file)."
}

PID_DIR="" FILES="" HOST=127.0.0.1 PORT="" SIGNAL=TERM TIMEOUT=30
while [[ $# -gt 0 ]]; do
    opt=$1
    case $opt in
        --*=*) set -- "${opt%%=*}" "${opt#*=}" "${@:2}"; continue ;;
    esac
    case $opt in
        -h | --help) usage; exit 0 ;;
        --force) SIGNAL=KILL; shift; continue ;;
        --grace) SIGNAL=TERM; shift; continue ;;
        --) shift; [[ $# -eq 0 || $* == --grace ]] || bad_usage "unexpected arguments '$*'"
            break ;;
        --pid_dir | --files | --host | --port | --timeout)
            [[ $# -ge 2 ]] || bad_usage "option $opt needs a value" ;;
        *) bad_usage "unknown option '$opt'" ;;
    esac
    case $opt in
        --pid_dir) PID_DIR=$2 ;;
        --files) FILES=$2 ;;
        --host) HOST=$2 ;;
        --port) PORT=$2 ;;
        --timeout) TIMEOUT=$2 ;;
    esac
    shift 2
done

[[ $TIMEOUT =~ ^[0-9]+$ ]] || bad_usage "--timeout must be a whole number of seconds"
[[ -z $PORT || $PORT =~ ^[0-9]+$ ]] || bad_usage "--port must be a number, got '$PORT'"
if [[ -z $PID_DIR ]]; then
    if [[ -n $SYNCER_HOME_SET ]]; then PID_DIR=$SYNCER_HOME/bin; else PID_DIR=$SCRIPT_DIR; fi
fi

targets=()
if [[ -n $FILES ]]; then
    read -r -a names <<<"$FILES"
    for name in "${names[@]}"; do
        if [[ $name == /* ]]; then targets+=("$name"); else targets+=("$PID_DIR/$name"); fi
    done
elif [[ -n $PORT ]]; then
    targets+=("$PID_DIR/${HOST}_${PORT}.pid")
else
    shopt -s nullglob
    targets=("$PID_DIR"/*.pid)
    if [[ ${#targets[@]} -eq 0 ]]; then
        echo "No pid files in $PID_DIR; nothing to stop."
        exit 0
    fi
fi

status=0
for file in "${targets[@]}"; do
    stop_one "$file" || status=1
done
exit "$status"
