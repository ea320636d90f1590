#!/bin/sh
# hiredis1.sh - build and test everything against hiredis 1.x as well.
#
# Usage: scripts/hiredis1.sh [DIR]          (default DIR: build-hiredis1)
#
# Debian 12 ships hiredis 0.14; the client layer, the lessons and the tests
# must also compile and pass against hiredis 1.x, whose API differs in a few
# places (guarded with HIREDIS_MAJOR). Debian's next release packages
# hiredis 1.x, so this script takes its libhiredis-dev and runtime library
# from the same Debian archive the machine already uses (apt's own
# configuration names it), unpacks them under DIR/hiredis (nothing is
# installed on the system), configures a build tree DIR/build against them
# with pkg-config (the hiredis1 preset of CMakePresets.json), builds with
# -Werror and runs the suite (all but the fuzz, slow, valgrind and realonly labels,
# which the main build trees already cover).
#
# Environment: HIREDIS1_SUITE (default trixie), COMPILER (default clang),
# JOBS. A second run reuses what DIR/hiredis holds.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build-hiredis1}
case "$out" in /*) ;; *) out="$top/$out" ;; esac
suite=${HIREDIS1_SUITE:-trixie}
compiler=${COMPILER:-clang}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

say() { echo "hiredis1: $*" >&2; }
die() { say "$*"; exit 1; }

apt="$out/apt"
root="$out/hiredis"
if [ ! -f "$root/.unpacked" ]; then
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    # The archive this machine's apt already uses for its own release.
    # shellcheck disable=SC2016
    # (--no-release-info: from the configuration, even before apt-get update)
    uri=$(apt-get indextargets --no-release-info --format '$(REPO_URI) $(RELEASE)' 2>/dev/null |
          awk -v r="$codename" '$2 == r { print $1; exit }')
    [ -n "$uri" ] || die "no apt source for '$codename' in apt's configuration"

    rm -rf "$apt" "$root"
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$root"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" \
        >"$apt/sources.list"
    set -- -o "Dir::Etc::sourcelist=$apt/sources.list" -o "Dir::Etc::sourceparts=-" \
           -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" \
           -o "APT::Sandbox::User=root" -q
    say "fetching libhiredis-dev from $suite"
    apt-get "$@" update >/dev/null || die "apt-get update for $suite failed"
    (cd "$apt" && apt-get "$@" download libhiredis-dev >/dev/null) ||
        die "cannot download libhiredis-dev from $suite"
    dev=$(ls "$apt"/libhiredis-dev_*.deb)
    # The runtime library's package name carries its soname (libhiredis1.1.0).
    lib=$(dpkg-deb -f "$dev" Depends | tr ',' '\n' | grep -o 'libhiredis[0-9][0-9.]*' | head -n 1)
    [ -n "$lib" ] || die "cannot tell the runtime package from $dev"
    (cd "$apt" && apt-get "$@" download "$lib" >/dev/null) || die "cannot download $lib"
    for deb in "$apt"/*.deb; do dpkg-deb -x "$deb" "$root"; done
    # Point the .pc file at the unpacked tree instead of /usr (its libdir
    # names /usr/lib, the library sits in the multiarch directory).
    so=$(find "$root" -name 'libhiredis.so' | head -n 1)
    [ -n "$so" ] || die "no libhiredis.so in $dev"
    for pc in $(find "$root" -name hiredis.pc); do
        sed -i -E -e "s#^(prefix|exec_prefix|includedir|pkgincludedir)=/usr#\\1=$root/usr#" \
            -e "s#^libdir=.*#libdir=$(dirname "$so")#" "$pc"
    done
    touch "$root/.unpacked"
fi

pcdir=$(dirname "$(find "$root" -name hiredis.pc | head -n 1)")
version=$(PKG_CONFIG_PATH="$pcdir" pkg-config --modversion hiredis)
case "$version" in
    1.*) say "hiredis $version unpacked in $root" ;;
    *) die "expected hiredis 1.x from $suite, got '$version'" ;;
esac

# hiredis's own test program, from the source package of the same version
# (Debian's archive, a deb-src line for the same suite): built with its
# asynchronous tests, it runs against mockredis as ctest
# external.hiredis_suite (tests/external/hiredis_suite.py). Its sources stay
# under DIR, nothing of them enters the project.
src="$out/hiredis-src"
if [ ! -x "$src/hiredis-test" ]; then
    [ -f "$apt/sources.list" ] || die "remove $root to fetch hiredis again (no $apt)"
    sed 's/^deb /deb-src /' "$apt/sources.list" >"$apt/sources-src.list"
    set -- -o "Dir::Etc::sourcelist=$apt/sources-src.list" -o "Dir::Etc::sourceparts=-" \
           -o "Dir::State::Lists=$apt/lists-src" -o "Dir::Cache=$apt/cache" \
           -o "APT::Sandbox::User=root" -q
    mkdir -p "$apt/lists-src/partial"
    say "fetching hiredis $version's sources from $suite"
    apt-get "$@" update >/dev/null || die "apt-get update (sources) for $suite failed"
    # (a binary-only rebuild's +bN suffix is not the source's version)
    pkgver=$(dpkg-deb -f "$(ls "$apt"/libhiredis-dev_*.deb)" Version | sed 's/+b[0-9]*$//')
    (cd "$apt" && apt-get "$@" source --download-only "hiredis=$pkgver" >/dev/null) ||
        die "cannot download the source of hiredis $pkgver"
    rm -rf "$src" && mkdir -p "$src"
    tar -xzf "$apt"/hiredis_*.orig.tar.gz -C "$src" --strip-components=1 ||
        die "cannot unpack hiredis's sources"
    make -C "$src" hiredis-test TEST_ASYNC=1 >"$src/build.log" 2>&1 ||
        { cat "$src/build.log" >&2; die "cannot build hiredis-test"; }
fi

# The hiredis1 preset (CMakePresets.json) in $out/build; cmake's output is
# shown when it fails.
cd "$top"
log=$(PKG_CONFIG_PATH="$pcdir" cmake --preset hiredis1 -B "$out/build" \
      -DCMAKE_C_COMPILER="$compiler" -DMOCKREDIS_HIREDIS_TEST="$src/hiredis-test" 2>&1) || { printf '%s\n' "$log" >&2; die "configure failed"; }
# A cache from an earlier run must not silently point at the system's 0.14.
grep -q "HIREDIS_VERSION:INTERNAL=$version" "$out/build/CMakeCache.txt" ||
    die "the build tree did not pick hiredis $version (stale $out/build? remove it)"
cmake --build "$out/build" -j "$jobs"

# Prove the binaries run on 1.x, not on the system's 0.14.
bin="$out/build/tests/integration/it_client"
[ -x "$bin" ] || bin=$(find "$out/build/lessons" -name 'lesson_*' -type f | head -n 1)
linked=$(ldd "$bin" | awk '/libhiredis/ { print $3 }')
case "$linked" in
    "$root"/*) say "$(basename "$bin") runs on $linked" ;;
    *) die "$(basename "$bin") links '$linked', not the unpacked hiredis $version" ;;
esac

# The hiredis1 test preset's filter, spelled out: with --preset, ctest
# takes the preset's directory over --test-dir and a DIR other than the
# default would run nothing; no tests at all is an error either way.
ctest --test-dir "$out/build" -j "$jobs" --output-on-failure --no-tests=error \
      --label-exclude 'fuzz|slow|valgrind|realonly'
