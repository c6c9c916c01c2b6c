#!/usr/bin/env bash
# What counting visits costs a cached page, as Chromium asks for it (its Accept, Accept-Encoding,
# User-Agent and the `lang` cookie): two instances of the release binary on data folders seeded
# alike, one counting (MAGNETIQ_VISITS=on) and one not (off), and the page's brotli bytes from
# memory (the limit), driven by wrk in turn (on, off, limit, on, off, limit, ...). Medians reported.
#
#   bench/visits.sh                       # 5 runs of 5 s, 32 connections
#   RUNS=3 DURATION=3s bench/visits.sh
#   POSTGRES=postgres://postgres@127.0.0.1:5432/postgres bench/visits.sh   # both on PostgreSQL
#
# Scenarios:
#   one-visitor   every request from one browser (one visitor, counted once, then page views)
#   new-visitors  every request a visitor not seen before (X-Forwarded-For from a trusted proxy,
#                 random per request): the path that hashes, remembers and writes the most
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18180}
LIMIT_DIR=../shared/bench/static-limit
CHROME_UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
ACCEPT_HTML='text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7'

command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk >/dev/null
if [ -z "${BIN:-}" ]; then
  echo "building the release binary..."
  cargo build --release --quiet
  BIN=target/release/magnetiq
fi

DATA=$(mktemp -d)
PIDS=()
DBS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$DATA"
  for db in "${DBS[@]}"; do psql -q "$POSTGRES" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null; done
}
trap cleanup EXIT

declare -A PORT_OF=([on]=$PORT [off]=$((PORT + 1)))
declare -A PID_OF
for mode in on off; do
  mkdir -p "$DATA/$mode"
  if [ -n "${POSTGRES:-}" ]; then
    db="magnetiq_visits_${mode}_$$"
    psql -q "$POSTGRES" -c "CREATE DATABASE $db" >/dev/null
    DBS+=("$db")
    export MAGNETIQ_DATABASE_URL="${POSTGRES%/*}/$db"
  fi
  MAGNETIQ_VISITS=$mode MAGNETIQ_TRUSTED_PROXIES=127.0.0.1 RUST_LOG=warn \
    "$BIN" serve --data-dir "$DATA/$mode" --bind "127.0.0.1:${PORT_OF[$mode]}" &
  PIDS+=("$!")
  PID_OF[$mode]=$!
  until curl -sf "http://127.0.0.1:${PORT_OF[$mode]}/healthz" >/dev/null; do sleep 0.02; done
  unset MAGNETIQ_DATABASE_URL
done

curl -sf -H 'Accept-Encoding: br' -H "Accept: $ACCEPT_HTML" "http://127.0.0.1:$PORT/en/" -o "$DATA/home.br"
cargo build --release --quiet --manifest-path "$LIMIT_DIR/Cargo.toml" --target-dir target/static-limit
LIMIT_PORT=$((PORT + 2))
target/static-limit/release/static-limit "$DATA/home.br" "127.0.0.1:$LIMIT_PORT" br >/dev/null 2>&1 &
PIDS+=("$!")
until curl -s -o /dev/null "http://127.0.0.1:$LIMIT_PORT/"; do sleep 0.01; done

# Every request a new visitor: a client address of its own, as a trusted proxy forwards it.
cat > "$DATA/new-visitors.lua" <<'LUA'
request = function()
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format(nil, "/en/")
end
LUA

RESULTS=$(mktemp)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run() { # scenario target run
  local scenario=$1 target=$2 n=$3 url args out rps p99
  args=(-t1 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Accept-Encoding: gzip, deflate, br, zstd"
        -H "Accept: $ACCEPT_HTML" -H "User-Agent: $CHROME_UA" -H "Cookie: lang=en"
        -H "Sec-Fetch-Dest: document" -H "Sec-Fetch-Mode: navigate")
  [ "$scenario" = new-visitors ] && [ "$target" != limit ] && args+=(-s "$DATA/new-visitors.lua")
  case "$target" in
    limit) url="http://127.0.0.1:$LIMIT_PORT/en/" ;;
    *) url="http://127.0.0.1:${PORT_OF[$target]}/en/" ;;
  esac
  local pid="" before=0 after=0 cpu_us="-"
  [ "$target" != limit ] && pid=${PID_OF[$target]}
  [ -n "$pid" ] && before=$(cpu_ticks "$pid")
  out=$(wrk "${args[@]}" "$url")
  [ -n "$pid" ] && after=$(cpu_ticks "$pid")
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  # The server's CPU time per request (user + system, all threads): steadier than req/s on a
  # machine whose two cores the load generator shares.
  [ -n "$pid" ] && cpu_us=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v r="$requests" 'BEGIN { printf "%.2f", t / hz * 1e6 / r }')
  echo "$scenario $target $n $rps $p99 $cpu_us" >> "$RESULTS"
  printf '  run %d %-13s %-5s %10s req/s  p99 %-8s CPU %s us/request\n' "$n" "$scenario" "$target" "$rps" "$p99" "$cpu_us"
}

for n in $(seq 1 "$RUNS"); do
  for scenario in one-visitor new-visitors; do
    for target in on off limit; do run "$scenario" "$target" "$n"; done
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stat() { awk -v s="$1" -v t="$2" -v c="${3:-4}" '$1 == s && $2 == t { print $c }' "$RESULTS"; }
echo
echo "Counting visits on a cached page: wrk -t1 -c$CONNECTIONS -d$DURATION, median of $RUNS runs, $(nproc) cores, $(date -u +%F)${POSTGRES:+, PostgreSQL}"
printf '%-13s %10s %10s %10s %8s %8s %12s %12s %10s\n' scenario "on req/s" "off req/s" "limit" "on/off" "on/limit" "on CPU us" "off CPU us" "CPU cost"
for scenario in one-visitor new-visitors; do
  on=$(stat "$scenario" on | median); off=$(stat "$scenario" off | median); limit=$(stat "$scenario" limit | median)
  on_cpu=$(stat "$scenario" on 6 | median); off_cpu=$(stat "$scenario" off 6 | median)
  printf '%-13s %10.0f %10.0f %10.0f %8s %8s %12s %12s %10s\n' "$scenario" "$on" "$off" "$limit" \
    "$(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.3f", a / b }')" \
    "$(awk -v a="$on" -v b="$limit" 'BEGIN { printf "%.2f", a / b }')" "$on_cpu" "$off_cpu" \
    "$(awk -v a="$on_cpu" -v b="$off_cpu" 'BEGIN { printf "%+.1f %%", (a / b - 1) * 100 }')"
done
echo "RSS after the runs: on $(awk '/VmHWM/ { print $2 }' "/proc/${PIDS[0]}/status") kB, off $(awk '/VmHWM/ { print $2 }' "/proc/${PIDS[1]}/status") kB (peak)"
