#!/usr/bin/env bash
# Soak test of `zaitaku serve`: valid load for a while, with index rebuilds swapped in
# (POST /admin/reload), two builds of the same index at once, 200 half-open connections,
# malformed requests and RSS sampling alongside; then an index build killed half-way (the
# server must keep serving the previous index) and a build + reload that must succeed after
# it. Loopback only, bounded in time and count, stops by itself.
#
#   ./scripts/soak.sh [--minutes M] [--count N] [--keep]
#
#   --minutes M  length of the load phase (default 5; fractions such as 0.5 work)
#   --count N    facilities in the national synthetic dataset (default 100000)
#   --keep       keep the work directory (datasets, indexes, logs)
#
# Load: wrk (2 threads, 8 connections, benches/wrk/mix.lua) on the shared query mix
# (`cargo bench --bench engine -- mix`). Two datasets of different sizes (N and N+1000)
# are indexed in turn, so each reload shows in /api/v1/config's facility_count.
# Pass criteria, printed at the end with a PASS/FAIL line (exit 1 on FAIL):
#   - no failed valid request (wrk: non-2xx responses and socket errors both 0);
#   - every malformed request answered 4xx;
#   - every reload 200 with the new facility_count, the server never logged a 5xx or panic;
#   - two concurrent builds both succeed and the index they leave opens (reload 200);
#   - every half-open connection is closed by the server (header-read timeout) in time;
#   - the killed build changed nothing (facility_count, searches 200) and the next build +
#     reload succeeded;
#   - RSS: the largest sample ≤ 2 × RSS after warm-up + 100 MB (two generations are open
#     for a moment around a reload), and the last sample ≤ 1.5 × that + 50 MB (no growth).
#     The anonymous RSS: the records are a mapped file, whose resident pages (the kernel's
#     page cache, bounded by the file) grow as searches read them; they are reported too.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=5
count=100000
keep=false
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes="${2:?--minutes needs a number}"; shift ;;
        --minutes=*) minutes="${1#--minutes=}" ;;
        --count) count="${2:?--count needs a number}"; shift ;;
        --count=*) count="${1#--count=}" ;;
        --keep) keep=true ;;
        -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
secs=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60 + 0.5); if (s < 20) s = 20; if (s > 3600) s = 3600; print s }')
case "$count" in ''|*[!0-9]*) echo "soak.sh: --count must be a number" >&2; exit 2 ;; esac

say() { printf '[soak %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now_ms() { date +%s%3N; }

source scripts/lib.sh
missing=()
for tool in wrk curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
apt_install "${missing[@]}"

work="$(mktemp -d /tmp/zaitaku-soak.XXXXXX)"
server_pid=""
bg_pids=()
cleanup() {
    set +e
    for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"; wait "$server_pid" 2>/dev/null
    fi
    if [ "$keep" = true ]; then echo "soak.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "build (release), datasets of $count and $((count + 1000)) facilities"
./scripts/setup.sh web >&2
cargo build --release >&2
cargo bench --bench engine --no-run >&2
bin="$PWD/target/release/zaitaku"
"$bin" demo-data --national --count "$count" --seed 1 --out "$work/a/national" >&2
"$bin" demo-data --national --count "$((count + 1000))" --seed 2 --out "$work/b/national" >&2
root="$work/index"
build() { # build a|b → the indexed facility count on stdout
    "$bin" index --dataset "$work/$1/national" --index-root "$root" --name national >"$work/build-$1.log" 2>&1
    sed -n 's/^indexed \([0-9]*\) facilities.*/\1/p' "$work/build-$1.log"
}
t=$(now_ms)
count_a=$(build a)
build_ms=$(( $(now_ms) - t ))
say "index a: $count_a facilities in ${build_ms} ms"

mix="$work/mix.csv"
cargo bench -q --bench engine -- mix --index "$root/national" --count 2100 --seed 3 --out "$mix"

# POST /admin/reload needs the admin token (loopback alone is not enough).
export ZAITAKU_ADMIN_TOKEN="soak-$$-$RANDOM"
auth="Authorization: Bearer $ZAITAKU_ADMIN_TOKEN"
"$bin" serve --index "$root/national" --bind 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
addr=""
for _ in $(seq 1 3000); do
    addr=$(sed -n '1s#^listening on http://##p' "$work/serve.out")
    [ -n "$addr" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.01
done
[ -n "$addr" ] || { echo "soak.sh: no 'listening on' line" >&2; exit 1; }
base="http://$addr"
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/readyz")" = 200 ]; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.05
done
rss() { awk '/^RssAnon:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0; }
rss_file() { awk '/^RssFile:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || echo 0; }
config_count() {
    curl -s --max-time 10 "$base/api/v1/config" | python3 -c 'import json,sys; print(json.load(sys.stdin)["dataset"]["facility_count"])' 2>/dev/null || echo "?"
}
say "serving $base; warm-up"
ZAITAKU_MIX="$mix" wrk -t2 -c8 -d3s -s benches/wrk/mix.lua "$base" >/dev/null
rss_start=$(rss)

# --- load phase: wrk + rebuilds/reloads + malformed requests + RSS samples -------------------
deadline=$(( $(date +%s) + secs ))
say "load phase: ${secs} s (wrk -t2 -c8), 2 rebuilds + reloads, malformed requests, RSS samples"
ZAITAKU_MIX="$mix" wrk -t2 -c8 -d"${secs}s" --timeout 10s -s benches/wrk/mix.lua "$base" >"$work/wrk.txt" 2>&1 &
wrk_pid=$!
bg_pids+=("$wrk_pid")

( # RSS every 2 s
    while [ "$(date +%s)" -lt "$deadline" ]; do rss >>"$work/rss.txt"; sleep 2; done
) &
bg_pids+=($!)

( # two rebuilds, each swapped in: at 20 % and 50 % of the phase
    for step in "b 20" "a 50"; do
        set -- $step
        at=$(( deadline - secs + secs * $2 / 100 ))
        while [ "$(date +%s)" -lt "$at" ]; do sleep 0.5; done
        n=$(build "$1")
        code=$(curl -s -o "$work/reload-$1.json" -w '%{http_code}' --max-time 60 -H "$auth" -X POST "$base/admin/reload")
        sleep 1
        echo "reload $1 status=$code built=$n served=$(config_count) rss_mb=$(( $(rss) / 1024 ))" >>"$work/reloads.txt"
    done
) &
reload_pid=$!
bg_pids+=("$reload_pid")

# Malformed requests: bad numbers, out-of-range or non-Japan coordinates, unknown
# parameters and values, limits, a query string over 4 KB, bad paths and methods, bad
# UTF-8. Each must be answered 4xx.
long_text=$(head -c 3000 /dev/zero | tr '\0' 'a')
long_id=$(head -c 6000 /dev/zero | tr '\0' '9')
bad=(
    "GET /api/v1/search?near=abc,def"
    "GET /api/v1/search?near=35.1"
    "GET /api/v1/search?near=91,200"
    "GET /api/v1/search?near=10.0,10.0"
    "GET /api/v1/search?near=NaN,NaN"
    "GET /api/v1/search?near=35.0,139.0&radius_km=-1"
    "GET /api/v1/search?near=35.0,139.0&radius_km=51"
    "GET /api/v1/search?near=35.0,139.0&radius_km=1e999"
    "GET /api/v1/search?covers=135.5,34.7"
    "GET /api/v1/search?bbox=1,2,3"
    "GET /api/v1/search?limit=100000"
    "GET /api/v1/search?limit=-5"
    "GET /api/v1/search?offset=abc"
    "GET /api/v1/search?bogus=1"
    "GET /api/v1/search?kind=spaceship"
    "GET /api/v1/search?cap=teleport"
    "GET /api/v1/search?sort=sideways"
    "GET /api/v1/search?pediatric=maybe"
    "GET /api/v1/search?ward=%E7%81%AB%E6%98%9F%E5%8C%BA"
    "GET /api/v1/search?text=%E3%81"
    "GET /api/v1/search?%ff%fe=1"
    "GET /api/v1/search?text=$long_text$long_text"
    "GET /api/v1/search.csv?limit=501"
    "GET /api/v1/facilities/does-not-exist"
    "GET /api/v1/facilities/$long_id"
    "GET /api/v1/facilities/DEMO-X/nearby?kind=spaceship"
    "GET /api/v1/nope"
    "GET /api/v2/search"
    "GET /api/v1/search/extra"
    "GET /../../etc/passwd"
    "GET /%00"
    "POST /api/v1/search"
    "DELETE /api/v1/facilities/x"
    "GET /admin/reload"
)
( # two builds of the same index at once (a cron job overlapping a manual run), at 35 %
    at=$(( deadline - secs + secs * 35 / 100 ))
    while [ "$(date +%s)" -lt "$at" ]; do sleep 0.5; done
    "$bin" index --dataset "$work/a/national" --index-root "$root" --name national >"$work/build-c1.log" 2>&1 &
    c1=$!
    "$bin" index --dataset "$work/a/national" --index-root "$root" --name national >"$work/build-c2.log" 2>&1 &
    c2=$!
    s1=0; s2=0
    wait "$c1" || s1=$?
    wait "$c2" || s2=$?
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -H "$auth" -X POST "$base/admin/reload")
    echo "concurrent builds exit=$s1,$s2 reload=$code" >"$work/concurrent.txt"
) &
bg_pids+=($!)

( # 200 half-open connections (half a request's headers, then silence) at 60 %: the server
  # must close each within its header-read timeout (10 s), while wrk keeps being served.
    at=$(( deadline - secs + secs * 60 / 100 ))
    while [ "$(date +%s)" -lt "$at" ]; do sleep 0.5; done
    python3 - "$addr" >"$work/halfopen.txt" 2>&1 <<'PY'
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
socks = []
for _ in range(200):
    s = socket.create_connection((host, int(port)), timeout=5)
    s.sendall(b"GET /api/v1/config HTTP/1.1\r\nHost: soak\r\n")
    socks.append(s)
deadline = time.time() + 20
closed = 0
for s in socks:
    s.settimeout(max(0.1, deadline - time.time()))
    try:
        data = s.recv(4096)
        if data == b"" or data.startswith(b"HTTP/1.1 408"):
            closed += 1
    except OSError:
        pass
    s.close()
print(f"halfopen opened=200 closed_by_server={closed}")
PY
) &
bg_pids+=($!)

( # malformed requests, round robin, until the deadline (bounded: one per 50 ms at most)
    i=0
    while [ "$(date +%s)" -lt "$deadline" ]; do
        req="${bad[$((i % ${#bad[@]}))]}"
        method="${req%% *}"
        path="${req#* }"
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --path-as-is -X "$method" "$base$path" \
            || echo 000)
        echo "$code $method ${path:0:80}" >>"$work/malformed.txt"
        i=$((i + 1))
        sleep 0.05
    done
) &
bg_pids+=($!)

wait "$wrk_pid" || true
wait "$reload_pid" || true
sleep 2.5   # let the RSS and malformed loops see the deadline
rss >>"$work/rss.txt"

# --- a build killed half-way ---------------------------------------------------------------------
say "third build, killed (SIGKILL) while writing its generation"
before=$(config_count)
gens_before=$(find "$root" -maxdepth 1 -name '.national.*' | sort)
"$bin" index --dataset "$work/b/national" --index-root "$root" --name national >"$work/build-killed.log" 2>&1 &
build_pid=$!
bg_pids+=("$build_pid")
# Kill it while it writes the new generation: once its directory has text-index files.
partial=""
for _ in $(seq 1 $(( build_ms / 10 + 1000 ))); do
    kill -0 "$build_pid" 2>/dev/null || break
    new=$(comm -13 <(echo "$gens_before") <(find "$root" -maxdepth 1 -name '.national.*' | sort) | head -n1)
    if [ -n "$new" ] && [ -n "$(ls -A "$new/text" 2>/dev/null)" ]; then
        kill -9 "$build_pid" 2>/dev/null && partial="$new"
        break
    fi
    sleep 0.01
done
killed_status=0
wait "$build_pid" 2>/dev/null || killed_status=$?
partial_kb=$( [ -n "$partial" ] && du -sk "$partial" 2>/dev/null | cut -f1 || true)
after_kill=$(config_count)
searches_ok=0
for q in $(awk -F, 'NR > 1 && NR <= 21 {print NR}' "$mix"); do
    api=$(sed -n "${q}p" "$mix" | python3 -c 'import csv,sys; print(next(csv.reader(sys.stdin))[-1])')
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base/api/v1/search?$api")
    [ "$code" = 200 ] && searches_ok=$((searches_ok + 1))
done
reload_after_kill=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -H "$auth" -X POST "$base/admin/reload")
still=$(config_count)
say "next build + reload"
next_n=$(build b)
next_reload=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -H "$auth" -X POST "$base/admin/reload")
next_served=$(config_count)
ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$base/readyz")
rss >>"$work/rss.txt"
rss_end=$(rss)
rss_file_end=$(rss_file)

# --- verdict ----------------------------------------------------------------------------------------
fail=()
wrk_line=$(grep '^wrk_result' "$work/wrk.txt" || echo "wrk_result requests=0 non2xx=? socket_errors=?")
kv() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }
valid=$(kv requests "$wrk_line")
non2xx=$(kv non2xx "$wrk_line")
sockerr=$(kv socket_errors "$wrk_line")
[ "$valid" -gt 0 ] 2>/dev/null || fail+=("no valid requests completed")
[ "$non2xx" = 0 ] && [ "$sockerr" = 0 ] || fail+=("valid requests failed: $non2xx non-2xx, $sockerr socket errors")

malformed_total=$(wc -l <"$work/malformed.txt" 2>/dev/null || echo 0)
by_status=$(cut -d' ' -f1 "$work/malformed.txt" | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}')
not4xx=$(awk '$1 !~ /^4[0-9][0-9]$/' "$work/malformed.txt" | sort | uniq -c | sort -rn)
[ "$malformed_total" -gt 0 ] || fail+=("no malformed requests were sent")
[ -z "$not4xx" ] || fail+=("malformed requests not answered 4xx")

reloads_ok=$(grep -c 'status=200' "$work/reloads.txt" 2>/dev/null || true)
while read -r _ which status built served _; do
    [ "$status" = status=200 ] && [ "${built#built=}" = "${served#served=}" ] \
        || fail+=("reload $which: $status, $built, $served")
done <"$work/reloads.txt"
[ "$reloads_ok" = 2 ] || fail+=("$reloads_ok of 2 reloads succeeded during the load")
concurrent=$(cat "$work/concurrent.txt" 2>/dev/null || echo "concurrent builds did not run")
[ "$concurrent" = "concurrent builds exit=0,0 reload=200" ] || fail+=("$concurrent")
halfopen=$(cat "$work/halfopen.txt" 2>/dev/null || echo "half-open connections did not run")
[ "$halfopen" = "halfopen opened=200 closed_by_server=200" ] || fail+=("$halfopen")

[ -n "$partial" ] || fail+=("the third build was not caught while writing its generation")
[ "$killed_status" = 137 ] || fail+=("killed build exit status $killed_status, expected 137 (SIGKILL)")
[ "$after_kill" = "$before" ] && [ "$still" = "$before" ] || fail+=("facility_count changed by the killed build: $before → $after_kill → $still")
[ "$searches_ok" = 20 ] || fail+=("$searches_ok of 20 searches 200 after the killed build")
[ "$reload_after_kill" = 200 ] || fail+=("reload after the killed build: $reload_after_kill")
[ "$next_reload" = 200 ] && [ "$next_served" = "$next_n" ] || fail+=("next build + reload: $next_reload, built $next_n, served $next_served")
[ "$ready" = 200 ] || fail+=("/readyz $ready at the end")

s5xx=$(grep -c 'status=5' "$work/serve.log" || true)
panics=$(grep -c -i 'panick' "$work/serve.log" || true)
[ "$s5xx" = 0 ] || fail+=("server logged $s5xx 5xx responses")
[ "$panics" = 0 ] || fail+=("server logged $panics panics")
kill -0 "$server_pid" 2>/dev/null || fail+=("server exited")

rss_max=$(sort -n "$work/rss.txt" | tail -n1)
max_bound=$(( rss_start * 2 + 100 * 1024 ))
end_bound=$(( rss_start * 3 / 2 + 50 * 1024 ))
[ "$rss_max" -le "$max_bound" ] || fail+=("RSS max $((rss_max / 1024)) MB above bound $((max_bound / 1024)) MB")
[ "$rss_end" -le "$end_bound" ] || fail+=("RSS at end $((rss_end / 1024)) MB above bound $((end_bound / 1024)) MB")

cat <<EOF

soak: ${secs} s of load on $base, index of $count_a / $((count + 1000)) facilities (build ${build_ms} ms)
valid requests:        $valid ($(kv rps "$wrk_line") req/s, p50 $(kv p50_ms "$wrk_line") ms, p99 $(kv p99_ms "$wrk_line") ms, max $(kv max_ms "$wrk_line") ms)
failed valid requests: $(( ${non2xx:-0} + ${sockerr:-0} )) (non-2xx $non2xx, socket errors $sockerr)
malformed requests:    $malformed_total, by status: $by_status
reloads during load:   $reloads_ok of 2 ok ($(tr '\n' ';' <"$work/reloads.txt"))
concurrent builds:     $concurrent
half-open connections: $halfopen
killed build:          exit $killed_status, partial generation $( [ -n "$partial" ] && echo "$(basename "$partial") (${partial_kb:-?} KB when killed; $( [ -e "$partial" ] && echo "still there" || echo "removed by the next build"))" || echo none ); facility_count $before → $after_kill (reload: $reload_after_kill → $still); searches 200: $searches_ok/20
next build + reload:   $next_reload, built $next_n, serving $next_served
server log:            $s5xx 5xx, $panics panics
RSS (anonymous):       start $((rss_start / 1024)) MB, max $((rss_max / 1024)) MB (bound $((max_bound / 1024)) MB = 2 × start + 100), end $((rss_end / 1024)) MB (bound $((end_bound / 1024)) MB = 1.5 × start + 50); $(wc -l <"$work/rss.txt") samples; mapped files at the end $((rss_file_end / 1024)) MB
EOF
if [ -n "$not4xx" ]; then
    echo "malformed requests not answered 4xx (count, status, request):"
    awk '$1 !~ /^4[0-9][0-9]$/' "$work/malformed.txt" | sort | uniq -c | sort -rn | head -n 20
fi
if [ ${#fail[@]} -eq 0 ]; then
    echo "PASS"
else
    for f in "${fail[@]}"; do echo "  - $f"; done
    echo "FAIL"
    exit 1
fi
