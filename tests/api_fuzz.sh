#!/usr/bin/env bash
# A short property-based run of schemathesis (PyPI) with all its checks against the demo:
# every read operation of the API, generated from the OpenAPI document, must answer as the
# document says (status codes, bounds, schemas). Writes are not in this run yet.
# Usage: tests/api_fuzz.sh [DEVZONE_BINARY]   (needs `pip install schemathesis==4.32.5`, as .ci/run)
set -euo pipefail
bin=$(realpath "${1:-target/debug/devzone}")
work=$(mktemp -d)
port=18094
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
DEVZONE_ADMIN_PASSWORD=fuzz-admin-pass "$bin" demo --bind "127.0.0.1:$port" >server.log 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 1
done
token=$("$bin" token create --user admin --data-dir data | tail -1)
st run "http://127.0.0.1:$port/api/v1/openapi.json" -H "Authorization: Bearer $token" \
  --include-method GET --checks all --max-examples 30 --workers 2 --seed 20261202
