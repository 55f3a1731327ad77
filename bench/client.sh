#!/usr/bin/env bash
# A warm client login, side by side in one run, rounds interleaved, against local servers:
#   jbang        ./jbang client.java: the wrapper's kept launch (an AOT cache on JDK 25+,
#                a class-data archive on JDK 21 to 24), key in the sealed file
#   direct CDS   the same classes launched by `java` directly with a class-data archive
#   python       bench/python_client.py: the same work (machine ID, sealed key file, ES256,
#                one GET) in Python with `cryptography` (Debian: python3-cryptography)
#   jbang+hsm    ./jbang client.java --key-store pkcs11, key in a SoftHSM2 token (Debian:
#                softhsm2), against a second server where that key is bound
# Each login's server time (one Argon2id verify) is in every column alike. Prints medians,
# the ratio of each to the Python client, and one line of JSON.
#   bench/client.sh [rounds]     (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-15}
python3 -c 'import cryptography' 2>/dev/null || { echo "bench: needs Python's cryptography (apt-get install python3-cryptography)" >&2; exit 2; }

. bench/lib.sh
bench_work
export XDG_CONFIG_HOME="$work/config"  # the bench client's device key, not yours

password="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
# Not in $(...): a server started in a subshell would escape bench_cleanup's list of PIDs.
start_server() { # db -> sets url
  printf '%s\n' "$password" | ./jbang useradmin.java --db "$1" add bench >/dev/null
  ./jbang server.java --db "$1" --host 127.0.0.1 --port 0 >"$1.out" 2>"$1.err" &
  pids+=($!)
  until grep -q listening "$1.out" 2>/dev/null; do sleep 0.05; done
  url=$(sed -n 's/.*listening on \(http:[^ ]*\)$/\1/p' "$1.out")
}
login() { printf 'bench\n%s\n' "$password" | "$@" >/dev/null 2>&1; }
now() { date +%s%N; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

start_server "$work/file.db"; file_server=$url
# Warm the kept launch: a first run records what it loads, the next assembles the cache aside.
launch_cache="${SEEK_JBANG_CACHE:-${XDG_CACHE_HOME_OUTER:-$HOME/.cache}/seek-auth}/launch"
for _ in 1 2 3; do login ./jbang client.java --server "$file_server"; sleep 2; done
key=$(ls -t "$launch_cache" | grep -v '\.' | while read -r k; do grep -q client.jar "$launch_cache/$k" && echo "$k" && break; done)
eval "set -- $(sed -n 2p "$launch_cache/$key")"
java=$1; shift
direct=("$java" -XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$work/client.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off "$@")
login "${direct[@]}" --server "$file_server"  # makes its archive
echo "bench: $("$java" -version 2>&1 | head -n 1); kept launch: $(ls "$launch_cache/$key".aot >/dev/null 2>&1 && echo "AOT cache" || echo "class-data archive")" >&2

hsm=false
if command -v softhsm2-util >/dev/null && [ -f /usr/lib/softhsm/libsofthsm2.so ]; then
  hsm=true
  mkdir -p "$work/tokens"
  echo "directories.tokendir = $work/tokens" > "$work/softhsm2.conf"
  export SOFTHSM2_CONF="$work/softhsm2.conf"
  softhsm2-util --init-token --free --label seek-auth --so-pin 87654321 --pin 123456 >/dev/null
  start_server "$work/hsm.db"; hsm_server=$url
  hsm_client=(env SEEK_KEY_STORE=pkcs11 SEEK_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so SEEK_PKCS11_PIN=123456 ./jbang client.java)
  for _ in 1 2; do login "${hsm_client[@]}" --server "$hsm_server"; done
fi

declare -A t
for _ in $(seq 1 "$rounds"); do
  s=$(now); login ./jbang client.java --server "$file_server"; t[jbang]+="$(( $(now) - s )) "
  s=$(now); login "${direct[@]}" --server "$file_server"; t[direct]+="$(( $(now) - s )) "
  s=$(now); login python3 bench/python_client.py "$file_server"; t[python]+="$(( $(now) - s )) "
  if $hsm; then s=$(now); login "${hsm_client[@]}" --server "$hsm_server"; t[hsm]+="$(( $(now) - s )) "; fi
done

python_ms=$(echo "${t[python]}" | median | awk '{printf "%.0f", $1 / 1e6}')
printf '\nwarm client login, median of %d interleaved rounds (ms; ratio to the Python client)\n' "$rounds"
json="{\"bench\": \"client\", \"rounds\": $rounds"
for column in jbang direct python hsm; do
  [ -n "${t[$column]:-}" ] || continue
  m=$(echo "${t[$column]}" | median | awk '{printf "%.0f", $1 / 1e6}')
  label=$(case $column in jbang) echo "./jbang client.java (file key)";; direct) echo "java + class-data archive";;
    python) echo "python3 bench/python_client.py";; hsm) echo "./jbang client.java (SoftHSM2 key)";; esac)
  printf '%-36s %6s ms  %5.2fx\n' "$label" "$m" "$(awk -v a="$m" -v b="$python_ms" 'BEGIN {print a / b}')"
  json+=", \"${column}_ms\": $m"
done
echo "$json}"
