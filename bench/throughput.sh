#!/usr/bin/env bash
# throughput.sh - redis-benchmark against mockredis and Debian's redis-server.
#
# Starts both servers on free loopback ports (redis-server with persistence
# off), then runs the same redis-benchmark command against each, alternating
# mock, redis, mock, redis ... for R rounds, so that a slow moment of the
# machine hits both about equally. One redis-benchmark invocation per test
# (SET, GET, PING_INLINE, PING_MBULK), so that the server's CPU time, read
# from /proc around each invocation, can be charged to that test. Prints,
# per test and pipeline depth, the median over the rounds of:
#   - requests/s of each server and the ratio mock/redis (>= 1.0 means
#     mockredis is at least as fast; the project's target);
#   - server CPU microseconds per request and the ratio mock/redis (lower
#     is better; far less sensitive to a busy machine than requests/s).
#
# Builds nothing: give it the mockredis binary (default build/mockredis).
#
#   bench/throughput.sh [-r ROUNDS] [-n REQUESTS] [-c CLIENTS] [-t TESTS]
#                       [-P "1 16"] [-k] [MOCKREDIS_BIN]
#
#   defaults: -r 3 -n 100000 -c 50 -t set,get,ping -P "1 16"
#   -k  keep the raw results of every run and print where they are.
# Needs: redis-server, redis-benchmark, redis-cli (Debian's redis-tools).
set -u

ROUNDS=3
REQUESTS=100000
CLIENTS=50
TESTS=set,get,ping
PIPELINES="1 16"
KEEP=0
while getopts "r:n:c:t:P:kh" opt; do
    case $opt in
    r) ROUNDS=$OPTARG ;;
    n) REQUESTS=$OPTARG ;;
    c) CLIENTS=$OPTARG ;;
    t) TESTS=$OPTARG ;;
    P) PIPELINES=$OPTARG ;;
    k) KEEP=1 ;;
    h)
        sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))
MOCK_BIN=${1:-build/mockredis}

for tool in redis-server redis-benchmark redis-cli; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "throughput.sh: $tool not found (apt-get install redis-server redis-tools)" >&2
        exit 1
    }
done
[ -x "$MOCK_BIN" ] || {
    echo "throughput.sh: no mockredis binary at $MOCK_BIN (build it first, or pass its path)" >&2
    exit 1
}

WORK=$(mktemp -d /tmp/mr-throughput.XXXXXX)
MOCK_PID=
REDIS_PID=
BENCH_PID=
cleanup() {
    # Only what this script started, by pid.
    [ -n "$BENCH_PID" ] && kill "$BENCH_PID" 2>/dev/null
    [ -n "$MOCK_PID" ] && kill "$MOCK_PID" 2>/dev/null
    [ -n "$REDIS_PID" ] && kill "$REDIS_PID" 2>/dev/null
    [ -n "$MOCK_PID" ] && wait "$MOCK_PID" 2>/dev/null
    [ -n "$REDIS_PID" ] && wait "$REDIS_PID" 2>/dev/null
    if [ "$KEEP" = 1 ]; then
        echo "raw results kept in $WORK/raw.txt"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- servers ---------------------------------------------------------------------

"$MOCK_BIN" --port 0 --port-file "$WORK/mock.port" >/dev/null 2>"$WORK/mock.err" &
MOCK_PID=$!
for _ in $(seq 1 500); do
    [ -s "$WORK/mock.port" ] && break
    kill -0 "$MOCK_PID" 2>/dev/null || break
    sleep 0.01
done
MOCK_PORT=$(cat "$WORK/mock.port" 2>/dev/null)
if [ -z "$MOCK_PORT" ]; then
    echo "throughput.sh: mockredis did not start:" >&2
    cat "$WORK/mock.err" >&2
    exit 1
fi

# redis-server cannot report an ephemeral port: try random high ports until
# one binds, and make sure the server answering is ours (process_id).
REDIS_PORT=
for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 30000))
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
        --daemonize no --logfile '' --loglevel warning >/dev/null 2>&1 &
    REDIS_PID=$!
    for _ in $(seq 1 500); do
        kill -0 "$REDIS_PID" 2>/dev/null || break
        pid=$(redis-cli -p "$port" info server 2>/dev/null | tr -d '\r' |
            sed -n 's/^process_id://p')
        if [ "$pid" = "$REDIS_PID" ]; then
            REDIS_PORT=$port
            break
        fi
        sleep 0.01
    done
    [ -n "$REDIS_PORT" ] && break
    kill "$REDIS_PID" 2>/dev/null
    wait "$REDIS_PID" 2>/dev/null
    REDIS_PID=
done
if [ -z "$REDIS_PORT" ]; then
    echo "throughput.sh: could not start redis-server on a free port" >&2
    exit 1
fi

echo "mockredis    $MOCK_BIN (pid $MOCK_PID, port $MOCK_PORT)"
echo "redis-server $(redis-server --version | sed 's/ sha=.*//') (pid $REDIS_PID, port $REDIS_PORT)"
echo "redis-benchmark -t $TESTS -c $CLIENTS -n $REQUESTS, pipeline: $PIPELINES, rounds: $ROUNDS"
echo "cores: $(nproc)  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---- runs ------------------------------------------------------------------------

# CPU time the server has used so far, in nanoseconds: /proc/PID/schedstat
# (exact), else utime+stime from /proc/PID/stat (clock ticks).
cpu_ns() {
    if [ -r "/proc/$1/schedstat" ]; then
        cut -d' ' -f1 "/proc/$1/schedstat"
    else
        awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1e9 / hz }' \
            "/proc/$1/stat"
    fi
}

# One redis-benchmark test per invocation, so that the server's CPU time can
# be charged to that test; "ping" means both of redis-benchmark's PING tests.
TEST_LIST=$(printf '%s\n' "$TESTS" | tr ',' '\n' | sed 's/^ping$/ping_inline\nping_mbulk/')

# run SERVER PID PORT PIPELINE ROUND TEST: appends
# "server pipeline test rps round cpu_us_per_request" to raw.txt.
run() {
    local out before after
    before=$(cpu_ns "$2")
    # In the background, so that a signal interrupts the wait at once and
    # the trap can stop redis-benchmark too.
    redis-benchmark -h 127.0.0.1 -p "$3" -t "$6" -c "$CLIENTS" -n "$REQUESTS" \
        -P "$4" --csv >"$WORK/bench.out" 2>"$WORK/bench.err" &
    BENCH_PID=$!
    wait "$BENCH_PID"
    local status=$?
    BENCH_PID=
    out=$(cat "$WORK/bench.out")
    if [ $status -ne 0 ] || [ -z "$out" ]; then
        echo "throughput.sh: redis-benchmark failed against $1:" >&2
        cat "$WORK/bench.err" >&2
        exit 1
    fi
    after=$(cpu_ns "$2")
    printf '%s\n' "$out" | tr -d '"\r' | awk -F, -v s="$1" -v p="$4" -v r="$5" \
        -v cpu="$((after - before))" -v n="$REQUESTS" \
        'NR > 1 && NF >= 2 { printf "%s %s %s %s %s %.3f\n", s, p, $1, $2, r, cpu / 1000 / n }' \
        >>"$WORK/raw.txt"
}

: >"$WORK/raw.txt"
for round in $(seq 1 "$ROUNDS"); do
    for p in $PIPELINES; do
        for t in $TEST_LIST; do
            printf '\rround %d/%d, pipeline %-3s %-12s' "$round" "$ROUNDS" "$p" "$t" >&2
            run mock "$MOCK_PID" "$MOCK_PORT" "$p" "$round" "$t"
            run redis "$REDIS_PID" "$REDIS_PORT" "$p" "$round" "$t"
        done
    done
done
printf '\r%50s\r' '' >&2

# The servers must still be alive: a crash would make the figures meaningless.
kill -0 "$MOCK_PID" 2>/dev/null || { echo "throughput.sh: mockredis died during the runs" >&2; exit 1; }
kill -0 "$REDIS_PID" 2>/dev/null || { echo "throughput.sh: redis-server died during the runs" >&2; exit 1; }

# ---- table -----------------------------------------------------------------------

median() { # reads numbers on stdin, prints their median
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print 0; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

printf '%-12s %3s %12s %12s %6s   %9s %9s %6s\n' test "-P" "mock req/s" "redis req/s" ratio \
    "mock us" "redis us" ratio
worst=
for p in $PIPELINES; do
    for t in $(awk -v p="$p" '$2 == p && $1 == "mock" && $5 == 1 { print $3 }' "$WORK/raw.txt"); do
        col() { awk -v s="$1" -v p="$p" -v t="$t" -v c="$2" '$1 == s && $2 == p && $3 == t { print $c }' \
            "$WORK/raw.txt" | median; }
        m=$(col mock 4)
        r=$(col redis 4)
        mc=$(col mock 6)
        rc=$(col redis 6)
        ratio=$(awk -v m="$m" -v r="$r" 'BEGIN { if (r > 0) printf "%.2f", m / r; else print "n/a" }')
        cratio=$(awk -v m="$mc" -v r="$rc" 'BEGIN { if (r > 0) printf "%.2f", m / r; else print "n/a" }')
        printf '%-12s %3s %12.0f %12.0f %6s   %9.2f %9.2f %6s\n' "$t" "$p" "$m" "$r" "$ratio" \
            "$mc" "$rc" "$cratio"
        worst=$(awk -v w="${worst:-999}" -v x="$ratio" 'BEGIN { print (x + 0 < w + 0) ? x : w }')
    done
done
echo
echo "req/s: median over the rounds; ratio mock/redis, target >= 1.00 (lowest: $worst)"
echo "us: server CPU time (user+system) per request, median; ratio mock/redis, lower is better"
