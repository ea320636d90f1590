#!/bin/sh
# ci.sh [REPORT_DIR] - the CI job: each test command runs against its own
# mockredis. `mockredis run` starts it on a free port, hands the command
# REDIS_URL and REDIS_PORT, checks the scenario's expectations when the
# command exits and writes JUnit XML for the CI's test report. Its exit
# status is non-zero when either the command or the scenario failed.
# PYTHON: the python3 that has redis-py (default: python3).
set -u
cd "$(dirname "$0")" || exit 2
out=${1:-reports}
mkdir -p "$out"
status=0

mockredis run --scenario cache.scn --junit "$out/python.xml" -- "${PYTHON:-python3}" test_cache.py || status=1

mockredis run --scenario hit.scn --junit "$out/redis-cli.xml" -- \
    sh -c 'test "$(redis-cli -u "$REDIS_URL" GET user:1)" = ann' || status=1

exit $status
