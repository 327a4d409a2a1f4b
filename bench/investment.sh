#!/usr/bin/env bash
# Benchmark: the investment pipeline at the issue's scale — one zone with about 10,000
# projects and their events (`devzone demo --zones 1 --projects N`, its events topped up to
# 20 per project, 200,000 at the default, as the issue's scale asks) — under 32 concurrent
# connections on loopback (wrk): the project list (first page, a filtered and sorted later
# page, the stalled filter), the board, the summary page, and the API list and summary. For the
# summary it also prints the first request (reading every project into the kept figures) and
# one request right after a write. Prints figures; asserts nothing. Usage:
#   bench/investment.sh [PROJECTS]                              # SQLite in a temporary directory
#   DEVZONE_BENCH_POSTGRES_URL=postgres://… bench/investment.sh # also PostgreSQL (empty DB)
# Needs: wrk (Debian package), curl, sqlite3 or psql for the row counts.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
cargo build --release -q
source bench/lib.sh

run() {
  local label="$1"; shift
  local dir; dir="$(mktemp -d)"
  echo "== $label: demo of one zone with about $N projects"
  /usr/bin/time -f "$label demo load: %e s wall, %M KiB peak RSS" \
    "$BIN" demo --data-dir "$dir" --enterprises 1200 --zones 1 --projects "$N" --no-serve "$@" >/dev/null
  # The demo writes about 6 events a project; activities bring them to 20.
  local topup="WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 14)
    INSERT INTO project_events (project_id, zone_id, \"on\", kind, username, at)
    SELECT p.id, p.zone_id, p.last_activity_on, 'activity', 'bench', '2026-01-01T00:00:00Z' FROM projects p, n"
  if [[ "$label" == sqlite ]]; then
    sqlite3 "$dir/devzone.db" "$topup"
    echo "$label: $(sqlite3 "$dir/devzone.db" 'select count(*) from project_events') project events"
  else
    psql -q "$DEVZONE_BENCH_POSTGRES_URL" -c "$topup"
    echo "$label: $(psql -At "$DEVZONE_BENCH_POSTGRES_URL" -c 'select count(*) from project_events') project events"
  fi
  serve "$dir" "$@"
  local api="$BASE/api/v1"
  local total; total=$(curl -s -H "Authorization: Bearer $TOKEN" "$api/zones/1/projects?per_page=1" | grep -o '"total":[0-9]*' | cut -d: -f2)
  echo "$label: $total projects in zone 1"
  # The summary: first request (reads every project), then kept.
  printf '%-62s %s s\n' "first request: /zones/1/investment" \
    "$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $COOKIE" "$BASE/zones/1/investment")"
  local pages=(/zones/1/projects "/zones/1/projects?stage=negotiating&sort=investment&page=3"
    "/zones/1/projects?sort=investment&page=20" "/zones/1/projects?stalled=1&sort=last_activity"
    /zones/1/projects/board /zones/1/investment "/projects/$(( total / 2 ))")
  header "$label page"
  for path in "${pages[@]}"; do
    measure "$path"
  done
  for path in "/api/v1/zones/1/projects?per_page=50&page=7" "/api/v1/zones/1/investment/summary"; do
    measure "$path" token
  done
  # One write (a follow-up report), then the summary once: recomputed from every project.
  local id; id=$(curl -s -H "Authorization: Bearer $TOKEN" "$api/zones/1/projects?stage=negotiating&per_page=1" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
  echo "write: HTTP $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"kind":"report","note":"bench"}' "$api/projects/$id/activities")"
  printf '%-62s %s s\n' "after a write: /api/v1/zones/1/investment/summary" \
    "$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$api/zones/1/investment/summary")"
  stop
  rm -rf "$dir"
}

run sqlite
if [[ -n "${DEVZONE_BENCH_POSTGRES_URL:-}" ]]; then
  run postgres --database-url "$DEVZONE_BENCH_POSTGRES_URL"
fi
