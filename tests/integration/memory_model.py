#!/usr/bin/env python3
"""memory_model.py - the memory model (mockserver/server/memory.h) against
redis-server 7.0.15: used_memory's growth for the same workloads.

Usage: memory_model.py MOCKREDIS_BIN [--table]

Starts a redis-server and a mockredis (Unix sockets in a temporary
directory), and for each workload of docs/protocol.md's "Memory model"
table: FLUSHALL, the workload once (so that the connection's buffers reach
their size on redis-server), FLUSHALL, used_memory, the workload again,
used_memory (for redis-server the median of five such runs: its
connection's buffers make single readings noisy). The two growths must be
within the tolerance the table states
(20 % unless a row says otherwise). Also checks the empty server's
used_memory, and that INFO memory has Redis's fields in Redis's order.
--table prints the table in the documentation's format.
Prints "N passed, N failed"; exits 1 on a failure.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile('rb')

    def send(self, cmds):
        out = b''
        for a in cmds:
            out += b'*%d\r\n' % len(a)
            for x in a:
                x = x if isinstance(x, bytes) else str(x).encode()
                out += b'$%d\r\n%s\r\n' % (len(x), x)
        self.s.sendall(out)
        return [self.read() for _ in cmds]

    def cmd(self, *a):
        return self.send([a])[0]

    def read(self):
        line = self.f.readline()
        t, r = line[:1], line[1:-2]
        if t in (b'+', b'-'):
            return r.decode()
        if t == b':':
            return int(r)
        if t == b'$':
            n = int(r)
            return None if n < 0 else self.f.read(n + 2)[:-2].decode('latin1')
        if t == b'*':
            n = int(r)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RuntimeError('unexpected reply %r' % line)

    def used(self):
        for line in self.cmd('INFO', 'memory').split('\r\n'):
            if line.startswith('used_memory:'):
                return int(line.split(':')[1])
        raise RuntimeError('no used_memory')


def connect(path, proc):
    for _ in range(1000):  # the server is starting: its socket appears
        if proc.poll() is not None:
            raise RuntimeError('server exited')
        try:
            return Conn(path)
        except OSError:
            time.sleep(0.01)
    raise RuntimeError('server did not start')


def word(i, n):
    """A deterministic non-numeric string of n bytes."""
    s = ''
    x = i * 2654435761 + 12345
    while len(s) < n:
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        s += 'abcdefghijklmnopqrstuvwxyz'[(x >> 33) % 26]
    return s


# name, commands, tolerance in percent
def workloads():
    w = []
    w.append(('1000 strings, shared ints 0..999', [('SET', 'k:%d' % i, i) for i in range(1000)], 20))
    w.append(('1000 strings, ints >= 10^12', [('SET', 'k:%d' % i, 10**12 + i) for i in range(1000)], 20))
    for n in (10, 40, 100, 1000):
        w.append(('1000 strings of %d B (%s)' % (n, 'embstr' if n <= 44 else 'raw'),
                  [('SET', 'k:%d' % i, word(i, n)) for i in range(1000)], 20))
    w.append(('1000 strings of 10 B with a TTL',
              [('SET', 'k:%d' % i, word(i, 10), 'EX', 1000) for i in range(1000)], 20))
    w.append(('APPEND 10 B x 100 (raw, grown)', [('APPEND', 'ap', word(i, 10)) for i in range(100)],
              40))
    for n, vl in ((10, 8), (100, 8), (500, 20)):
        w.append(('hash of %d fields, %d B values (listpack)' % (n, vl),
                  [('HSET', 'h', 'f%d' % i, word(i, vl)) for i in range(n)], 20))
    for n, vl in ((1000, 8), (10000, 8), (50, 100)):
        w.append(('hash of %d fields, %d B values (hashtable)' % (n, vl),
                  [('HSET', 'h', 'f%d' % i, word(i, vl)) for i in range(n)], 20))
    w.append(('1000 hashes of 10 fields', [('HSET', 'h%d' % j, 'f%d' % i, word(i, 8))
                                           for j in range(1000) for i in range(10)], 20))
    for n, vl in ((5, 8), (100, 8), (1000, 8), (10000, 8), (1000, 100)):
        w.append(('list of %d elements of %d B' % (n, vl),
                  [('RPUSH', 'l', word(i, vl)) for i in range(n)], 20))
    w.append(('list of 1000 small ints', [('RPUSH', 'l', i) for i in range(1000)], 20))
    for n in (10, 500):
        w.append(('set of %d ints (intset)' % n, [('SADD', 's', i * 7) for i in range(n)], 20))
    for n in (1000, 10000):
        w.append(('set of %d ints (hashtable)' % n, [('SADD', 's', i * 7) for i in range(n)], 20))
    for n, ml in ((10, 8), (1000, 8), (10000, 8), (1000, 40)):
        w.append(('set of %d strings of %d B' % (n, ml),
                  [('SADD', 's', word(i, ml)) for i in range(n)], 20))
    for n, ml in ((10, 8), (100, 8)):
        w.append(('sorted set of %d, %d B members (listpack)' % (n, ml),
                  [('ZADD', 'z', i + 0.5, word(i, ml)) for i in range(n)], 20))
    for n, ml in ((1000, 8), (10000, 8), (1000, 40)):
        w.append(('sorted set of %d, %d B members (skiplist)' % (n, ml),
                  [('ZADD', 'z', i, word(i, ml)) for i in range(n)], 20))
    w.append(('1000 strings set, 500 deleted',
              [('SET', 'k:%d' % i, word(i, 20)) for i in range(1000)] +
              [('DEL', 'k:%d' % i) for i in range(0, 1000, 2)], 20))
    w.append(('hash of 600 fields, 500 deleted (stays a hashtable)',
              [('HSET', 'h', 'f%d' % i, word(i, 8)) for i in range(600)] +
              [('HDEL', 'h', 'f%d' % i) for i in range(500)], 20))
    w.append(('sorted set of 200, 150 popped (stays a skiplist)',
              [('ZADD', 'z', i, word(i, 8)) for i in range(200)] + [('ZPOPMIN', 'z', 150)], 20))
    w.append(('list of 2000, 1500 popped', [('RPUSH', 'l', word(i, 8)) for i in range(2000)] +
              [('LPOP', 'l', 1500)], 20))
    for n in (100, 1000):
        w.append(('stream of %d entries, 2 fields' % n,
                  [('XADD', 'st', '%d-1' % (i + 1), 'a', word(i, 8), 'b', i) for i in range(n)], 20))
    return w


def run(conn, cmds):
    for i in range(0, len(cmds), 100):  # replies within the 16 KiB reply buffer
        conn.send(cmds[i:i + 100])


def growth(conn, cmds):
    conn.cmd('FLUSHALL')
    run(conn, cmds)
    conn.cmd('FLUSHALL')
    before = conn.used()
    run(conn, cmds)
    return conn.used() - before


def main():
    mock_bin = sys.argv[1]
    table = '--table' in sys.argv
    tmp = tempfile.mkdtemp(prefix='memmodel.')
    procs = []
    try:
        rsock, msock = os.path.join(tmp, 'r.sock'), os.path.join(tmp, 'm.sock')
        procs.append(subprocess.Popen(['redis-server', '--port', '0', '--unixsocket', rsock,
                                       '--save', '', '--appendonly', 'no', '--dir', tmp],
                                      stdout=subprocess.DEVNULL))
        procs.append(subprocess.Popen([mock_bin, '--port', '0', '--unixsocket', msock],
                                      stdout=subprocess.DEVNULL))
        r, m = connect(rsock, procs[0]), connect(msock, procs[1])
        passed = failed = 0
        names = [[line.split(':')[0] for line in c.cmd('INFO', 'memory').split('\r\n') if ':' in line]
                 for c in (r, m)]
        if names[0] == names[1]:
            passed += 1
        else:
            failed += 1
            print('FAIL INFO memory fields: redis %s mock %s' % names)
        # redis-server's figure carries its connection's buffers, which a few
        # more calls settle: the smallest of three readings
        ur, um = min(r.used() for _ in range(3)), m.used()
        err = (um - ur) * 100.0 / ur
        if table:
            print('| empty server, one client (used_memory) | %d | %d | %+.1f %% |' % (ur, um, err))
        if abs(err) <= 5:
            passed += 1
        else:
            failed += 1
            print('FAIL empty server: redis %d mock %d (%+.1f %%)' % (ur, um, err))
        for name, cmds, tol in workloads():
            # redis-server's growth carries its connection's buffers, which
            # come and go by a few kB between two readings (a 2 kB swing on a
            # 6 kB row was seen): the median of five runs; the model's is exact
            gr, gm = sorted(growth(r, cmds) for _ in range(5))[2], growth(m, cmds)
            err = (gm - gr) * 100.0 / gr if gr else 0.0
            if table:
                print('| %s | %d | %d | %+.1f %% |' % (name, gr, gm, err))
            if abs(err) <= tol:
                passed += 1
            else:
                failed += 1
                print('FAIL %s: redis %d mock %d (%+.1f %%, tolerance %d %%)'
                      % (name, gr, gm, err, tol))
        print('%d passed, %d failed' % (passed, failed))
        return 1 if failed else 0
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
