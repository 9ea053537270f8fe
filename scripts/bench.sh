#!/usr/bin/env bash
# Benchmarks at national scale, side by side with PostGIS, and the HTTP server under load.
#
#   ./scripts/bench.sh [--quick] [--count N] [--keep]
#
#   --quick     5 s per load run instead of 20 s, smaller samples, cost-growth run up to
#               100k records (default: up to 1M)
#   --count N   facilities in the national synthetic dataset (default 300000)
#   --keep      keep the work directory (dataset, index, mix, logs, PostgreSQL cluster)
#
# Prints a Markdown report and writes it to target/bench/report.md. Not part of the test
# command; numbers are printed, never asserted. Everything runs on this machine: the
# server and PostgreSQL listen on 127.0.0.1 only, and all of it is stopped and removed on
# exit. Installs what it needs from Debian if missing (wrk, PostgreSQL + PostGIS, GNU time).
#
# Steps: build (release) → national dataset (`zaitaku demo-data --national`) → index
# (time, peak RSS, size) → the real Osaka City index from ../shared/data when present (build,
# in-process latency) → query mix + PostgreSQL export (`cargo bench --bench engine --
# mix / export-sql`) → in-process latency (`-- latency`) → typo tolerance (`-- typo`) →
# `zaitaku serve`: start-up,
# RSS, wrk at 1/16/64 connections and per query type at 16 → throw-away PostgreSQL
# cluster: load (benches/postgis/load.sh), plans with per-value vs shared plans
# (benches/postgis/check.py plans), pgbench per type at 16 clients → agreement of
# answers (check.py agree against `-- agree`) → cost growth (`-- scale`) → report.
# Exits 1 (after writing the report) when answers disagree or the server returned errors.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

quick=false
count=300000
keep=false
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=true ;;
        --count) count="${2:?--count needs a number}"; shift ;;
        --count=*) count="${1#--count=}" ;;
        --keep) keep=true ;;
        -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$count" in ''|*[!0-9]*) echo "bench.sh: --count must be a number" >&2; exit 2 ;; esac

if [ "$quick" = true ]; then
    dur=5; plan_sample=10; agree_sample=50; scale_max=100000; latency_rounds=2
else
    dur=20; plan_sample=20; agree_sample=50; scale_max=1000000; latency_rounds=3
fi
mix_count=2100          # 300 per query type
clients=16              # wrk connections and pgbench clients for the per-type comparison
pg_ver="${PGVER:-15}"

say() { printf '\n== %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
source scripts/lib.sh

# --- packages ----------------------------------------------------------------------------
want_pkgs=(wrk "postgresql-$pg_ver" "postgresql-$pg_ver-postgis-3" postgresql-contrib time curl)
missing=()
for p in "${want_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
apt_install "${missing[@]}"
pg_bin="/usr/lib/postgresql/$pg_ver/bin"
command -v python3 >/dev/null || { echo "bench.sh: python3 is needed" >&2; exit 1; }

# --- work directory and clean-up -----------------------------------------------------------
work="$(mktemp -d /tmp/zaitaku-bench.XXXXXX)"
chmod 755 "$work"   # the PostgreSQL cluster below runs as another user
server_pid=""
pgdata=""
run_pg=()
[ "$(id -u)" -eq 0 ] && run_pg=(runuser -u postgres --)
cleanup() {
    set +e
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"; wait "$server_pid" 2>/dev/null
    fi
    if [ -n "$pgdata" ] && [ -f "$pgdata/postmaster.pid" ]; then
        "${run_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1
    fi
    if [ "$keep" = true ]; then echo "bench.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
# RSS as "T MB (A anonymous + F mapped files)": the records are a mapped file, whose pages
# are the kernel's page cache (shared by processes serving the same generation, reclaimable).
rss_split() { awk '/^VmRSS:/ {t=$2} /^RssAnon:/ {a=$2} /^RssFile:/ {f=$2}
    END {printf "%.0f MB (%.0f anonymous + %.0f mapped files)", t / 1024, a / 1024, f / 1024}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
kv() { # kv KEY LINE: the value of KEY=value in a line of key=value pairs
    printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1
}

started=$(now_ms)
failures=()

# --- build ---------------------------------------------------------------------------------
say "build (release)"
./scripts/setup.sh web >&2
cargo build --release >&2
cargo bench --bench engine --no-run >&2
bin="$root/target/release/zaitaku"
engine() { cargo bench -q --bench engine -- "$@"; }

# --- dataset and index ------------------------------------------------------------------------
say "national dataset: $count facilities"
data="$work/data/national"
"$bin" demo-data --national --count "$count" --seed 1 --out "$data" >&2
records=$(( $(wc -l <"$data/facilities.csv") - 1 ))

say "index"
/usr/bin/time -v -o "$work/index.time" "$bin" index --dataset "$data" --index-root "$work/index" \
    --name national >"$work/index.log" 2>&1
index_s=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s}' "$work/index.time")
index_rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/index.time")
index_dir="$(readlink -f "$work/index/national")"
index_bytes=$(du -sb "$index_dir" | cut -f1)
indexed=$(sed -n 's/^indexed \([0-9]*\) facilities.*/\1/p' "$work/index.log")
# The planners' town coverage, computed during that build (issue 16).
town_line=$(sed -n 's/^town coverage: \(.*\)$/\1/p' "$work/index.log")

# Builds `index/NAME` from DATASET with the official files in RAW, measures it (time, peak
# RSS, size) and its in-process latency on 700 queries around its own facilities, and prints
# its line of the build table. real_index NAME DATASET RAW LABEL
real_index() {
    local name="$1" dataset="$2" raw="$3" label="$4"
    /usr/bin/time -v -o "$work/$name.time" "$bin" index --dataset "$dataset" --raw "$raw" \
        --index-root "$work/index" --name "$name" >"$work/$name.log" 2>&1
    local dir secs rss n
    dir="$(readlink -f "$work/index/$name")"
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s}' "$work/$name.time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time")
    n=$(sed -n 's/^indexed \([0-9]*\) facilities.*/\1/p' "$work/$name.log")
    engine mix --index "$dir" --count 700 --seed 1 --out "$work/$name-mix.csv" >&2
    engine latency --index "$dir" --mix "$work/$name-mix.csv" --rounds 5 \
        | tee "$work/$name-latency.md" >&2
    # The home-care team (issue 15): 8 roles for 200 homes.
    engine team --index "$dir" --count 200 | tee "$work/$name-team.md" >&2
    echo "| \`zaitaku index --dataset $dataset\` ($label, $n facilities) | ${secs} s | $(mb "$rss") MB | $(du -sb "$dir" | awk '{printf "%.1f MB", $1 / 1e6}') |"
}

# --- the real Osaka City index (../shared/data, when it is beside the project) ----------------
shared="$root/../shared/data"
osaka_line=""
if [ -d "$shared/osaka" ]; then
    say "real Osaka City index (official files from $shared)"
    osaka_raw="$work/osaka-raw"
    mkdir -p "$osaka_raw"
    ln -s "$shared"/osaka/* "$osaka_raw/"
    ln -s "$shared/geo/osaka_pref_postal_codes.csv" "$osaka_raw/postal_codes.csv"
    osaka_line=$(real_index osaka data/osaka "$osaka_raw" "real Osaka City")
    osaka_dir="$(readlink -f "$work/index/osaka")"
else
    say "no $shared/osaka: the real Osaka City index is not measured"
fi

# --- the real Osaka Prefecture index (issue 12: target ≤ 5 s to build) ----------------------
pref_line=""
if [ -d "$shared/osaka-pref" ]; then
    say "real Osaka Prefecture index (official files from $shared/osaka-pref)"
    pref_line=$(real_index osaka-pref data/osaka-pref "$shared/osaka-pref" "real Osaka Prefecture")
    pref_dir="$(readlink -f "$work/index/osaka-pref")"
    # "Who can visit" at a home on the 東淀川区 / 吹田市 / 摂津市 line, through the CLI.
    /usr/bin/time -f '%e' -o "$work/pref-covers.time" "$bin" search --index "$pref_dir" \
        --covers 34.7560,135.5420 --kind clinic,visiting_nursing --limit 20 >"$work/pref-covers.txt"
else
    say "no $shared/osaka-pref: the real Osaka Prefecture index is not measured"
fi

say "query mix, PostgreSQL export, in-process latency, answers"
mix="$work/mix.csv"
engine mix --index "$index_dir" --count "$mix_count" --seed 1 --out "$mix"
engine export-sql --index "$index_dir" --out "$work/export.csv"
engine latency --index "$index_dir" --mix "$mix" --rounds "$latency_rounds" | tee "$work/latency.md" >&2
# Typo tolerance and folding (issue 18): 300 mistyped words, word cache off.
engine typo --index "$index_dir" --count 300 | tee "$work/typo.md" >&2
engine agree --index "$index_dir" --mix "$mix" --out "$work/ours.csv"
types=$(awk -F, 'NR > 1 && !seen[$2]++ {print $2}' "$mix")

# --- HTTP server under wrk ------------------------------------------------------------------------
say "zaitaku serve + wrk (${dur} s runs)"
t0=$(now_ms)
"$bin" serve --index "$index_dir" --bind 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.log" &
server_pid=$!
addr=""
for _ in $(seq 1 3000); do
    addr=$(sed -n '1s#^listening on http://##p' "$work/serve.out")
    [ -n "$addr" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; echo "bench.sh: server died" >&2; exit 1; }
    sleep 0.01
done
[ -n "$addr" ] || { echo "bench.sh: no 'listening on' line from zaitaku serve" >&2; exit 1; }
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$addr/readyz")" = 200 ]; do
    kill -0 "$server_pid" 2>/dev/null || { echo "bench.sh: server died" >&2; exit 1; }
    [ $(( $(now_ms) - t0 )) -lt 120000 ] || { echo "bench.sh: /readyz not 200 after 120 s" >&2; exit 1; }
    sleep 0.01
done
startup_ms=$(( $(now_ms) - t0 ))
rss_start_split=$(rss_split "$server_pid")

wrk_run() { # wrk_run CONNS TYPE(or all) SECONDS → wrk_result line
    local conns="$1" t="$2" secs="$3" threads=2
    [ "$conns" -lt 2 ] && threads=1
    ZAITAKU_MIX="$mix" ZAITAKU_MIX_TYPE="$([ "$t" = all ] || echo "$t")" \
        wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s benches/wrk/mix.lua "http://$addr" \
        >"$work/wrk-$t-$conns.txt" 2>&1
    grep '^wrk_result' "$work/wrk-$t-$conns.txt" || { cat "$work/wrk-$t-$conns.txt" >&2; echo "wrk_result rps=0"; }
}
wrk_run 16 all 3 >/dev/null   # warm-up
rss_warm_kb=$(rss_kb "$server_pid")
declare -A wrk_mixed wrk_type
for c in 1 16 64; do
    wrk_mixed[$c]=$(wrk_run "$c" all "$dur")
    echo "  mixed, $c connections: ${wrk_mixed[$c]}" >&2
done
for t in $types; do
    wrk_type[$t]=$(wrk_run "$clients" "$t" "$dur")
    echo "  $t, $clients connections: ${wrk_type[$t]}" >&2
done
# The floor: the same server's /healthz at the same connections (issue 17: the mixed load
# should reach at least half of it).
wrk -t2 -c"$clients" -d"${dur}s" "http://$addr/healthz" >"$work/wrk-healthz.txt" 2>&1
healthz_rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk-healthz.txt")
echo "  /healthz, $clients connections: $healthz_rps req/s" >&2
rss_end_split=$(rss_split "$server_pid")
hwm_end_kb=$(hwm_kb "$server_pid")
server_5xx=$(grep -c 'status=5' "$work/serve.log" || true)
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
server_pid=""

# --- PostgreSQL + PostGIS -------------------------------------------------------------------------
say "PostgreSQL $pg_ver + PostGIS: throw-away cluster"
pgdir="$work/pg"
mkdir -p "$pgdir"
[ ${#run_pg[@]} -gt 0 ] && chown postgres: "$pgdir"
pgdata="$pgdir/data"
pg_port=$(free_port)
"${run_pg[@]}" "$pg_bin/initdb" -D "$pgdata" -E UTF8 --locale=C.UTF-8 -A trust -U postgres >"$work/initdb.log"
# Read-only benchmark on a throw-away cluster: durability off (fsync, full-page writes,
# synchronous commit) only speeds up the load; no parallel query (2 cores, 16 clients);
# no JIT (OLTP-sized queries); random_page_cost for data that fits in memory.
pg_opts="-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pgdir \
-c shared_buffers=1GB -c effective_cache_size=8GB -c work_mem=16MB -c maintenance_work_mem=512MB \
-c max_connections=40 -c max_parallel_workers_per_gather=0 -c jit=off -c random_page_cost=1.1 \
-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
"${run_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdir/log" -o "$pg_opts" -w start >/dev/null
export PGHOST=127.0.0.1 PGPORT="$pg_port" PGUSER=postgres PGDATABASE=postgres

say "load"
load_line=$(benches/postgis/load.sh "$work/export.csv" "$mix" | tail -n1)
echo "  $load_line" >&2
max_reach_m=$(psql -XAtc "SELECT max_reach_m FROM bench_meta")
pg_version=$(psql -XAtc "SELECT split_part(version(), ' ', 2) || ', PostGIS ' || postgis_lib_version()")

say "plans: per-value vs shared"
python3 benches/postgis/check.py plans --sample "$plan_sample" --var "max_reach_m=$max_reach_m" \
    --out "$work/plans.md" >"$work/plans.txt"
cat "$work/plans.txt" >&2
declare -A plan_mode
for kvp in $(sed -n 's/^plan_modes: //p' "$work/plans.txt"); do
    plan_mode[${kvp%%=*}]=${kvp#*=}
done

pgbench_run() { # pgbench_run TYPE MODE → "tps=… lat_ms=… failed=…"
    local t="$1" mode="$2" n out
    n=$(psql -XAtc "SELECT count(*) FROM q WHERE type = '$t'")
    out="$work/pgbench-$t-$mode.txt"
    PGOPTIONS="-c plan_cache_mode=$mode" pgbench -n -M prepared -c "$clients" -j 2 -T "$dur" \
        -D "n_$t=$n" -D "max_reach_m=$max_reach_m" -f "benches/postgis/$t.sql" >"$out" 2>&1 || true
    awk '
        /^tps = / { tps = $3 }
        /^latency average = / { lat = $4 }
        /^number of failed transactions: / { failed = $5 }
        END { printf "tps=%s lat_ms=%s failed=%s\n", tps ? tps : 0, lat, failed == "" ? "?" : failed }
    ' "$out"
}
say "pgbench: $clients clients, ${dur} s per type, -M prepared"
declare -A pg_best pg_auto
for t in $types; do
    mode="${plan_mode[$t]:-auto}"
    pg_best[$t]=$(pgbench_run "$t" "$mode")
    echo "  $t ($mode): ${pg_best[$t]}" >&2
    if [ "$mode" != auto ]; then
        pg_auto[$t]=$(pgbench_run "$t" auto)
        echo "  $t (auto): ${pg_auto[$t]}" >&2
    else
        pg_auto[$t]=${pg_best[$t]}
    fi
done

say "agreement: first $agree_sample queries of each type on PostGIS vs zaitaku"
set +e
python3 benches/postgis/check.py agree --ours "$work/ours.csv" --sample "$agree_sample" \
    --var "max_reach_m=$max_reach_m" >"$work/agree.txt"
set -e
cat "$work/agree.txt" >&2
agree_line=$(grep '^agreement:' "$work/agree.txt" || echo "agreement: FAIL (no result)")
case "$agree_line" in "agreement: PASS"*) ;; *) failures+=("answers disagree with PostGIS") ;; esac

"${run_pg[@]}" "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null
pgdata=""

# --- cost growth -------------------------------------------------------------------------------------
say "cost growth (-- scale --max $scale_max)"
engine scale --max "$scale_max" | tee "$work/scale.md" >&2

# --- report ----------------------------------------------------------------------------------------------
for c in 1 16 64; do
    nz=$(kv non2xx "${wrk_mixed[$c]}"); se=$(kv socket_errors "${wrk_mixed[$c]}")
    [ "${nz:-1}" = 0 ] && [ "${se:-1}" = 0 ] || failures+=("wrk at $c connections: $nz non-2xx, $se socket errors")
done
for t in $types; do
    nz=$(kv non2xx "${wrk_type[$t]}"); se=$(kv socket_errors "${wrk_type[$t]}")
    [ "${nz:-1}" = 0 ] && [ "${se:-1}" = 0 ] || failures+=("wrk $t: $nz non-2xx, $se socket errors")
done
[ "$server_5xx" = 0 ] || failures+=("server logged $server_5xx 5xx responses")

inproc_qps() { # queries/s (1 thread) of a type from the engine's latency table
    awk -F'|' -v t="$1" '{ gsub(/ /, "", $2) } $2 == t { gsub(/ /, "", $5); print $5 }' "$work/latency.md" | head -n1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f", a / b; else printf "–" }'; }
fmt1() { awk -v x="$1" 'BEGIN { if (x == "") printf "–"; else printf "%.0f", x }'; }

wall_s=$(( ($(now_ms) - started) / 1000 ))
mkdir -p target/bench
report=target/bench/report.md
{
    echo "# zaitaku benchmark report"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC') · \`./scripts/bench.sh$([ "$quick" = true ] && echo ' --quick') --count $count\` · commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (uncommitted changes)') · run took ${wall_s} s"
    echo
    echo "| machine | |"
    echo "|---|---|"
    echo "| CPU | $(nproc) × $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1) |"
    echo "| RAM | $(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |"
    echo "| kernel | $(uname -sr) |"
    echo "| PostgreSQL | $pg_version |"
    echo "| wrk | $(wrk -v 2>&1 | head -n1 | awk '{print $2}') |"
    echo
    echo "Dataset: national synthetic (\`zaitaku demo-data --national --count $count --seed 1\`), $records facilities, $indexed indexed. Query mix: $mix_count queries (\`cargo bench --bench engine -- mix --seed 1\`), $(echo $types | wc -w) types."
    echo
    echo "## Build"
    echo
    echo "| | wall | peak RSS | on disk |"
    echo "|---|---:|---:|---:|"
    echo "| \`zaitaku index\` (national synthetic, $indexed facilities) | ${index_s} s | $(mb "$index_rss_kb") MB | $(awk -v b="$index_bytes" 'BEGIN {printf "%.1f MB", b / 1e6}') |"
    [ -z "$town_line" ] || echo "| of which town coverage (planners) | $town_line | | |"
    [ -z "$osaka_line" ] || echo "$osaka_line"
    [ -z "$pref_line" ] || echo "$pref_line"
    echo "| PostGIS: COPY / indexes + ANALYZE | $(awk -v a="$(kv load_ms "$load_line")" -v b="$(kv index_ms "$load_line")" 'BEGIN {printf "%.1f s / %.1f s", a / 1000, b / 1000}') | – | $(awk -v a="$(kv table_bytes "$load_line")" -v b="$(kv index_bytes "$load_line")" 'BEGIN {printf "%.1f MB table + %.1f MB indexes", a / 1e6, b / 1e6}') |"
    echo
    echo "## Server"
    echo
    echo "| start-up to /readyz 200 | RSS ready | RSS after warm-up | RSS after all wrk runs | peak RSS |"
    echo "|---:|---:|---:|---:|---:|"
    echo "| ${startup_ms} ms | ${rss_start_split} | $(mb "$rss_warm_kb") MB | ${rss_end_split} | $(mb "$hwm_end_kb") MB |"
    echo
    echo "| mixed load, $clients connections | /healthz, $clients connections | mixed / healthz (target ≥ 0.50) |"
    echo "|---:|---:|---:|"
    echo "| $(kv rps "${wrk_mixed[16]}") req/s | ${healthz_rps} req/s | $(ratio "$(kv rps "${wrk_mixed[16]}")" "$healthz_rps") |"
    echo
    sed -n '/^#/,$p' "$work/latency.md" | sed 's/^### /## /'
    echo
    sed -n '/^#/,$p' "$work/typo.md" | sed 's/^### /## /'
    echo "Target: a mistyped word answers in ≤ 5 ms p50 at 300k."
    echo
    echo "## The real Osaka City index"
    echo
    if [ -n "$osaka_line" ]; then
        echo "Built from the official files in ../shared/data (build figures above); the same query types, 700 queries drawn around its own facilities."
        sed -n '/^#/,$p' "$work/osaka-latency.md" | sed 's/^### /### /'
    else
        echo "Not measured: ../shared/data/osaka is not beside the project."
    fi
    echo
    echo "## The real Osaka Prefecture index"
    echo
    if [ -n "$pref_line" ]; then
        echo "All 43 市町村 (build figures above); the same query types, 700 queries drawn around its own facilities."
        sed -n '/^#/,$p' "$work/osaka-pref-latency.md"
        echo
        echo "Covers at the 東淀川区 / 吹田市 / 摂津市 line (34.7560,135.5420), one CLI run including opening the index: $(cat "$work/pref-covers.time") s."
    else
        echo "Not measured: ../shared/data/osaka-pref is not beside the project."
    fi
    echo
    echo "## HTTP (wrk, mixed query types, ${dur} s per run)"
    echo
    echo "\`wrk -t2 -cN -d${dur}s -s benches/wrk/mix.lua\` against \`zaitaku serve\` on 127.0.0.1 (same 2 cores as the server; request logging on, to a file; no gzip)."
    echo
    echo "| connections | req/s | p50 ms | p99 ms | non-2xx | socket errors |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for c in 1 16 64; do
        l="${wrk_mixed[$c]}"
        echo "| $c | $(fmt1 "$(kv rps "$l")") | $(kv p50_ms "$l") | $(kv p99_ms "$l") | $(kv non2xx "$l") | $(kv socket_errors "$l") |"
    done
    echo
    echo "## Per query type: zaitaku vs PostGIS ($clients connections / clients, ${dur} s each)"
    echo
    echo "zaitaku HTTP: wrk per type (\`ZAITAKU_MIX_TYPE=TYPE\`); the answer is JSON with the full records (size per response below). PostGIS: \`pgbench -M prepared -c $clients -j 2 -T $dur -f benches/postgis/TYPE.sql\`: one statement per transaction that picks a random mix query of the type from table q and runs it through q_TYPE (benches/postgis/queries.sql), returning ids; plan_cache_mode per type from the plan check below, and the default (auto) for comparison. Ratios: zaitaku HTTP req/s ÷ PostGIS TPS, both at $clients connections on the same 2 cores; and zaitaku in-process single-thread queries/s ÷ the same PostGIS TPS."
    echo
    echo "| type | zaitaku in-process q/s (1 thread) | zaitaku HTTP req/s | HTTP p50 ms | HTTP p99 ms | KB/response | PostGIS TPS | plan | PostGIS mean ms | PostGIS TPS (auto plan) | HTTP / PostGIS | in-process 1 thread / PostGIS |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"
    for t in $types; do
        w="${wrk_type[$t]}"; p="${pg_best[$t]}"; a="${pg_auto[$t]}"
        mode="${plan_mode[$t]:-auto}"; mode="${mode#force_}"; mode="${mode%_plan}"
        echo "| $t | $(fmt1 "$(inproc_qps "$t")") | $(fmt1 "$(kv rps "$w")") | $(kv p50_ms "$w") | $(kv p99_ms "$w") | $(awk -v b="$(kv bytes_per_response "$w")" 'BEGIN {printf "%.1f", b / 1024}') | $(fmt1 "$(kv tps "$p")") | $mode | $(kv lat_ms "$p") | $(fmt1 "$(kv tps "$a")") | $(ratio "$(kv rps "$w")" "$(kv tps "$p")") | $(ratio "$(inproc_qps "$t")" "$(kv tps "$p")") |"
    done
    echo
    echo "pgbench failed transactions: $(for t in $types; do printf '%s %s; ' "$t" "$(kv failed "${pg_best[$t]}")"; done)"
    echo
    echo "## PostGIS plans: per-value (custom) vs shared (generic)"
    echo
    echo "The plan of the query inside q_TYPE (auto_explain) and the mean time of the pgbench statement (EXPLAIN ANALYZE, one session per mode, one warm-up call) over the first $plan_sample mix queries of each type. The faster mode is the one pgbench uses above."
    echo
    cat "$work/plans.md"
    echo
    echo "## Agreement (first $agree_sample queries of each type)"
    echo
    echo "Same ids in the same order (ties by id); facets: the same count per kind."
    echo
    grep '^|' "$work/agree.txt"
    echo
    echo "**$agree_line**"
    if grep -q '^MISMATCH' "$work/agree.txt"; then
        echo
        echo '```'
        grep -v '^|' "$work/agree.txt" | grep -v '^agreement:' | head -n 60
        echo '```'
    fi
    echo
    sed -n '/^#/,$p' "$work/scale.md" | sed 's/^### /## /'
    echo
    echo "## Checks"
    echo
    if [ ${#failures[@]} -eq 0 ]; then
        echo "PASS: answers agree with PostGIS; no HTTP errors under load; the server logged no 5xx."
    else
        echo "FAIL:"
        for f in "${failures[@]}"; do echo "- $f"; done
    fi
    echo
    echo "Settings: PostgreSQL cluster made for this run (initdb, C.UTF-8), shared_buffers 1GB, work_mem 16MB, max_parallel_workers_per_gather 0, jit off, random_page_cost 1.1, and fsync / full_page_writes / synchronous_commit off (read-only benchmark: durability only affects the load). wrk and pgbench run on the same 2 cores as the server they measure."
} >"$report"

cat "$report"
echo >&2
echo "bench.sh: report written to $report (${wall_s} s)" >&2
[ ${#failures[@]} -eq 0 ] || exit 1
