#!/usr/bin/env bash
# Throughput and memory of a real seek-auth server on loopback, with wrk (apt-get install wrk).
# Starts its own server on a free port with a temporary store, and stops exactly that process.
#   bench/throughput.sh [seconds-per-run]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export SEEK_DB="$work/bench.db"
password="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" | ./jbang useradmin.java add bench >/dev/null

./jbang server.java --host 127.0.0.1 --port 0 >"$work/out" 2>"$work/err" &
server_pid=$!
for _ in $(seq 1 600); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$work/out")
[ -n "$port" ] || { echo "bench: server did not start" >&2; cat "$work/err" >&2; exit 1; }
url="http://127.0.0.1:$port/check"
machine=$(printf 'bench-machine' | sha256sum | cut -d' ' -f1)
valid=$(printf '%s' "bench:$password:$machine" | base64 -w0)

curl -s -o /dev/null -H "SEEK_CUSTOM_AUTH: $valid" "$url"   # binds; every later check is "existing"
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$server_pid/status"; echo; }

echo "== server memory after start:"; rss
echo "== valid checks (Argon2id verify each), 2 threads, 8 connections, ${seconds}s"
wrk -t2 -c8 -d"${seconds}s" --timeout 30s -H "SEEK_CUSTOM_AUTH: $valid" "$url" | grep -E 'Requests/sec|Latency|Non-2xx|requests in|errors'
echo "== malformed headers, 2 threads, 64 connections, ${seconds}s"
wrk -t2 -c64 -d"${seconds}s" -H "SEEK_CUSTOM_AUTH: not-base64!" "$url" | grep -E 'Requests/sec|Latency|Non-2xx|requests in|errors'
echo "== 200 concurrent valid checks, ${seconds}s (past the hashing queue the answer is a quick 503)"
wrk -t2 -c200 -d"${seconds}s" --timeout 30s -H "SEEK_CUSTOM_AUTH: $valid" "$url" | grep -E 'Requests/sec|Latency|Non-2xx|requests in|errors'
echo "== server memory after 200 concurrent valid checks:"; rss
