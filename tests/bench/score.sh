#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# The scoring benchmark: builds bench_score_bench in BUILD_DIR and runs it on a store of
# 1,000,000 mentions (built once, then cached as BUILD_DIR/score-bench.db).
#
# Usage: tests/bench/score.sh BUILD_DIR      (BUILD_DIR configured with CMake, Release)
# Environment: BENCH_SCORE_RUNS  runs per query measure (default 1000)
set -eu

BUILD=${1:?usage: tests/bench/score.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
cmake --build "$BUILD" --target bench_score_bench >/dev/null
cd "$BUILD"
printf '\n== scoring and ranking (1,000,000 mentions) ==\n'
exec ./bench_score_bench --cache "$BUILD/score-bench.db" --runs "${BENCH_SCORE_RUNS:-1000}"
