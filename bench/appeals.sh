#!/usr/bin/env bash
# Benchmark: enterprise appeals at the issue's scale — one zone with 100,000 appeals
# (`devzone demo --zones 1 --appeals N`) and their timelines topped up to 1,000,000 events —
# under 32 concurrent connections on loopback (wrk): the list (first page, a department's
# later page, the overdue filter in due order, a category with its children), the metrics
# page, an appeal's page, and the API list and metrics. For the metrics it also prints the
# first request (reading every appeal into the kept figures), a request for another period,
# and one right after a write. Prints figures; asserts nothing. Usage:
#   bench/appeals.sh [APPEALS]                                 # SQLite in a temporary directory
#   DEVZONE_BENCH_POSTGRES_URL=postgres://… bench/appeals.sh   # also PostgreSQL (empty DB);
#                                                              # SKIP_SQLITE=1: PostgreSQL only
# Needs: wrk (Debian package), curl, sqlite3 or psql for the event counts.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
EVENTS="${EVENTS:-1000000}"
cargo build --release -q
source bench/lib.sh

run() {
  local label="$1"; shift
  local dir; dir="$(mktemp -d)"
  echo "== $label: demo of one zone with $N appeals"
  /usr/bin/time -f "$label demo load: %e s wall, %M KiB peak RSS" \
    "$BIN" demo --data-dir "$dir" --enterprises 5000 --zones 1 --appeals "$N" --no-serve "$@" >/dev/null
  # The demo writes about 6–7 events an appeal; notes on the timeline bring them to EVENTS.
  local count="select count(*) from appeal_events"
  local n
  if [[ "$label" == sqlite ]]; then n=$(sqlite3 "$dir/devzone.db" "$count"); else n=$(psql -At "$DEVZONE_BENCH_POSTGRES_URL" -c "$count"); fi
  local per=$(( (EVENTS - n + N - 1) / N ))
  local topup="WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $per)
    INSERT INTO appeal_events (appeal_id, zone_id, \"on\", action, from_state, to_state, note, by_enterprise, username, at)
    SELECT a.id, a.zone_id, a.last_event_on, 'accept', a.state, a.state, 'bench', false, 'bench', '2026-01-01T00:00:00Z' FROM appeals a, k"
  if (( per > 0 )); then
    if [[ "$label" == sqlite ]]; then sqlite3 "$dir/devzone.db" "$topup"; n=$(sqlite3 "$dir/devzone.db" "$count")
    else psql -q "$DEVZONE_BENCH_POSTGRES_URL" -c "$topup"; n=$(psql -At "$DEVZONE_BENCH_POSTGRES_URL" -c "$count"); fi
  fi
  echo "$label: $n appeal events"
  serve "$dir" "$@"
  local api="$BASE/api/v1"
  local total; total=$(curl -s -H "Authorization: Bearer $TOKEN" "$api/zones/1/appeals?per_page=1" | grep -o '"total":[0-9]*' | cut -d: -f2)
  echo "$label: $total appeals in zone 1"
  printf '%-62s %s s\n' "first request: /zones/1/appeals/metrics" \
    "$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" "$BASE/zones/1/appeals/metrics")"
  printf '%-62s %s s\n' "another period: /api/v1/zones/1/appeals/metrics?from=2026-03-01" \
    "$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$api/zones/1/appeals/metrics?from=2026-03-01")"
  header "$label page"
  for path in /zones/1/appeals "/zones/1/appeals?department=planning&page=20" \
    "/zones/1/appeals?overdue=1&sort=due" "/zones/1/appeals?category=labour&state=closed&page=5" \
    /zones/1/appeals/metrics "/appeals/$(( total / 2 ))"; do
    measure "$path"
  done
  for path in "/api/v1/zones/1/appeals?per_page=50&page=7" "/api/v1/zones/1/appeals?overdue=true&sort=due" \
    "/api/v1/zones/1/appeals/metrics" "/api/v1/appeals/$(( total / 3 ))"; do
    measure "$path" token
  done
  # One write (an appeal raised), then the metrics once: recomputed from every appeal.
  local e; e=$(curl -s -H "Authorization: Bearer $TOKEN" "$api/enterprises?zone_id=1&per_page=1" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
  echo "write: HTTP $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"enterprise_id\":$e,\"title\":\"bench\",\"description\":\"bench\",\"category\":\"other\"}" "$api/zones/1/appeals")"
  printf '%-62s %s s\n' "after a write: /api/v1/zones/1/appeals/metrics" \
    "$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$api/zones/1/appeals/metrics")"
  stop
  rm -rf "$dir"
}

[[ -n "${SKIP_SQLITE:-}" ]] || run sqlite
if [[ -n "${DEVZONE_BENCH_POSTGRES_URL:-}" ]]; then
  run postgres --database-url "$DEVZONE_BENCH_POSTGRES_URL"
fi
