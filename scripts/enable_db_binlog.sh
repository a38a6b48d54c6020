#!/usr/bin/env bash
# Enable binlog on a Doris database and on each of its tables (needed before CCR).
# Compatible with the original syncer's shell/enable_db_binlog.sh options.
set -euo pipefail

PROG=$(basename "$0")
TTL_SECONDS=86400

usage() {
    cat <<USAGE
Usage: $PROG -d DB [-h HOST] [-p PORT] [-u USER] [-P PASSWORD]

Enables binlog on database DB with the mysql client: when SHOW CREATE DATABASE already
has "binlog.enable" = "true" it says so and stops; otherwise it runs
  ALTER TABLE \`DB\`.\`T\` SET ("binlog.enable" = "true", "binlog.ttl_seconds" = "$TTL_SECONDS")
for every table (not view) whose SHOW CREATE TABLE lacks it, then
  ALTER DATABASE \`DB\` SET properties ("binlog.enable" = "true", "binlog.ttl_seconds" = "$TTL_SECONDS")

Options:
  -h HOST       FE host (default 127.0.0.1)
  -p PORT       FE MySQL query port (default 9030)
  -u USER       user (default root)
  -P PASSWORD   password (default empty; passed to mysql via MYSQL_PWD, never as an argument)
  -d DB         database (required)
  --help        show this help
USAGE
}

bad_usage() {
    echo "$PROG: $*" >&2
    echo "Try '$PROG --help'." >&2
    exit 2
}

for arg in "$@"; do
    case $arg in
        --help) usage; exit 0 ;;
        --*) bad_usage "unknown option '$arg'" ;;
    esac
done

HOST=127.0.0.1 PORT=9030 USER_NAME=root PASSWORD="" DB=""
while getopts ":h:p:u:P:d:" opt; do
    case $opt in
        h) HOST=$OPTARG ;;
        p) PORT=$OPTARG ;;
        u) USER_NAME=$OPTARG ;;
        P) PASSWORD=$OPTARG ;;
        d) DB=$OPTARG ;;
        :) bad_usage "option -$OPTARG needs a value" ;;
        *) bad_usage "unknown option '-$OPTARG'" ;;
    esac
done
shift $((OPTIND - 1))
[[ $# -eq 0 ]] || bad_usage "unexpected arguments '$*'"
[[ -n $DB ]] || bad_usage "-d DB is required"
[[ $PORT =~ ^[0-9]+$ ]] || bad_usage "-p must be a port number, got '$PORT'"
command -v mysql >/dev/null || { echo "$PROG: the mysql client is not installed" >&2; exit 1; }

# The password travels in the environment so it never shows in `ps`.
if [[ -n $PASSWORD ]]; then export MYSQL_PWD=$PASSWORD; else unset MYSQL_PWD; fi

run_sql() {
    mysql -h "$HOST" -P "$PORT" -u "$USER_NAME" --batch --skip-column-names -e "$1"
}

# Back-quotes an identifier (doubling embedded back quotes).
ident() {
    # shellcheck disable=SC2016 # the back quotes are literal
    printf '`%s`' "${1//\`/\`\`}"
}

# Single-quotes a string literal.
literal() {
    local s=${1//\\/\\\\}
    printf "'%s'" "${s//\'/\'\'}"
}

has_binlog() {
    grep -Eq '"binlog\.enable"[[:space:]]*=[[:space:]]*"true"'
}

PROPS="\"binlog.enable\" = \"true\", \"binlog.ttl_seconds\" = \"$TTL_SECONDS\""
QDB=$(ident "$DB")

if run_sql "SHOW CREATE DATABASE $QDB" | has_binlog; then
    echo "Binlog is already enabled on database $DB."
    exit 0
fi

views=$(run_sql "SELECT table_name FROM information_schema.tables WHERE table_schema = $(literal "$DB") AND table_type = 'VIEW'")
tables=$(run_sql "SHOW TABLES FROM $QDB")
while IFS= read -r table; do
    [[ -n $table ]] || continue
    if grep -Fxq -- "$table" <<<"$views"; then
        continue
    fi
    if run_sql "SHOW CREATE TABLE $QDB.$(ident "$table")" | has_binlog; then
        echo "Binlog is already enabled on table $DB.$table."
        continue
    fi
    run_sql "ALTER TABLE $QDB.$(ident "$table") SET ($PROPS)"
    echo "Enabled binlog on table $DB.$table."
done <<<"$tables"

run_sql "ALTER DATABASE $QDB SET properties ($PROPS)"
echo "Enabled binlog on database $DB."
