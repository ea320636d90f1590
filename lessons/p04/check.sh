#!/bin/sh
# check.sh - P4: compile-time traps. Misuse of the client layer must not build.
#
# Usage: sh lessons/p04/check.sh CC CLIENT_DIR
# Compiles each misuse file with the project's warning flags and passes only
# if every one of them FAILS with the expected diagnostic, and the control
# file (the same code done right) compiles cleanly. Prints a narrative and a
# verdict line like the other lessons; exit status 0 only if every claim held.
set -u
cc=${1:-cc}
client=${2:-$(dirname "$0")/../../client}
dir=$(dirname "$0")
# ASCII quotes in gcc's messages, whatever the locale.
LC_ALL=C
export LC_ALL
flags="-std=c11 -Wall -Wextra -Werror -I$client -fsyntax-only"
claims=0
failed=0
failures=

claim() { # held text
    claims=$((claims + 1))
    if [ "$1" -eq 1 ]; then
        printf '  [held] %s\n' "$2"
    else
        printf '  [FAILED] %s\n' "$2"
        failed=$((failed + 1))
        failures="$failures  failed: $2
"
    fi
}

# rejected FILE PATTERN TEXT: the compile must fail and say PATTERN.
rejected() {
    out=$($cc $flags "$dir/$1" 2>&1)
    status=$?
    printf '     $ %s %s %s\n' "$cc" "$flags" "$1"
    printf '%s\n' "$out" | grep -E 'error' | head -n 2 | sed 's/^/     /'
    held=0
    if [ "$status" -ne 0 ] && printf '%s\n' "$out" | grep -Eq "$2"; then
        held=1
    fi
    claim "$held" "$3"
}

echo "== P4: compile-time traps =="
echo
echo "Some Redis client bugs can be stopped before the program ever runs: a"
echo "missing header, a value of the wrong type, a format that does not match"
echo "its argument. C compilers only warn about them by default; the project"
echo "builds with -Wall -Wextra -Werror, so each of these is a build failure."
echo "Each file below is a small misuse; the check passes only if the compiler"
echo "refuses it, with the diagnostic that names the mistake."
echo

echo "-- NAIVE: calling rc_get without including rc.h"
rejected implicit_decl.c "implicit declaration of function '?rc_get'?" \
    "a call without its prototype does not build (implicit declaration)"

echo "-- NAIVE: passing an int where rc_set expects const char *"
rejected wrong_arg_type.c \
    "incompatible integer to pointer conversion|makes pointer from integer without a cast" \
    "an int passed as the value does not build (int-conversion)"

echo "-- NAIVE: \"%d\" with a long long in a printf-like call"
rejected bad_format.c "format specifies type 'int'|format '%d' expects argument of type 'int'" \
    "a format that does not match its argument does not build (-Wformat)"

echo
echo "hiredis's redisCommand takes a printf-like format too, but hiredis 0.14"
echo "does not declare it with the format attribute: there the compiler"
echo "checks nothing. The typed rc_* API, with no format string at all, is"
echo "what closes that hole."
echo
echo "-- RIGHT: the same three things done right, same flags"
out=$($cc $flags "$dir/right_usage.c" 2>&1)
status=$?
printf '     $ %s %s %s\n' "$cc" "$flags" right_usage.c
[ -n "$out" ] && printf '%s\n' "$out" | head -n 5 | sed 's/^/     /'
held=0
[ "$status" -eq 0 ] && [ -z "$out" ] && held=1
claim "$held" "the right code compiles without a single warning"

echo
if [ "$failed" -eq 0 ] && [ "$claims" -gt 0 ]; then
    echo "verdict P4: $((claims - failed)) of $claims claims held: PASS"
    exit 0
fi
echo "verdict P4: $((claims - failed)) of $claims claims held: FAIL"
printf '%s' "$failures"
exit 1
