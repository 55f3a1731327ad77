#!/usr/bin/env bash
# Throughput and memory of a real seek-auth server on loopback, with wrk (apt-get install wrk).
# Starts its own server on a free port with a temporary store, and stops exactly that process.
# Valid checks are spread over 256 users, each from its own machine and (through
# X-Forwarded-For, believed from loopback) its own address, so that the failure budgets,
# which cap attempts in flight per account and per address, never limit them; only
# answers of 200 count as logins. (bench/LoginBench.java measures signed logins beside the
# hash-bound limit; this one is unsigned, as curl sends.)
#   bench/throughput.sh [seconds-per-run]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
. bench/lib.sh
bench_work

users=256
export SEEK_DB="$work/bench.db"
bench_users $users
{
  bench_headers_lua $users
  cat <<LUA
local n = 0
counts = {}
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function() counts = {} end
request = function() n = n + 1; return wrk.format("GET", nil, headers[n % $users]) end
response = function(status) counts[status] = (counts[status] or 0) + 1 end
done = function(summary)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, k in pairs(c) do total[status] = (total[status] or 0) + k end
  end
  local seconds = summary.duration / 1e6
  for status, k in pairs(total) do io.write(string.format("  status %d: %d (%.1f/s)\n", status, k, k / seconds)) end
end
LUA
} > "$work/valid.lua"

./jbang server.java --host 127.0.0.1 --port 0 --trusted-proxies 127.0.0.1 >"$work/out" 2>"$work/err" &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 1 600); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/out")
[ -n "$port" ] || { echo "bench: server did not start" >&2; cat "$work/err" >&2; exit 1; }
url="http://127.0.0.1:$port/check"
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$server_pid/status"; echo; }

echo "== server memory after start:"; rss
echo "== valid checks of $users users (Argon2id verify each), 2 threads, 8 connections, ${seconds}s; 200s are logins"
wrk -t2 -c8 -d"${seconds}s" --timeout 30s -s "$work/valid.lua" "$url" | grep -E 'Latency|requests in|errors|status'
echo "== malformed headers, 2 threads, 64 connections, ${seconds}s"
wrk -t2 -c64 -d"${seconds}s" -H "SEEK_CUSTOM_AUTH: not-base64!" "$url" | grep -E 'Requests/sec|Latency|requests in|errors'
echo "== 200 concurrent valid checks, ${seconds}s (past the hashing queue the answer is a quick 503)"
wrk -t2 -c200 -d"${seconds}s" --timeout 30s -s "$work/valid.lua" "$url" | grep -E 'Latency|requests in|errors|status'
echo "== server memory after 200 concurrent valid checks:"; rss
