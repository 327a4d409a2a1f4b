#!/usr/bin/env bash
# Benchmark: every list endpoint of the API (one page of 50) under 32 concurrent connections
# on a large demo, SQLite and optionally PostgreSQL. Prints p50/p99 and requests/s per list;
# asserts nothing. Usage:
#   bench/api-lists.sh [ENTERPRISES]                         # SQLite, default 100000
#   DEVZONE_BENCH_POSTGRES_URL=postgres://… bench/api-lists.sh  # also PostgreSQL (empty DB)
# Needs: wrk (Debian package), curl, a release build (cargo build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
PORT="${PORT:-18081}"
BIN=target/release/devzone
export DEVZONE_ADMIN_PASSWORD=bench-admin-pw
LISTS=(
  "/api/v1/zones"
  "/api/v1/zones/1/parks"
  "/api/v1/enterprises?zone_id=1&page=50"
  "/api/v1/enterprises?zone_id=1&sort=revenue&order=desc"
  "/api/v1/enterprises/1/facts"
  "/api/v1/zones/1/plots"
  "/api/v1/zones/1/buildings?page=20"
  "/api/v1/zones/1/units?page=200"
  "/api/v1/zones/1/requirements"
  "/api/v1/zones/1/revitalisation-cases"
  "/api/v1/zones/1/chain-mappings?page=100"
  "/api/v1/zones/1/evaluation-runs"
  "/api/v1/zones/1/evaluation-schemes"
  "/api/v1/zones/1/targets"
  "/api/v1/zones/1/tracks"
  "/api/v1/zones/1/chains"
)

run() {
  local label="$1"; shift
  local dir; dir="$(mktemp -d)"
  echo "== $label: demo with $N enterprises"
  /usr/bin/time -f "$label demo load: %e s wall, %M KiB peak RSS" "$BIN" demo --data-dir "$dir" --enterprises "$N" --no-serve "$@" >/dev/null
  "$BIN" serve --data-dir "$dir" --bind "127.0.0.1:$PORT" "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do "$BIN" healthcheck --bind "127.0.0.1:$PORT" >/dev/null 2>&1 && break; sleep 0.2; done
  local token; token=$("$BIN" token create --user admin --data-dir "$dir" "$@" | tail -1)
  printf '%-55s %6s %10s %10s %10s\n' "$label list" HTTP p50 p99 req/s
  for path in "${LISTS[@]}"; do
    local url="http://127.0.0.1:$PORT$path"
    local code; code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
    local out; out=$(wrk -t2 -c32 -d"${DURATION:-10s}" --timeout 30s --latency -H "Authorization: Bearer $token" "$url")
    local p50 p99 rps
    p50=$(awk '$1=="50%"{print $2}' <<<"$out")
    p99=$(awk '$1=="99%"{print $2}' <<<"$out")
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    printf '%-55s %6s %10s %10s %10s\n' "$path" "$code" "$p50" "$p99" "$rps"
  done
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$dir"
}

run sqlite
if [ -n "${DEVZONE_BENCH_POSTGRES_URL:-}" ]; then
  run postgres --database-url "$DEVZONE_BENCH_POSTGRES_URL"
fi
