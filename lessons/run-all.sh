#!/bin/sh
# run-all.sh - runs every lesson in order and ends with a summary table.
# Usage: lessons/run-all.sh BUILD_DIR
# Each lesson prints its own narrative and verdict; this adds the table
# (lesson, topic, verdict, time) and the total time. Colour only on a
# terminal, never with NO_COLOR set; the lessons write into a pipe here, so
# CLICOLOR_FORCE=1 tells them the terminal is there. Exit status 0 only
# when every lesson passed (its exit status 0 and a PASS verdict line).
set -u
build=${1:-build}
dir=$(dirname "$0")
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    bold=$(printf '\033[1m'); green=$(printf '\033[32m'); red=$(printf '\033[31m'); off=$(printf '\033[0m')
    CLICOLOR_FORCE=1
    export CLICOLOR_FORCE
else
    bold= green= red= off=
    unset CLICOLOR_FORCE
fi
out=$(mktemp)
table=$(mktemp)
rcfile=$(mktemp)
plain=$(mktemp)
trap 'rm -f "$out" "$table" "$rcfile" "$plain"' EXIT
failed=0 total=0
all_start=$(date +%s%N)
esc=$(printf '\033')

run_one() { # name command...
    name=$1; shift
    start=$(date +%s%N)
    # tee would hide the lesson's exit status: it goes through rcfile.
    { "$@" 2>&1; echo $? >"$rcfile"; } | tee "$out"
    status=$(cat "$rcfile")
    # The output may be coloured: match on a copy without the escapes.
    sed "s/$esc\[[0-9;]*m//g" "$out" >"$plain"
    if [ "$status" = 0 ] && grep -q "^verdict .*: PASS" "$plain"; then
        status=0
    else
        status=1
    fi
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    topic=$(sed -n 's/^== P[0-9]*: \(.*\) ==$/\1/p' "$plain" | head -n 1)
    total=$((total + 1))
    if [ "$status" -eq 0 ]; then verdict="${green}PASS${off}"; else verdict="${red}FAIL${off}"; failed=$((failed + 1)); fi
    printf '%-30s %-34s %s %8s ms\n' "$name" "${topic:-?}" "$verdict" "$ms" >>"$table"
    echo
}

# In pitfall order. P4 is about the compiler: a script, not an executable.
for nn in 01 02 03 04 05 06 07 08 09 10 11 12 13; do
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
all_ms=$(( ($(date +%s%N) - all_start) / 1000000 ))
printf '%s%d of %d lessons passed in %d.%03d s%s\n' "$bold" $((total - failed)) "$total" \
    $((all_ms / 1000)) $((all_ms % 1000)) "$off"
[ "$failed" -eq 0 ]
