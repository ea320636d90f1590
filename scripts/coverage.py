#!/usr/bin/env python3
"""coverage.py - how many of Redis 7.0.15's commands mockredis answers.

Usage: scripts/coverage.py [--check README.md] [--missing] MOCKREDIS

Starts MOCKREDIS on an ephemeral loopback port, asks it `COMMAND LIST`,
and compares the answer with Redis 7.0.15's command table as
mockserver/server/scn_cmdnames.c holds it (generated from redis-server by
scripts/cmdnames.py). Prints one line:

    200 of Redis 7.0's 240 commands (310 of 366 with subcommands)

--missing also lists the commands not implemented (SYNC and PSYNC are listed but answer
an error of ours: not counted). --check FILE exits 1
unless FILE contains that line's first part ("200 of Redis 7.0's 240
commands") verbatim, so README.md's coverage figure cannot go stale
(ctest docs.coverage). Our own MOCK namespace is not counted.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Commands mockredis lists (COMMAND knows them, MULTI refuses them as
# Redis does) but answers with an error of its own: not counted as answered.
LISTED_ONLY = {'sync', 'psync'}


def redis_commands():
    """Redis 7.0.15's commands ('get', 'client|kill') from scn_cmdnames.c."""
    path = os.path.join(TOP, 'mockserver', 'server', 'scn_cmdnames.c')
    with open(path, encoding='utf-8') as f:
        names = re.findall(r'^\s*\{"([^"]+)",\s*-?\d+\},', f.read(), re.M)
    if not names:
        sys.exit('coverage: no command names found in %s' % path)
    return set(names)


def read_reply(f):
    line = f.readline()
    if not line:
        sys.exit('coverage: mockredis closed the connection')
    kind, rest = line[:1], line[1:-2]
    if kind == b'*':
        return [read_reply(f) for _ in range(int(rest))]
    if kind == b'$':
        data = f.read(int(rest) + 2)
        return data[:-2].decode()
    if kind == b'-':
        sys.exit('coverage: mockredis answered an error: %s' % rest.decode())
    return rest.decode()


def mock_commands(binary):
    """The commands a mockredis binary lists in COMMAND LIST."""
    with tempfile.TemporaryDirectory() as tmp:
        portfile = os.path.join(tmp, 'port')
        proc = subprocess.Popen([binary, '--port', '0', '--port-file', portfile],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(3000):  # up to 30 s on a loaded machine
                if os.path.exists(portfile) and os.path.getsize(portfile) > 0:
                    break
                if proc.poll() is not None:
                    sys.exit('coverage: %s exited with status %d' % (binary, proc.returncode))
                time.sleep(0.01)
            else:
                sys.exit('coverage: %s wrote no port file' % binary)
            with open(portfile, encoding='ascii') as f:
                port = int(f.read().strip())
            with socket.create_connection(('127.0.0.1', port), timeout=30) as s:
                s.sendall(b'*2\r\n$7\r\nCOMMAND\r\n$4\r\nLIST\r\n')
                names = read_reply(s.makefile('rb'))
        finally:
            proc.terminate()
            proc.wait()
    return {n.lower() for n in names}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('mockredis')
    ap.add_argument('--check', metavar='FILE')
    ap.add_argument('--missing', action='store_true')
    args = ap.parse_args()

    redis = redis_commands()
    mock = mock_commands(args.mockredis) - LISTED_ONLY
    top = {n for n in redis if '|' not in n}
    have_top = top & mock
    have_all = redis & mock
    head = "%d of Redis 7.0's %d commands" % (len(have_top), len(top))
    print('%s (%d of %d with subcommands)' % (head, len(have_all), len(redis)))
    if args.missing:
        print('missing: ' + ' '.join(sorted(top - mock)))
    if args.check:
        with open(args.check, encoding='utf-8') as f:
            if head not in f.read():
                print('coverage: %s does not say "%s"' % (args.check, head), file=sys.stderr)
                return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
