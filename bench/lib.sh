# Shared by the page benchmarks (sourced, not run): start devzone on a data directory, sign
# in, and measure one path under 32 connections with wrk. Needs: wrk, curl.
#
#   serve DIR [devzone options]   starts `devzone serve`, sets PID, BASE, COOKIE and TOKEN
#   measure PATH [cookie|token]   prints: path, HTTP status and time of a first request,
#                                 p50, p99 and requests per second
#   header                        prints the column names of `measure`
#   stop                          stops the server

PORT="${PORT:-18081}"
BIN="${BIN:-target/release/devzone}"
export DEVZONE_ADMIN_PASSWORD="${DEVZONE_ADMIN_PASSWORD:-bench-admin-pw}"

serve() {
  local dir="$1"; shift
  "$BIN" serve --data-dir "$dir" --bind "127.0.0.1:$PORT" "$@" >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 1 50); do "$BIN" healthcheck --bind "127.0.0.1:$PORT" >/dev/null 2>&1 && break; sleep 0.2; done
  BASE="http://127.0.0.1:$PORT"
  local jar="$dir/cookies"
  curl -s -c "$jar" -b "$jar" "$BASE/login" -o "$dir/login.html"
  local csrf; csrf=$(grep -o 'name="csrf" value="[^"]*"' "$dir/login.html" | cut -d'"' -f4)
  curl -s -c "$jar" -b "$jar" -o /dev/null \
    -d "csrf=$csrf&username=admin&password=$DEVZONE_ADMIN_PASSWORD&next=/" "$BASE/login"
  COOKIE="dz_session=$(awk '$6=="dz_session"{print $7}' "$jar")"
  TOKEN=$("$BIN" token create --user admin --data-dir "$dir" "$@" | tail -1)
}

header() {
  printf '%-62s %5s %9s %9s %9s %9s\n' "${1:-page}" HTTP first p50 p99 req/s
}

measure() {
  local path="$1" how="${2:-cookie}"
  local auth="Cookie: $COOKIE"
  [[ "$how" == token ]] && auth="Authorization: Bearer $TOKEN"
  local first; first=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "$auth" "$BASE$path")
  local out; out=$(wrk -t2 -c32 -d"${DURATION:-10s}" --timeout 30s --latency -H "$auth" "$BASE$path")
  printf '%-62s %5s %8ss %9s %9s %9s\n' "$path" "${first% *}" "${first#* }" \
    "$(awk '$1=="50%"{print $2}' <<<"$out")" "$(awk '$1=="99%"{print $2}' <<<"$out")" \
    "$(awk '/Requests\/sec/{print $2}' <<<"$out")"
}

stop() {
  kill "$PID"; wait "$PID" 2>/dev/null || true
}
