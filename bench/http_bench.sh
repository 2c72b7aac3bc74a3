#!/usr/bin/env bash
# HTTP API throughput: wrk against GET /api/v1/records/{id} (token check, store read, audit
# entry, render) and, as the peer in the same run, GET /healthz (the bare HTTP stack), on a
# node seeded with a SQLite store. Prints both and their ratio. For context it also measures
# GET /api/v1/me (HTTP + worker pool + token check, no store) and the node alone
# (http_bench_server --node-only: the same node calls from WORKERS threads, no HTTP, no wrk).
#
# Usage: bench/http_bench.sh [BUILD_DIR]       (default build)
# Environment: DURATION (10s), CONNECTIONS (64), WRK_THREADS (2), SERVER_THREADS (2),
#              WORKERS (16), RECORDS (1000), RECORD=1 appends the figures to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
server_bin="$build/bin/http_bench_server"
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
wrk_threads=${WRK_THREADS:-2}
server_threads=${SERVER_THREADS:-2}
workers=${WORKERS:-16}
records=${RECORDS:-1000}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
[ -x "$server_bin" ] || { echo "$server_bin not built (ninja -C $build http_bench_server)"; exit 1; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$server_bin" --threads "$server_threads" --workers "$workers" --records "$records" \
  --dir "$tmp/data" >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!
for _ in $(seq 1 600); do
  [ -s "$tmp/server.out" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.err"; exit 1; }
  sleep 0.1
done
line=$(head -n1 "$tmp/server.out")
port=$(sed -E 's/.*"port":([0-9]+).*/\1/' <<<"$line")
token=$(sed -E 's/.*"token":"([^"]+)".*/\1/' <<<"$line")
record=$(sed -E 's/.*"record":"([^"]+)".*/\1/' <<<"$line")
base="http://127.0.0.1:$port"
curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/records/$record" >/dev/null

wrk_cmd="wrk -t$wrk_threads -c$connections -d$duration --latency"
echo "== GET /api/v1/records/{id}: $wrk_cmd -H 'Authorization: Bearer …' $base/api/v1/records/$record"
$wrk_cmd -H "Authorization: Bearer $token" "$base/api/v1/records/$record" | tee "$tmp/record.txt"
echo "== GET /healthz (peer): $wrk_cmd $base/healthz"
$wrk_cmd "$base/healthz" | tee "$tmp/healthz.txt"
echo "== GET /api/v1/me (context): $wrk_cmd -H 'Authorization: Bearer …' $base/api/v1/me"
$wrk_cmd -H "Authorization: Bearer $token" "$base/api/v1/me" | tee "$tmp/me.txt"
kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
node_only=$("$server_bin" --node-only 5 --workers "$workers" --records "$records" --dir "$tmp/data2" |
  sed -E 's/.* ([0-9]+) GetRecord\/s.*/\1/')
echo "== node alone: $node_only GetRecord/s ($workers threads, no HTTP)"

rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
non2xx() { awk '/Non-2xx/ {print $NF}' "$1"; }
rec_rps=$(rps "$tmp/record.txt"); rec_p99=$(p99 "$tmp/record.txt")
hz_rps=$(rps "$tmp/healthz.txt"); hz_p99=$(p99 "$tmp/healthz.txt")
me_rps=$(rps "$tmp/me.txt"); me_p99=$(p99 "$tmp/me.txt")
ratio=$(awk -v a="$rec_rps" -v b="$hz_rps" 'BEGIN { printf "%.2f", a / b }')
errors=$(non2xx "$tmp/record.txt")
machine="$(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p')"
summary=$(cat <<EOT
| run | requests/s | p99 latency |
| --- | ---: | ---: |
| GET /api/v1/records/{id} | $rec_rps | $rec_p99 |
| GET /healthz (peer) | $hz_rps | $hz_p99 |
| ratio records/healthz | $ratio | |
| GET /api/v1/me (HTTP + worker pool + token, no store) | $me_rps | $me_p99 |
| node alone, GetRecord from $workers threads (no HTTP, no wrk) | $node_only | |
EOT
)
echo
echo "$summary"
[ -z "$errors" ] || echo "non-2xx responses on the record route: $errors"
echo "machine: $machine"

if [ "${RECORD:-0}" = 1 ]; then
  results=bench/RESULTS.md
  [ -f "$results" ] || printf '# Benchmark results\n' >"$results"
  grep -q '^## HTTP API' "$results" || printf '\n## HTTP API\n' >>"$results"
  {
    printf '\n### %s\n\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
    printf 'Command: `RECORD=1 bench/http_bench.sh %s` (wrk -t%s -c%s -d%s --latency; server: %s I/O threads, %s workers, SQLite store with %s records, wrk on the same machine)\n\n' \
      "$build" "$wrk_threads" "$connections" "$duration" "$server_threads" "$workers" "$records"
    printf 'Machine: %s; load average at start: %s\n\n' "$machine" "$load"
    echo "$summary"
  } >>"$results"
  echo "appended to $results"
fi
