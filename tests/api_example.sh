#!/usr/bin/env bash
# Runs the example of docs/api.md, as written there, against a fresh demo: the document's
# commands are the test. Fails on the first command that fails (curl -f: any HTTP error).
# Usage: tests/api_example.sh [path/to/devzone]   (needs curl and jq)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(realpath "${1:-target/release/devzone}")"
PORT="${PORT:-18085}"
work="$(mktemp -d)"
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$BIN" demo --data-dir "$work/data" --enterprises 300 --zones 1 --no-serve >/dev/null
"$BIN" serve --data-dir "$work/data" --bind "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do "$BIN" healthcheck --bind "127.0.0.1:$PORT" >/dev/null 2>&1 && break; sleep 0.2; done
# `devzone` in the document is this binary on this demo; the address is this server's.
mkdir -p "$work/bin"
printf '#!/bin/sh\nexec "%s" "$@" --data-dir "%s"\n' "$BIN" "$work/data" >"$work/bin/devzone"
chmod +x "$work/bin/devzone"
awk '/^```sh$/{on=1; next} /^```$/{on=0} on' docs/api.md \
  | sed "s#http://127.0.0.1:8080#http://127.0.0.1:$PORT#" >"$work/example.sh"
cd "$work"
PATH="$work/bin:$PATH" bash -euo pipefail example.sh >"$work/out.txt" || { cat "$work/out.txt"; exit 1; }
tail -n 20 "$work/out.txt"
echo "docs/api.md example: all steps answered"
