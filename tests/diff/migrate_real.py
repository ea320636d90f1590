#!/usr/bin/python3
"""migrate_real.py - MIGRATE and slot migration, mockredis --cluster 3 against
a real Redis Cluster of three redis-server 7.0.15 (issue 15).

Starts three redis-server processes with cluster-enabled on free loopback
ports (their bus ports, +10000, free too), joins them with `redis-cli
--cluster create` (slots 0-5460, 5461-10922, 10923-16383, as the mock
splits them), waits for cluster_state:ok, and starts `mockredis --cluster
3`. Then runs the same steps on both, node by node (node i is the i-th
primary of each), and compares every reply byte for byte after masking the
ports (each node's port reads N0, N1, N2; anything else PORT). A step that
changes the topology is CLUSTER SETSLOT on the real cluster and MOCK CLUSTER
on the mock (the state the two make is the same).

Slot 15495 ("a", "{a}...") is node 2's; 2 migrates it to node 0.

  migrate_real.py --mock BUILD/mockredis [--show]

Exit status: 0 when every reply matched, 1 on a divergence, 2 on a usage or
start-up error, 77 when redis-server or redis-cli is missing (skipped).
Python 3 standard library only.
"""

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def encode(args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(('127.0.0.1', port), timeout=10)
        self.f = self.s.makefile('rb')

    def raw(self):
        """One reply, as the bytes the server sent."""
        line = self.f.readline()
        if not line:
            raise EOFError('connection closed')
        t = line[:1]
        if t in (b'*', b'%', b'~', b'>'):
            n = int(line[1:-2])
            if t == b'%':
                n *= 2
            return line + b''.join(self.raw() for _ in range(max(n, 0)))
        if t in (b'$', b'=', b'!'):
            n = int(line[1:-2])
            return line + (self.f.read(n + 2) if n >= 0 else b'')
        return line

    def call(self, *args):
        self.s.sendall(encode(args))
        return self.raw()


def free_port_pair():
    while True:
        p = random.randint(20000, 45000)
        try:
            a, b = socket.socket(), socket.socket()
            a.bind(('127.0.0.1', p))
            b.bind(('127.0.0.1', p + 10000))
            a.close()
            b.close()
            return p
        except OSError:
            a.close()
            b.close()


def wait_ok(ports, deadline):
    while time.time() < deadline:
        ok = True
        for p in ports:
            try:
                c = Conn(p)
                ok &= b'cluster_state:ok' in c.call('CLUSTER', 'INFO')
                c.s.close()
            except OSError:
                ok = False
        if ok:
            return True
        time.sleep(0.1)
    return False


def start_real(tmp):
    ports = []
    for _ in range(3):
        p = free_port_pair()
        while p in ports:
            p = free_port_pair()
        ports.append(p)
    for p in ports:
        subprocess.run(['redis-server', '--port', str(p), '--bind', '127.0.0.1',
                        '--cluster-enabled', 'yes', '--cluster-config-file',
                        os.path.join(tmp, 'nodes-%d.conf' % p), '--save', '',
                        '--appendonly', 'no', '--daemonize', 'yes', '--dir', tmp,
                        '--pidfile', os.path.join(tmp, '%d.pid' % p)], check=True)
    deadline = time.time() + 10
    for p in ports:
        while True:
            try:
                Conn(p).s.close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
    subprocess.run(['redis-cli', '--cluster', 'create'] +
                   ['127.0.0.1:%d' % p for p in ports] + ['--cluster-yes'],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_ok(ports, time.time() + 30):
        raise RuntimeError('the real cluster never reached cluster_state:ok')
    return ports


def stop_real(ports):
    for p in ports:
        try:
            Conn(p).s.sendall(encode(['SHUTDOWN', 'NOSAVE']))
        except OSError:
            pass


def start_mock(mock, tmp):
    pf = os.path.join(tmp, 'mock.ports')
    proc = subprocess.Popen([mock, '--cluster', '3', '--port-file', pf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        if os.path.exists(pf):
            lines = open(pf).read().split()
            if len(lines) == 3:
                return proc, [int(x) for x in lines]
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError('mockredis did not start')


# The steps: (node, args) sent to both; ('topo', real-steps, mock-steps)
# changes the topology on each its own way. In args, N0..N2 are the nodes'
# ports and ID0..ID2 their ids; UNUSED a port nobody listens on.
STEPS = [
    (2, ['SET', 'a', '1']),
    (2, ['SET', '{a}b', '2']),
    (2, ['RPUSH', '{a}l', 'x', 'y']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'nosuch', '0', '1000']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000', 'KEYS', 'a']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000', 'AUTH']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000', 'AUTH2', 'u']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000', 'BOGUS']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', 'x']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', 'x', '1000']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', '', '0', '1000', 'KEYS', 'nosuch']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000']),
    (2, ['MIGRATE', '127.0.0.1', 'N1', '', '0', '1000', 'KEYS', 'a', '{a}b']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000', 'AUTH', 'pw']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000', 'AUTH2', 'bob', 'pw']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000', 'AUTH2', 'default', 'pw']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '1', '1000']),
    (2, ['MIGRATE', '127.0.0.1', 'UNUSED', 'a', '0', '1000']),
    (2, ['MIGRATE', '127.0.0.1', 'N2', 'a', '0', '50']),
    (2, ['DBSIZE']),
    ('topo', [(0, ['CLUSTER', 'SETSLOT', '15495', 'IMPORTING', 'ID2']),
              (2, ['CLUSTER', 'SETSLOT', '15495', 'MIGRATING', 'ID0'])],
     [(0, ['MOCK', 'CLUSTER', 'MIGRATE', 'START', '15495', '0'])]),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000', 'COPY']),
    (2, ['DBSIZE']),
    (0, ['DBSIZE']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', '', '0', '1000', 'KEYS', 'a', '{a}b']),
    (2, ['DBSIZE']),
    (0, ['DBSIZE']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', '', '0', '1000', 'REPLACE', 'KEYS', 'a', '{a}l']),
    (2, ['DBSIZE']),
    (0, ['DBSIZE']),
    # the keys gone from the source: MIGRATE answers NOKEY (Redis does not
    # redirect it), a write is sent to the target (ASK), another node MOVEs
    (2, ['MIGRATE', '127.0.0.1', 'N0', '', '0', '1000', 'KEYS', 'a', '{a}b', '{a}l']),
    (2, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000']),
    (2, ['SET', 'n{a}', '1']),
    (1, ['MIGRATE', '127.0.0.1', 'N0', 'a', '0', '1000']),
]


def subst(args, ports, ids, unused):
    out = []
    for a in args:
        for i in range(3):
            if a == 'ID%d' % i:
                a = ids[i]
            if a == 'N%d' % i:
                a = str(ports[i])
        if a == 'UNUSED':
            a = str(unused)
        out.append(a)
    return out


def mask(reply, ports):
    s = reply.decode('utf-8', 'replace')
    for i, p in enumerate(ports):
        s = re.sub(r'\b%d\b' % p, 'N%d' % i, s)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mock', required=True)
    ap.add_argument('--show', action='store_true')
    o = ap.parse_args()
    if not shutil.which('redis-server') or not shutil.which('redis-cli'):
        print('redis-server or redis-cli missing: skipped')
        return 77
    tmp = tempfile.mkdtemp(prefix='migrate-real-')
    real = []
    mock_proc = None
    try:
        real = start_real(tmp)
        mock_proc, mock = start_mock(o.mock, tmp)
        unused = free_port_pair()
        sides = {}
        for name, ports in (('real', real), ('mock', mock)):
            conns = [Conn(p) for p in ports]
            ids = [c.call('CLUSTER', 'MYID').split(b'\r\n')[1].decode()
                   if name == 'real' else None for c in conns]
            if name == 'mock':  # the mock's node ids, from MOCK CLUSTER NODES
                r = conns[0].call('MOCK', 'CLUSTER', 'NODES').decode()
                ids = re.findall(r'\$2\r\nid\r\n\$40\r\n([0-9a-f]{40})', r)
            replies = []
            for step in STEPS:
                if step[0] == 'topo':
                    for node, args in (step[1] if name == 'real' else step[2]):
                        conns[node].call(*subst(args, ports, ids, unused))
                    continue
                node, args = step
                replies.append(mask(conns[node].call(*subst(args, ports, ids, unused)), ports))
            sides[name] = replies
            for c in conns:
                c.s.close()
        bad = 0
        steps = [s for s in STEPS if s[0] != 'topo']
        for i, (r, m) in enumerate(zip(sides['real'], sides['mock'])):
            line = ' '.join(steps[i][1])
            if r != m:
                bad += 1
                print('DIFF node %s: %s\n  redis-server: %r\n  mockredis:    %r'
                      % (steps[i][0], line, r, m))
            elif o.show:
                print('same node %s: %s -> %r' % (steps[i][0], line, r))
        print('%d steps, %d differences' % (len(steps), bad))
        return 1 if bad else 0
    finally:
        stop_real(real)
        if mock_proc:
            mock_proc.terminate()
            mock_proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
