#!/usr/bin/env python3
"""hiredis_suite.py - hiredis's own test program against mockredis.

Usage: tests/external/hiredis_suite.py --hiredis-test PATH --mock MOCKREDIS
                                       [--redis redis-server]

PATH is the `hiredis-test` program built from hiredis's released sources
(scripts/hiredis1.sh builds the one of hiredis 1.2.0, from Debian's source
package, with its asynchronous tests on). It is a client library's own
conformance suite, written by people who never saw mockredis: it runs
against a server given by -h/-p/-s and expects Redis.

The program runs twice, against redis-server and against mockredis (each
started here on loopback, with a Unix socket of its own), and the two
outcomes are compared test by test:
  - the program must exit 0 against mockredis, no test FAILED;
  - every test that PASSED against redis-server must PASS against
    mockredis (a test skipped there, e.g. for DEBUG SLEEP, which Debian's
    redis-server refuses, may run against mockredis);
  - it must reach its last test (it aborts on an unexpected reply).
Skipped tests are reported, never counted as passing. The throughput
test is left out (--skip-throughput): it measures, it asserts nothing.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'diff'))
import script_fuzz  # noqa: E402  (start_mock, start_redis)

LINE = re.compile(r'^#(\d+) (.*?): (PASSED|FAILED|SKIPPED)$')
ANSI = re.compile(r'\x1b\[[0-9;]*m')


def run(prog, port, sock):
    """Runs hiredis-test; returns (status, [(name, verdict)], output)."""
    try:
        p = subprocess.run([prog, '-h', '127.0.0.1', '-p', str(port), '-s', sock,
                            '--skip-throughput'], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=600)
        out, status = p.stdout.decode(errors='replace'), p.returncode
    except subprocess.TimeoutExpired as e:
        out, status = (e.stdout or b'').decode(errors='replace'), 'timeout'
    out = ANSI.sub('', out)
    # A test's name may be printed before a nested test() call's output:
    # the verdict is what ends the line.
    tests = [(m.group(2), m.group(3)) for m in map(LINE.match, out.splitlines()) if m]
    return status, tests, out


def summary(tests):
    n = {v: sum(1 for _, x in tests if x == v) for v in ('PASSED', 'FAILED', 'SKIPPED')}
    return '%d passed, %d failed, %d skipped' % (n['PASSED'], n['FAILED'], n['SKIPPED'])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--hiredis-test', required=True)
    ap.add_argument('--mock', required=True)
    ap.add_argument('--redis', default='redis-server')
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        rsock, msock = os.path.join(tmp, 'redis.sock'), os.path.join(tmp, 'mock.sock')
        redis = script_fuzz.start_redis(args.redis, ('--unixsocket', rsock))
        try:
            rstatus, rtests, _ = run(args.hiredis_test, redis.port, rsock)
        finally:
            redis.stop()
        mock = script_fuzz.start_mock(args.mock, tmp, ('--unixsocket', msock))
        try:
            mstatus, mtests, mout = run(args.hiredis_test, mock.port, msock)
        finally:
            mock.stop()

    print('hiredis-test against redis-server: status %s, %s' % (rstatus, summary(rtests)))
    print('hiredis-test against mockredis:    status %s, %s' % (mstatus, summary(mtests)))
    problems = []
    if rstatus != 0 or not rtests:
        problems.append('the reference run against redis-server did not pass (status %s): '
                        'cannot compare' % rstatus)
    if mstatus != 0:
        problems.append('hiredis-test exited with status %s against mockredis' % mstatus)
    if len(mtests) < len(rtests):
        problems.append('against mockredis it stopped after %d of %d tests; its last words:\n%s'
                        % (len(mtests), len(rtests), '\n'.join(mout.splitlines()[-5:])))
    for i, (name, verdict) in enumerate(mtests):
        if verdict == 'FAILED':
            problems.append('FAILED against mockredis: #%d %s' % (i + 1, name))
        elif i < len(rtests) and rtests[i] == (name, 'PASSED') and verdict != 'PASSED':
            problems.append('#%d %s: PASSED against redis-server, %s against mockredis'
                            % (i + 1, name, verdict))
    for name, verdict in mtests:
        if verdict == 'SKIPPED':
            print('skipped against mockredis (not counted): %s' % name)
    for p in problems:
        print('hiredis_suite: ' + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
