#!/bin/sh
# check-install.sh BUILD_DIR CC - installs BUILD_DIR into a temporary
# prefix and checks it as a user would see it (ctest install.tree):
#  1. the tree: every file README's "Use it in your project" promises;
#  2. no path of the build tree in the .pc file, the CMake package or the
#     harness library (it must find the server relative to itself);
#  3. the prefix is moved after installing (relocatable), then a consumer
#     (tests/install/consumer) is built against it twice, with
#     find_package(mockredis) and with pkg-config, and run: it starts a
#     server through the installed harness, PINGs it, stops it, with
#     neither PATH nor LD_LIBRARY_PATH nor MOCKREDIS_BIN pointing at the
#     build tree;
#     its cmocka tests (consumer_cmocka.c, <mockredis/cmocka.h>) run, four
#     at once under ctest -j4 (built both ways), and with --fail they exit
#     non-zero and print the server's verdict;
#  4. mockredis_add_test() registered the `mockredis run` command line;
#  5. the man pages render without warnings.
set -eu
build=$(cd "$1" && pwd)
cc=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=prefix.sh
. "$here/prefix.sh"

# 1. the tree
for f in bin/mockredis include/mockredis/harness.h include/mockredis/cmocka.h \
         "$libdir/libmockredis-harness.so" "$libdir/pkgconfig/mockredis.pc" \
         "$libdir/cmake/mockredis/mockredis-config.cmake" \
         "$libdir/cmake/mockredis/mockredis-config-version.cmake" \
         "$libdir/cmake/mockredis/mockredis-targets.cmake" \
         "$libdir/cmake/mockredis/mockredis-functions.cmake" \
         share/mockredis/scenarios/p03-missing-key.scn \
         share/mockredis/scenarios/p11-timeouts.scn \
         share/mockredis/scenarios/examples/strict-replay.scn \
         share/doc/mockredis/README.md share/doc/mockredis/scenarios.md \
         share/man/man1/mockredis.1 share/man/man5/mockredis-scenario.5; do
    [ -e "$p/$f" ] || fail "not installed: $f"
done
if grep -q '#include "' "$p/include/mockredis/harness.h" "$p/include/mockredis/cmocka.h"; then
    fail "the public header includes a private one"
fi
nscn=$(find "$p/share/mockredis/scenarios" -name '*.scn' | wc -l)
[ "$nscn" -ge 30 ] || fail "only $nscn scenarios installed"

# 2. no build or staging path
if grep -rlF -e "$build" -e "$tmp/stage" "$p/$libdir/pkgconfig" "$p/$libdir/cmake"; then
    fail "an installed package file names the build tree or the staging prefix"
fi
if grep -aqF "$build/mockredis" "$p/$libdir"/libmockredis-harness.so*; then
    fail "the installed harness has the build tree's mockredis compiled in"
fi

# 3. consumers, in an environment that knows nothing of the build tree
run cmake -S "$here/consumer" -B "$tmp/c-cmake" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$p" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "find_package consumer: configure"; }
run cmake --build "$tmp/c-cmake" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "find_package consumer: build"; }
run "$tmp/c-cmake/consumer" "$p/" || fail "find_package consumer: run"

pc="$p/$libdir/pkgconfig"
flags=$(run env PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs mockredis) || fail "pkg-config"
# shellcheck disable=SC2086 # the flags are words
run "$cc" -o "$tmp/c-pc" "$here/consumer/consumer.c" $flags || fail "pkg-config consumer: build"
run env LD_LIBRARY_PATH="$p/$libdir" "$tmp/c-pc" "$p/" || fail "pkg-config consumer: run"

# cmocka consumers: passing in parallel, failing with the verdict shown
(cd "$tmp/c-cmake" && run ctest -j4 -L cmocka --no-tests=error --output-on-failure) >"$tmp/log" 2>&1 ||
    { cat "$tmp/log"; fail "cmocka consumer: ctest -j4"; }
check_fail() { # $1: the failing run's output, $2: its status
    [ "$2" -ne 0 ] || fail "cmocka consumer --fail exited 0"
    grep -qF "line 3: expect commands SET user:1 >= 1 (got 0)" "$1" ||
        { cat "$1"; fail "cmocka consumer --fail: no verdict in its output"; }
}
st=0; run "$tmp/c-cmake/consumer_cmocka" --fail >"$tmp/out" 2>&1 || st=$?
check_fail "$tmp/out" "$st"
# shellcheck disable=SC2046 # the flags are words
run "$cc" -o "$tmp/c-pc-cmocka" "$here/consumer/consumer_cmocka.c" \
    $(run env PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs mockredis cmocka) ||
    fail "pkg-config cmocka consumer: build"
run env LD_LIBRARY_PATH="$p/$libdir" "$tmp/c-pc-cmocka" >"$tmp/out" 2>&1 ||
    { cat "$tmp/out"; fail "pkg-config cmocka consumer: run"; }
st=0; run env LD_LIBRARY_PATH="$p/$libdir" "$tmp/c-pc-cmocka" --fail >"$tmp/out" 2>&1 || st=$?
check_fail "$tmp/out" "$st"

# 4. mockredis_add_test(): the command line ctest will run
(cd "$tmp/c-cmake" && run ctest -N -V) >"$tmp/ctest" 2>&1 || { cat "$tmp/ctest"; fail "ctest -N"; }
want="$p/bin/mockredis \"run\" \"--scenario\" \"$p/share/mockredis/scenarios/p03-missing-key.scn\" \"--junit\" \"$tmp/c-cmake/junit/ping_run.xml\" \"--\" \"$tmp/c-cmake/consumer\" \"--flag\""
grep -qF "$want" "$tmp/ctest" || { cat "$tmp/ctest"; fail "mockredis_add_test: expected $want"; }
grep -q 'Labels:.*mockredis.*smoke' "$tmp/ctest" || { cat "$tmp/ctest"; fail "mockredis_add_test: labels"; }
[ -d "$tmp/c-cmake/junit" ] || fail "mockredis_add_test: no junit/ directory"

# 5. man pages
if command -v groff >/dev/null; then
    for m in "$p/share/man/man1/mockredis.1" "$p/share/man/man5/mockredis-scenario.5"; do
        w=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$m" 2>&1)
        [ -z "$w" ] || fail "$m: $w"
    done
fi
echo "install tree OK: $p"
