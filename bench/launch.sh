#!/usr/bin/env bash
# Launch time and memory, side by side in one run (needs wrk: apt-get install wrk):
#   P4  a warm `./jbang client.java` (one valid check) beside a direct `java` launch of the
#       same classes with a class-data-sharing archive;
#   P5  a warm `./jbang server.java`, from start to the first answer on /check, beside the
#       same direct launch;
#   and a warm `./jbang useradmin.java list` beside its direct launch;
#   P3  the server's peak resident memory while 500 connections flood valid checks.
# Prints a table and one line of JSON. Starts its own servers on free loopback ports with a
# temporary store, and stops exactly those.
#   bench/launch.sh [runs-per-launch] [flood-seconds]      (default 10 runs, 20 s)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
flood_seconds=${2:-20}
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }

work=$(mktemp -d)
export XDG_CONFIG_HOME="$work/config"  # the bench client's device key, not yours
pids=()
cleanup() {
  for pid in ${pids[@]+"${pids[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

export SEEK_DB="$work/bench.db"
password="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" | ./jbang useradmin.java add bench0 >/dev/null
users=256
sqlite3 "$SEEK_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $users)
  INSERT INTO users (username, password_hash, created_at) SELECT 'bench' || i, password_hash, created_at FROM users, n WHERE username = 'bench0'"

launch_cache="${SEEK_JBANG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seek-auth}/launch"
# The direct launch of a script: the command the wrapper keeps for it, with its archive.
direct() { # script -> command words on stdout, one per line
  local key entry
  key=$(ls -t "$launch_cache" | grep -v '\.' | while read -r k; do grep -q "$1" "$launch_cache/$k" && echo "$k" && break; done)
  entry=$(sed -n 2p "$launch_cache/$key")
  eval "set -- $entry"
  local java=$1; shift
  printf '%s\n' "$java" "-XX:SharedArchiveFile=$launch_cache/$key.jsa" "-Xlog:cds=off" "$@"
}
now() { date +%s%N; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ms() { awk -v n="$1" 'BEGIN {printf "%.0f", n / 1e6}'; }

# Server start to first answer, one run: prints nanoseconds.
server_start() { # command...
  local start port pid
  start=$(now)
  "$@" --host 127.0.0.1 --port 0 >"$work/s.out" 2>"$work/s.err" &
  pid=$!
  until grep -q listening "$work/s.out" 2>/dev/null; do sleep 0.005; done
  port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/s.out")
  until curl -s -o /dev/null "http://127.0.0.1:$port/check"; do sleep 0.005; done
  echo $(( $(now) - start ))
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}

# Warm both paths first: the wrapper keeps the launches and the archives are written.
./jbang server.java --host 127.0.0.1 --port 0 >"$work/warm.out" 2>/dev/null & pids+=($!)
until grep -q listening "$work/warm.out" 2>/dev/null; do sleep 0.05; done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/warm.out")
kill -TERM "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
./jbang server.java --host 127.0.0.1 --port 0 >"$work/srv.out" 2>"$work/srv.err" & pids+=($!)
until grep -q listening "$work/srv.out" 2>/dev/null; do sleep 0.05; done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/srv.out")
server_url="http://127.0.0.1:$port"
for _ in 1 2; do printf 'bench0\n%s\n' "$password" | ./jbang client.java --server "$server_url" >/dev/null; ./jbang useradmin.java list >/dev/null; done
mapfile -t client_direct < <(direct client.java)
mapfile -t admin_direct < <(direct useradmin.java)
mapfile -t server_direct < <(direct server.java)

declare -A t
for _ in $(seq 1 "$runs"); do
  s=$(now); printf 'bench0\n%s\n' "$password" | ./jbang client.java --server "$server_url" >/dev/null; t[client_wrapper]+="$(( $(now) - s )) "
  s=$(now); printf 'bench0\n%s\n' "$password" | "${client_direct[@]}" --server "$server_url" >/dev/null; t[client_direct]+="$(( $(now) - s )) "
  s=$(now); printf 'bench0\n%s\n' "$password" | ./jbang run client.java --server "$server_url" >/dev/null; t[client_jbang]+="$(( $(now) - s )) "
  s=$(now); ./jbang run useradmin.java list >/dev/null; t[admin_jbang]+="$(( $(now) - s )) "
  s=$(now); ./jbang useradmin.java list >/dev/null; t[admin_wrapper]+="$(( $(now) - s )) "
  s=$(now); "${admin_direct[@]}" list >/dev/null; t[admin_direct]+="$(( $(now) - s )) "
done
kill -TERM "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
for _ in $(seq 1 "$runs"); do
  t[server_wrapper]+="$(server_start ./jbang server.java) "
  t[server_direct]+="$(server_start "${server_direct[@]}") "
  t[server_jbang]+="$(server_start ./jbang run server.java) "
done

# P3: 500 connections flood valid checks of 64 users (each its own machine and address).
{
  echo "local headers = {}"
  for i in $(seq 0 $((users - 1))); do
    machine=$(printf 'bench-machine-%d' "$i" | sha256sum | cut -d' ' -f1)
    echo "headers[$i] = {[\"SEEK_CUSTOM_AUTH\"] = \"$(printf '%s' "bench$((i + 1)):$password:$machine" | base64 -w0)\", [\"X-Forwarded-For\"] = \"10.0.$((i / 200)).$((i % 200 + 1))\"}"
  done
  cat <<'LUA'
local n = 0
counts = {}
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function() counts = {} end
request = function() n = n + 1; return wrk.format("GET", nil, headers[n % 256]) end
response = function(status) counts[status] = (counts[status] or 0) + 1 end
done = function()
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, k in pairs(c) do total[status] = (total[status] or 0) + k end
  end
  for status, k in pairs(total) do io.write(string.format("status %d %d\n", status, k)) end
end
LUA
} > "$work/flood.lua"
./jbang server.java --host 127.0.0.1 --port 0 --trusted-proxies 127.0.0.1 >"$work/p3.out" 2>"$work/p3.err" & pids+=($!)
server_pid=${pids[0]}
until grep -q listening "$work/p3.out" 2>/dev/null; do sleep 0.05; done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/p3.out")
rss_start=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$server_pid/status")
wrk -t2 -c500 -d"${flood_seconds}s" --timeout 60s -s "$work/flood.lua" "http://127.0.0.1:$port/check" > "$work/flood.txt"
peak=$(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$server_pid/status")
sleep 3   # the hashing queue (a second or two of work) drains
after=$(printf 'bench0\n%s\n' "$password" | ./jbang client.java --server "http://127.0.0.1:$port" | head -n 1 || true)
ok=$(awk '$1 == "status" && $2 == 200 {print $3}' "$work/flood.txt"); ok=${ok:-0}
busy=$(awk '$1 == "status" && $2 == 503 {print $3}' "$work/flood.txt"); busy=${busy:-0}
other=$(awk '$1 == "status" && $2 != 200 && $2 != 503 {s += $3} END {print s + 0}' "$work/flood.txt")
errors=$(sed -n 's/.*Socket errors: //p' "$work/flood.txt"); errors=${errors:-none}
oom=$(grep -c OutOfMemoryError "$work/p3.err" || true)

m() { printf '%s\n' ${t[$1]} | median; }
cw=$(m client_wrapper); cd_=$(m client_direct); aw=$(m admin_wrapper); ad=$(m admin_direct); sw=$(m server_wrapper); sd=$(m server_direct)
cj=$(m client_jbang); aj=$(m admin_jbang); sj=$(m server_jbang)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
printf '\nmedians of %d warm runs, side by side; the direct launch is the kept command with its CDS archive\n' "$runs"
printf '(through JBang: `./jbang run SCRIPT`, which never takes the kept launch, as every warm run did before)\n'
printf '%-36s %12s %12s %8s %16s\n' "what" "./jbang" "direct java" "ratio" "through JBang"
printf '%-36s %10s ms %10s ms %8s %13s ms\n' "P4 client, one valid check" "$(ms "$cw")" "$(ms "$cd_")" "$(ratio "$cw" "$cd_")" "$(ms "$cj")"
printf '%-36s %10s ms %10s ms %8s %13s ms\n' "P5 server, start to first answer" "$(ms "$sw")" "$(ms "$sd")" "$(ratio "$sw" "$sd")" "$(ms "$sj")"
printf '%-36s %10s ms %10s ms %8s %13s ms\n' "useradmin list" "$(ms "$aw")" "$(ms "$ad")" "$(ratio "$aw" "$ad")" "$(ms "$aj")"
printf 'P3 server memory, 500 connections flooding valid checks for %ss: %s MiB after start, peak %s MiB;\n' "$flood_seconds" "$rss_start" "$peak"
printf '   answers: %s x 200, %s x 503 (queue full), %s other; socket errors: %s; OutOfMemoryError: %s; afterwards: %s\n' \
  "$ok" "$busy" "$other" "$errors" "$oom" "$after"
printf '{"bench": "launch", "runs": %d, "p4_client_ms": %s, "p4_direct_ms": %s, "p4_through_jbang_ms": %s, "p5_server_ms": %s, "p5_direct_ms": %s, "p5_through_jbang_ms": %s, "admin_list_ms": %s, "admin_direct_ms": %s, "admin_through_jbang_ms": %s, "p3_peak_mib": %s, "p3_ok": %s, "p3_busy": %s, "p3_other": %s, "p3_oom": %s}\n' \
  "$runs" "$(ms "$cw")" "$(ms "$cd_")" "$(ms "$cj")" "$(ms "$sw")" "$(ms "$sd")" "$(ms "$sj")" "$(ms "$aw")" "$(ms "$ad")" "$(ms "$aj")" "$peak" "$ok" "$busy" "$other" "$oom"
