#!/usr/bin/env bash
# How many bookings a second one Magnetiq instance stores: wrk POSTs random slots of a consultant who
# is available around the clock for two years. Conflicts (409) are expected and not counted; what
# counts is the number of bookings in the database afterwards, divided by the time.
#
#   bench/bookings.sh            # 10 s, 8 connections
#   DURATION=5s CONNECTIONS=4 bench/bookings.sh
#   BIN=/tmp/magnetiq-before bench/bookings.sh   # an older build, for a before/after
#   POSTGRES=postgres://postgres@127.0.0.1:5432/postgres bench/bookings.sh   # on PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18090}
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
  DBNAME="magnetiq_bookings_$$"
  psql -q "$POSTGRES" -c "CREATE DATABASE $DBNAME" >/dev/null
  export MAGNETIQ_DATABASE_URL="${POSTGRES%/*}/$DBNAME"
fi
"$BIN" migrate --data-dir "$DATA" >/dev/null
WEEK=$(python3 -c 'import json; print(json.dumps([[["00:00", "23:30"]]] * 7))')
INSERT="INSERT INTO consultants (name, email, timezone, weekly_hours, breaks, buffer_minutes, min_notice_hours, max_advance_days, durations, meeting_types)
        VALUES ('Load Test', 'load@magnetiq.example', 'UTC', '$WEEK', '[[],[],[],[],[],[],[]]', 0, 0, 730, '[30]', '[\"video\"]') RETURNING id"
count() {
  if [ -n "$DBNAME" ]; then psql -qAt "$MAGNETIQ_DATABASE_URL" -c "$1"; else python3 -c "import sqlite3,sys; db = sqlite3.connect(sys.argv[1]); row = db.execute(sys.argv[2]).fetchone(); db.commit(); print(row[0])" "$DATA/magnetiq.db" "$1"; fi
}
CONSULTANT=$(count "$INSERT")
MAGNETIQ_BOOKING_LIMIT=100000000 RUST_LOG=${RUST_LOG:-warn} "$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
START=$(( ( $(date +%s) / 86400 + 1 ) * 86400 ))
OUT=$(CONSULTANT=$CONSULTANT START=$START wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/book.lua "http://127.0.0.1:$PORT")
echo "$OUT" | grep -E "Requests/sec|50%|99%|Non-2xx"
SECONDS_RUN=$(echo "$DURATION" | tr -d 's')
BOOKINGS=$(count "select count(*) from bookings")
MAILS=$(count "select count(*) from outbox")
echo "bookings stored: $BOOKINGS in ${SECONDS_RUN}s = $(( BOOKINGS / SECONDS_RUN )) bookings/s (each with 2 queued mails: $MAILS in the outbox)"
