# shellcheck shell=sh
# prefix.sh - sourced by the install tests (check-install.sh,
# check-examples.sh) with $build set to the build tree: installs it into a
# temporary prefix and moves that (relocatable: nothing may remember the
# staging path), then sets
#   tmp       a scratch directory, removed on exit; the prefix is $tmp/prefix
#   p         the prefix
#   libdir    its library directory, relative to $p (lib or lib/<triplet>)
#   fail MSG  prints FAIL: MSG and exits 1
#   run CMD   runs CMD as a user would, knowing nothing of the build tree:
#             PATH without it, no LD_LIBRARY_PATH, no MOCKREDIS_BIN
tmp=$(mktemp -d /tmp/mr-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$tmp/stage" >/dev/null
mv "$tmp/stage" "$tmp/prefix"
p=$tmp/prefix
libdir=$(cd "$p" && ls -d lib/pkgconfig/.. lib/*/pkgconfig/.. 2>/dev/null | head -n 1)
libdir=${libdir%/pkgconfig/..}

clean_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vF "$build" | paste -sd: -)
run() { env -u MOCKREDIS_BIN -u LD_LIBRARY_PATH PATH="$clean_path" "$@"; }
