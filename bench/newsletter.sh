#!/usr/bin/env bash
# How fast one Magnetiq instance queues and sends a newsletter issue: SUBSCRIBERS confirmed
# subscribers (10,000), an issue with a heading, a text and a button scheduled for now, and a local
# SMTP sink (Python's aiosmtpd) that accepts everything. Prints the time until every recipient is a
# delivery row, the mails a second until the last one was handed over, and the instance's peak RSS.
#
#   bench/newsletter.sh                        # 10,000 subscribers, no pacing (MAGNETIQ_MAIL_RATE very high)
#   RATE=600 SUBSCRIBERS=200 bench/newsletter.sh   # the default pace: 10 mails a second
#   POSTGRES=postgres://postgres@127.0.0.1:5432/postgres bench/newsletter.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SUBSCRIBERS=${SUBSCRIBERS:-10000}
RATE=${RATE:-100000000}
PORT=${PORT:-18091}
SMTP_PORT=${SMTP_PORT:-18025}
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install -q --break-system-packages aiosmtpd
cargo build --release --quiet
DATA=$(mktemp -d)
DBNAME=""
cleanup() {
  kill "${PID:-}" "${SINK:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$DATA"
  if [ -n "$DBNAME" ]; then psql -q "$POSTGRES" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null; fi
}
trap cleanup EXIT
if [ -n "${POSTGRES:-}" ]; then
  DBNAME="magnetiq_newsletter_$$"
  psql -q "$POSTGRES" -c "CREATE DATABASE $DBNAME" >/dev/null
  export MAGNETIQ_DATABASE_URL="${POSTGRES%/*}/$DBNAME"
fi
target/release/magnetiq migrate --data-dir "$DATA" >/dev/null
query() {
  if [ -n "$DBNAME" ]; then psql -qAt "$MAGNETIQ_DATABASE_URL" -c "$1"; else python3 -c "import sqlite3,sys; db = sqlite3.connect(sys.argv[1]); row = db.execute(sys.argv[2]).fetchone(); db.commit(); print(row[0] if row else '')" "$DATA/magnetiq.db" "$1"; fi
}
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
query "INSERT INTO newsletter_subscribers (email, language, status, consent_at, consent_version, source_url, confirmed_at, created_at, updated_at)
       SELECT 'reader' || n || '@example.com', CASE WHEN n % 3 = 0 THEN 'de' ELSE 'en' END, 'confirmed', '$NOW', 'bench', '', '$NOW', '$NOW', '$NOW'
         FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $SUBSCRIBERS) SELECT n FROM s) AS numbers RETURNING 1" >/dev/null
# The sink counts accepted messages in a file, so the count survives this shell's view of it.
cat > "$DATA/sink.py" <<'PY'
import asyncio, sys
from aiosmtpd.controller import Controller
count = 0
class Handler:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        if count % 100 == 0:
            open(sys.argv[2], "w").write(str(count))
        return "250 OK"
c = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
asyncio.get_event_loop().run_forever()
PY
python3 "$DATA/sink.py" "$SMTP_PORT" "$DATA/sunk" &
SINK=$!
sleep 1
MAGNETIQ_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" MAGNETIQ_MAIL_RATE=$RATE RUST_LOG=warn \
  target/release/magnetiq serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
BLOCKS='[{"kind":"heading","text":{"en":"What is new","de":"Was es Neues gibt"}},{"kind":"text","markdown":{"en":"We opened **two** new workshops. [Read more](/en/contact).","de":"Wir haben **zwei** neue Workshops eröffnet."}},{"kind":"button","label":{"en":"Book a call"},"url":{"en":"/en/book"}}]'
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
T0=$(date +%s.%N)
query "INSERT INTO newsletter_issues (status, subject, preheader, blocks, audience, send_at, created_at, updated_at)
       VALUES ('scheduled', '{\"en\": \"Spring news\", \"de\": \"Frühlingsnachrichten\"}', '{}', '$BLOCKS', 'all', '$NOW', '$NOW', '$NOW') RETURNING id" >/dev/null
until [ "$(query "SELECT count(*) FROM newsletter_deliveries")" = "$SUBSCRIBERS" ]; do sleep 0.02; done
T1=$(date +%s.%N)
until [ "$(query "SELECT status FROM newsletter_issues")" = "sent" ]; do sleep 0.1; done
T2=$(date +%s.%N)
SENT=$(query "SELECT count(*) FROM newsletter_deliveries WHERE status = 'sent'")
PEAK=$(awk '/VmHWM/ {print $2}' "/proc/$PID/status")
python3 - "$T0" "$T1" "$T2" "$SENT" "$PEAK" "$SUBSCRIBERS" <<'PY'
import sys
t0, t1, t2, sent, peak, n = map(float, sys.argv[1:])
print(f"recipients queued: {int(n)} in {t1 - t0:.2f} s (from the issue's time to the last delivery row; the sender looks every 0.5 s)")
print(f"sent: {int(sent)} in {t2 - t1:.1f} s = {sent / (t2 - t1):.0f} mails/s")
print(f"peak RSS: {peak / 1024:.1f} MB")
PY
