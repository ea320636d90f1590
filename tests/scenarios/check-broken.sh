#!/bin/sh
# check-broken.sh MOCKREDIS DIR - every file of the broken-scenario corpus
# (tests/scenarios/broken/) is refused by `mockredis check` with exit status
# 2, and the first line it prints is exactly the one the file's first line
# states: "# expect: LINE:COL: message" (the file name is prepended). A
# UTF-16 file states it in UTF-16 (read through iconv); a UTF-8 byte-order
# mark before it is skipped. Prints every file that fails and exits 1 if any.
case $1 in
/*) mockredis=$1 ;;
*) mockredis=$(pwd)/$1 ;;
esac
dir=$2
cd "$dir" || exit 1
total=0
failed=0
for f in *.scn; do
    total=$((total + 1))
    case $(head -c 2 "$f" | od -An -tx1 | tr -d ' \n') in
    fffe | feff) first=$(iconv -f UTF-16 -t UTF-8 "$f" | head -n 1) ;;
    *) first=$(head -n 1 "$f" | sed 's/^\xef\xbb\xbf//') ;;
    esac
    want=${first#\# expect: }
    if [ "$want" = "$first" ]; then
        echo "$f: no '# expect: LINE:COL: message' on its first line"
        failed=$((failed + 1))
        continue
    fi
    got=$("$mockredis" check "$f" 2>&1 >/dev/null | head -n 1)
    "$mockredis" check "$f" >/dev/null 2>&1
    status=$?
    if [ "$status" -ne 2 ] || [ "$got" != "$f:$want" ]; then
        echo "$f: exit status $status, first line:"
        echo "  got:  $got"
        echo "  want: $f:$want"
        failed=$((failed + 1))
    fi
done
echo "$((total - failed)) of $total broken scenarios caught with the expected message"
[ "$total" -ge 40 ] || { echo "the corpus should hold at least 40 files"; exit 1; }
[ "$failed" -eq 0 ]
