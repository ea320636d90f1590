#!/bin/sh
# lessons.sh - every lesson under valgrind's memcheck (ctest valgrind.lessons).
#
# Usage: lessons.sh VALGRIND LESSON...
# Each lesson runs under memcheck; any invalid access or definite/indirect
# leak makes valgrind exit 99, and a failed claim makes the lesson exit 1.
# The mockredis each lesson starts runs under memcheck too when
# MOCKREDIS_BIN names the wrapper (the lesson counts its exit status).
#
# Naive code runs in a forked child (ls_run_child), which valgrind follows.
# A child that crashes on purpose still dies of the same signal under
# valgrind (the lesson checks "killed by SIGSEGV"), and its report belongs
# to the naive code, not to the lesson: --child-silent-after-fork keeps it
# out of the log. A child that exits with errors found exits 99 instead of
# its own status, which the lesson would then see and report.
vg=$1
shift
log=$(mktemp /tmp/vg-lesson-XXXXXX)
trap 'rm -f "$log"' EXIT
st=0
total_start=$(date +%s)
for lesson in "$@"; do
    name=$(basename "$lesson")
    start=$(date +%s)
    "$vg" --quiet --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
        --child-silent-after-fork=yes "$lesson" >"$log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    verdict=$(grep '^verdict' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ] && ! grep -q '^==[0-9]*==' "$log"; then
        echo "ok    $name (${secs}s): $verdict"
    else
        echo "FAIL  $name (${secs}s): exit status $rc"
        cat "$log"
        st=1
    fi
done
echo "$# lessons under valgrind in $(($(date +%s) - total_start))s"
exit $st
