#!/usr/bin/env bash
# Site search latency on a large site: seeds PAGES generated pages (page-1 … page-N, English and
# German, eight blocks each; every one of them indexed while seeding), then drives /{lang}/search
# with wrk (bench/search.lua: common words, rare ones, German compounds by their first word, words
# nothing has) and reports requests a second and latency percentiles.
#
#   bench/search.sh                         # 10,000 pages, 10 s, 8 connections
#   PAGES=1000 DURATION=3s bench/search.sh
#   POSTGRES=postgres://postgres@127.0.0.1:5432/postgres bench/search.sh   # on PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."

PAGES=${PAGES:-10000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
PORT=${PORT:-18090}

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)..."
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi
if [ -z "${BIN:-}" ]; then
  echo "building the release binary..."
  cargo build --release --quiet
  BIN=target/release/magnetiq
fi

DATA=$(mktemp -d)
PID=""
DBNAME=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; fi
  rm -rf "$DATA"
  if [ -n "$DBNAME" ]; then psql -q "$POSTGRES" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null; fi
}
trap cleanup EXIT
if [ -n "${POSTGRES:-}" ]; then
  DBNAME="magnetiq_search_$$"
  psql -q "$POSTGRES" -c "CREATE DATABASE $DBNAME" >/dev/null
  export MAGNETIQ_DATABASE_URL="${POSTGRES%/*}/$DBNAME"
  echo "on PostgreSQL: $DBNAME"
fi

echo "seeding $PAGES pages (indexed as they are added)..."
seed_start=$(date +%s.%N)
"$BIN" seed-demo --pages "$PAGES" --data-dir "$DATA" >/dev/null
seed_end=$(date +%s.%N)
echo "seeded in $(awk -v a="$seed_start" -v b="$seed_end" 'BEGIN { printf "%.1f", b - a }') s"
reindex_start=$(date +%s.%N)
"$BIN" reindex --data-dir "$DATA"
reindex_end=$(date +%s.%N)
echo "reindex took $(awk -v a="$reindex_start" -v b="$reindex_end" 'BEGIN { printf "%.1f", b - a }') s"

RUST_LOG=warn "$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
  kill -0 "$PID" 2>/dev/null || { echo "server exited" >&2; exit 1; }
  sleep 0.01
done
BASE="http://127.0.0.1:$PORT"
for q in "/en/search?q=guide" "/de/search?q=praxis" "/en/search?q=practical+guide+4711"; do
  printf '%-40s %s\n' "$q" "$(curl -s "$BASE$q" | grep -o '<p class="search-summary">[^<]*' | sed 's/.*>//')"
done
echo "one visitor at a time (median of 7 requests each):"
for q in $(grep -o '"/[a-z][a-z]/search?q=[^"]*"' bench/search.lua | tr -d '"'); do
  times=$(for _ in 1 2 3 4 5 6 7; do
    curl -s -o /dev/null -H 'Accept-Encoding: gzip, deflate, br, zstd' -w '%{time_total}\n' "$BASE$q"
  done | sort -n | sed -n 4p)
  printf '  %-40s %6.1f ms\n' "$q" "$(awk -v t="$times" 'BEGIN { print t * 1000 }')"
done
echo "wrk: $DURATION, $CONNECTIONS connections, as Chromium asks (Accept-Encoding: gzip, deflate, br, zstd)"
wrk -t2 -c "$CONNECTIONS" -d "$DURATION" --latency -s bench/search.lua \
  -H 'Accept-Encoding: gzip, deflate, br, zstd' -H 'Accept-Language: en' "$BASE" \
  | grep -E 'Requests/sec|50%|75%|90%|99%|Non-2xx|requests in'
