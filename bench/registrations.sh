#!/usr/bin/env bash
# How many webinar registrations a second one Magnetiq instance stores: wrk POSTs registrations with
# distinct addresses for the demo webinar `rag-in-production`, given 100,000 seats. What counts is
# the registrations in the database afterwards (each with its confirmation and two reminders in the
# outbox), divided by the time.
#
#   bench/registrations.sh            # 10 s, 8 connections
#   DURATION=5s CONNECTIONS=4 bench/registrations.sh
#   BIN=/tmp/magnetiq-before bench/registrations.sh   # an older build, for a before/after
#   POSTGRES=postgres://postgres@127.0.0.1:5432/postgres bench/registrations.sh   # on PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18091}
command -v wrk >/dev/null 2>&1 || { if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi; }
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/magnetiq
fi
DATA=$(mktemp -d)
DBNAME=""
cleanup() {
  kill "${PID:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$DATA"
  if [ -n "$DBNAME" ]; then psql -q "$POSTGRES" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null; fi
}
trap cleanup EXIT
if [ -n "${POSTGRES:-}" ]; then
  DBNAME="magnetiq_registrations_$$"
  psql -q "$POSTGRES" -c "CREATE DATABASE $DBNAME" >/dev/null
  export MAGNETIQ_DATABASE_URL="${POSTGRES%/*}/$DBNAME"
fi
query() {
  if [ -n "$DBNAME" ]; then psql -qAt "$MAGNETIQ_DATABASE_URL" -c "$1"; else python3 -c "import sqlite3,sys; db = sqlite3.connect(sys.argv[1]); row = db.execute(sys.argv[2]).fetchone(); db.commit(); print(row[0] if row else '')" "$DATA/magnetiq.db" "$1"; fi
}
MAGNETIQ_TRUSTED_PROXIES=127.0.0.1 MAGNETIQ_BOOKING_LIMIT=100000000 RUST_LOG=${RUST_LOG:-warn} "$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
query "UPDATE webinars SET capacity = 100000 WHERE slug = 'rag-in-production' RETURNING id" >/dev/null
OUT=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/register.lua "http://127.0.0.1:$PORT")
echo "$OUT" | grep -E "Requests/sec|50%|99%|Non-2xx"
SECONDS_RUN=$(echo "$DURATION" | tr -d 's')
STORED=$(query "select count(*) from webinar_registrations")
MAILS=$(query "select count(*) from outbox")
echo "registrations stored: $STORED in ${SECONDS_RUN}s = $(( STORED / SECONDS_RUN )) registrations/s ($MAILS mails in the outbox)"
