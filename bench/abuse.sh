#!/usr/bin/env bash
# Behaviour under abuse (docs/CONTRACT.md section 7), side by side in one run, with wrk (apt-get install wrk):
#  1. malformed headers, 64 connections: seek-auth's rate beside a bare Helidon server that
#     answers the same 400 body (bench/BareHelidon.java), and their ratio;
#  2. latency (p50, p99) of malformed answers while 64 other connections flood valid checks.
# Starts its own servers on free loopback ports with a temporary store, stops exactly those.
#   bench/abuse.sh [seconds-per-run] [git-revision-to-compare]   (default 10 s; e.g. a commit before a change)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
compare=${2:-}
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in ${pids[@]+"${pids[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  [ -d "$work/tree" ] && git worktree remove --force "$work/tree" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# start NAME DIR COMMAND...: runs it in DIR, waits for its listening line, sets $port.
start() {
  local name=$1 dir=$2; shift 2
  (cd "$dir" && exec "$@") >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 900); do grep -q listening "$work/$name.out" 2>/dev/null && break; sleep 0.1; done
  port=$(sed -n 's/.*[: ]\([0-9][0-9]*\)$/\1/p' "$work/$name.out" | head -n 1)
  [ -n "$port" ] || { echo "bench: $name did not start" >&2; cat "$work/$name.err" >&2; exit 1; }
}

password="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
users=64
# The valid flood: 64 users, each from its own machine and (through X-Forwarded-For, believed
# from loopback) its own address, so that every check is verified rather than throttled.
{
  echo "local headers = {}"
  for i in $(seq 0 $((users - 1))); do
    machine=$(printf 'bench-machine-%d' "$i" | sha256sum | cut -d' ' -f1)
    echo "headers[$i] = {[\"SEEK_CUSTOM_AUTH\"] = \"$(printf '%s' "bench$i:$password:$machine" | base64 -w0)\", [\"X-Forwarded-For\"] = \"10.0.0.$((i + 1))\"}"
  done
  echo "local n = 0"
  echo "request = function() n = n + 1; return wrk.format(\"GET\", nil, headers[n % $users]) end"
} > "$work/valid.lua"

# seek-auth at DIR: prints "rate p50 p99 ratio" for it
measure() {
  local name=$1 dir=$2
  export SEEK_DB="$work/$name.db"
  printf '%s\n' "$password" | (cd "$dir" && ./jbang useradmin.java add bench0 >/dev/null)
  # The other users share bench0's hash (the salt is inside it): one Argon2 run, not 64.
  sqlite3 "$SEEK_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $((users - 1)))
    INSERT INTO users (username, password_hash, created_at) SELECT 'bench' || i, password_hash, created_at FROM users, n WHERE username = 'bench0'"
  local proxies=(--trusted-proxies 127.0.0.1)
  grep -q trusted-proxies "$dir/server.java" || proxies=()   # an older revision: one address, its own throttle
  start "$name" "$dir" ./jbang server.java --host 127.0.0.1 --port 0 ${proxies[@]+"${proxies[@]}"}
  local url="http://127.0.0.1:$port/check"
  # Both warmed alike first (the JIT), not counted: the bare server has run longer by now.
  malformed_rate "$bare_url" 5 >/dev/null
  malformed_rate "$url" 5 >/dev/null
  # The machine is shared and noisy: alternate with the bare server, five rounds, medians.
  local ours=() bares=()
  for _ in 1 2 3 4 5; do
    bares+=("$(malformed_rate "$bare_url" "$(( (seconds + 2) / 3 ))")")
    ours+=("$(malformed_rate "$url" "$(( (seconds + 2) / 3 ))")")
  done
  rate=$(printf '%s\n' "${ours[@]}" | sort -n | sed -n 3p)
  bare_rate=$(printf '%s\n' "${bares[@]}" | sort -n | sed -n 3p)
  wrk -t1 -c64 -d"$((seconds + 2))s" --timeout 30s -s "$work/valid.lua" "$url" >"$work/$name.flood" &
  local flood=$!
  sleep 1
  local lat
  lat=$(wrk -t1 -c2 -d"${seconds}s" --latency -H "SEEK_CUSTOM_AUTH: not-base64!" "$url")
  wait "$flood"
  p50=$(echo "$lat" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$lat" | awk '$1 == "99%" {print $2}')
  if echo "$lat" | grep -q '^ *0 requests in'; then p50="no answer"; p99="no answer"; fi
  flood_rate=$(awk '/Requests\/sec/ {print $2}' "$work/$name.flood")
  flood_non2xx=$(awk '/Non-2xx/ {print $5}' "$work/$name.flood")
  kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
}

malformed_rate() { # url seconds
  wrk -t2 -c64 -d"${2}s" -H "SEEK_CUSTOM_AUTH: not-base64!" "$1" | awk '/Requests\/sec/ {print $2}'
}

start bare . ./jbang bench/BareHelidon.java
bare_url="http://127.0.0.1:$port/check"

rows=()
if [ -n "$compare" ]; then
  git worktree add --detach "$work/tree" "$compare" >/dev/null 2>&1
  measure before "$work/tree"
  rows+=("before ($compare)|$rate|$p50|$p99|$flood_rate|${flood_non2xx:-0}|$bare_rate")
fi
measure now .
rows+=("this checkout|$rate|$p50|$p99|$flood_rate|${flood_non2xx:-0}|$bare_rate")

printf '\nmalformed headers, 64 connections, medians of 5 rounds alternating with a bare Helidon server answering the same 400\n'
printf 'latency of malformed answers (2 connections) while 64 connections flood valid checks of 64 users\n'
printf '%-22s %12s %12s %8s %16s %16s %16s %12s\n' "server" "malformed/s" "bare/s" "ratio" "p50 under flood" "p99 under flood" "valid checks/s" "of them non-2xx"
json="{\"bench\": \"abuse\", \"seconds\": $seconds"
for row in "${rows[@]}"; do
  IFS='|' read -r name r a b f x br <<< "$row"
  ratio=$(awk -v r="$r" -v b="$br" 'BEGIN {printf "%.2f", r / b}')
  printf '%-22s %12s %12s %8s %16s %16s %16s %12s\n' "$name" "$r" "$br" "$ratio" "$a" "$b" "$f" "$x"
  key=$( [ "$name" = "this checkout" ] && echo now || echo before )
  json+=", \"${key}_malformed_per_s\": $r, \"${key}_bare_per_s\": $br, \"${key}_ratio\": $ratio, \"${key}_p50\": \"$a\", \"${key}_p99\": \"$b\", \"${key}_valid_per_s\": $f"
done
echo "$json}"
