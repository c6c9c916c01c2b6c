#!/usr/bin/env bash
# How many bookings a second one Magnetiq instance stores: wrk POSTs random slots of a consultant who
# is available around the clock for two years. Conflicts (409) are expected and not counted; what
# counts is the number of bookings in the database afterwards, divided by the time.
#
#   bench/bookings.sh            # 10 s, 8 connections
#   DURATION=5s CONNECTIONS=4 bench/bookings.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18090}
command -v wrk >/dev/null 2>&1 || { if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi; }
cargo build --release --quiet
DATA=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DATA"' EXIT
target/release/magnetiq migrate --data-dir "$DATA" >/dev/null
CONSULTANT=$(python3 - "$DATA/magnetiq.db" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
day = [["00:00", "23:30"]]
cur = db.execute(
    "INSERT INTO consultants (name, email, timezone, weekly_hours, breaks, buffer_minutes, min_notice_hours, max_advance_days, durations, meeting_types) "
    "VALUES ('Load Test', 'load@magnetiq.example', 'UTC', ?, '[[],[],[],[],[],[],[]]', 0, 0, 730, '[30]', '[\"video\"]')",
    (json.dumps([day] * 7),))
db.commit()
print(cur.lastrowid)
PY
)
MAGNETIQ_BOOKING_LIMIT=100000000 RUST_LOG=warn target/release/magnetiq serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
START=$(( ( $(date +%s) / 86400 + 1 ) * 86400 ))
OUT=$(CONSULTANT=$CONSULTANT START=$START wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/book.lua "http://127.0.0.1:$PORT")
echo "$OUT" | grep -E "Requests/sec|50%|99%|Non-2xx"
SECONDS_RUN=$(echo "$DURATION" | tr -d 's')
BOOKINGS=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from bookings').fetchone()[0])" "$DATA/magnetiq.db")
MAILS=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from outbox').fetchone()[0])" "$DATA/magnetiq.db")
echo "bookings stored: $BOOKINGS in ${SECONDS_RUN}s = $(( BOOKINGS / SECONDS_RUN )) bookings/s (each with 2 queued mails: $MAILS in the outbox)"
