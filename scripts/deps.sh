#!/bin/sh
# deps.sh - install the Debian packages the build and the tests need.
#
# Usage: scripts/deps.sh [build|test|all]
#   build  what configuring and building build/ needs (clang, cmake, hiredis,
#          libevent, cmocka, libpcap, jansson, Lua 5.1 with the cjson and bit
#          modules scripts use, liblzf for FUNCTION DUMP): `make build`, `make lessons`
#   test   build + what the test suite runs against or builds besides
#          (redis-server, redis-tools, tshark, valgrind, clang's fuzzer and
#          sanitizer runtime, gcc for the hiredis 1.x tree, clang-format for
#          the lint.format test, dpkg-dev and groff-base for the install
#          tests, python3-redis for examples/ci-shell): `make test`
#   all    the same as test
#
# Only the missing packages are installed. As root: `apt-get update` once, then
# `apt-get install -y` with DEBIAN_FRONTEND=noninteractive. Not root: the exact
# command is printed and the script exits 1, changing nothing.
set -eu

build_pkgs="clang make cmake pkg-config libhiredis-dev libevent-dev libcmocka-dev libpcap-dev libjansson-dev
  liblua5.1-0-dev lua-cjson-dev lua-bitop-dev liblzf-dev"
test_pkgs="redis-server redis-tools libclang-rt-14-dev valgrind tshark gcc clang-format dpkg-dev groff-base python3-redis"

case "${1:-all}" in
  build) want="$build_pkgs" ;;
  test|all) want="$build_pkgs $test_pkgs" ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *" installed") ;;
    *) missing="$missing $p" ;;
  esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing Debian packages:$missing" >&2
  echo "deps: run as root:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y$missing" >&2
  exit 1
fi

echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
# Debian starts redis-server as a service on install; the tests start their own
# on ephemeral ports and do not need it, but leave the system's service alone.
