#!/usr/bin/env bash
# Regenerate the Rust bindings of the Doris Thrift IDL subset (proto/doris/*.thrift)
# into proto/doris/src/{status,types,frontend_service,backend_service}.rs.
# The generated files are committed; run this after editing an IDL file.
# Requires Apache Thrift 0.17 (matches the `thrift = "=0.17.0"` crate pin).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
idl_dir="$root/proto/doris"
out_dir="$idl_dir/src"
want_version="0.17.0"

if ! command -v thrift >/dev/null 2>&1; then
  echo "thrift not found; installing thrift-compiler with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq thrift-compiler
fi

have_version="$(thrift --version | awk '{print $3}')"
if [[ "$have_version" != "$want_version" ]]; then
  echo "warning: thrift $have_version found, bindings were generated with $want_version" >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

for idl in Status Types FrontendService BackendService; do
  thrift --gen rs -out "$tmp" "$idl_dir/$idl.thrift"
done

# The generator's `Default` for all-optional structs sets every field to Some(zero), so
# `..Default::default()` would put e.g. table_id=0 or snapshot_type=REMOTE on the wire.
# Rewrite those impls so Default means "nothing set" (all None).
unset_defaults() {
  perl -ne '
    $in = 1 if /^impl Default for /;
    s/^(\s+\w+): Some\(.*\),$/$1: None,/ if $in;
    $in = 0 if /^}/;
    print;
  ' "$1"
}

for module in status types frontend_service backend_service; do
  unset_defaults "$tmp/$module.rs" > "$out_dir/$module.rs"
done
echo "generated: $(cd "$out_dir" && ls status.rs types.rs frontend_service.rs backend_service.rs | tr '\n' ' ')"
