#!/usr/bin/env bash
# Pages ready before anyone asks (#32): random pages over PAGES (both languages) as Chromium asks,
# from a fresh start and in the seconds after one page's title is edited through the admin, each
# beside the limit (the same kind of page's brotli bytes from memory by ../shared/bench/static-limit),
# alternating. Also: start-up to /readyz, how long until every page was rendered ahead, how many
# renders the edit caused, and the peak RSS.
#
#   bench/prerender.sh                           # 10,000 pages, 3 runs of 10 s each, medians
#   PAGES=1000 RUNS=1 DURATION=5s bench/prerender.sh
#   BIN=/tmp/magnetiq-before bench/prerender.sh  # an older build, for a before/after
set -euo pipefail
cd "$(dirname "$0")/.."

PAGES=${PAGES:-10000}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18180}
LIMIT_PORT=$((PORT + 1))
TOKEN=bench-metrics
EMAIL=bench-editor@example.com
PASSWORD='a long bench passphrase'
ACCEPT_HTML='text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
CHROME_UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk >/dev/null
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/magnetiq
fi
cargo build --release --quiet --manifest-path ../shared/bench/static-limit/Cargo.toml --target-dir target/static-limit

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "seeding $PAGES pages..."
"$BIN" seed-demo --pages "$PAGES" --data-dir "$WORK/seed" >/dev/null
MAGNETIQ_PASSWORD="$PASSWORD" "$BIN" create-user --email "$EMAIL" --role editor --data-dir "$WORK/seed" >/dev/null
# The edit goes live when saved, as on a site without review.
sqlite3 "$WORK/seed/magnetiq.db" "INSERT INTO site_settings (name, value) VALUES ('publishing_needs_review', 'off')
  ON CONFLICT (name) DO UPDATE SET value = 'off'"

BASE="http://127.0.0.1:$PORT"
metric() { # name: its value in /metrics (0 when absent)
  curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/metrics" | awk -v n="$1" '$1 == n { print $2; found = 1 } END { if (!found) print 0 }'
}
browser_wrk() { # url
  PAGES=$PAGES wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s ../shared/bench/random-pages.lua \
    -H "Accept-Encoding: gzip, deflate, br, zstd" -H "Accept: $ACCEPT_HTML" -H "Cookie: lang=en" \
    -H "User-Agent: $CHROME_UA" "$1"
}
rate() { awk '/Requests\/sec/ { print $2 }'; }
p99() { awk '$1 == "99%" { print $2 }'; }

RESULTS=$(mktemp)
for run in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/run"; cp -r "$WORK/seed" "$WORK/run"
  start=$(date +%s.%N)
  RUST_LOG=warn MAGNETIQ_METRICS_TOKEN=$TOKEN "$BIN" serve --data-dir "$WORK/run" --bind "127.0.0.1:$PORT" &
  PID=$!; PIDS+=("$PID")
  until curl -sf "$BASE/readyz" >/dev/null; do sleep 0.005; done
  ready=$(date +%s.%N)
  # From a fresh start: the limit answers the brotli bytes of a generated page.
  curl -sf -H 'Accept-Encoding: br' "$BASE/en/page-1" -o "$WORK/page.br"
  fresh=$(browser_wrk "$BASE")
  # Until every page was rendered ahead (or the wait gives up after 60 s): the limit is measured
  # with Magnetiq idle, not while it still compresses pages on its low-priority thread.
  for _ in $(seq 1 600); do
    [ "$(metric magnetiq_page_prerender_waiting)" = 0 ] && break
    sleep 0.1
  done
  all_ready=$(date +%s.%N)
  sleep 1 # the last batch taken from the queue is finished
  target/static-limit/release/static-limit "$WORK/page.br" "127.0.0.1:$LIMIT_PORT" br >/dev/null 2>&1 &
  LPID=$!; PIDS+=("$LPID")
  until curl -s -o /dev/null "http://127.0.0.1:$LIMIT_PORT/"; do sleep 0.01; done
  limit=$(browser_wrk "http://127.0.0.1:$LIMIT_PORT")
  renders_before=$(( $(metric magnetiq_page_cache_misses_total) + $(metric magnetiq_page_prerenders_total) ))
  id=$(sqlite3 "$WORK/run/magnetiq.db" "SELECT id FROM pages WHERE slug = 'page-$((PAGES / 2))'")
  python3 bench/edit_title.py "$BASE" "$EMAIL" "$PASSWORD" "$id" "Page $((PAGES / 2)), renamed in run $run"
  edited=$(browser_wrk "$BASE")
  renders_after=$(( $(metric magnetiq_page_cache_misses_total) + $(metric magnetiq_page_prerenders_total) ))
  limit2=$(browser_wrk "http://127.0.0.1:$LIMIT_PORT")
  rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$PID/status")
  kill "$PID" "$LPID"; wait "$PID" "$LPID" 2>/dev/null || true
  startup_ms=$(awk -v a="$start" -v b="$ready" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
  ahead_s=$(awk -v a="$ready" -v b="$all_ready" 'BEGIN { printf "%.1f", b - a }')
  echo "$run $(rate <<<"$fresh") $(p99 <<<"$fresh") $(rate <<<"$limit") $(rate <<<"$edited") $(p99 <<<"$edited") $(rate <<<"$limit2") $((renders_after - renders_before)) $rss_kb $startup_ms $ahead_s" >> "$RESULTS"
  printf 'run %d: fresh %s req/s (p99 %s) vs limit %s; after the edit %s (p99 %s) vs limit %s; %d renders; RSS %d MB; ready %s ms; all rendered %s s after\n' \
    "$run" "$(rate <<<"$fresh")" "$(p99 <<<"$fresh")" "$(rate <<<"$limit")" "$(rate <<<"$edited")" "$(p99 <<<"$edited")" \
    "$(rate <<<"$limit2")" "$((renders_after - renders_before))" "$((rss_kb / 1024))" "$startup_ms" "$ahead_s"
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v c="$1" '{ print $c }' "$RESULTS" | median; }
echo
echo "Rendering ahead: $PAGES pages x 2 languages, wrk -t1 -c$CONNECTIONS -d$DURATION as Chromium asks, median of $RUNS, $(date -u +%F)"
printf 'fresh start      %10.0f req/s  %.2f x limit (%0.f)\n' "$(col 2)" "$(awk -v a="$(col 2)" -v b="$(col 4)" 'BEGIN { print a / b }')" "$(col 4)"
printf 'after one edit   %10.0f req/s  %.2f x limit (%0.f)\n' "$(col 5)" "$(awk -v a="$(col 5)" -v b="$(col 7)" 'BEGIN { print a / b }')" "$(col 7)"
echo "renders the edit caused (in the 10 s after it): $(col 8)"
echo "peak RSS: $(( $(col 9) / 1024 )) MB; ready after $(col 10) ms; every page rendered $(col 11) s after ready"
