#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# The HTTP benchmark: `defis serve` beside nginx serving the same bytes as a static file,
# in the same run, with wrk. Prints one table (figure, defis, baseline, ratio, target, verdict).
#
#   GET /v1/challenges?limit=50 over a store of BENCH_HTTP_CHALLENGES challenges, 64
#   connections, BENCH_HTTP_SECONDS seconds each: requests/s (ratio to nginx, target
#   >= 0.5), p99 latency (target <= 20 ms), errors (target 0);
#   POST /v1/surveys of 1,000-row files for 30 s (each a new survey): rows/s, errors;
#   load: 1,000 keep-alive connections of mixed reads for BENCH_LOAD_SECONDS while uploads
#   run (socket errors, unexpected statuses, p99 <= 100 ms, memory flat after warm-up
#   within 10%, the WAL's largest size), then 8 writers beside 8 readers (no 5xx, no
#   "database is locked" reaching a client).
#
# Usage: tests/bench/http.sh BUILD_DIR      (BUILD_DIR configured with CMake, Release)
# Environment:
#   BENCH_HTTP_CHALLENGES  challenges in the store (default 100000); the store is built once
#                          through `defis import` and cached under BUILD_DIR/bench-data/
#   BENCH_HTTP_SECONDS     seconds of each GET run (default 10)
#   BENCH_UPLOAD_SECONDS   seconds of the upload run (default 30)
#   BENCH_LOAD_SECONDS     seconds of each load run (default 60)
#   BENCH_STRICT           1: exit 1 when a target is missed
set -eu

BUILD=${1:?usage: tests/bench/http.sh BUILD_DIR}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
HERE="$SRC/tests/bench/http"
CHALLENGES=${BENCH_HTTP_CHALLENGES:-100000}
SECONDS_GET=${BENCH_HTTP_SECONDS:-10}
SECONDS_UPLOAD=${BENCH_UPLOAD_SECONDS:-30}
SECONDS_LOAD=${BENCH_LOAD_SECONDS:-60}
CONNECTIONS=64
BATCH=20000 # rows per imported file while building the store
DEFIS="$BUILD/defis"
FAILED=0
SERVER_PID=
NGINX_PID=

WORK=$(mktemp -d "${TMPDIR:-/tmp}/defis-http-bench.XXXXXX")
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
    echo "bench http: $*" >&2
    exit 1
}

calc() {
    expr=$1
    shift
    awk "$@" "BEGIN { printf \"%s\", ($expr) }" </dev/null
}

TABLE_FMT='%-24s %14s %14s %10s %12s  %s\n'
table_head() {
    # shellcheck disable=SC2059
    printf "$TABLE_FMT" figure defis baseline ratio target verdict
    # shellcheck disable=SC2059
    printf "$TABLE_FMT" ------------------------ -------------- -------------- ---------- \
        ------------ -------
}
table_row() {
    [ "$6" != FAIL ] || FAILED=1
    # shellcheck disable=SC2059
    printf "$TABLE_FMT" "$1" "$2" "$3" "$4" "$5" "$6"
}
verdict() {
    calc "(v $2 l) ? \"PASS\" : \"FAIL\"" -v v="$1" -v l="$3"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- The store -----------------------------------------------------------------

# A store of CHALLENGES distinct challenges, cached by size and by the SQL and
# generator it was made with. Sets STORE.
build_store() {
    dir="$BUILD/bench-data"
    mkdir -p "$dir"
    key=$(cat "$SRC/engine/sql.c" "$HERE/gen_challenges.awk" | cksum | cut -d' ' -f1)
    STORE="$dir/http-c$CHALLENGES-r1-k$key.db"
    if [ -s "$STORE" ]; then
        echo "store: cached $STORE"
        return
    fi
    rm -f "$dir"/http-c"$CHALLENGES"-*.db
    # 1% more rows than challenges: the odd pair of random texts is grouped as one.
    rows=$((CHALLENGES + CHALLENGES / 100))
    echo "store: importing $rows rows in files of $BATCH (once; cached)…"
    tmp="$WORK/build.db"
    "$DEFIS" --db "$tmp" network add Bench >/dev/null
    first=0
    while [ "$first" -lt "$rows" ]; do
        n=$((rows - first))
        [ "$n" -le "$BATCH" ] || n=$BATCH
        awk -v seed="$first" -v rows="$n" -v first="$first" -f "$HERE/gen_challenges.awk" \
            >"$WORK/part.csv"
        "$DEFIS" --db "$tmp" import --network Bench --title "part $first" "$WORK/part.csv" \
            >/dev/null || die "import failed"
        first=$((first + n))
        printf '  %d / %d\n' "$first" "$rows"
    done
    sqlite3 "$tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    mv "$tmp" "$STORE"
    rm -f "$tmp-wal" "$tmp-shm"
}

# ---- The servers ---------------------------------------------------------------

# start_defis [serve options…]
start_defis() {
    rm -f "$WORK/serve.out"
    "$DEFIS" --db "$DB" serve --listen 127.0.0.1:0 "$@" >"$WORK/serve.out" 2>"$WORK/serve.log" &
    SERVER_PID=$!
    i=0
    while ! grep -q '^listening on' "$WORK/serve.out" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -lt 100 ] || { cat "$WORK/serve.log" >&2; die "defis serve did not start"; }
        sleep 0.1
    done
    DEFIS_URL=$(sed -n 's/^listening on //p' "$WORK/serve.out")
}

start_nginx() {
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx is missing (nginx-light)"
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    port=$(free_port)
    user_line=
    [ "$(id -u)" != 0 ] || user_line="user root;"
    mkdir -p "$WORK/nginx"
    cat >"$WORK/nginx/nginx.conf" <<CONF
$user_line
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
        root $WORK/www;
        default_type application/json;
        location / { }
    }
}
CONF
    "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" 2>"$WORK/nginx/start.log" &
    NGINX_PID=$!
    NGINX_URL="http://127.0.0.1:$port"
    i=0
    while ! curl -sf -o /dev/null "$NGINX_URL/v1/challenges"; do
        i=$((i + 1))
        [ "$i" -lt 100 ] || { cat "$WORK/nginx/start.log" "$WORK/nginx/error.log" >&2; die "nginx did not start"; }
        sleep 0.1
    done
}

# run_wrk NAME URL [wrk options…]: sets RPS, P99_MS and ERRORS from wrk's report.
run_wrk() {
    name=$1
    shift
    wrk --latency "$@" >"$WORK/$name.wrk" 2>&1 || { cat "$WORK/$name.wrk" >&2; die "wrk failed"; }
    RPS=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/$name.wrk")
    P99_MS=$(awk '$1 == "99%" {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
        printf "%.2f", v }' "$WORK/$name.wrk")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$WORK/$name.wrk")
    socket=$(awk '/Socket errors:/ { n = 0; for (i = 3; i <= NF; i += 2) n += $(i + 1); print n }' \
        "$WORK/$name.wrk")
    ERRORS=$(( ${non2xx:-0} + ${socket:-0} ))
    REQUESTS=$(awk '/requests in/ { print $1 }' "$WORK/$name.wrk")
}

# ---- Load ----------------------------------------------------------------------

# Samples the server's resident memory (KiB) and the WAL's size (bytes) every 5 s
# into $WORK/samples until the file $WORK/stop-sampling exists.
sample() {
    : >"$WORK/samples"
    t=0
    while [ ! -e "$WORK/stop-sampling" ]; do
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
        wal=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
        echo "$t $rss $wal" >>"$WORK/samples"
        sleep 5
        t=$((t + 5))
    done
}

# 1,000 connections of mixed reads beside uploads, then 8 writers beside 8 readers.
load_phase() {
    kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
    ulimit -n 65536 2>/dev/null || ulimit -n 4096 2>/dev/null || true
    cat >"$WORK/load.ini" <<INI
[limits]
max_connections = 1100
connections_per_ip = 1100
[log]
requests = true
INI
    start_defis --config "$WORK/load.ini"
    printf '\n== load: 1,000 connections of mixed reads for %d s, uploads beside ==\n' \
        "$SECONDS_LOAD"
    rm -f "$WORK/stop-sampling"
    sample &
    sampler=$!
    BENCH_UPLOAD_BASE="$WORK/upload-base.csv" BENCH_TOKEN="$NETWORK" \
        run_wrk load-up -t 1 -c 2 -d "${SECONDS_LOAD}s" --timeout 60s -s "$HERE/upload.lua" \
        "$DEFIS_URL/v1/surveys" &
    uploader=$!
    BENCH_TOKEN="$LEAD" BENCH_CHALLENGES="$stored" \
        run_wrk load -t "$wrk_threads" -c 1000 -d "${SECONDS_LOAD}s" --timeout 10s \
        -s "$HERE/reads.lua" "$DEFIS_URL"
    load_rps=$RPS load_p99=$P99_MS load_err=$ERRORS
    wait "$uploader" || die "the upload load failed"
    load_up_err=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ {
        for (i = 3; i <= NF; i += 2) n += $(i + 1) } END { print n + 0 }' "$WORK/load-up.wrk")
    touch "$WORK/stop-sampling"
    wait "$sampler" 2>/dev/null || true
    # Memory after warm-up (the first sample at 15 s or later) against its largest since.
    load_rss0=$(awk '$1 >= 15 { printf "%.0f", $2 / 1024; exit }' "$WORK/samples")
    load_growth=$(awk '$1 >= 15 { if (!b) b = $2; if ($2 > m) m = $2 }
        END { printf "%.1f", b ? 100 * (m - b) / b : 0 }' "$WORK/samples")
    load_wal=$(awk '{ if ($3 > m) m = $3 } END { printf "%.1f", m / 1048576 }' "$WORK/samples")
    echo "reads: $load_rps/s, p99 $load_p99 ms, $load_err errors; RSS from $load_rss0 MiB" \
        "grew $load_growth%; WAL at most $load_wal MiB"

    printf '\n== load: 8 writers beside 8 readers for %d s ==\n' "$SECONDS_LOAD"
    BENCH_UPLOAD_BASE="$WORK/upload-base.csv" BENCH_TOKEN="$NETWORK" \
        run_wrk rw-up -t 2 -c 8 -d "${SECONDS_LOAD}s" --timeout 60s -s "$HERE/upload.lua" \
        "$DEFIS_URL/v1/surveys" &
    uploader=$!
    BENCH_TOKEN="$LEAD" BENCH_CHALLENGES="$stored" \
        run_wrk rw -t 2 -c 8 -d "${SECONDS_LOAD}s" -s "$HERE/reads.lua" "$DEFIS_URL"
    rw_read_err=$ERRORS
    wait "$uploader" || die "the writers failed"
    rw_write_err=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ {
        for (i = 3; i <= NF; i += 2) n += $(i + 1) } END { print n + 0 }' "$WORK/rw-up.wrk")
    rw_locked=$(grep -c -e '"status":5' -e 'database is locked' "$WORK/serve.log" || true)
    echo "8+8: read errors $rw_read_err, write errors $rw_write_err, locked or 5xx $rw_locked"
}

# ---- Main ----------------------------------------------------------------------

main() {
    command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
    command -v sqlite3 >/dev/null || die "sqlite3 is missing"
    command -v curl >/dev/null || die "curl is missing"
    echo "building defis in $BUILD"
    cmake --build "$BUILD" --target defis -j "$(nproc 2>/dev/null || echo 2)" \
        >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }
    build_store
    DB="$WORK/http.db"
    cp "$STORE" "$DB"
    stored=$(sqlite3 "$DB" "SELECT count(*) FROM challenge")
    echo "store: $stored challenges"
    [ "$stored" -ge "$CHALLENGES" ] || echo "store: fewer than $CHALLENGES challenges" >&2
    LEAD=$("$DEFIS" --db "$DB" token create --role lead 2>/dev/null)
    NETWORK=$("$DEFIS" --db "$DB" token create --role network --network Bench 2>/dev/null)
    AUTH="Authorization: Bearer $LEAD"
    PATH_Q="/v1/challenges?limit=50"

    start_defis
    mkdir -p "$WORK/www/v1"
    curl -sf -H "$AUTH" "$DEFIS_URL$PATH_Q" >"$WORK/www/v1/challenges" ||
        die "GET $PATH_Q failed"
    bytes=$(wc -c <"$WORK/www/v1/challenges")
    start_nginx
    curl -sf -o "$WORK/nginx.body" "$NGINX_URL$PATH_Q"
    cmp -s "$WORK/www/v1/challenges" "$WORK/nginx.body" || die "nginx does not serve the same bytes"
    echo "response: $bytes bytes, the same from both"

    printf '\n== GET %s: %d connections, %d s each ==\n' "$PATH_Q" "$CONNECTIONS" "$SECONDS_GET"
    wrk_threads=$(nproc 2>/dev/null || echo 4)
    [ "$wrk_threads" -le 8 ] || wrk_threads=8
    run_wrk nginx -t "$wrk_threads" -c "$CONNECTIONS" -d "${SECONDS_GET}s" -H "$AUTH" "$NGINX_URL$PATH_Q"
    base_rps=$RPS base_p99=$P99_MS base_err=$ERRORS
    run_wrk warmup -t "$wrk_threads" -c "$CONNECTIONS" -d 2s -H "$AUTH" "$DEFIS_URL$PATH_Q"
    run_wrk defis -t "$wrk_threads" -c "$CONNECTIONS" -d "${SECONDS_GET}s" -H "$AUTH" "$DEFIS_URL$PATH_Q"
    ours_rps=$RPS ours_p99=$P99_MS ours_err=$ERRORS
    rps_ratio=$(calc 'b > 0 ? sprintf("%.2f", a / b) : 0' -v a="$ours_rps" -v b="$base_rps")

    printf '\n== POST /v1/surveys: 1,000-row files, %d s ==\n' "$SECONDS_UPLOAD"
    head -n 1000 "$WORK/part.csv" 2>/dev/null >"$WORK/upload-base.csv" ||
        awk -v seed=99 -v rows=999 -v first=0 -f "$HERE/gen_challenges.awk" >"$WORK/upload-base.csv"
    [ -s "$WORK/upload-base.csv" ] ||
        awk -v seed=99 -v rows=999 -v first=0 -f "$HERE/gen_challenges.awk" >"$WORK/upload-base.csv"
    before=$(sqlite3 "$DB" "SELECT count(*) FROM mention")
    BENCH_UPLOAD_BASE="$WORK/upload-base.csv" BENCH_TOKEN="$NETWORK" \
        run_wrk upload -t 2 -c 4 -d "${SECONDS_UPLOAD}s" --timeout 30s -s "$HERE/upload.lua" \
        "$DEFIS_URL/v1/surveys"
    up_err=$ERRORS up_requests=$REQUESTS
    after=$(sqlite3 "$DB" "SELECT count(*) FROM mention")
    up_rows=$(calc 'sprintf("%.0f", (a - b) / s)' -v a="$after" -v b="$before" -v s="$SECONDS_UPLOAD")
    echo "uploads: $up_requests requests, $((after - before)) rows stored"
    fivexx=$(grep -c '"status":5' "$WORK/serve.log" || true)

    load_phase

    echo
    table_head
    table_row "GET requests/s" "$ours_rps" "$base_rps" "$rps_ratio" "ratio >= 0.5" \
        "$(verdict "$rps_ratio" ">=" 0.5)"
    table_row "GET p99 latency (ms)" "$ours_p99" "$base_p99" - "defis <= 20" \
        "$(verdict "$ours_p99" "<=" 20)"
    table_row "GET errors" "$ours_err" "$base_err" - "defis = 0" "$(verdict "$ours_err" "==" 0)"
    table_row "upload rows/s" "$up_rows" - - - -
    table_row "upload errors" "$up_err" - - "= 0" "$(verdict "$up_err" "==" 0)"
    table_row "server 5xx (log)" "$fivexx" - - "= 0" "$(verdict "$fivexx" "==" 0)"
    table_row "load: read requests/s" "$load_rps" - - - -
    table_row "load: read p99 (ms)" "$load_p99" - - "<= 100" "$(verdict "$load_p99" "<=" 100)"
    table_row "load: read errors" "$load_err" - - "= 0" "$(verdict "$load_err" "==" 0)"
    table_row "load: upload errors" "$load_up_err" - - "= 0" "$(verdict "$load_up_err" "==" 0)"
    table_row "load: RSS growth (%)" "$load_growth" "$load_rss0 MiB" - "<= 10" \
        "$(verdict "$load_growth" "<=" 10)"
    table_row "load: WAL max (MiB)" "$load_wal" - - - -
    table_row "8+8: read errors" "$rw_read_err" - - "= 0" "$(verdict "$rw_read_err" "==" 0)"
    table_row "8+8: write errors" "$rw_write_err" - - "= 0" "$(verdict "$rw_write_err" "==" 0)"
    table_row "8+8: locked/5xx (log)" "$rw_locked" - - "= 0" "$(verdict "$rw_locked" "==" 0)"
    if [ "$FAILED" = 1 ]; then
        echo "bench http: some targets missed (FAIL above)"
        [ "${BENCH_STRICT:-0}" = 1 ] && exit 1
    fi
    return 0
}

main
