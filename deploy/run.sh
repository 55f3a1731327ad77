#!/usr/bin/env bash
# Starts a whole seek-auth deployment on loopback: a throwaway PostgreSQL, two
# server instances sharing it, and nginx in front; adds a demo user and runs the
# desktop client through nginx twice (the two requests reach both instances). The
# servers run with --require-proof: only headers signed by a device key count, and
# --public-url: only those signed for nginx's address, the one clients are given.
#
#   deploy/run.sh            start it, run the client, and keep it running until Ctrl-C
#   deploy/run.sh --check    the same, then stop everything; exit 0 when both checks passed
#
# Environment (defaults in brackets): DEPLOY_PROXY_PORT [8080], DEPLOY_INSTANCE_PORTS
# ["8081 8082"], DEPLOY_ADMIN_PORTS ["9081 9082"] (each instance's health and metrics, on
# loopback), DEPLOY_PG_PORT [54329], DEPLOY_STANDBY [off]: "sync" or "async" adds
# a streaming standby (pg_basebackup -R) on DEPLOY_PG_PORT + 1, synchronous or not,
# and the servers reach the two through the driver's multi-host URL, so that
# promoting the standby (pg_ctl promote) after the primary is lost needs no change
# of theirs. Needs Debian's postgresql and nginx (apt-get install postgresql nginx).
# As root, PostgreSQL runs as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

check_only=false
case "${1:-}" in
  --check) check_only=true ;;
  "") ;;
  *) echo "usage: deploy/run.sh [--check]" >&2; exit 2 ;;
esac

proxy_port=${DEPLOY_PROXY_PORT:-8080}
read -r -a instance_ports <<< "${DEPLOY_INSTANCE_PORTS:-8081 8082}"
read -r -a admin_ports <<< "${DEPLOY_ADMIN_PORTS:-9081 9082}"
pg_port=${DEPLOY_PG_PORT:-54329}
standby=${DEPLOY_STANDBY:-off}
case "$standby" in
  off|sync|async) ;;
  *) echo "deploy: DEPLOY_STANDBY must be off, sync or async, not $standby" >&2; exit 2 ;;
esac

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || { echo "deploy: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "deploy: nginx is not installed (apt-get install nginx)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/seek-deploy.XXXXXX")
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi

pids=()
cleanup() {
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${pids[@]+"${pids[@]}"}; do wait "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  [ -f "$work/pg/postmaster.pid" ] && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
  [ -f "$work/standby/postmaster.pid" ] && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/standby" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "deploy: PostgreSQL on 127.0.0.1:$pg_port (data in $work/pg)"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -U seek -E UTF8 --auth-local=trust --auth-host=trust >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1" start >/dev/null \
  || { cat "$work/pg.log" >&2; exit 1; }
psql -h 127.0.0.1 -p "$pg_port" -U seek -d postgres -qc "CREATE DATABASE seek" >/dev/null

db="jdbc:postgresql://127.0.0.1:$pg_port/seek?user=seek"
if [ "$standby" != off ]; then
  standby_port=$((pg_port + 1))
  echo "deploy: $standby standby on 127.0.0.1:$standby_port (data in $work/standby)"
  echo "host replication seek 127.0.0.1/32 trust" >> "$work/pg/pg_hba.conf"
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" reload >/dev/null
  "${as_pg[@]}" "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U seek -D "$work/standby" -R -X stream -c fast >/dev/null
  echo "primary_conninfo = 'host=127.0.0.1 port=$pg_port user=seek application_name=standby1'" >> "$work/standby/postgresql.auto.conf"
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/standby" -l "$work/standby.log" -w \
    -o "-p $standby_port -k $work -c listen_addresses=127.0.0.1" start >/dev/null \
    || { cat "$work/standby.log" >&2; exit 1; }
  if [ "$standby" = sync ]; then
    # Every commit waits until the standby has it: a failover loses no answered decision.
    psql -h 127.0.0.1 -p "$pg_port" -U seek -d postgres -qc "ALTER SYSTEM SET synchronous_standby_names = 'standby1'" >/dev/null
    psql -h 127.0.0.1 -p "$pg_port" -U seek -d postgres -qc "SELECT pg_reload_conf()" >/dev/null
  fi
  db="jdbc:postgresql://127.0.0.1:$pg_port,127.0.0.1:$standby_port/seek?user=seek&targetServerType=primary"
  echo "deploy: after a failover: ${as_pg[*]} $pg_bin/pg_ctl -D $work/standby promote"
fi
export SEEK_DB="$db"

# Build once before starting both: two JBang processes building the same script at once clash.
./jbang build server.java >/dev/null
for i in "${!instance_ports[@]}"; do
  port=${instance_ports[$i]}
  ./jbang server.java --host 127.0.0.1 --port "$port" --trusted-proxies 127.0.0.1 --require-proof \
    --public-url "http://127.0.0.1:$proxy_port" --admin-port "${admin_ports[$i]}" \
    >"$work/server-$port.out" 2>"$work/server-$port.log" &
  pids+=($!)
done
for port in "${instance_ports[@]}"; do
  for _ in $(seq 1 600); do
    grep -q "listening" "$work/server-$port.out" 2>/dev/null && break
    if ! kill -0 "${pids[0]}" 2>/dev/null || ! kill -0 "${pids[1]}" 2>/dev/null; then
      cat "$work"/server-*.log >&2; exit 1
    fi
    sleep 0.1
  done
  echo "deploy: $(head -n 1 "$work/server-$port.out")"
done

# Ready: the instance answers and its store answers it (what an orchestrator or a load
# balancer with active checks would ask; open-source nginx cannot, see deploy/nginx.conf).
fetch() { if command -v curl >/dev/null; then curl -fsS -o /dev/null "$1"; else wget -q -O /dev/null "$1"; fi; }
for i in "${!instance_ports[@]}"; do
  url="http://127.0.0.1:${admin_ports[$i]}/observe/health/ready"
  if fetch "$url" 2>/dev/null; then echo "deploy: instance ${instance_ports[$i]} ready ($url)"
  else echo "deploy: instance ${instance_ports[$i]} NOT ready ($url)"; status_ready=1; fi
done

mkdir -p "$work/nginx"
upstreams=""
for port in "${instance_ports[@]}"; do upstreams+="        server 127.0.0.1:$port;\n"; done
sed -e "s/listen 127.0.0.1:8080;/listen 127.0.0.1:$proxy_port;/" \
    -e "/server 127.0.0.1:808[12];/d" \
    -e "s/keepalive 16;/${upstreams}        keepalive 16;/" \
    deploy/nginx.conf > "$work/nginx/nginx.conf"
"$nginx" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e stderr
echo "deploy: nginx on http://127.0.0.1:$proxy_port -> instances on ${instance_ports[*]}"

password="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
# The demo client keeps its device key here, not in your own configuration folder.
export XDG_CONFIG_HOME="$work/config"
printf '%s\n' "$password" | ./jbang useradmin.java add demo >/dev/null
status=${status_ready:-0}
for round in 1 2; do
  echo "deploy: client run $round through nginx:"
  printf 'demo\n%s\n' "$password" | ./jbang client.java --server "http://127.0.0.1:$proxy_port" || status=$?
done

if $check_only; then exit "$status"; fi
echo "deploy: running; user demo's password is in this terminal only: $password"
echo "deploy: Ctrl-C stops PostgreSQL, both servers and nginx, and deletes $work"
wait "${pids[@]}"
