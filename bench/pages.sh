#!/usr/bin/env bash
# Benchmark: demo load time at scale, then the pages of the issue table under 32 concurrent
# connections on loopback (wrk): zone home, land overview, chain index, tracks, targets, tiers, the
# enterprise list (a filter, a sort, page 50) and an enterprise page. For the cockpit pages,
# which keep whole-zone figures until the zone changes, it also prints the first request
# (computing them) and one request right after a write (recomputing them).
# Prints figures; asserts nothing. Usage:
#   bench/pages.sh [ENTERPRISES]                               # SQLite in a temporary directory
#   DEVZONE_BENCH_POSTGRES_URL=postgres://… bench/pages.sh     # also PostgreSQL (empty DB)
#   DEVZONE_BENCH_DATA_DIR=dir bench/pages.sh                  # reuse a loaded SQLite demo
#   DEVZONE_BENCH_LOADED=1 DEVZONE_BENCH_POSTGRES_URL=… bench/pages.sh  # …and PostgreSQL one
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
  local dir keep=""
  if [[ -n "${DEVZONE_BENCH_DATA_DIR:-}" && "$label" == sqlite ]]; then
    dir="$DEVZONE_BENCH_DATA_DIR"; keep=1
  else
    dir="$(mktemp -d)"
  fi
  if [[ "$label" == sqlite && ! -e "$dir/devzone.db" ]] || [[ "$label" != sqlite && -z "${DEVZONE_BENCH_LOADED:-}" ]]; then
    echo "== $label: demo with $N enterprises"
    /usr/bin/time -f "$label demo load: %e s wall, %M KiB peak RSS" "$BIN" demo --data-dir "$dir" --enterprises "$N" --zones 1 --no-serve "$@" >/dev/null
  fi
  # A reused demo has its own random password: set the bench's.
  DEVZONE_PASSWORD="$DEVZONE_ADMIN_PASSWORD" "$BIN" user passwd admin --data-dir "$dir" "$@" >/dev/null
  "$BIN" serve --data-dir "$dir" --bind "127.0.0.1:$PORT" "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do "$BIN" healthcheck --bind "127.0.0.1:$PORT" >/dev/null 2>&1 && break; sleep 0.2; done
  local jar="$dir/cookies"
  curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/login" -o "$dir/login.html"
  local csrf; csrf=$(grep -o 'name="csrf" value="[^"]*"' "$dir/login.html" | cut -d'"' -f4)
  curl -s -c "$jar" -b "$jar" -o /dev/null -d "csrf=$csrf&username=admin&password=$DEVZONE_ADMIN_PASSWORD&next=/" "http://127.0.0.1:$PORT/login"
  local cookie; cookie="dz_session=$(awk '$6=="dz_session"{print $7}' "$jar")"
  local token; token=$("$BIN" token create --user admin --data-dir "$dir" "$@" | tail -1)
  local base="http://127.0.0.1:$PORT"
  local cockpit=(/zones/1 /zones/1/land /zones/1/chains /zones/1/tracks /zones/1/targets /zones/1/tiers)
  local pages=("${cockpit[@]}" "/zones/1/enterprises?scale=above&sort=revenue&dir=desc&page=50" "/enterprises/$(( N / 2 ))")
  printf '%-62s %5s %9s %9s %9s %9s\n' "$label page" HTTP first p50 p99 req/s
  for path in "${pages[@]}"; do
    local first; first=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Cookie: $cookie" "$base$path")
    local out; out=$(wrk -t2 -c32 -d"${DURATION:-10s}" --timeout 30s --latency -H "Cookie: $cookie" "$base$path")
    printf '%-62s %5s %8ss %9s %9s %9s\n' "$path" "${first% *}" "${first#* }" \
      "$(awk '$1=="50%"{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")" \
      "$(awk '/Requests\/sec/{print $2}' <<<"$out")"
  done
  # One write (a revenue figure of one enterprise), then each cockpit page once: recomputed.
  local e=$(( N / 3 ))
  echo "write: HTTP $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"year":2025,"source":"statistics_bureau","values":{"revenue":"'"$((RANDOM * 1000 + 1))"'"}}' "$base/api/v1/enterprises/$e/facts")"
  for path in "${cockpit[@]}"; do
    printf '%-62s %s s\n' "after a write: $path" \
      "$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $cookie" "$base$path")"
  done
  kill $pid; wait $pid 2>/dev/null || true
  [[ -n "$keep" ]] || rm -rf "$dir"
}

run sqlite
if [[ -n "${DEVZONE_BENCH_POSTGRES_URL:-}" ]]; then
  run postgres --database-url "$DEVZONE_BENCH_POSTGRES_URL"
fi
