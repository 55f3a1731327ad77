#!/usr/bin/env bash
# What the admin socket's metrics cost, side by side in one run: two servers on one store,
# one with --admin-port (metrics counted) and one without, loaded in turn with wrk (apt-get
# install wrk): valid checks spread over 256 users and addresses (only 200s count), and
# malformed headers. Rounds alternate between the two; medians and the ratio on/off.
#   bench/metrics.sh [seconds-per-run] [rounds]     (default 10 s, 3 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
rounds=${2:-3}
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
ok = 0
local threads = {}
setup = function(thread) table.insert(threads, thread) end
request = function() n = n + 1; return wrk.format("GET", nil, headers[n % $users]) end
response = function(status) if status == 200 then ok = ok + 1 end end
done = function(summary)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("ok") end
  io.write(string.format("ok/s %.1f\n", total / (summary.duration / 1e6)))
end
LUA
} > "$work/valid.lua"

# Not in $(...): a server started in a subshell would escape bench_cleanup's list of PIDs.
start() { # name, extra flags... -> sets url
  local name=$1; shift
  ./jbang server.java --host 127.0.0.1 --port 0 --trusted-proxies 127.0.0.1 "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  until grep -q listening "$work/$name.out" 2>/dev/null; do sleep 0.1; done
  url=$(sed -n 's/.*listening on \(http:[^ ]*\)$/\1\/check/p' "$work/$name.out")
}
start on --admin-port 0; on=$url
start off; off=$url
admin=$(sed -n 's/.*metrics on \(http:[^ ]*\)$/\1/p' "$work/on.out")

valid() { wrk -t2 -c8 -d"${seconds}s" --timeout 30s -s "$work/valid.lua" "$1" | sed -n 's/^ok\/s //p'; }
malformed() { wrk -t2 -c64 -d"${seconds}s" -H "SEEK_CUSTOM_AUTH: not-base64!" "$1" | sed -n 's/^Requests\/sec: *//p'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# Both warmed alike first (the JIT, the kept launch), then the rounds.
for url in "$on" "$off"; do wrk -t2 -c8 -d5s -s "$work/valid.lua" "$url" >/dev/null; wrk -t2 -c64 -d3s -H "SEEK_CUSTOM_AUTH: x!" "$url" >/dev/null; done
declare -A r
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then order="on off"; else order="off on"; fi
  for side in $order; do
    url=$([ "$side" = on ] && echo "$on" || echo "$off")
    r[valid_$side]+="$(valid "$url") "
    r[malformed_$side]+="$(malformed "$url") "
  done
done

printf '\nmetrics on (--admin-port) and off, median of %d rounds of %d s each\n' "$rounds" "$seconds"
printf '%-28s %12s %12s %8s\n' "load" "on /s" "off /s" "on/off"
json="{\"bench\": \"metrics\", \"seconds\": $seconds, \"rounds\": $rounds"
for load in valid malformed; do
  a=$(echo "${r[${load}_on]}" | median); b=$(echo "${r[${load}_off]}" | median)
  printf '%-28s %12.1f %12.1f %8.3f\n' "$([ $load = valid ] && echo "valid logins (200s)" || echo "malformed headers")" "$a" "$b" \
    "$(awk -v a="$a" -v b="$b" 'BEGIN {print a / b}')"
  json+=", \"${load}_on\": $a, \"${load}_off\": $b"
done
echo "$json}"
echo "counted on the metered server: $(curl -s "$admin/metrics" | grep -E '^seek_decisions_total\{code="(OK|MALFORMED_HEADER)"' | tr '\n' ' ')"
