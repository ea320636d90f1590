#!/bin/sh
# check-examples.sh BUILD_DIR CC - builds and runs every project under
# examples/ against an installed mockredis, as a user who copied it would
# (ctest install.examples). The prefix is made by prefix.sh (installed,
# then moved); nothing runs with PATH, LD_LIBRARY_PATH or MOCKREDIS_BIN
# pointing into the build tree, so a file missing from the install, or a
# build path remembered in it, fails here.
#
# Each example runs twice, from a copy: as it is (must pass), and with one
# `expect` of its scenario made impossible (must fail, and its output must
# show the server's verdict): an example that cannot fail proves nothing.
#
# Needs cmocka and hiredis (pkg-config), python3 with redis-py (Debian's
# python3-redis) and redis-cli. Exit 77 (skipped) when the last two are
# missing and everything else passed.
set -eu
build=$(cd "$1" && pwd)
cc=$2
here=$(cd "$(dirname "$0")" && pwd)
examples=$(cd "$here/../../examples" && pwd)
# shellcheck source=prefix.sh
. "$here/prefix.sh"
log=$tmp/log

# copy NAME VARIANT: a fresh copy of examples/NAME in $tmp/VARIANT-NAME;
# VARIANT "broken" turns the first `expect ... == 1` of SCN into `== 2`.
copy() {
    d=$tmp/$2-$1
    cp -R "$examples/$1" "$d"
    if [ "$2" = broken ]; then
        sed -i '0,/^expect .* == 1$/s/^\(expect .*\) == 1$/\1 == 2/' "$d/$3"
        grep -q '^expect .* == 2$' "$d/$3" || fail "$1: nothing to break in $3"
    fi
}
# expect_ok NAME CMD...: CMD must pass; expect_broken NAME CMD...: CMD must
# fail, with the server's verdict (a FAIL line) in its output.
expect_ok() {
    n=$1; shift
    "$@" >"$log" 2>&1 || { cat "$log"; fail "$n: failed"; }
    echo "ok: $n"
}
expect_broken() {
    n=$1; shift
    if "$@" >"$log" 2>&1; then cat "$log"; fail "$n: passed with an impossible expectation"; fi
    grep -q '^  FAIL expect ' "$log" || { cat "$log"; fail "$n: failed without showing the verdict"; }
    echo "ok: $n fails, with the server's verdict"
}

# 1. cmake-cmocka: find_package(mockredis), one server per cmocka test
cmake_cmocka() {
    run cmake -S "$1" -B "$1/build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$p" &&
        run cmake --build "$1/build" && (cd "$1/build" && run ctest -j4 --output-on-failure)
}
copy cmake-cmocka ok
expect_ok cmake-cmocka cmake_cmocka "$tmp/ok-cmake-cmocka"
copy cmake-cmocka broken miss.scn
expect_broken cmake-cmocka cmake_cmocka "$tmp/broken-cmake-cmocka"

# 2. makefile-pkgconfig: a Makefile with pkg-config, no LD_LIBRARY_PATH
makefile_pkgconfig() {
    run env PKG_CONFIG_PATH="$p/$libdir/pkgconfig" make -C "$1" check CC="$cc"
}
copy makefile-pkgconfig ok
expect_ok makefile-pkgconfig makefile_pkgconfig "$tmp/ok-makefile-pkgconfig"
copy makefile-pkgconfig broken miss.scn
expect_broken makefile-pkgconfig makefile_pkgconfig "$tmp/broken-makefile-pkgconfig"

# 3. ci-shell: `mockredis run` from the prefix's bin/, Python and redis-cli
py=""
for c in python3 /usr/bin/python3; do
    if run "$c" -c 'import redis' 2>/dev/null; then py=$(run sh -c "command -v $c"); break; fi
done
if [ -z "$py" ] || ! run sh -c 'command -v redis-cli' >/dev/null; then
    echo "ci-shell: no python3 with redis-py (python3-redis) or no redis-cli (redis-tools): skipped"
    exit 77
fi
ci_shell() {
    run env PATH="$p/bin:$clean_path" PYTHON="$py" "$1/ci.sh" "$1/reports"
}
# junit DIR: each report parses, with one testcase per expectation and one
# for the `finish ... within` deadline, none failed
junit() {
    "$py" - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
for name, cases in (("python", 4), ("redis-cli", 3)):
    root = ET.parse(f"{sys.argv[1]}/reports/{name}.xml").getroot()
    n = len(root.findall("./testsuite/testcase"))
    assert root.tag == "testsuites" and n == cases, f"{name}.xml: {n} testcases"
    assert root.get("failures") == "0" and not root.findall(".//failure"), f"{name}.xml"
PY
}
copy ci-shell ok
expect_ok ci-shell ci_shell "$tmp/ok-ci-shell"
expect_ok "ci-shell JUnit reports" junit "$tmp/ok-ci-shell"
copy ci-shell broken cache.scn
expect_broken ci-shell ci_shell "$tmp/broken-ci-shell"
echo "examples OK against $p"
