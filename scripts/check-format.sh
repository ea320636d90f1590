#!/bin/sh
# check-format.sh - fail when a C file deviates from .clang-format.
#
# Usage: scripts/check-format.sh [--fix]
# Checks every .c and .h file git tracks (every one under the source
# folders when this is not a git checkout) with clang-format 14, the
# version Debian 12 ships and the one the tree is formatted with (another
# version may format a few constructs differently). Prints each deviating
# file with the first lines of its diff and exits 1; exits 0 when all
# conform; exits 77 (ctest's "skipped") when clang-format is missing.
# --fix rewrites the deviating files in place instead.
set -eu
cd "$(dirname "$0")/.."

cf=""
for c in clang-format-14 clang-format; do
  if command -v "$c" >/dev/null 2>&1; then cf=$c; break; fi
done
if [ -z "$cf" ]; then
  echo "check-format: clang-format not found (scripts/deps.sh test installs it): skipped" >&2
  exit 77
fi

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files '*.c' '*.h')
else
  files=$(find mockserver harness client lessons tests bench -name '*.[ch]' | sort)
fi

bad=0
for f in $files; do
  if ! "$cf" --style=file "$f" | cmp -s - "$f"; then
    if [ "${1:-}" = "--fix" ]; then
      "$cf" --style=file -i "$f"
      echo "formatted $f"
    else
      echo "check-format: $f deviates from .clang-format:"
      "$cf" --style=file "$f" | diff -u "$f" - | sed -n '3,12p'
      bad=1
    fi
  fi
done
if [ "$bad" -ne 0 ]; then
  echo "check-format: run scripts/check-format.sh --fix (or clang-format -i FILE)" >&2
  exit 1
fi
