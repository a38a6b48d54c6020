#!/usr/bin/env bash
# Installs the system packages the tests need (idempotent). Runs as root or through sudo.
#   mariadb-client: the `mysql` command-line client, used to drive doris-emu like a user would.
set -euo pipefail

need=()
command -v mysql >/dev/null 2>&1 || need+=(mariadb-client)
command -v curl >/dev/null 2>&1 || need+=(curl)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${need[*]}" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
