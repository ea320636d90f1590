#!/usr/bin/env python3
"""cluster_cmd.py - the CLUSTER command of a mockredis cluster against a real
Redis Cluster, node by node.

Usage: cluster_cmd.py MOCKREDIS_BIN [--keep-going]

Starts a real cluster of Debian redis-server processes (`cluster-enabled
yes`, free loopback ports whose bus port, port+10000, is free too, created
with `redis-cli --cluster create ... --cluster-yes`, polled until every node
says cluster_state:ok), and `mockredis --cluster N --replicas R` with the same
shape; twice: 3 primaries, then 3 primaries with a replica each. Node k of
the mock is paired with the real node of the same role: primary j with the
j-th primary redis-cli created, a replica of primary j with the real replica
of that primary (redis-cli shuffles replicas).

Each command is sent to node k of both, in RESP2 and in RESP3, and the
replies are parsed and compared whole -- types, lengths, order, every
string and integer -- after masking what differs by nature: node ids and
ports (replaced by "<id k>", "<port k>", "<cport k>", consistently, so which
id appears where is still compared), NODES' ping-sent/pong-recv times,
LINKS' create-time, SHARDS' replication-offset, the per-type message
counters of CLUSTER INFO (ours has no bus). NODES lines, SHARDS entries and
LINKS entries are compared as sets: Redis orders them by its node table's
hash order. Then a slot migration is driven by CLUSTER SETSLOT on both
(IMPORTING, MIGRATING, NODE), with NODES, SLOTS, SHARDS and INFO compared
at each step (the real cluster polled until its gossip carried the change),
and BUMPEPOCH, ADDSLOTS/DELSLOTS, the errors of every admin subcommand.
Last, 3,000 random CLUSTER subcommands on a mock cluster alone: it must
answer them all and exit cleanly.

Prints one line per difference and a closing "N passed, N failed"; exits
1 on a failure.
"""
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

# ---- RESP ---------------------------------------------------------------------------


class Conn:
    def __init__(self, port, proto=2):
        self.s = socket.create_connection(('127.0.0.1', port), timeout=10)
        self.f = self.s.makefile('rb')
        if proto == 3:
            self.cmd('HELLO', '3')

    def close(self):
        self.f.close()
        self.s.close()

    def cmd(self, *args):
        out = b'*%d\r\n' % len(args)
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out += b'$%d\r\n%s\r\n' % (len(a), a)
        self.s.sendall(out)
        return self.read()

    def read(self):
        line = self.f.readline()
        if not line:
            raise EOFError('connection closed')
        t, rest = line[:1], line[1:-2]
        if t in (b'+', b'-'):
            return (t.decode(), rest.decode())
        if t in (b':', b'(', b','):
            return (t.decode(), rest.decode())
        if t in (b'$', b'=', b'!'):
            n = int(rest)
            if n < 0:
                return ('$', None)
            d = self.f.read(n + 2)[:-2].decode()
            return (t.decode(), d[4:] if t == b'=' else d)
        if t == b'_':
            return ('_', None)
        if t == b'#':
            return ('#', rest.decode())
        if t in (b'*', b'~', b'>'):
            n = int(rest)
            return (t.decode(), None if n < 0 else [self.read() for _ in range(n)])
        if t in (b'%', b'|'):
            n = int(rest)
            return (t.decode(), [self.read() for _ in range(2 * n)])
        raise ValueError('bad reply line %r' % line)


def show(r):
    t, v = r
    if isinstance(v, list):
        return t + '[' + ', '.join(show(x) for x in v) + ']'
    return t + repr(v)


# ---- clusters -------------------------------------------------------------------------


def free_ports(n):
    """Ports p <= 55535 with p and p+10000 free (Redis binds the bus there)."""
    out = []
    rnd = random.Random()
    while len(out) < n:
        p = rnd.randint(20000, 45000)
        socks = []
        try:
            for q in (p, p + 10000):
                s = socket.socket()
                s.bind(('127.0.0.1', q))
                socks.append(s)
            if p not in out:
                out.append(p)
        except OSError:
            pass
        finally:
            for s in socks:
                s.close()
    return out


def poll(what, fn, timeout=30):
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > end:
            raise RuntimeError('timed out waiting for ' + what)
        time.sleep(0.05)


def info_field(port, field):
    c = Conn(port)
    try:
        t, text = c.cmd('CLUSTER', 'INFO')
        m = re.search(r'^%s:(\S*)' % field, text, re.M)
        return m.group(1) if m else None
    finally:
        c.close()


class Real:
    """A real cluster: primaries first (creation order), then replicas."""

    def __init__(self, primaries, replicas):
        self.dir = tempfile.mkdtemp(prefix='mr-cluster-')
        self.ports = free_ports(primaries * (1 + replicas))
        self.procs = []
        for p in self.ports:
            self.procs.append(subprocess.Popen(
                ['redis-server', '--port', str(p), '--bind', '127.0.0.1', '--cluster-enabled',
                 'yes', '--cluster-config-file', os.path.join(self.dir, 'nodes-%d.conf' % p),
                 '--save', '', '--appendonly', 'no', '--dir', self.dir, '--logfile',
                 os.path.join(self.dir, 'log-%d' % p)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for p in self.ports:
            poll('redis-server on %d' % p, lambda p=p: self._pings(p), 20)
        args = ['redis-cli', '--cluster', 'create'] + ['127.0.0.1:%d' % p for p in self.ports]
        if replicas:
            args += ['--cluster-replicas', str(replicas)]
        subprocess.run(args + ['--cluster-yes'], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)
        for p in self.ports:
            poll('cluster_state:ok on %d' % p, lambda p=p: info_field(p, 'cluster_state') == 'ok')
        # every node knows every other one, each replica its primary
        n = len(self.ports)
        for p in self.ports:
            poll('%d known nodes on %d' % (n, p),
                 lambda p=p: info_field(p, 'cluster_known_nodes') == str(n))
        # node order as the mock's: primary j = the j-th port; then for each
        # replica slot, the real replica of the matching primary
        ids = {p: self.cmd(p, 'CLUSTER', 'MYID')[1] for p in self.ports}
        prim = self.ports[:primaries]
        order = list(prim)
        reps = {p: [] for p in prim}
        for p in self.ports[primaries:]:
            line = [x for x in self.cmd(p, 'CLUSTER', 'NODES')[1].splitlines()
                    if 'myself' in x][0]
            master = line.split()[3]
            reps[[q for q in prim if ids[q] == master][0]].append(p)
        for r in range(replicas):
            for j in range(primaries):
                order.append(reps[prim[j]][r])
        self.ports = order
        self.ids = [ids[p] for p in order]
        # every replica synced and known as one everywhere: SLOTS lists a
        # replica only once its replication offset is not 0
        want = primaries * (1 + replicas)
        for p in self.ports:
            poll('the replicas in SLOTS of %d' % p,
                 lambda p=p: sum(len(r[1]) - 2 for r in self.cmd(p, 'CLUSTER', 'SLOTS')[1]) == want)
        # and has its links both ways with every other one
        for p in self.ports:
            poll('the links of %d' % p,
                 lambda p=p: len(self.cmd(p, 'CLUSTER', 'LINKS')[1]) == 2 * (n - 1))

    @staticmethod
    def _pings(p):
        try:
            c = Conn(p)
            c.close()
            return True
        except OSError:
            return False

    @staticmethod
    def cmd(port, *a):
        c = Conn(port)
        try:
            return c.cmd(*a)
        finally:
            c.close()

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Mock:
    def __init__(self, binary, primaries, replicas):
        self.dir = tempfile.mkdtemp(prefix='mr-mock-')
        pf = os.path.join(self.dir, 'ports')
        self.proc = subprocess.Popen([binary, '--cluster', str(primaries), '--replicas',
                                      str(replicas), '--port-file', pf],
                                     stdout=subprocess.DEVNULL)  # its stderr: ours
        n = primaries * (1 + replicas)
        self.ports = poll('the port file', lambda: self._ports(pf, n), 20)
        self.ids = [Real.cmd(p, 'CLUSTER', 'MYID')[1] for p in self.ports]

    @staticmethod
    def _ports(pf, n):
        try:
            ports = [int(x) for x in open(pf).read().split()]
        except (OSError, ValueError):
            return None
        return ports if len(ports) == n else None

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)
        return rc


# ---- masking ----------------------------------------------------------------------------


# map fields whose values differ by nature: no replication runs between
# simulated nodes, links have no age, no buffers and no writes in flight
MASKED = ('replication-offset', 'create-time', 'send-buffer-allocated', 'events')


class Masker:
    def __init__(self, ids, ports):
        self.ids = {x: '<id%d>' % k for k, x in enumerate(ids)}
        self.ports = {p: k for k, p in enumerate(ports)}

    def text(self, s):
        for x, tag in self.ids.items():
            s = s.replace(x, tag)
        s = re.sub(r'(\d+)@(\d+)', lambda m: self._addr(m), s)
        return s

    def _addr(self, m):
        p, cp = int(m.group(1)), int(m.group(2))
        k = self.ports.get(p)
        if k is None:
            return m.group(0)
        return '<port%d>@%s' % (k, '<cport%d>' % k if cp == p + 10000 else str(cp))

    def nodes_text(self, s):
        lines = []
        for line in self.text(s).split('\n'):
            f = line.split(' ')
            if len(f) >= 8:
                f[4] = '<ping>'  # not 0 while a real ping waits for its pong
                f[5] = '<pong>'
            lines.append(' '.join(f))
        return sorted(lines)

    def info_text(self, s):
        out = []
        for line in s.split('\r\n'):
            if re.match(r'cluster_stats_messages_[\w-]+_(sent|received):', line):
                continue  # per-type bus counters: ours has no bus
            line = re.sub(r'^(cluster_stats_messages_(sent|received)):\d+', r'\1:<n>', line)
            out.append(line)
        return '\r\n'.join(out)

    def tree(self, r, kind):
        t, v = r
        if isinstance(v, list):
            items = [self.tree(x, kind) for x in v]
            if t in ('%', '|'):
                pairs = [(items[i], items[i + 1]) for i in range(0, len(items), 2)]
                pairs = [(a, ('(masked)', None)) if a[1] in MASKED
                         else (a, b) for a, b in pairs]
                items = [x for p in pairs for x in p]
            elif t == '*' and kind in ('shards', 'links') and items and \
                    isinstance(items[0][1], str) and \
                    items[0][1] in ('slots', 'direction', 'id'):
                # a RESP2 map: key, value pairs in an array
                for i in range(0, len(items) - 1, 2):
                    if items[i][1] in MASKED:
                        items[i + 1] = ('(masked)', None)
            return (t, items)
        if t == ':' and v is not None and int(v) in self.ports:
            return (t, '<port%d>' % self.ports[int(v)])
        if isinstance(v, str):
            if kind == 'nodes' and t in ('$', '='):
                return (t, '\n'.join(self.nodes_text(v)))
            if kind == 'info' and t in ('$', '='):
                return (t, self.info_text(v))
            return (t, self.text(v))
        return (t, v)


def canon(r, kind, m):
    """The masked reply, with Redis's hash-ordered collections sorted."""
    if kind.startswith('field:') and r[0] in ('$', '='):  # one INFO line
        m2 = re.search(r'^%s:.*$' % kind[6:], r[1], re.M)
        r = (r[0], m2.group(0) if m2 else None)
    if kind == 'hello' and isinstance(r[1], list):  # the client id differs
        r = (r[0], [('(id)', None) if i > 0 and r[1][i - 1][1] == 'id' else x
                    for i, x in enumerate(r[1])])
    r = m.tree(r, kind)
    if kind in ('shards', 'links') and isinstance(r[1], list):
        r = (r[0], sorted(r[1], key=show))
    if kind == 'config' and isinstance(r[1], list):  # CONFIG GET: dict order in Redis
        pairs = sorted(zip(r[1][0::2], r[1][1::2]), key=lambda p: show(p[0]) + show(p[1]))
        r = (r[0], [x for p in pairs for x in p])
    if kind == 'replicas' and isinstance(r[1], list):
        r = (r[0], sorted(r[1], key=show))
    if kind == 'replicas' and isinstance(r[1], list):
        r = (r[0], [(t, '\n'.join(m.nodes_text(v))) for t, v in r[1]])
    return show(r)


# ---- the comparison ---------------------------------------------------------------------


class Run:
    def __init__(self, mock, real, keep_going):
        self.mock, self.real = mock, real
        self.mm = Masker(mock.ids, mock.ports)
        self.rm = Masker(real.ids, real.ports)
        self.passed = self.failed = 0
        self.keep_going = keep_going
        self.exact = {}

    def both(self, k, *cmd, kind='', proto=(2, 3), label=None):
        """Sends cmd to node k of both, in each protocol; compares."""
        ok = True
        for pr in proto:
            cm, cr = Conn(self.mock.ports[k], pr), Conn(self.real.ports[k], pr)
            try:
                a = cm.cmd(*[self._arg(x, self.mock) for x in cmd])
                b = cr.cmd(*[self._arg(x, self.real) for x in cmd])
            finally:
                cm.close()
                cr.close()
            sa, sb = canon(a, kind, self.mm), canon(b, kind, self.rm)
            name = label or ' '.join(str(x) for x in cmd)
            if sa == sb:
                self.passed += 1
            else:
                self.failed += 1
                print('FAIL node %d RESP%d %s\n  mock: %s\n  real: %s' % (k, pr, name, sa, sb))
                ok = False
                if not self.keep_going:
                    raise SystemExit(self.report())
        sub = str(cmd[1]).lower() if str(cmd[0]).lower() == 'cluster' and len(cmd) > 1 else \
            str(cmd[0]).lower()
        self.exact.setdefault(sub, [0, 0])[0 if ok else 1] += 1
        return ok

    @staticmethod
    def _arg(x, side):
        """'<id k>' -> node k's id on that side; '<port k>' -> its port."""
        m = re.fullmatch(r'<(id|port)(\d+)>', str(x))
        if not m:
            return x
        k = int(m.group(2))
        return side.ids[k] if m.group(1) == 'id' else side.ports[k]

    def both_raw(self, k, *cmd):
        """Sends cmd to node k of both without comparing (setup)."""
        ra = Real.cmd(self.mock.ports[k], *[self._arg(x, self.mock) for x in cmd])
        rb = Real.cmd(self.real.ports[k], *[self._arg(x, self.real) for x in cmd])
        return ra, rb

    def report(self):
        return '%d passed, %d failed' % (self.passed, self.failed)


def read_only_corpus(run, n, primaries):
    for k in range(n):
        run.both(k, 'CLUSTER', 'HELP')
        run.both(k, 'CLUSTER', 'MYID')
        run.both(k, 'CLUSTER', 'NODES', kind='nodes')
        run.both(k, 'CLUSTER', 'SLOTS')
        run.both(k, 'CLUSTER', 'SHARDS', kind='shards')
        run.both(k, 'CLUSTER', 'INFO', kind='info')
        run.both(k, 'CLUSTER', 'LINKS', kind='links')
        for j in range(n):
            run.both(k, 'CLUSTER', 'REPLICAS', '<id%d>' % j, kind='replicas')
            run.both(k, 'CLUSTER', 'SLAVES', '<id%d>' % j, kind='replicas')
            run.both(k, 'CLUSTER', 'COUNT-FAILURE-REPORTS', '<id%d>' % j)
        run.both(k, 'CLUSTER', 'SAVECONFIG')
        run.both(k, 'READONLY')
        run.both(k, 'READWRITE')
        run.both(k, 'ASKING')
        run.both(k, 'INFO', 'cluster')
        run.both(k, 'INFO', 'server', kind='field:redis_mode')
        run.both(k, 'HELLO', '3', kind='hello', proto=(2,))
        run.both(k, 'CONFIG', 'GET', 'cluster-enabled')
        run.both(k, 'CONFIG', 'GET', 'cluster-node-timeout')
    run.both(0, 'CONFIG', 'GET', 'cluster-[^c]*', kind='config')
    run.both(0, 'CONFIG', 'SET', 'cluster-node-timeout', '5000')
    run.both(0, 'CONFIG', 'GET', 'cluster-node-timeout')
    run.both(0, 'CONFIG', 'SET', 'cluster-node-timeout', '15000')
    run.both(0, 'CONFIG', 'SET', 'cluster-enabled', 'no', proto=(2,))
    for key in ['', 'foo', '{}', '{}a', '{{a}}', 'a{b}{c}', '{a', 'a}', '}{a}', '{user1000}.following',
                'foo{}{bar}', 'foo{{bar}}zap', 'foo{bar}{zap}', '\xff\x00']:
        run.both(0, 'CLUSTER', 'KEYSLOT', key)
    errors = [
        ('CLUSTER',), ('CLUSTER', 'FOO'), ('CLUSTER', 'NODES', 'x'), ('CLUSTER', 'KEYSLOT'),
        ('CLUSTER', 'MYID', 'x'), ('CLUSTER', 'LINKS', 'x'), ('READONLY', 'x'),
        ('CLUSTER', 'COUNTKEYSINSLOT', '-1'), ('CLUSTER', 'COUNTKEYSINSLOT', '16384'),
        ('CLUSTER', 'COUNTKEYSINSLOT', 'abc'), ('CLUSTER', 'GETKEYSINSLOT', '1', '-1'),
        ('CLUSTER', 'GETKEYSINSLOT', '-1', '1'), ('CLUSTER', 'GETKEYSINSLOT', '16384', '1'),
        ('CLUSTER', 'GETKEYSINSLOT', 'x', '1'), ('CLUSTER', 'GETKEYSINSLOT', '1', 'x'),
        ('CLUSTER', 'GETKEYSINSLOT', '1', '0'),
        ('CLUSTER', 'REPLICAS', 'abc'), ('CLUSTER', 'COUNT-FAILURE-REPORTS', 'abc'),
        ('CLUSTER', 'ADDSLOTS', '1'), ('CLUSTER', 'ADDSLOTS', '16384'),
        ('CLUSTER', 'ADDSLOTS', '-1'), ('CLUSTER', 'ADDSLOTS', 'x'),
        ('CLUSTER', 'ADDSLOTS', '0', 'x'), ('CLUSTER', 'ADDSLOTS', '100', '100'),
        ('CLUSTER', 'ADDSLOTSRANGE', '1', '2'), ('CLUSTER', 'ADDSLOTSRANGE', '2', '1'),
        ('CLUSTER', 'ADDSLOTSRANGE', '1'), ('CLUSTER', 'ADDSLOTSRANGE', '1', '2', '3'),
        ('CLUSTER', 'ADDSLOTSRANGE', '0', '16384'), ('CLUSTER', 'DELSLOTS', 'x'),
        ('CLUSTER', 'DELSLOTS', '16384'), ('CLUSTER', 'DELSLOTSRANGE', '5', '4'),
        ('CLUSTER', 'DELSLOTS', '5', '5'), ('CLUSTER', 'SETSLOT'), ('CLUSTER', 'SETSLOT', '1'),
        ('CLUSTER', 'SETSLOT', 'x', 'stable'), ('CLUSTER', 'SETSLOT', '16384', 'stable'),
        ('CLUSTER', 'SETSLOT', '1', 'foo'), ('CLUSTER', 'SETSLOT', '1', 'importing'),
        ('CLUSTER', 'SETSLOT', '1', 'importing', 'abc'),
        ('CLUSTER', 'SETSLOT', '1', 'importing', '<id0>'),
        ('CLUSTER', 'SETSLOT', '1', 'migrating', 'abc'),
        ('CLUSTER', 'SETSLOT', '6000', 'migrating', '<id1>'),
        ('CLUSTER', 'SETSLOT', '1', 'node', 'abc'), ('CLUSTER', 'SETSLOT', '1', 'stable', 'x'),
        ('CLUSTER', 'SETSLOT', '1', 'node'),
        ('CLUSTER', 'FAILOVER'), ('CLUSTER', 'FAILOVER', 'force'),
        ('CLUSTER', 'FAILOVER', 'takeover'), ('CLUSTER', 'FAILOVER', 'foo'),
        ('CLUSTER', 'FAILOVER', 'force', 'takeover'),
        ('CLUSTER', 'SET-CONFIG-EPOCH', '5'), ('CLUSTER', 'SET-CONFIG-EPOCH', '-1'),
        ('CLUSTER', 'SET-CONFIG-EPOCH', 'x'),
        ('CLUSTER', 'FORGET', 'abc'), ('CLUSTER', 'FORGET', '<id0>'),
        ('CLUSTER', 'REPLICATE', 'abc'), ('CLUSTER', 'REPLICATE', '<id0>'),
        ('CLUSTER', 'REPLICATE', '<id1>'),
        ('CLUSTER', 'MEET', '1.2.3.4', 'x'), ('CLUSTER', 'MEET', '1.2.3.4'),
        ('CLUSTER', 'MEET', '1.2.3.4', '5', '6', '7'), ('CLUSTER', 'MEET', 'abc', '5'),
        ('CLUSTER', 'MEET', '1.2.3.4', '70000'), ('CLUSTER', 'MEET', '1.2.3.4', '5', 'x'),
        ('CLUSTER', 'RESET', 'foo'), ('CLUSTER', 'RESET', 'soft', 'x'),
        ('CLUSTER', 'BUMPEPOCH', 'x'), ('CLUSTER', 'FLUSHSLOTS', 'x'),
    ]
    for e in errors:
        run.both(0, *e, proto=(2,))
    if n > primaries:  # on a replica
        for e in [('CLUSTER', 'SETSLOT', '1', 'stable'), ('CLUSTER', 'REPLICATE', '<id0>'),
                  ('CLUSTER', 'FORGET', '<id0>'), ('CLUSTER', 'FAILOVER', 'foo'),
                  ('CLUSTER', 'RESET', 'foo')]:
            run.both(primaries, *e, proto=(2,))


def keys_corpus(run):
    # keys in one slot of node 2 (10923-16383) and in node 0 (slot 0 owner)
    for key in ['{t}a', '{t}b', '{t}c', 'zz', '{t}d']:
        run.both_raw(2, 'SET', key, '1')
    run.both_raw(2, 'DEL', '{t}b')
    run.both_raw(2, 'SET', '{t}b', '2')
    run.both_raw(2, 'SET', '{t}a', '3')
    slot = Real.cmd(run.real.ports[2], 'CLUSTER', 'KEYSLOT', '{t}a')[1]
    for args in [('COUNTKEYSINSLOT', slot), ('GETKEYSINSLOT', slot, '10'),
                 ('GETKEYSINSLOT', slot, '2'), ('GETKEYSINSLOT', slot, '0'),
                 ('COUNTKEYSINSLOT', '5000'), ('GETKEYSINSLOT', '5000', '3')]:
        run.both(2, 'CLUSTER', *args)
        run.both(0, 'CLUSTER', *args)  # another node's keyspace: none there
    run.both(2, 'CLUSTER', 'FLUSHSLOTS', proto=(2,))  # DB must be empty
    run.both(2, 'CLUSTER', 'RESET', proto=(2,))  # a primary with keys
    run.both(2, 'CLUSTER', 'REPLICATE', '<id0>', proto=(2,))  # slots: not empty
    for key in ['{t}a', '{t}b', '{t}c', 'zz', '{t}d']:
        run.both_raw(2, 'DEL', key)


def converged(run, check):
    """Polls the real cluster until every node's NODES satisfies check."""
    last = []

    def ok():
        last[:] = [Real.cmd(p, 'CLUSTER', 'NODES')[1] for p in run.real.ports]
        return all(check(t) for t in last)
    try:
        poll('the real cluster to converge', ok)
    except RuntimeError:
        print('\n'.join(last))
        raise


def migration_corpus(run, n, primaries):
    """CLUSTER SETSLOT moves slot 100 from node 0 to node 1 on both sides."""
    views = lambda: [run.both(k, 'CLUSTER', 'NODES', kind='nodes') and
                     run.both(k, 'CLUSTER', 'SLOTS') and
                     run.both(k, 'CLUSTER', 'SHARDS', kind='shards') and
                     run.both(k, 'CLUSTER', 'INFO', kind='info') for k in range(n)]
    run.both(1, 'CLUSTER', 'SETSLOT', '100', 'IMPORTING', '<id0>')
    run.both(1, 'CLUSTER', 'SETSLOT', '100', 'IMPORTING', '<id0>')  # again: fine
    run.both(0, 'CLUSTER', 'SETSLOT', '100', 'MIGRATING', '<id1>')
    run.both(0, 'CLUSTER', 'SETSLOT', '100', 'IMPORTING', '<id1>', proto=(2,))  # owner
    run.both(1, 'CLUSTER', 'SETSLOT', '100', 'MIGRATING', '<id0>', proto=(2,))  # not owner
    views()
    # a key left in the slot: the source refuses to give it away
    key = 'key:100'
    while int(Real.cmd(run.real.ports[0], 'CLUSTER', 'KEYSLOT', key)[1]) != 100:
        key += 'x'
    run.both_raw(0, 'SET', key, '1')
    run.both(0, 'CLUSTER', 'SETSLOT', '100', 'NODE', '<id1>', proto=(2,))
    run.both_raw(0, 'DEL', key)
    # the target takes it: a new epoch without consensus, importing over
    run.both(1, 'CLUSTER', 'SETSLOT', '100', 'NODE', '<id1>', proto=(2,))
    run.both(0, 'CLUSTER', 'SETSLOT', '100', 'NODE', '<id1>', proto=(2,))
    epoch = n + 1
    converged(run, lambda t: re.search(r'master - \d+ \d+ %d connected 100 ' % epoch, t) and
              '[100-' not in t and '[100->' not in t)
    views()
    # back with BUMPEPOCH and ADDSLOTS/DELSLOTS
    run.both(1, 'CLUSTER', 'BUMPEPOCH', proto=(2,))
    run.both(0, 'CLUSTER', 'BUMPEPOCH', proto=(2,))
    for p in run.real.ports:  # gossip carries the new epochs
        poll('the epochs', lambda p=p: info_field(p, 'cluster_current_epoch') == str(n + 2))
    run.both(1, 'CLUSTER', 'SETSLOT', '100', 'STABLE', proto=(2,))
    # DELSLOTS and ADDSLOTS change the view of the node asked only (Redis
    # does not spread them): node 1's view is compared, and restored
    run.both(1, 'CLUSTER', 'DELSLOTS', '100', proto=(2,))
    run.both(1, 'CLUSTER', 'DELSLOTSRANGE', '100', '100', proto=(2,))  # already unassigned
    run.both(1, 'CLUSTER', 'INFO', kind='info')
    run.both(1, 'CLUSTER', 'SLOTS')
    run.both(1, 'CLUSTER', 'ADDSLOTSRANGE', '100', '100', proto=(2,))
    run.both(1, 'CLUSTER', 'SLOTS')
    # and back to node 0 the way it came
    run.both(0, 'CLUSTER', 'SETSLOT', '100', 'IMPORTING', '<id1>', proto=(2,))
    run.both(1, 'CLUSTER', 'SETSLOT', '100', 'MIGRATING', '<id0>', proto=(2,))
    run.both(0, 'CLUSTER', 'SETSLOT', '100', 'NODE', '<id0>', proto=(2,))
    run.both(1, 'CLUSTER', 'SETSLOT', '100', 'NODE', '<id0>', proto=(2,))
    converged(run, lambda t: ' 0-5460' in t and '[100' not in t and
              len(set(re.findall(r'master - \d+ \d+ (\d+)', t))) == primaries)
    views()


def failover_corpus(run, n, primaries):
    """CLUSTER FAILOVER on the replica of primary 0 (node `primaries`), on
    both; then every node's view. Runs once the topology lane's
    cluster_failover is there (the mock answers "ERR mockredis: ..." until
    then: skipped, said so)."""
    r = primaries
    a, b = run.both_raw(r, 'CLUSTER', 'FAILOVER')
    if a[0] == '-' and a[1].startswith('ERR mockredis:'):
        print('# skipped: CLUSTER FAILOVER (%s)' % a[1])
        return
    if a != b:
        run.failed += 1
        print('FAIL node %d CLUSTER FAILOVER\n  mock: %s\n  real: %s' % (r, show(a), show(b)))
        return
    run.passed += 1
    rid, pid = run.real.ids[r], run.real.ids[0]
    converged(run, lambda t: re.search(r'^%s \S+ (myself,)?master ' % rid, t, re.M) and
              re.search(r'^%s \S+ (myself,)?slave %s ' % (pid, rid), t, re.M))
    want = primaries * 2
    for p in run.real.ports:  # the old primary synced again: listed in SLOTS
        poll('the replicas in SLOTS of %d' % p,
             lambda p=p: sum(len(x[1]) - 2 for x in Real.cmd(p, 'CLUSTER', 'SLOTS')[1]) == want)
    for k in range(n):
        run.both(k, 'CLUSTER', 'NODES', kind='nodes')
        run.both(k, 'CLUSTER', 'SLOTS')
        run.both(k, 'CLUSTER', 'SHARDS', kind='shards')
        run.both(k, 'CLUSTER', 'INFO', kind='info')
        run.both(k, 'HELLO', '3', kind='hello', proto=(2,))
    run.both(r, 'CLUSTER', 'FAILOVER', proto=(2,))  # now the primary: refused


def random_commands(binary, count=3000, seed=15):
    """Random CLUSTER subcommands with random arguments (slots in and out
    of range, node ids, words of the syntax) on every node of a mock 3+3
    cluster, with a few writes between: the server must answer each and
    exit cleanly (status 0: no sanitizer report). Reproducible: the seed
    fixes the sequence. Returns the number of failures (0 or 1)."""
    m = Mock(binary, 3, 1)
    subs = ['addslots', 'addslotsrange', 'bumpepoch', 'count-failure-reports', 'countkeysinslot',
            'delslots', 'delslotsrange', 'failover', 'forget', 'getkeysinslot', 'help', 'info',
            'keyslot', 'links', 'meet', 'myid', 'nodes', 'replicas', 'replicate', 'reset',
            'saveconfig', 'set-config-epoch', 'setslot', 'shards', 'slaves', 'slots', 'flushslots']
    pool = ['0', '1', '16383', '16384', '-1', '99999999999999999999', 'x', '', 'importing',
            'migrating', 'node', 'stable', 'force', 'takeover', 'hard', 'soft', '127.0.0.1',
            '::1', str(m.ports[0]), '5', '10'] + m.ids
    rnd = random.Random(seed)
    conns = [Conn(p, rnd.choice((2, 3))) for p in m.ports]
    failed = 0
    try:
        for _ in range(count):
            c = rnd.choice(conns)
            if rnd.random() < 0.05:
                c.cmd('SET', '{a}%d' % rnd.randrange(5), '1')
                continue
            args = ['CLUSTER', rnd.choice(subs)] + [rnd.choice(pool)
                                                    for _ in range(rnd.randrange(5))]
            c.cmd(*args)
    except (EOFError, OSError) as e:
        print('FAIL random CLUSTER commands: %s after %s' % (e, args))
        failed = 1
    for c in conns:
        c.close()
    rc = m.stop()
    if rc != 0:
        print('FAIL random CLUSTER commands: mockredis exited with status %d' % rc)
        failed = 1
    return failed


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    keep_going = '--keep-going' in sys.argv
    if not args or shutil.which('redis-server') is None or shutil.which('redis-cli') is None:
        print('usage: cluster_cmd.py MOCKREDIS_BIN (needs redis-server and redis-cli)')
        return 2
    passed = failed = 0
    exact = {}
    for primaries, replicas in ((3, 0), (3, 1)):
        n = primaries * (1 + replicas)
        real = mock = None
        try:
            t0 = time.monotonic()
            real = Real(primaries, replicas)
            t1 = time.monotonic()
            mock = Mock(args[0], primaries, replicas)
            t2 = time.monotonic()
            print('# %d+%d: real cluster up in %.2f s, mock in %.2f s' %
                  (primaries, primaries * replicas, t1 - t0, t2 - t1))
            run = Run(mock, real, keep_going)
            read_only_corpus(run, n, primaries)
            keys_corpus(run)
            migration_corpus(run, n, primaries)
            if replicas:
                failover_corpus(run, n, primaries)
            passed += run.passed
            failed += run.failed
            for k, (a, b) in run.exact.items():
                e = exact.setdefault(k, [0, 0])
                e[0] += a
                e[1] += b
        finally:
            if mock:
                rc = mock.stop()
                if rc != 0:
                    print('FAIL mockredis exited with status %d' % rc)
                    failed += 1
            if real:
                real.stop()
    bad = random_commands(args[0])
    passed, failed = passed + 1 - bad, failed + bad
    same = sorted(k for k, (a, b) in exact.items() if b == 0)
    differ = sorted(k for k, (a, b) in exact.items() if b)
    print('# subcommands whose every reply matched after masking: %d of %d (%s)' %
          (len(same), len(exact), ' '.join(same)))
    if differ:
        print('# with differences: ' + ' '.join(differ))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
