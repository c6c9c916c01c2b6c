#!/usr/bin/env bash
# Magnetiq load benchmark: builds the release binary, seeds a fresh data dir with PAGES generated pages
# (page-1 … page-N, eight blocks each, English and German) and drives it with wrk on 127.0.0.1, in two
# request styles: `plain` (wrk's default: no Accept-Encoding) and `browser` (what Chromium sends:
# Accept-Encoding gzip, deflate, br, zstd, an Accept for HTML, its User-Agent, and the `lang` cookie
# after the first visit).
#
#   bench/load.sh                    # 10,000 pages, 3 runs of 5 s per scenario, 32 connections
#   PAGES=1000 RUNS=1 DURATION=3s bench/load.sh
#   STYLES=browser bench/load.sh     # one style only
#   BIN=/path/to/magnetiq bench/load.sh   # another build, e.g. an older commit for a before/after
#   POSTGRES=postgres://postgres@127.0.0.1:5432/postgres bench/load.sh
#                                    # on PostgreSQL (a database made for the run and dropped after),
#                                    # with "hot-2" and "random-2": two instances, a wrk each
#
# Scenarios, alternated run by run (A, B, C, ..., A, B, ...), medians reported:
#   hot       one page, again and again (/en/)
#   random    random pages across all PAGES in both languages (bench/random-pages.lua); the first run
#             meets pages nobody asked for yet (rendered and compressed then), later runs find them cached
#   404       an unknown page (the localized 404)
#   static    the hot page's bytes, saved as a file under {data}/static/ and served by the same server
#   css       the theme's style sheet at its fingerprinted address
#   limit     the hot page's bytes from memory by ../shared/bench/static-limit (brotli bytes for browsers)
#   css-limit the style sheet's bytes the same way
#   article   an article page (/en/articles/search-that-finds-what-customers-mean), a cached page
#   feed      the English Atom feed (/en/feed.xml), a cached page too
#   article-limit, feed-limit  their bytes the same way, each one's own limit
# Also reports the first (cold) random run on its own, start-up time (process start to /healthz
# answering) and the server's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

PAGES=${PAGES:-10000}
RUNS=${RUNS:-3}
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18080}
STYLES=${STYLES:-"plain browser"}
LIMIT_DIR=../shared/bench/static-limit
ACCEPT_HTML='text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
# Chromium's user agent: with it the browser style is also counted in the visit statistics, as a
# real visit is (bench/visits.sh measures that cost on its own).
CHROME_UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

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
PIDS=()
DBNAME=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DATA"
  if [ -n "$DBNAME" ]; then psql -q "$POSTGRES" -c "DROP DATABASE IF EXISTS $DBNAME WITH (FORCE)" >/dev/null; fi
}
trap cleanup EXIT
if [ -n "${POSTGRES:-}" ]; then
  DBNAME="magnetiq_bench_$$"
  psql -q "$POSTGRES" -c "CREATE DATABASE $DBNAME" >/dev/null
  export MAGNETIQ_DATABASE_URL="${POSTGRES%/*}/$DBNAME"
  echo "on PostgreSQL: $DBNAME"
fi

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

BASE="http://127.0.0.1:$PORT"
mkdir -p "$DATA/static" "$DATA/limit"
curl -sf "$BASE/en/" -o "$DATA/static/bench-home.html"
curl -sf -H 'Accept-Encoding: br' "$BASE/en/" -o "$DATA/limit/home.br"
css_path=$(grep -o '/static/site.css?v=[0-9a-f]*' "$DATA/static/bench-home.html" | head -n 1)
curl -sf "$BASE$css_path" -o "$DATA/limit/site.css"
curl -sf -H 'Accept-Encoding: br' "$BASE$css_path" -o "$DATA/limit/site.css.br"
# An article page and the language's feed: cached pages like the home page, each against its own limit.
ARTICLE=/en/articles/search-that-finds-what-customers-mean
curl -sf "$BASE$ARTICLE" -o "$DATA/limit/article.html"
curl -sf -H 'Accept-Encoding: br' "$BASE$ARTICLE" -o "$DATA/limit/article.br"
curl -sf "$BASE/en/feed.xml" -o "$DATA/limit/feed.xml"
curl -sf -H 'Accept-Encoding: br' "$BASE/en/feed.xml" -o "$DATA/limit/feed.br"
page_bytes=$(wc -c < "$DATA/static/bench-home.html")
page_br_bytes=$(wc -c < "$DATA/limit/home.br")

scenarios=(hot random 404 static css article feed)
if [ -n "${POSTGRES:-}" ]; then
  # A second instance on the same database; "-2" scenarios drive both at once, half the connections each.
  PORT2=$((PORT + 10))
  RUST_LOG=warn "$BIN" serve --data-dir "$DATA/second" --bind "127.0.0.1:$PORT2" &
  PIDS+=("$!")
  until curl -sf "http://127.0.0.1:$PORT2/healthz" >/dev/null; do sleep 0.01; done
  scenarios+=(hot-2 random-2)
fi
declare -A URL=(
  [hot]="$BASE/en/"
  [random]="$BASE"
  [404]="$BASE/en/no-such-page"
  [static]="$BASE/static/bench-home.html"
  [css]="$BASE$css_path"
  [article]="$BASE$ARTICLE"
  [feed]="$BASE/en/feed.xml"
)
# One static-limit per style and file: plain bytes, and brotli bytes for browsers.
declare -A LIMIT_PORT
if [ -d "$LIMIT_DIR" ]; then
  echo "building the static limit..."
  cargo build --release --quiet --manifest-path "$LIMIT_DIR/Cargo.toml" --target-dir target/static-limit
  port=$((PORT + 1))
  for spec in "limit plain $DATA/static/bench-home.html" "limit browser $DATA/limit/home.br br" \
              "css-limit plain $DATA/limit/site.css" "css-limit browser $DATA/limit/site.css.br br" \
              "article-limit plain $DATA/limit/article.html" "article-limit browser $DATA/limit/article.br br" \
              "feed-limit plain $DATA/limit/feed.xml" "feed-limit browser $DATA/limit/feed.br br"; do
    read -r name style file encoding <<<"$spec"
    target/static-limit/release/static-limit "$file" "127.0.0.1:$port" ${encoding:-} >/dev/null 2>&1 &
    PIDS+=("$!")
    until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.01; done
    LIMIT_PORT[$name-$style]=$port
    port=$((port + 1))
  done
  scenarios+=(limit css-limit article-limit feed-limit)
fi

RESULTS=$(mktemp)
run_wrk() { # style scenario run
  local style=$1 s=$2 run=$3 url
  local args=(-t1 -c"$CONNECTIONS" -d"$DURATION" --latency)
  [[ "$s" == random* ]] && args+=(-s ../shared/bench/random-pages.lua)
  if [ "$style" = browser ]; then
    args+=(-H "Accept-Encoding: gzip, deflate, br, zstd" -H "Accept: $ACCEPT_HTML" -H "Cookie: lang=en"
           -H "User-Agent: $CHROME_UA")
  fi
  case "$s" in
    *limit) url="http://127.0.0.1:${LIMIT_PORT[$s-$style]}/en/" ;;
    hot-2|random-2) url=${URL[${s%-2}]} ;;
    *) url=${URL[$s]} ;;
  esac
  local out rps p50 p99 errors
  if [[ "$s" == *-2 ]]; then
    # Two wrk at once, one per instance: the sum of their rates, the worse of their latencies.
    args[1]="-c$((CONNECTIONS / 2))"
    local first second
    first=$(mktemp); second=$(mktemp)
    PAGES=$PAGES wrk "${args[@]}" "$url" > "$first" &
    local w1=$!
    PAGES=$PAGES wrk "${args[@]}" "${url/:$PORT/:$PORT2}" > "$second"
    wait "$w1"
    out=$(awk '/Requests\/sec/ { r += $2 } $1 == "50%" || $1 == "99%" { print } END { printf "Requests/sec: %f\n", r }' "$first" "$second" \
      | awk '$1 == "Requests/sec:" { print; next } { v = $2; ms = v; if (v ~ /us$/) { sub(/us$/, "", ms); ms /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", ms) } else if (v ~ /s$/) { sub(/s$/, "", ms); ms *= 1000 } if (!($1 in best) || ms > best[$1]) { best[$1] = ms; text[$1] = v } } END { for (k in text) print k, text[k] }')
    rm -f "$first" "$second"
  else
    out=$(PAGES=$PAGES wrk "${args[@]}" "$url")
  fi
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  errors=$(awk '/Non-2xx/ { print $5 }' <<<"$out")
  echo "$style $s $run $rps $p50 $p99 ${errors:-0}" >> "$RESULTS"
  printf '  run %d %-8s %-10s %10s req/s  p50 %-8s p99 %-8s non-2xx %s\n' "$run" "$style" "$s" "$rps" "$p50" "$p99" "${errors:-0}"
}

for run in $(seq 1 "$RUNS"); do
  for s in "${scenarios[@]}"; do
    for style in $STYLES; do run_wrk "$style" "$s" "$run"; done
  done
done
rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$PID/status")

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f\n", v }'; }
# stat style scenario column [runs-filter]: the column of the matching rows.
stat() { awk -v st="$1" -v s="$2" -v c="$3" -v from="${4:-1}" '$1 == st && $2 == s && $3 >= from { print $c }' "$RESULTS"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo
echo "Magnetiq load benchmark: $PAGES pages, wrk -t1 -c$CONNECTIONS -d$DURATION, median of $RUNS runs, $(nproc) cores, $(date -u +%F)"
echo "page ${page_bytes} bytes (${page_br_bytes} with brotli); seeding took $(awk -v a="$seed_start" -v b="$seed_end" 'BEGIN { printf "%.1f", b - a }') s"
for style in $STYLES; do
  echo
  echo "$style requests"
  printf '%-10s %12s %10s %10s %10s\n' scenario "req/s" "p50 ms" "p99 ms" "vs limit"
  for s in "${scenarios[@]}"; do
    # Random pages: the first run renders pages nobody asked for yet; the median is over the others
    # when there are any, and the first run is reported on its own.
    from=1
    [[ "$s" == random* ]] && [ "$RUNS" -gt 1 ] && from=2
    rps=$(stat "$style" "$s" 4 "$from" | median)
    case "$s" in
      css|css-limit) limit=$(stat "$style" css-limit 4 | median) ;;
      article|article-limit) limit=$(stat "$style" article-limit 4 | median) ;;
      feed|feed-limit) limit=$(stat "$style" feed-limit 4 | median) ;;
      *) limit=$(stat "$style" limit 4 | median) ;;
    esac
    printf '%-10s %12.0f %10s %10s %10s\n' "$s" "$rps" "$(stat "$style" "$s" 5 "$from" | to_ms | median)" \
      "$(stat "$style" "$s" 6 "$from" | to_ms | median)" "$(ratio "$rps" "$limit")"
  done
  if [ "$RUNS" -gt 1 ]; then
    printf '%-10s %12.0f %10s %10s   (first run: pages rendered as they are first asked for)\n' "random-1" \
      "$(stat "$style" random 4 | head -n 1)" "$(stat "$style" random 5 | head -n 1 | to_ms)" "$(stat "$style" random 6 | head -n 1 | to_ms)"
  fi
done
echo
echo "start-up      ${startup_ms} ms (to /healthz answering, $PAGES pages)"
echo "peak RSS      $((rss_kb / 1024)) MB"
