#!/bin/bash
# Durable autosaves through HTTP on SQLite and on PostgreSQL, one node each,
# in the same run and with the same load, so the two figures compare.
# Usage (from the repository root):
#   PG=postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable \
#     [CANDS=200 DUR=15s RATE=0] cmd/loadgen/compare_stores.sh
# PG names a server on which a database mopscert_load_<pid> is created and
# dropped afterwards. RATE=0 runs as fast as the candidates go.
set -u
: "${PG:?PG must name a PostgreSQL server URL}"
CANDS=${CANDS:-200} DUR=${DUR:-15s} RATE=${RATE:-0}
go build -o /tmp/compare_mopscert ./cmd/mopscert && go build -o /tmp/compare_loadgen ./cmd/loadgen || exit 1
DBNAME=mopscert_load_$$
PGDB=$(python3 -c "import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path='/'+sys.argv[2])))" "$PG" "$DBNAME")
psql -q "$PG" -c "CREATE DATABASE $DBNAME" || exit 1
trap 'psql -q "$PG" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)"' EXIT
rm -f /tmp/compare_load.db*
for store in /tmp/compare_load.db "$PGDB"; do
  echo "== MOPSCERT_DB=${store%%\?*}"
  MOPSCERT_RATE_LIMITS=0 MOPSCERT_DB=$store MOPSCERT_ADDR=127.0.0.1:18392 MOPSCERT_BASE_URL=http://127.0.0.1:18392 \
    MOPSCERT_LOG_LEVEL=warn MOPSCERT_MAX_CONNS_PER_CLIENT=-1 /tmp/compare_mopscert > /tmp/compare_server.log 2>&1 &
  SRV=$!
  for i in $(seq 1 300); do curl -s -o /dev/null http://127.0.0.1:18392/readyz && break; sleep 0.2; done
  /tmp/compare_loadgen -target http://127.0.0.1:18392 -scenario autosave -candidates "$CANDS" -rate "$RATE" -duration "$DUR"
  kill $SRV; wait $SRV 2>/dev/null
done
