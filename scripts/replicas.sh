#!/usr/bin/env bash
# Two `zaitaku serve` replicas behind nginx (deploy/nginx.conf: passive health checks,
# retry of idempotent GETs on the other replica), all on 127.0.0.1, under wrk load
# (the bench's query mix, 16 connections), through three phases:
#   steady   no change;
#   rolling  a new index generation is built, replica 1 reloads (SIGHUP) and is waited
#            for, then replica 2;
#   kill     replica 1 is killed (SIGKILL) and started again.
# Prints requests, failed requests (non-2xx + socket errors) and p99 per phase; the goal
# is 0 failed in every phase. Not part of the tests (about a minute); installs nginx and
# wrk from Debian when missing. Stops everything it started on exit.
#
#   ./scripts/replicas.sh [--seconds 12]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
secs=12
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) secs="$2"; shift 2 ;;
        *) echo "replicas.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

say() { printf '\n== %s\n' "$*" >&2; }
source scripts/lib.sh
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
apt_install "${missing[@]}"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

say "build (release)"
cargo build --release --quiet --bin zaitaku
cargo bench --no-run --quiet --bench engine >/dev/null 2>&1 || true
bin="$root/target/release/zaitaku"

work="$(mktemp -d /tmp/zaitaku-replicas.XXXXXX)"
pids=()
cleanup() {
    [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

say "demo index and query mix"
(cd "$work" && "$bin" index >/dev/null)
index="$work/index/demo"
cargo bench -q --bench engine -- mix --index "$index" --count 500 --seed 1 --out "$work/mix.csv" >&2

# start_replica N PORT: serves the index on PORT, logs to $work/rN.log, pid in $work/rN.pid.
start_replica() {
    local n="$1" port="$2"
    "$bin" serve --index "$index" --bind "127.0.0.1:$port" --trusted-proxy 127.0.0.1 \
        >"$work/r$n.out" 2>>"$work/r$n.log" &
    echo $! >"$work/r$n.pid"
    pids+=("$!")
    for _ in $(seq 1 600); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] && return 0
        sleep 0.05
    done
    echo "replicas.sh: replica $n did not become ready" >&2
    exit 1
}
p1=$(free_port); p2=$(free_port); pn=$(free_port)
start_replica 1 "$p1"
start_replica 2 "$p2"

mkdir -p "$work/nginx"
sed -e "s#r1:8080#127.0.0.1:$p1#" -e "s#r2:8080#127.0.0.1:$p2#" \
    -e "s#listen 8080;#listen 127.0.0.1:$pn;#" -e "s#/tmp/#$work/nginx/#g" \
    deploy/nginx.conf >"$work/nginx/nginx.conf"
"$nginx_bin" -c "$work/nginx/nginx.conf" -p "$work/nginx" -e "$work/nginx/error.log"
for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$pn/readyz")" = 200 ] && break
    sleep 0.05
done

# load SECONDS: wrk through nginx in the background; its machine-readable line goes to
# $work/wrk.txt.
load() {
    ZAITAKU_MIX="$work/mix.csv" wrk -t2 -c16 -d"${1}s" --latency -s benches/wrk/mix.lua \
        "http://127.0.0.1:$pn" >"$work/wrk.txt" 2>&1 &
    wrk_pid=$!
}
kv() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" "$work/wrk.txt" | head -n1; }
results=()
report() { # report PHASE
    local req non2xx sock p99
    req=$(kv requests); non2xx=$(kv non2xx); sock=$(kv socket_errors); p99=$(kv p99_ms)
    results+=("| $1 | $req | $((non2xx + sock)) | $p99 ms |")
}
wait_reloaded() { # wait_reloaded N COUNT: until replica N logged COUNT reloads
    for _ in $(seq 1 600); do
        [ "$(grep -c 'index reloaded' "$work/r$1.log" || true)" -ge "$2" ] && return 0
        sleep 0.05
    done
    echo "replicas.sh: replica $1 did not reload" >&2
    exit 1
}

say "phase steady (${secs} s)"
load "$secs"; wait "$wrk_pid"; report steady

say "phase rolling: new generation, reload replica 1, then replica 2"
load "$secs"
sleep 2
(cd "$work" && "$bin" index --accept-shrink >/dev/null)
kill -HUP "$(cat "$work/r1.pid")"; wait_reloaded 1 1
kill -HUP "$(cat "$work/r2.pid")"; wait_reloaded 2 1
wait "$wrk_pid"; report rolling

say "phase kill: replica 1 killed and started again"
load "$secs"
sleep 3
kill -KILL "$(cat "$work/r1.pid")"
sleep 3
start_replica 1 "$p1"
wait "$wrk_pid"; report kill

echo
echo "| phase (${secs} s, 16 connections, through nginx) | requests | failed | p99 |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${results[@]}"
