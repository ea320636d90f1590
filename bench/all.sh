#!/usr/bin/env bash
# all.sh - build mockredis and the benchmarks, run all four, print the figures.
#
#   bench/all.sh [BUILD_DIR]        (default: build)
#
# Builds only what the benchmarks need (mockredis, bench_startup, bench_idle,
# bench_delay)
# in BUILD_DIR, configuring it first if needed (the project's default build
# type, RelWithDebInfo, is optimised). Environment passed through:
#   ROUNDS=N    throughput rounds (default 3)     RUNS=N  start-up runs (default 50)
#   CONNS=N     idle connections (default 10000)
#   DELAY_CONNS=N  connections waiting on a delay at once (default 1000)
# Exit status: non-zero if a benchmark failed to run or a check of
# bench_idle failed; ratios and delay errors beyond target are reported,
# not failed.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${1:-build}
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-50}
CONNS=${CONNS:-10000}
DELAY_CONNS=${DELAY_CONNS:-1000}

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD" -DMOCKREDIS_BENCH=ON >/dev/null || exit 1
fi
cmake --build "$BUILD" -j "$(nproc)" --target mockredis bench_startup bench_idle bench_delay >/dev/null || {
    echo "all.sh: build failed (run: cmake --build $BUILD --target bench_startup)" >&2
    exit 1
}

echo "== mockredis benchmarks: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "   $(nproc) cores, $(uname -sr), $(redis-server --version | sed 's/ sha=.*//')"
bt=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt")
echo "   $("$BUILD/mockredis" --version 2>/dev/null | head -1), build type ${bt:-RelWithDebInfo (project default)}"
echo

rc=0
echo "== 1. throughput (redis-benchmark, median of $ROUNDS alternating rounds)"
bench/throughput.sh -r "$ROUNDS" "$BUILD/mockredis" || rc=1
echo
echo "== 2. start-to-ready"
"$BUILD/bench/bench_startup" -n "$RUNS" "$BUILD/mockredis" || rc=1
echo
echo "== 3. idle connections"
"$BUILD/bench/bench_idle" -n "$CONNS" "$BUILD/mockredis" || rc=1
echo
echo "== 4. delay precision"
"$BUILD/bench/bench_delay" -n "$DELAY_CONNS" "$BUILD/mockredis"
[ $? -ge 2 ] && rc=1 # 1: the target was missed (reported above), 2: the run failed
exit $rc
