#!/bin/bash
# autosave p99 while a 20k-item YAML import runs through the admin API
# Usage: FILE=bank.yaml [CANDS=16 RATE=500 DUR=45s NOIMPORT=1] cmd/loadgen/autosave_import.sh (from the repository root)
set -u
go build -o /tmp/autosave_import_mopscert ./cmd/mopscert && go build -o /tmp/autosave_import_loadgen ./cmd/loadgen || exit 1
rm -f /tmp/autosave_import_load.db*
export MOPSCERT_RATE_LIMITS=0 MOPSCERT_DB=/tmp/autosave_import_load.db MOPSCERT_ADDR=127.0.0.1:18391 \
  MOPSCERT_BASE_URL=http://127.0.0.1:18391 MOPSCERT_LOG_LEVEL=warn \
  MOPSCERT_ADMIN_EMAIL=admin@example.org MOPSCERT_ADMIN_PASSWORD=load-test-pass-123
/tmp/autosave_import_mopscert > /tmp/autosave_import_server.log 2>&1 &
SRV=$!
for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:18391/healthz && break; sleep 0.2; done
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"email":"admin@example.org","password":"load-test-pass-123"}' http://127.0.0.1:18391/api/v1/auth/login | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
/tmp/autosave_import_loadgen -target http://127.0.0.1:18391 -scenario autosave -candidates ${CANDS:-16} -rate ${RATE:-1000} -duration ${DUR:-60s} > /tmp/autosave_import_loadgen.out 2>&1 &
LG=$!
for i in $(seq 1 600); do
  n=$(python3 -c "import sqlite3; print(sqlite3.connect('file:/tmp/autosave_import_load.db?mode=ro', uri=True).execute('select count(*) from attempts').fetchone()[0])" 2>/dev/null || echo 0)
  [ "$n" -ge ${CANDS:-16} ] && break; sleep 0.5
done
sleep 5
date +%T.%N; S=$(date +%s.%N)
[ -n "${NOIMPORT:-}" ] || curl -s -o /tmp/autosave_import_import.out -w '%{http_code}\n' -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/yaml' \
  --data-binary @${FILE:?a 20,000-item YAML file} 'http://127.0.0.1:18391/api/v1/admin/bank/import?format=yaml'
E=$(date +%s.%N); echo "import took $(echo "$E - $S" | bc) s"; head -c 200 /tmp/autosave_import_import.out; echo
wait $LG
cat go run ./cmd/loadgen.out
kill $SRV; wait $SRV
