#!/bin/sh
# check-subproject.sh SOURCE_DIR CC - mockredis inside a user's CMake
# project (ctest install.subproject): tests/install/subproject adds
# SOURCE_DIR with add_subdirectory() and sets no option of ours. Checks:
#  1. none of our lessons, tests, benchmarks or client targets, and no
#     CPack config, in the parent's build; ctest -N lists only its 2 tests;
#  2. building only its consumer target builds the server and the harness
#     (mockredis::harness links, mockredis::mockredis exists), with -j2;
#  3. its tests pass: the consumer starts a server through the harness,
#     PINGs it and stops it, alone and under mockredis_add_test().
set -eu
src=$(cd "$1" && pwd)
cc=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/mr-subproject.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
b=$tmp/build
log=$tmp/log

cmake -S "$here/subproject" -B "$b" -DCMAKE_C_COMPILER="$cc" -DMOCKREDIS_SOURCE_DIR="$src" \
    >"$log" 2>&1 || { cat "$log"; fail configure; }

# 1. what came in
cmake --build "$b" --target help >"$tmp/targets" 2>&1 || { cat "$tmp/targets"; fail "target list"; }
for t in mockredis mockredis_harness consumer; do
    grep -qE "^\.\.\. $t( |\$)" "$tmp/targets" || fail "no target $t"
done
if grep -E '^\.\.\. (test_|lesson|p[0-9][0-9]_|bench|mr_client|fuzz_)' "$tmp/targets"; then
    fail "mockredis brought its own lessons, tests, benchmarks or client into the parent"
fi
[ ! -e "$b/CPackConfig.cmake" ] || fail "mockredis configured CPack for the parent"
(cd "$b" && ctest -N) >"$tmp/ctest" 2>&1 || { cat "$tmp/ctest"; fail "ctest -N"; }
got=$(sed -n 's/^ *Test *#[0-9]*: //p' "$tmp/ctest" | sort | paste -sd' ' -)
[ "$got" = "parent_ping parent_run parent_run_plain" ] || { cat "$tmp/ctest"; fail "the parent's ctest lists: $got"; }

# 2. only the consumer, and what it needs
cmake --build "$b" --target consumer -j2 >"$log" 2>&1 || { cat "$log"; fail "build consumer"; }
[ -x "$b/mockredis/mockredis" ] || fail "building the consumer did not build the server"

# 3. run it
(cd "$b" && env -u MOCKREDIS_BIN ctest -V) >"$log" 2>&1 || { cat "$log"; fail "the parent's tests"; }
n=$(grep -cF "consumer: PONG from $b/mockredis/mockredis on port" "$log") || true
[ "$n" -eq 3 ] || { cat "$log"; fail "$n of 3 tests got a PONG from the parent's server"; }
echo "subproject OK: $got"
