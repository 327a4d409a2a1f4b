#!/usr/bin/env bash
# Benchmark: demo load time at scale, and latency of the enterprise list (a filter, a sort,
# page 50) and of an enterprise page under 32 concurrent connections on loopback (wrk).
# Prints figures; asserts nothing. Usage:
#   bench/list-latency.sh [ENTERPRISES]            # SQLite in a temporary directory
#   DEVZONE_BENCH_POSTGRES_URL=postgres://… bench/list-latency.sh   # also PostgreSQL (empty DB)
# Needs: wrk (Debian package), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
PORT="${PORT:-18080}"
cargo build --release -q
BIN=target/release/devzone
export DEVZONE_ADMIN_PASSWORD=bench-admin-pw

run() {
  local label="$1"; shift
  local dir; dir="$(mktemp -d)"
  echo "== $label: demo with $N enterprises"
  /usr/bin/time -f "$label demo load: %e s wall, %M KiB peak RSS" "$BIN" demo --data-dir "$dir" --enterprises "$N" --no-serve "$@" >/dev/null
  "$BIN" serve --data-dir "$dir" --bind "127.0.0.1:$PORT" "$@" >/dev/null 2>&1 &
  local pid=$!
  trap 'kill $pid 2>/dev/null || true' RETURN
  for _ in $(seq 1 50); do "$BIN" healthcheck --bind "127.0.0.1:$PORT" >/dev/null 2>&1 && break; sleep 0.2; done
  local jar="$dir/cookies"
  curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/login" -o "$dir/login.html"
  local csrf; csrf=$(grep -o 'name="csrf" value="[^"]*"' "$dir/login.html" | cut -d'"' -f4)
  curl -s -c "$jar" -b "$jar" -o /dev/null -d "csrf=$csrf&username=admin&password=$DEVZONE_ADMIN_PASSWORD&next=/" "http://127.0.0.1:$PORT/login"
  local cookie; cookie="dz_session=$(awk '$6=="dz_session"{print $7}' "$jar")"
  local list="http://127.0.0.1:$PORT/zones/1/enterprises?scale=above&sort=revenue&dir=desc&page=50"
  local page="http://127.0.0.1:$PORT/enterprises/$(( N / 2 ))"
  for url in "$list" "$page"; do
    local code; code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url")
    echo "-- $label $url (HTTP $code)"
    wrk -t4 -c32 -d"${DURATION:-20s}" --latency -H "Cookie: $cookie" "$url" | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx|Socket errors|requests in'
  done
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
}

run sqlite
if [[ -n "${DEVZONE_BENCH_POSTGRES_URL:-}" ]]; then
  run postgres --database-url "$DEVZONE_BENCH_POSTGRES_URL"
fi
