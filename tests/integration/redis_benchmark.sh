#!/bin/sh
# redis_benchmark.sh - Debian's redis-benchmark, unchanged, against mockredis.
# Usage: redis_benchmark.sh MOCKREDIS_BIN
# Runs redis-benchmark's default test list (small -n: this is about working,
# not speed) and requires every test to report a positive rate, then that
# mockredis exits with status 0 on SIGTERM. Prints "N passed, N failed".
set -u
bin=$1
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
"$bin" --port 0 --port-file "$dir/port" >/dev/null &
pid=$!
i=0
while [ ! -s "$dir/port" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
[ -s "$dir/port" ] || { echo "mockredis did not start"; echo "0 passed, 1 failed"; exit 1; }
port=$(cat "$dir/port")

if ! redis-benchmark -h 127.0.0.1 -p "$port" -n 2000 -c 4 -r 1000 --csv >"$dir/out.csv" 2>"$dir/err"; then
    echo "redis-benchmark failed:"; cat "$dir/err"
    echo "0 passed, 1 failed"; exit 1
fi
passed=0 failed=0
# The default tests of redis-benchmark 7.0, each must appear with a rate > 0.
for t in PING_INLINE PING_MBULK SET GET INCR LPUSH RPUSH LPOP RPOP SADD HSET SPOP ZADD ZPOPMIN \
         "LPUSH (needed to benchmark LRANGE)" "LRANGE_100 (first 100 elements)" \
         "LRANGE_300 (first 300 elements)" "LRANGE_500 (first 500 elements)" \
         "LRANGE_600 (first 600 elements)" "MSET (10 keys)"; do
    rps=$(awk -F'","' -v t="$t" '{ gsub(/^"/, "", $1) } $1 == t { print $2 }' "$dir/out.csv")
    if [ -n "$rps" ] && awk -v r="$rps" 'BEGIN { exit !(r + 0 > 0) }'; then
        passed=$((passed + 1))
    else
        echo "missing or zero: $t"; failed=$((failed + 1))
    fi
done
kill -TERM "$pid"
if wait "$pid"; then passed=$((passed + 1)); else echo "mockredis did not exit with 0"; failed=$((failed + 1)); fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
