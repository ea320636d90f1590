#!/usr/bin/env python3
"""memkeys.py - redis-cli --memkeys and --bigkeys (Debian's redis-tools,
unchanged) against mockredis: MEMORY USAGE answers for every key, so the
scan ends without a warning and with a summary that means something.

Usage: memkeys.py MOCKREDIS_BIN

Loads the same dataset (each type with one clearly biggest key) into a
redis-server and a mockredis, runs both scans on both, and checks that
on mockredis they exit 0, print no warning, sample every key, and name for
each type the same biggest key redis-server names, with a byte total for
each type that is not zero. Prints "N passed, N failed"; exits 1 on a
failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory_model import connect  # noqa: E402


def dataset():
    cmds = [('SET', 's:%d' % i, 'x' * (1 << i)) for i in range(16)]
    cmds += [('SET', 'n:%d' % i, i) for i in range(10)]
    cmds += [('RPUSH', 'l:%d' % i, *['e%d' % j for j in range(i * 50 + 1)]) for i in range(5)]
    cmds += [('HSET', 'h:%d' % i, *sum((('f%d' % j, 'v' * 10) for j in range(i * 40 + 1)), ()))
             for i in range(5)]
    cmds += [('SADD', 'st:%d' % i, *['m%d' % j for j in range(i * 30 + 1)]) for i in range(5)]
    cmds += [('ZADD', 'z:%d' % i, *sum(((j, 'm%d' % j) for j in range(i * 40 + 1)), ()))
             for i in range(5)]
    cmds += [('XADD', 'x:%d' % i, '*', 'a', 'b' * 20) for i in range(3) for _ in range(i * 150 + 1)]
    return cmds


def scan(sock, mode):
    p = subprocess.run(['redis-cli', '-s', sock, mode], capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stdout + p.stderr


def biggest(out):
    """type -> key named on the summary's "Biggest <type> found" lines."""
    return dict(re.findall(r'^Biggest\s+(\w+) found \'"([^"]*)"\'', out, re.M))


def totals(out):
    """type -> the number of its summary line "N <type>s with M bytes|items..."."""
    return {t: int(v) for _, t, v in
            re.findall(r'^(\d+) (\w+?)s with (\d+) ', out, re.M)}


def main():
    mock_bin = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix='memkeys.')
    procs = []
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print('FAIL ' + what)

    try:
        rsock, msock = os.path.join(tmp, 'r.sock'), os.path.join(tmp, 'm.sock')
        procs.append(subprocess.Popen(['redis-server', '--port', '0', '--unixsocket', rsock,
                                       '--save', '', '--appendonly', 'no', '--dir', tmp],
                                      stdout=subprocess.DEVNULL))
        procs.append(subprocess.Popen([mock_bin, '--port', '0', '--unixsocket', msock],
                                      stdout=subprocess.DEVNULL))
        for sock, proc in ((rsock, procs[0]), (msock, procs[1])):
            c = connect(sock, proc)
            c.send(dataset())
            nkeys = c.cmd('DBSIZE')
        for mode in ('--memkeys', '--bigkeys'):
            rc_r, out_r = scan(rsock, mode)
            rc_m, out_m = scan(msock, mode)
            check(rc_m == 0, '%s exit status %d' % (mode, rc_m))
            check('warning' not in out_m.lower(), '%s warned:\n%s' % (mode, out_m))
            check('Sampled %d keys' % nkeys in out_m, '%s sampled:\n%s' % (mode, out_m))
            br, bm = biggest(out_r), biggest(out_m)
            check(len(br) == 6 and br == bm, '%s biggest keys: redis %s mock %s' % (mode, br, bm))
            tm = totals(out_m)
            check(len(tm) == 6 and all(v > 0 for v in tm.values()),
                  '%s totals: %s\n%s' % (mode, tm, out_m))
        print('%d passed, %d failed' % (passed, failed))
        return 1 if failed else 0
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
