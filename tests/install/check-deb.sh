#!/bin/sh
# check-deb.sh BUILD_DIR - builds the Debian package (cpack, as `make
# package` does, but into a temporary directory) and checks it with
# dpkg-deb (ctest install.deb): the files a user needs are in it, under
# /usr, and Depends names libevent's and libpcap's runtime packages. Then
# apt-get simulates installing it on a machine that has nothing installed
# (an empty dpkg status): every dependency must resolve from Debian's
# archive (the apt lists the set-up fetched), which is what
# `apt-get install ./mockredis_*.deb` needs on a fresh Debian 12.
# Exit 77 (skipped) without dpkg-deb or dpkg-shlibdeps (package dpkg-dev).
set -eu
build=$(cd "$1" && pwd)
for t in dpkg-deb dpkg-shlibdeps; do
    command -v $t >/dev/null || { echo "$t not found: skipped"; exit 77; }
done
tmp=$(mktemp -d /tmp/mr-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -B "$tmp" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail cpack; }
deb=$(ls "$tmp"/mockredis_*.deb)

depends=$(dpkg-deb -f "$deb" Depends)
for pkg in libevent-2.1-7 libpcap0.8 libc6; do
    printf '%s\n' "$depends" | tr ',' '\n' | grep -q "^ *$pkg " || fail "Depends lacks $pkg: $depends"
done

dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/files"
for f in ./usr/bin/mockredis ./usr/include/mockredis/harness.h ./usr/lib/libmockredis-harness.so.0 \
         ./usr/include/mockredis/cmocka.h \
         ./usr/lib/pkgconfig/mockredis.pc ./usr/lib/cmake/mockredis/mockredis-config.cmake \
         ./usr/share/mockredis/scenarios/p03-missing-key.scn ./usr/share/man/man1/mockredis.1 \
         ./usr/share/man/man5/mockredis-scenario.5 ./usr/share/doc/mockredis/README.md; do
    grep -qxF "$f" "$tmp/files" || fail "not in the package: $f"
done
if grep -v '^\./usr/' "$tmp/files" | grep -qv '^\./$'; then
    fail "files outside /usr: $(grep -v '^\./usr/' "$tmp/files" | grep -v '^\./$')"
fi
# A fresh machine: nothing installed. Without apt lists there is nothing to
# resolve against: that part is skipped, said loudly.
if ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    : >"$tmp/status"
    apt-get -s -o Dir::State::status="$tmp/status" -o Debug::NoLocking=1 install "$deb" \
        >"$tmp/sim" 2>&1 || { tail -20 "$tmp/sim"; fail "apt-get cannot resolve the package's dependencies"; }
    for pkg in mockredis libevent-2.1-7 libpcap0.8 libc6; do
        grep -q "^Inst $pkg " "$tmp/sim" || { tail -20 "$tmp/sim"; fail "simulated install lacks $pkg"; }
    done
    echo "simulated install on an empty system: $(grep -c '^Inst ' "$tmp/sim") packages"
else
    echo "no apt lists (apt-get update never ran): the simulated install is skipped" >&2
fi
echo "package OK: $(basename "$deb"), Depends: $depends"
