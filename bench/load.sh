#!/usr/bin/env bash
# Magnetiq load benchmark: builds the release binary, seeds a fresh data dir with PAGES generated pages
# (page-1 … page-N, eight blocks each, English and German) and drives it with wrk on 127.0.0.1.
#
#   bench/load.sh                    # 10,000 pages, 3 runs of 5 s per scenario, 32 connections
#   PAGES=1000 RUNS=1 DURATION=3s bench/load.sh
#
# Scenarios, alternated run by run (A, B, C, D, A, B, ...), medians reported:
#   hot     one page, again and again (/en/)
#   random  random pages across all PAGES in both languages (bench/random-pages.lua)
#   404     an unknown page (the localized 404)
#   static  the same bytes as `hot`, saved as a file under {data}/static/ and served by the same server
#   limit   the same bytes from memory by ../shared/bench/static-limit, when that folder exists
# Also reports start-up time (process start to /healthz answering) and the server's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

PAGES=${PAGES:-10000}
RUNS=${RUNS:-3}
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18080}
LIMIT_PORT=$((PORT + 1))
LIMIT_DIR=../shared/bench/static-limit

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)..."
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi

echo "building the release binary..."
cargo build --release --quiet
BIN=target/release/magnetiq

DATA=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

echo "seeding $PAGES pages..."
seed_start=$(date +%s.%N)
"$BIN" seed-demo --pages "$PAGES" --data-dir "$DATA" >/dev/null
seed_end=$(date +%s.%N)

start=$(date +%s.%N)
RUST_LOG=warn "$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" &
PID=$!
PIDS+=("$PID")
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
  kill -0 "$PID" 2>/dev/null || { echo "server exited" >&2; exit 1; }
  sleep 0.005
done
ready=$(date +%s.%N)
startup_ms=$(awk -v a="$start" -v b="$ready" 'BEGIN { printf "%.0f", (b - a) * 1000 }')

mkdir -p "$DATA/static"
curl -sf "http://127.0.0.1:$PORT/en/" -o "$DATA/static/bench-home.html"
page_bytes=$(wc -c < "$DATA/static/bench-home.html")

scenarios=(hot random 404 static)
declare -A URL=(
  [hot]="http://127.0.0.1:$PORT/en/"
  [random]="http://127.0.0.1:$PORT"
  [404]="http://127.0.0.1:$PORT/en/no-such-page"
  [static]="http://127.0.0.1:$PORT/static/bench-home.html"
)
if [ -d "$LIMIT_DIR" ]; then
  echo "building the static limit..."
  cargo build --release --quiet --manifest-path "$LIMIT_DIR/Cargo.toml" --target-dir target/static-limit
  target/static-limit/release/static-limit "$DATA/static/bench-home.html" "127.0.0.1:$LIMIT_PORT" >/dev/null 2>&1 &
  PIDS+=("$!")
  until curl -sf "http://127.0.0.1:$LIMIT_PORT/" >/dev/null; do sleep 0.01; done
  scenarios+=(limit)
  URL[limit]="http://127.0.0.1:$LIMIT_PORT/en/"
fi

RESULTS=$(mktemp)
for run in $(seq 1 "$RUNS"); do
  for s in "${scenarios[@]}"; do
    args=(-t1 -c"$CONNECTIONS" -d"$DURATION" --latency)
    [ "$s" = random ] && args+=(-s bench/random-pages.lua)
    out=$(PAGES=$PAGES wrk "${args[@]}" "${URL[$s]}")
    rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    errors=$(awk '/Non-2xx/ { print $5 }' <<<"$out")
    echo "$s $rps $p50 $p99 ${errors:-0}" >> "$RESULTS"
    printf '  run %d %-7s %10s req/s  p50 %-8s p99 %-8s non-2xx %s\n' "$run" "$s" "$rps" "$p50" "$p99" "${errors:-0}"
  done
done
rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$PID/status")

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f\n", v }'; }
stat() { awk -v s="$1" -v c="$2" '$1 == s { print $c }' "$RESULTS"; }

echo
echo "Magnetiq load benchmark: $PAGES pages, wrk -t1 -c$CONNECTIONS -d$DURATION, median of $RUNS runs, $(nproc) cores, $(date -u +%F)"
echo "page size ${page_bytes} bytes; seeding took $(awk -v a="$seed_start" -v b="$seed_end" 'BEGIN { printf "%.1f", b - a }') s"
printf '%-8s %12s %10s %10s\n' scenario "req/s" "p50 ms" "p99 ms"
declare -A RPS
for s in "${scenarios[@]}"; do
  RPS[$s]=$(stat "$s" 2 | median)
  printf '%-8s %12.0f %10s %10s\n' "$s" "${RPS[$s]}" "$(stat "$s" 3 | to_ms | median)" "$(stat "$s" 4 | to_ms | median)"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "hot/static    $(ratio "${RPS[hot]}" "${RPS[static]}")    random/static    $(ratio "${RPS[random]}" "${RPS[static]}")"
if [ -n "${RPS[limit]:-}" ]; then
  echo "hot/limit     $(ratio "${RPS[hot]}" "${RPS[limit]}")    random/limit     $(ratio "${RPS[random]}" "${RPS[limit]}")"
fi
echo "start-up      ${startup_ms} ms (to /healthz answering, $PAGES pages)"
echo "peak RSS      $((rss_kb / 1024)) MB"
