# Sourced by the benchmarks (not run): what several of them share.
#   bench_work             a temporary folder in $work, removed at exit, when every server whose PID
#                          is in $pids is stopped too (start servers outside $(...), or their PIDs
#                          never reach the list)
#   bench_users N          N users bench0..bench(N-1) in $SEEK_DB with one password, $password (one
#                          Argon2 run: the others share bench0's hash, whose salt is inside it)
#   bench_headers_lua N    Lua lines that fill headers[0..N-1] for wrk: each user's unsigned
#                          header from its own machine, and its own X-Forwarded-For address

bench_work() {
  work=$(mktemp -d)
  pids=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  for pid in ${pids[@]+"${pids[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

bench_users() {
  command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }
  password="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$password" | ./jbang useradmin.java add bench0 >/dev/null
  sqlite3 "$SEEK_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $(($1 - 1)))
    INSERT INTO users (username, password_hash, created_at, password_stamp)
    SELECT 'bench' || i, password_hash, created_at, i FROM users, n WHERE username = 'bench0'"
}

bench_headers_lua() {
  echo "local headers = {}"
  local i machine
  for i in $(seq 0 $(($1 - 1))); do
    machine=$(printf 'bench-machine-%d' "$i" | sha256sum | cut -d' ' -f1)
    echo "headers[$i] = {[\"SEEK_CUSTOM_AUTH\"] = \"$(printf '%s' "bench$i:$password:$machine" | base64 -w0)\", [\"X-Forwarded-For\"] = \"10.0.$((i / 200)).$((i % 200 + 1))\"}"
  done
}
