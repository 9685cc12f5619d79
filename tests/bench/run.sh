#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# The benchmarks of `make bench`: each section measures defis beside a baseline doing
# the same work and prints one table (figure, defis, baseline, ratio, target, verdict).
#
# Usage: tests/bench/run.sh BUILD_DIR      (BUILD_DIR configured with CMake, Release)
# Environment:
#   BENCH_ROWS    rows of the generated survey (default 1000000)
#   BENCH_SEED    seed of the generator (default 42)
#   BENCH_RUNS    runs per measure, the best counts (default 3; fewer when runs are slow)
#   BENCH_TIMEOUT seconds one measured run may take; a run stopped there counts as a
#                 FAIL and its time as "> BENCH_TIMEOUT" (default 240)
#   BENCH_STRICT  1: exit 1 when a target is missed (default: report only)
#
# To add a section: write a section_<name> function that calls `section`, measures with
# `measure`/`best_of` and prints with `table_head`/`table_row`; call it from main.
set -eu

BUILD=${1:?usage: tests/bench/run.sh BUILD_DIR}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
ROWS=${BENCH_ROWS:-1000000}
SEED=${BENCH_SEED:-42}
RUNS=${BENCH_RUNS:-3}
TIMEOUT_S=${BENCH_TIMEOUT:-240}
# To keep the bench within minutes: after a run slower than SLOW_RUN_S, a second run
# only when the first took less than ONE_RUN_S; slower still, one run is the figure.
SLOW_RUN_S=30
ONE_RUN_S=60
DATA_FILE="$SRC/../shared/data/granddebat/ECO_01.jsonl.gz"
DEFIS="$BUILD/defis"
FAILED=0

WORK=$(mktemp -d "$BUILD/bench-tmp.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# ---- Helpers ---------------------------------------------------------------

die() {
    echo "bench: $*" >&2
    exit 1
}

section() {
    printf '\n== %s ==\n' "$1"
}

# Arithmetic on decimals, by awk: calc '2 * a' -v a=1.5 (EXPR is parenthesised, so that
# awk does not read a ">" in it as an output redirection).
calc() {
    expr=$1
    shift
    awk "$@" "BEGIN { printf \"%s\", ($expr) }" </dev/null
}

# A human size for BYTES: 238.9 MB (227.8 MiB)
human_bytes() {
    calc 'sprintf("%.1f MB (%.1f MiB)", b / 1e6, b / 1048576)' -v b="$1"
}

TABLE_FMT='%-24s %14s %14s %10s %12s  %s\n'
table_head() {
    # shellcheck disable=SC2059
    printf "$TABLE_FMT" figure defis baseline ratio target verdict
    # shellcheck disable=SC2059
    printf "$TABLE_FMT" ------------------------ -------------- -------------- ---------- \
        ------------ -------
}

# table_row FIGURE OURS BASELINE RATIO TARGET VERDICT; "-" for what does not apply.
# A FAIL verdict marks the whole bench as having missed a target.
table_row() {
    [ "$6" != FAIL ] || FAILED=1
    # shellcheck disable=SC2059
    printf "$TABLE_FMT" "$1" "$2" "$3" "$4" "$5" "$6"
}

# ratio OURS BASELINE: OURS / BASELINE to two decimals.
ratio() {
    calc 'b > 0 ? sprintf("%.2f", a / b) : "-"' -v a="$1" -v b="$2"
}

# verdict VALUE OP LIMIT (OP an awk comparison: "<=", "<"…): PASS or FAIL.
verdict() {
    calc "(v $2 l) ? \"PASS\" : \"FAIL\"" -v v="$1" -v l="$3"
}

# measure OUT CMD...: runs CMD under /usr/bin/time -v, its output in OUT; sets
# WALL_S (elapsed seconds), RSS_KB (maximum resident set size, the child's tree) and
# TIMED_OUT (1 when stopped after TIMEOUT_S). Dies on any other failure.
measure() {
    out=$1
    shift
    TIMED_OUT=0
    status=0
    /usr/bin/time -v -o "$WORK/time.txt" timeout "$TIMEOUT_S" "$@" >"$out" 2>&1 || status=$?
    if [ "$status" = 124 ]; then
        TIMED_OUT=1
    elif [ "$status" != 0 ]; then
        tail -n 20 "$out" >&2
        die "failed (status $status): $*"
    fi
    WALL_S=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        printf "%.2f", s }' "$WORK/time.txt")
    RSS_KB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
}

# best_of SETUP CLEANUP OUT CMD...: RUNS times SETUP, measure CMD, CLEANUP (fresh
# state every run). Sets BEST_S (fastest wall time) and PEAK_KB (largest RSS).
best_of() {
    setup=$1
    cleanup=$2
    out=$3
    shift 3
    BEST_S=
    PEAK_KB=0
    BEST_TIMED_OUT=0
    run=1
    while [ "$run" -le "$RUNS" ]; do
        $setup
        measure "$out" "$@"
        printf '  run %d: %6.2f s, %6.1f MiB  %s\n' "$run" "$WALL_S" \
            "$(calc 'k / 1024' -v k="$RSS_KB")" "$(basename "$1")"
        if [ "$TIMED_OUT" = 1 ]; then
            echo "  stopped after $TIMEOUT_S s (BENCH_TIMEOUT)"
            import_clean
            BEST_S=$WALL_S
            BEST_TIMED_OUT=1
            PEAK_KB=$RSS_KB
            break
        fi
        $cleanup
        if [ -z "$BEST_S" ] || [ "$(calc '(w < b) ? 1 : 0' -v w="$WALL_S" -v b="$BEST_S")" = 1 ]
        then
            BEST_S=$WALL_S
        fi
        if [ "$RSS_KB" -gt "$PEAK_KB" ]; then
            PEAK_KB=$RSS_KB
        fi
        if [ "$(calc '(w > s) ? 1 : 0' -v w="$WALL_S" -v s="$ONE_RUN_S")" = 1 ] ||
            { [ "$run" -ge 2 ] &&
                [ "$(calc '(w > s) ? 1 : 0' -v w="$WALL_S" -v s="$SLOW_RUN_S")" = 1 ]; }; then
            [ "$run" -ge "$RUNS" ] || echo "  (slow: $run run$([ "$run" = 1 ] || echo s) kept)"
            break
        fi
        run=$((run + 1))
    done
}

# ---- Build and data --------------------------------------------------------

build_targets() {
    echo "building defis, bench_gen_survey and bench_pipeline in $BUILD"
    cmake --build "$BUILD" --target defis bench_gen_survey bench_pipeline \
        -j "$(nproc 2>/dev/null || echo 2)" >"$WORK/build.log" 2>&1 ||
        { cat "$WORK/build.log" >&2; die "build failed"; }
}

# The generated survey of N rows (default ROWS) that follow the first SKIP (default
# 0), cached under BUILD/bench-data/ by rows, skip, seed and the generator's source
# (a changed generator makes a new file). Sets SURVEY.
survey_file() {
    n=${1:-$ROWS}
    skip=${2:-0}
    dir="$BUILD/bench-data"
    mkdir -p "$dir"
    gen_sum=$(cksum <"$SRC/tests/bench/gen_survey.c" | cut -d' ' -f1)
    tag="r$n"
    [ "$skip" = 0 ] || tag="$tag-k$skip"
    SURVEY="$dir/survey-$tag-s$SEED-g$gen_sum.csv"
    if [ -s "$SURVEY" ]; then
        echo "survey: cached $SURVEY"
        return
    fi
    for old in "$dir/survey-$tag-s$SEED-"*.csv; do
        [ -e "$old" ] && rm -f "$old"
    done
    echo "survey: generating $n rows after $skip (seed $SEED)…"
    "$BUILD/bench_gen_survey" --rows "$n" --skip "$skip" --seed "$SEED" --data "$DATA_FILE" \
        --out "$SURVEY.tmp" || die "bench_gen_survey failed"
    mv "$SURVEY.tmp" "$SURVEY"
}

# ---- Section: import -------------------------------------------------------
# defis import (parse, check, fold, deduplicate, store in one transaction) beside
# sqlite3 .import of the same file into a plain table of its five columns.

IMPORT_DB="$WORK/import.db"

import_clean() {
    rm -f "$IMPORT_DB" "$IMPORT_DB-wal" "$IMPORT_DB-shm" "$IMPORT_DB-journal"
}

sqlite_setup() {
    import_clean
    sqlite3 "$IMPORT_DB" "CREATE TABLE t (place TEXT, challenge TEXT, theme TEXT,
                          importance INTEGER, members INTEGER)"
}

sqlite_check() {
    SQLITE_COUNT=$(sqlite3 "$IMPORT_DB" "SELECT count(*) FROM t")
    import_clean
}

defis_setup() {
    import_clean
    "$DEFIS" --db "$IMPORT_DB" network add Bench >/dev/null
}

# Keeps the store of the last run as FULL_DB, for the further import.
FULL_DB="$WORK/full.db"
defis_check() {
    DEFIS_COUNT=$(sqlite3 "$IMPORT_DB" "SELECT count(*) FROM mention")
    rm -f "$FULL_DB" "$FULL_DB-wal" "$FULL_DB-shm"
    mv "$IMPORT_DB" "$FULL_DB"
    import_clean
}

section_import() {
    section "import: $ROWS rows, defis import vs sqlite3 .import"
    survey_file "$ROWS"
    size=$(wc -c <"$SURVEY")
    echo "file:   $SURVEY"
    echo "size:   $(human_bytes "$size"), $(calc 's / r' -v s="$size" -v r="$ROWS" |
        cut -d. -f1) bytes a row"
    echo "rows:   $ROWS (+ header)"

    echo "sqlite3 .import --csv --skip 1 (best of up to $RUNS):"
    best_of sqlite_setup sqlite_check "$WORK/sqlite.out" \
        sqlite3 "$IMPORT_DB" ".import --csv --skip 1 $SURVEY t"
    base_s=$BEST_S
    base_kb=$PEAK_KB

    echo "defis import (best of up to $RUNS):"
    best_of defis_setup defis_check "$WORK/defis.out" \
        "$DEFIS" --db "$IMPORT_DB" import --network Bench "$SURVEY"
    ours_s=$BEST_S
    ours_kb=$PEAK_KB
    ours_timed_out=$BEST_TIMED_OUT
    sed -n 's/^ *\(challenges created\|challenges joined\|places\) */  \1: /p' \
        "$WORK/defis.out"

    [ "$SQLITE_COUNT" = "$ROWS" ] || die "sqlite3 stored $SQLITE_COUNT rows, not $ROWS"
    [ "$ours_timed_out" = 1 ] || [ "$DEFIS_COUNT" = "$ROWS" ] ||
        die "defis stored $DEFIS_COUNT mentions, not $ROWS"

    ours_mib=$(calc 'sprintf("%.1f", k / 1024)' -v k="$ours_kb")
    base_mib=$(calc 'sprintf("%.1f", k / 1024)' -v k="$base_kb")
    ours_rate=$(calc 'sprintf("%.0f", r / s)' -v r="$ROWS" -v s="$ours_s")
    base_rate=$(calc 'sprintf("%.0f", r / s)' -v r="$ROWS" -v s="$base_s")
    time_ratio=$(ratio "$ours_s" "$base_s")
    time_verdict=$(verdict "$time_ratio" "<=" 2.0)
    rate_ratio=$(ratio "$ours_rate" "$base_rate")
    if [ "$ours_timed_out" = 1 ]; then # bounds, not measures
        ours_s="> $ours_s"
        time_ratio="> $time_ratio"
        ours_rate="< $ours_rate"
        rate_ratio="< $rate_ratio"
        time_verdict=FAIL
    fi
    echo
    table_head
    table_row "import wall time (s)" "$ours_s" "$base_s" "$time_ratio" "ratio <= 2.0" \
        "$time_verdict"
    table_row "import rows/s" "$ours_rate" "$base_rate" "$rate_ratio" - -
    rss_verdict=$(verdict "$ours_mib" "<" 64)
    rss_ratio=$(ratio "$ours_mib" "$base_mib")
    if [ "$ours_timed_out" = 1 ]; then # the peak so far
        ours_mib=">= $ours_mib"
        rss_ratio=">= $rss_ratio"
    fi
    table_row "peak RSS (MiB)" "$ours_mib" "$base_mib" "$rss_ratio" "defis < 64" "$rss_verdict"
    import_floor "$base_s"
    [ "$ours_timed_out" = 1 ] || import_scale "$ours_s"
}

# word_after WORD FILE: the word that follows WORD in FILE ("seconds 4.31" -> 4.31).
word_after() {
    awk -v w="$1" '{ for (i = 1; i < NF; i++) if ($i == w) print $(i + 1) }' "$2"
}

# What no import of SURVEY can skip, each timed alone: reading and checking the
# file (`defis import --dry-run`); the text work of deduplication on each
# distinct folded text (tests/bench/pipeline.c: fold, features, band keys); and
# writing the mention rows DESIGN.md asks to keep (original text, folded text,
# raw row), which sqlite3 copies from the store just built (FULL_DB) into an
# empty table without index. Their sum beside sqlite3 .import (BASE_S) is the
# lowest ratio an import could reach with nothing looked up, nothing grouped.
import_floor() {
    base_s=$1
    defis_setup
    measure "$WORK/dry.out" "$DEFIS" --db "$IMPORT_DB" import --dry-run --network Bench "$SURVEY"
    read_s=$WALL_S
    import_clean
    measure "$WORK/pipeline.out" "$BUILD/bench_pipeline" "$SURVEY"
    text_s=$(word_after seconds "$WORK/pipeline.out")
    distinct=$(word_after distinct "$WORK/pipeline.out")
    table_row "  reading alone (s)" "$read_s" "$base_s" "$(ratio "$read_s" "$base_s")" - -
    table_row "  text work alone (s)" "$text_s" "$base_s" "$(ratio "$text_s" "$base_s")" - -
    floor_s=$(calc 'sprintf("%.2f", a + b)' -v a="$read_s" -v b="$text_s")
    if [ -s "$FULL_DB" ]; then
        rows_db="$WORK/rows.db"
        sqlite3 "$rows_db" "PRAGMA journal_mode = WAL; ATTACH '$FULL_DB' AS built;
            CREATE TABLE mention AS SELECT * FROM built.mention WHERE 0" >/dev/null
        measure "$WORK/rows.out" sqlite3 "$rows_db" "PRAGMA synchronous = FULL;
            ATTACH '$FULL_DB' AS built; INSERT INTO mention SELECT * FROM built.mention"
        rm -f "$rows_db" "$rows_db-wal" "$rows_db-shm"
        table_row "  writing rows alone (s)" "$WALL_S" "$base_s" "$(ratio "$WALL_S" "$base_s")" - -
        floor_s=$(calc 'sprintf("%.2f", a + b)' -v a="$floor_s" -v b="$WALL_S")
    fi
    table_row "  floor: their sum (s)" "$floor_s" "$base_s" "$(ratio "$floor_s" "$base_s")" - -
    echo "  (text work: $distinct distinct folded texts; no lookup, no weighing, no grouping)"
}

# The scale figures of deduplication (#3): the 1,000 rows that follow, imported
# into a copy of the store just built (<= 1 s, best of RUNS), and the time for
# ROWS against ROWS / 10 (<= 12: near-linear). Then `defis dedup --rebuild` of the
# ROWS / 10 store, beside the import that built it.
FURTHER_DB="$WORK/further.db"
# The copy is synced before the run: otherwise the import's first fsync of the
# database would wait for the whole copy to reach the disk.
further_setup() {
    further_clean
    cp "$FULL_DB" "$FURTHER_DB"
    sync "$FURTHER_DB"
}
further_clean() {
    rm -f "$FURTHER_DB" "$FURTHER_DB-wal" "$FURTHER_DB-shm"
}

import_scale() {
    full_s=$1
    survey_file 1000 "$ROWS"
    echo "1,000 more rows into a copy of that store (best of up to $RUNS):"
    best_of further_setup further_clean "$WORK/further.out" \
        "$DEFIS" --db "$FURTHER_DB" import --network Bench "$SURVEY"
    further_s=$BEST_S
    further_mib=$(calc 'sprintf("%.1f", k / 1024)' -v k="$PEAK_KB")
    small=$((ROWS / 10))
    survey_file "$small"
    defis_setup
    measure "$WORK/small.out" "$DEFIS" --db "$IMPORT_DB" import --network Bench "$SURVEY"
    small_s=$WALL_S
    measure "$WORK/rebuild.out" "$DEFIS" --db "$IMPORT_DB" dedup --rebuild
    rebuild_s=$WALL_S
    import_clean
    scale=$(ratio "$full_s" "$small_s")
    table_row "1,000 more rows (s)" "$further_s" - - "<= 1.0" "$(verdict "$further_s" "<=" 1.0)"
    table_row "  its peak RSS (MiB)" "$further_mib" - - - -
    table_row "$small rows (s)" "$small_s" - - - -
    table_row "$ROWS / $small time" "$scale" - - "<= 12" "$(verdict "$scale" "<=" 12)"
    table_row "  dedup --rebuild (s)" "$rebuild_s" "$small_s" "$(ratio "$rebuild_s" "$small_s")" \
        - -
}

# ---- Deduplication quality ---------------------------------------------------

# Clusters the French STS-B sentences and compares with pg_trgm single-link at
# its best threshold (tests/bench/dedup_eval.c): F1 >= 0.90 and above the baseline.
section_dedup() {
    section "deduplication quality (French STS-B, clustering)"
    cmake --build "$BUILD" --target bench_dedup_eval >/dev/null
    out=$("$BUILD/bench_dedup_eval" "$SRC/../shared/data/stsb-fr/stsb-fr-train.csv")
    echo "$out"
    ours=$(echo "$out" | awk '/^defis \(default settings\)/ {print $(NF-1)}')
    base=$(echo "$out" | awk '/^pg_trgm/ {print $(NF-1)}')
    table_head
    table_row "clustering F1" "$ours" "$base" "$(ratio "$ours" "$base")" "F1 >= 0.90" \
        "$(verdict "$ours" ">=" 0.90)"
    table_row "F1 above baseline" "$ours" "$base" - "defis > base" "$(verdict "$ours" ">" "$base")"
}

# ---- Scoring and the service (their own scripts) ------------------------------

section_score() {
    sh "$SRC/tests/bench/score.sh" "$BUILD" >"$WORK/score.out" || die "score.sh failed"
    cat "$WORK/score.out"
    ! grep -q ' FAIL$' "$WORK/score.out" || FAILED=1
}

section_http() {
    sh "$SRC/tests/bench/http.sh" "$BUILD"
}

# ---- Main --------------------------------------------------------------------

main() {
    [ -x /usr/bin/time ] || die "/usr/bin/time is missing (scripts/install-deps.sh bench)"
    command -v sqlite3 >/dev/null || die "sqlite3 is missing (scripts/install-deps.sh bench)"
    [ -r "$DATA_FILE" ] || die "$DATA_FILE is missing"
    start=$(date +%s)
    build_targets
    # BENCH_SECTIONS picks sections, e.g. BENCH_SECTIONS="dedup score".
    for name in ${BENCH_SECTIONS:-import dedup score http}; do
        "section_$name"
    done
    printf '\nbench: done in %d s' "$(($(date +%s) - start))"
    if [ "$FAILED" = 1 ]; then
        echo ", some targets missed (FAIL above)"
        [ "${BENCH_STRICT:-0}" = 1 ] && exit 1
    else
        echo ", every target met"
    fi
    return 0
}

main
