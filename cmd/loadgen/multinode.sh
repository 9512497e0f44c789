#!/bin/bash
# Durable autosaves through HTTP, in one run: SQLite (one node), PostgreSQL
# with one node, and PostgreSQL with three nodes behind HAProxy (round-robin).
# Loopback only. Needs MOPSCERT_TEST_POSTGRES (a server where databases
# mopscert_n_* may be created), haproxy and psql.
# Usage (from the repository root):
#   MOPSCERT_TEST_POSTGRES=postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable \
#     [CANDS=200 RATE=0 DUR=15s] cmd/loadgen/multinode.sh
set -eu
: "${MOPSCERT_TEST_POSTGRES:?names the PostgreSQL server}"
export PATH="$PATH:/usr/sbin"
W=$(mktemp -d /tmp/mopscert-multinode.XXXXXX)
go build -o "$W/mopscert" ./cmd/mopscert
go build -o "$W/loadgen" ./cmd/loadgen
DBNAME="mopscert_n_load_$$"
PGURL="${MOPSCERT_TEST_POSTGRES%%\?*}"; PGURL="${PGURL%/*}/$DBNAME?sslmode=disable"
psql -q "$MOPSCERT_TEST_POSTGRES" -c "CREATE DATABASE $DBNAME"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$MOPSCERT_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" || true
  rm -rf "$W"
}
trap cleanup EXIT
LB=127.0.0.1:18480
common=(MOPSCERT_RATE_LIMITS=0 MOPSCERT_LOG_LEVEL=warn MOPSCERT_MAX_CONNS_PER_CLIENT=-1 MOPSCERT_ADMIN_EMAIL=admin@example.org
  MOPSCERT_ADMIN_PASSWORD=load-test-pass-123 MOPSCERT_TRUSTED_PROXIES=127.0.0.1/32)
node() { # name addr db base (MOPSCERT_PPROF_ADDR passes through)
  env "${common[@]}" MOPSCERT_PPROF_ADDR="${MOPSCERT_PPROF_ADDR:-}" MOPSCERT_ADDR="$2" MOPSCERT_DB="$3" MOPSCERT_BASE_URL="$4" \
    "$W/mopscert" serve > "$W/$1.log" 2>&1 &
  PIDS+=($!)
}
ready() { for _ in $(seq 1 300); do curl -sf -o /dev/null "http://$1/readyz" && return 0; sleep 0.2; done; echo "$1 not ready"; exit 1; }
node sqlite 127.0.0.1:18481 "$W/load.db" http://127.0.0.1:18481
MOPSCERT_PPROF_ADDR=127.0.0.1:18490 node pg1 127.0.0.1:18482 "$PGURL" "http://$LB"
for i in 2 3; do node "pg$i" "127.0.0.1:1848$((i + 1))" "$PGURL" "http://$LB"; done
for a in 18481 18482 18483 18484; do ready "127.0.0.1:$a"; done
cat > "$W/haproxy.cfg" <<CFG
global
    maxconn 4000
defaults
    mode http
    option forwardfor
    option redispatch
    retries 3
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout check 2s
frontend public
    bind $LB
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
    server n1 127.0.0.1:18482 check
    server n2 127.0.0.1:18483 check
    server n3 127.0.0.1:18484 check
CFG
haproxy -db -f "$W/haproxy.cfg" > "$W/haproxy.log" 2>&1 &
PIDS+=($!)
ready "$LB"
args=(-scenario autosave -candidates "${CANDS:-200}" -rate "${RATE:-0}" -duration "${DUR:-15s}" -prepare "${PREPARE:-2}")
# Where the time goes: CPU seconds each kind of process used during the
# attack only (postgres counts every backend of the server, other users'
# too). PROFILE=1 also takes a 10 s CPU profile of the first PostgreSQL node
# during each PostgreSQL attack (go tool pprof -top FILE).
cpu() { ps -o times= -p "$(echo "$@" | tr ' ' ',')" 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
HA=${PIDS[-1]}
measure() { # title target
  local pg0 n0 h0 pg1 n1 h1 lg
  echo "== $1"
  "$W/loadgen" -target "$2" "${args[@]}" > "$W/lg.out" 2>&1 &
  lg=$!
  until grep -q attacking "$W/lg.out" || ! kill -0 $lg 2>/dev/null; do sleep 0.1; done
  pg0=$(cpu $(pgrep -d' ' -x postgres)); n0=$(cpu "${PIDS[@]:0:4}"); h0=$(cpu "$HA")
  if [ -n "${PROFILE:-}" ] && [ "$2" != http://127.0.0.1:18481 ]; then
    curl -s -o "${PROFILE_DIR:-/tmp}/mopscert-pg1-$(echo "$1" | tr -cd 'a-z').pprof" "http://127.0.0.1:18490/debug/pprof/profile?seconds=10" &
  fi
  wait $lg || { cat "$W/lg.out"; exit 1; }
  pg1=$(cpu $(pgrep -d' ' -x postgres)); n1=$(cpu "${PIDS[@]:0:4}"); h1=$(cpu "$HA")
  grep -v "^preparing\|^attacking" "$W/lg.out"
  echo "  CPU seconds during the attack: mopscert nodes $((n1 - n0)), postgres $((pg1 - pg0)), haproxy $((h1 - h0))"
}
measure "SQLite, one node" http://127.0.0.1:18481
measure "PostgreSQL, one node" http://127.0.0.1:18482
measure "PostgreSQL, three nodes behind HAProxy" "http://$LB"
