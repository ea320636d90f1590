#!/usr/bin/env python3
"""cmdnames.py - write the names and arities of every Redis command, for check.

Usage: scripts/cmdnames.py [--socket PATH | --port N] > mockserver/server/scn_cmdnames.c

Run by hand (never by the build) against a running redis-server 7.0.15:

    redis-server --port 0 --unixsocket /tmp/r.sock --save '' --daemonize yes
    scripts/cmdnames.py --socket /tmp/r.sock > mockserver/server/scn_cmdnames.c

It reads `COMMAND` and writes one row per command and per subcommand
("config|get"): its name and its arity (Redis's convention: N exact, -N at
least N, the name included). `mockredis check` (scn_check.c) uses the list
to tell a misspelled command from one mockredis does not implement but a
rule may answer. These are facts, the bytes Redis answers; nothing else of
COMMAND's reply is kept (our own command rows hold the rest, cmdrows.py).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cmdrows import Conn  # noqa: E402  (the same minimal RESP client)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--socket')
    ap.add_argument('--port', type=int)
    a = ap.parse_args()
    if not a.socket and not a.port:
        ap.error('give --socket or --port')
    c = Conn(a.socket, a.port)
    version = c.cmd('INFO', 'server')
    ver = [l.split(':', 1)[1].strip() for l in version.splitlines()
           if l.startswith('redis_version:')][0]
    rows = []
    for e in c.cmd('COMMAND'):
        rows.append((e[0].lower(), e[1]))
        for s in e[9] or []:
            rows.append((s[0].lower(), s[1]))
    rows.sort()
    out = sys.stdout
    out.write('/* scn_cmdnames.c - every command of Redis %s with its arity: GENERATED.\n' % ver)
    out.write(' *\n')
    out.write(' * Written by scripts/cmdnames.py from the COMMAND reply of a running\n')
    out.write(' * redis-server %s (run by hand; do not edit, run it again). Sorted by\n' % ver)
    out.write(' * name; a subcommand is "container|sub". Arity as Redis states it: N\n')
    out.write(' * exactly N words, -N at least N, the command name (and a subcommand\'s\n')
    out.write(' * name) included. Used by scn_check.c only. */\n')
    out.write('#include "scn_check.h"\n\n')
    out.write('const struct scn_cmdname scn_cmdnames[] = {\n')
    for name, arity in rows:
        out.write('    {"%s", %d},\n' % (name, arity))
    out.write('};\n')
    out.write('const int scn_ncmdnames = (int)(sizeof(scn_cmdnames) / sizeof(scn_cmdnames[0]));\n')


if __name__ == '__main__':
    main()
