#!/bin/sh
# run-all.sh - runs every lesson in order and ends with a summary table.
# Usage: lessons/run-all.sh BUILD_DIR
# Each lesson prints its own narrative and verdict; this adds the table
# (lesson, topic, verdict, time). Colour only on a terminal, never with
# NO_COLOR set. Exit status 0 only when every lesson passed.
set -u
build=${1:-build}
dir=$(dirname "$0")
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    bold=$(printf '\033[1m'); green=$(printf '\033[32m'); red=$(printf '\033[31m'); off=$(printf '\033[0m')
else
    bold= green= red= off=
fi
out=$(mktemp)
table=$(mktemp)
trap 'rm -f "$out" "$table"' EXIT
failed=0 total=0

run_one() { # name command...
    name=$1; shift
    start=$(date +%s%N)
    "$@" 2>&1 | tee "$out"
    status=$?
    # tee hides the lesson's status: take it from the verdict line it printed.
    if grep -q "^verdict .*: PASS" "$out"; then status=0; else status=1; fi
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    topic=$(sed -n 's/^== P[0-9]*: \(.*\) ==$/\1/p' "$out" | head -n 1)
    total=$((total + 1))
    if [ "$status" -eq 0 ]; then verdict="${green}PASS${off}"; else verdict="${red}FAIL${off}"; failed=$((failed + 1)); fi
    printf '%-30s %-34s %s %8s ms\n' "$name" "${topic:-?}" "$verdict" "$ms" >>"$table"
    echo
}

# In pitfall order. P4 is about the compiler: a script, not an executable.
for nn in 01 02 03 04 05 06 07 08 09 10 11; do
    if [ "$nn" = 04 ] && [ -f "$dir/p04/check.sh" ]; then
        run_one p04_compile_time sh "$dir/p04/check.sh" "${CC:-cc}" "$dir/../client"
        continue
    fi
    for bin in "$build"/lessons/lesson_p${nn}_*; do
        [ -x "$bin" ] && run_one "$(basename "$bin" | sed 's/^lesson_//')" "$bin"
    done
done

printf '%s%-30s %-34s %s %8s%s\n' "$bold" "lesson" "topic" "verdict" "time" "$off"
cat "$table"
printf '%s%d of %d lessons passed%s\n' "$bold" $((total - failed)) "$total" "$off"
[ "$failed" -eq 0 ]
