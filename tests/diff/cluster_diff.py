#!/usr/bin/python3
"""cluster_diff.py - differential test: mockredis --cluster against a real Redis Cluster.

For each corpus file (format in tests/diff/README.md, "Cluster mode") it
starts a real cluster of 3 redis-server primaries (3+3 with `#! replicas 1`)
joined by `redis-cli --cluster create` and converged (realcluster.py), and a
`mockredis --cluster 3 [--replicas 1]`; then sends every command of the file
to the node it names (`@I CMD ...`, node 0 by default), on one connection per
node and per side kept for the whole file, and compares the two replies byte
for byte once both are MASKED the same way:

- node ids: node I's id becomes the placeholder `<node-I>` (padded to 40
  bytes), on each side its own id; an id of no node is left as it is, so a
  reply naming the wrong node, or a node in the wrong place, still differs;
- ports: node I's port becomes 7000+I, its bus port 17000+I (integers stay
  integers, text stays text);
- epochs (CLUSTER INFO's cluster_current_epoch/cluster_my_epoch, the
  config-epoch field of CLUSTER NODES/REPLICAS lines), ping-sent/pong-recv
  times of those lines, CLUSTER SHARDS' replication-offset, CLUSTER LINKS'
  create-time, events and buffer sizes, HELLO's client id: replaced by a
  fixed value;
- CLUSTER INFO's cluster_stats_messages_* lines (which message types a node
  counted depends on who sent MEET to whom): all of them become one line
  `cluster_stats_messages:<masked>`, so they must exist but their set and
  values are not compared.

The masked reply is serialised again (lengths recomputed), so the reply
types, RESP3 encodings and order are compared exactly. The modifiers of the
single-server corpus (!unordered, !type, !sameerror) work as in diff_runner.c,
plus !lines (a bulk text whose lines are compared as a sorted set: CLUSTER
NODES, whose order is a hash table's) and `@I !read` (no command: the next
frame that arrived on node I's connection, a Pub/Sub message). Lines
`real: ...` and `mock: ...` are one side's admin steps (not compared; an
error reply fails), `!until=TEXT` resends such a step until its reply holds
TEXT, for what a real cluster needs time for (gossip, failure detection).

  cluster_diff.py --mock BUILD/mockredis FILE...      real cluster against mockredis
  cluster_diff.py --self-check FILE...                real cluster against a second one
  cluster_diff.py --unit                              the masking's own checks
  --show                                              prints each masked reply of the real cluster

--self-check proves the runner and the masking: the same corpus on two real
clusters must pass (`real:` lines go to both, `mock:` lines to neither,
`second:` lines to the second only). Prints every mismatch with file:line,
the command and both masked replies; the last line is "N passed, N failed";
exit status 0 only when nothing failed. Failing to start a cluster is a
failure, never a skip.
"""
import argparse
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from realcluster import MockCluster, RealCluster  # noqa: E402

# ---------------------------------------------------------------------------
# Command lines, split as redis-cli splits them (sdssplitargs)


def split_args(line):
    """The arguments of a line quoted as in redis-cli, as bytes; None on
    unbalanced quotes."""
    out, i, n = [], 0, len(line)
    simple = {"n": b"\n", "r": b"\r", "t": b"\t", "b": b"\b", "a": b"\a"}
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return out
        cur, inq, insq = bytearray(), False, False
        while True:
            if inq:
                if i >= n:
                    return None
                c = line[i]
                if c == "\\" and i + 3 < n and line[i + 1] == "x" and \
                        all(h in "0123456789abcdefABCDEF" for h in line[i + 2:i + 4]):
                    cur.append(int(line[i + 2:i + 4], 16))
                    i += 3
                elif c == "\\" and i + 1 < n:
                    i += 1
                    cur += simple.get(line[i], line[i].encode("latin-1"))
                elif c == '"':
                    if i + 1 < n and not line[i + 1].isspace():
                        return None
                    inq = False
                    i += 1
                    break
                else:
                    cur += c.encode("latin-1")
            elif insq:
                if i >= n:
                    return None
                c = line[i]
                if c == "\\" and i + 1 < n and line[i + 1] == "'":
                    i += 1
                    cur += b"'"
                elif c == "'":
                    if i + 1 < n and not line[i + 1].isspace():
                        return None
                    insq = False
                    i += 1
                    break
                else:
                    cur += c.encode("latin-1")
            else:
                if i >= n or line[i].isspace():
                    break
                c = line[i]
                if c == '"':
                    inq = True
                elif c == "'":
                    insq = True
                else:
                    cur += c.encode("latin-1")
            i += 1
        out.append(bytes(cur))


# ---------------------------------------------------------------------------
# RESP as a tree: (type, value) where value is bytes for simple types and a
# list of nodes for aggregates (a map's keys and values in one flat list).


def parse(b, pos=0):
    end = b.index(b"\r\n", pos)
    t, head = b[pos:pos + 1], b[pos + 1:end]
    pos = end + 2
    if t in b"$=!" and head != b"-1":
        n = int(head)
        return (t, b[pos:pos + n]), pos + n + 2
    if t in b"*~>%|" and head != b"-1":
        n = int(head) * (2 if t in b"%|" else 1)
        items = []
        for _ in range(n):
            item, pos = parse(b, pos)
            items.append(item)
        return (t, items), pos
    return (t, head), pos  # + - : , ( # _ and the nulls $-1 *-1


def parse_reply(b):
    """The list of frames in b (a reply and the pushes around it)."""
    out, pos = [], 0
    while pos < len(b):
        node, pos = parse(b, pos)
        out.append(node)
    return out


def serialise(node):
    t, v = node
    if isinstance(v, list):
        n = len(v) // 2 if t in b"%|" else len(v)
        return t + b"%d\r\n" % n + b"".join(serialise(x) for x in v)
    if t in b"$=!" and v != b"-1":
        return t + b"%d\r\n" % len(v) + v + b"\r\n"
    return t + v + b"\r\n"


# ---------------------------------------------------------------------------
# Masking


HEX40 = re.compile(rb"(?<![0-9a-f])[0-9a-f]{40}(?![0-9a-f])")
NODES_LINE = re.compile(rb"^(\S+ \S+ \S+ \S+) (\d+) (\d+) (\d+)( .*)?$")
INFO_EPOCH = re.compile(rb"^(cluster_current_epoch|cluster_my_epoch):\d+$")
MASK_VALUES = {b"replication-offset", b"create-time", b"events", b"send-buffer-allocated",
               b"send-buffer-used"}


def id_placeholder(i):
    return (b"<node-%d>" % i).ljust(40, b".")


class Masker:
    """Masks the replies of one side (its ids and ports by node index)."""

    def __init__(self, cl):
        self.ids = {x.encode(): id_placeholder(i) for i, x in enumerate(cl.ids) if x}
        self.ports = {}
        for i, p in enumerate(cl.ports):
            self.ports[b"%d" % p] = b"%d" % (7000 + i)
            self.ports[b"%d" % cl.bus_port(i)] = b"%d" % (17000 + i)
        self.port_re = re.compile(rb"(?<![0-9])(" + b"|".join(self.ports) + rb")(?![0-9])") \
            if self.ports else None

    def text(self, s):
        s = HEX40.sub(lambda m: self.ids.get(m.group(0), m.group(0)), s)
        if self.port_re is not None:
            s = self.port_re.sub(lambda m: self.ports[m.group(1)], s)
        return s

    def lines(self, s):
        """A text reply: CLUSTER NODES lines and CLUSTER INFO fields masked."""
        sep = b"\r\n" if b"\r\n" in s else b"\n"
        out, stats = [], False
        for line in s.split(sep):
            m = NODES_LINE.match(line)
            if m and b":" in m.group(1):
                line = m.group(1) + b" <t> <t> <epoch>" + (m.group(5) or b"")
            elif INFO_EPOCH.match(line):
                line = line.split(b":")[0] + b":<epoch>"
            elif line.startswith(b"cluster_stats_messages_"):
                if stats:
                    continue
                stats = True
                line = b"cluster_stats_messages:<masked>"
            out.append(line)
        return sep.join(out)

    def node(self, n, hello=False):
        t, v = n
        if isinstance(v, list):
            v = [self.node(x, hello) for x in v]
            # key/value pairs (a RESP3 map, or RESP2's flat arrays of them)
            if len(v) % 2 == 0:
                for k in range(0, len(v), 2):
                    key = v[k][1] if v[k][0] in (b"$", b"+") else None
                    if key in MASK_VALUES or (hello and key == b"id"):
                        v[k + 1] = (v[k + 1][0], b"0" if v[k + 1][0] == b":" else b"<masked>")
            return (t, v)
        if t == b":":
            return (t, self.ports.get(v, v))
        if t in b"$+-=!" and v != b"-1":
            if t == b"=":
                return (t, v[:4] + self.lines(self.text(v[4:])))
            return (t, self.lines(self.text(v)))
        return n

    def reply(self, raw, hello=False):
        return b"".join(serialise(self.node(x, hello)) for x in parse_reply(raw))


def canon(node):
    """!unordered: every aggregate's elements (a map's pairs) sorted, at any depth."""
    t, v = node
    if not isinstance(v, list):
        return serialise(node)
    if t in b"%|":
        items = sorted(canon(v[k]) + canon(v[k + 1]) for k in range(0, len(v), 2))
        return t + b"%d\r\n" % (len(v) // 2) + b"".join(items)
    return t + b"%d\r\n" % len(v) + b"".join(sorted(canon(x) for x in v))


def sorted_lines(raw):
    out = []
    for t, v in parse_reply(raw):
        if t in (b"$", b"=") and v != b"-1":
            pre, body = (v[:4], v[4:]) if t == b"=" else (b"", v)
            v = pre + b"\n".join(sorted(body.split(b"\n")))
        out.append(serialise((t, v)))
    return b"".join(out)


def same(mode, a, b):
    if mode == "exact":
        return a == b
    if mode == "unordered":
        return b"".join(canon(x) for x in parse_reply(a)) == \
            b"".join(canon(x) for x in parse_reply(b))
    if mode == "lines":
        return sorted_lines(a) == sorted_lines(b)
    if mode == "type":
        if a[:1] != b[:1]:
            return False
        if a[:1] in b"*~%>":
            return a.split(b"\r\n")[0] == b.split(b"\r\n")[0]
        return True
    if mode == "sameerror":
        return a[:1] == b"-" and b[:1] == b"-" and a.split(b" ")[0] == b.split(b" ")[0]
    raise ValueError(mode)


# ---------------------------------------------------------------------------
# Running a file


MODES = {"!unordered": "unordered", "!type": "type", "!sameerror": "sameerror",
         "!lines": "lines", "!read": "read"}
UNTIL_S = 60  # bound of !until=TEXT (failure detection on a slow machine)
VAR = re.compile(rb"\$(id|port)(\d+)")


def substitute(arg, cl):
    """$idI and $portI in an argument: node I's id and port on that side."""
    def one(m):
        i = int(m.group(2))
        if i >= len(cl.ports):
            raise ValueError("no node %d" % i)
        return cl.ids[i].encode() if m.group(1) == b"id" else b"%d" % cl.ports[i]
    return VAR.sub(one, arg)


class Side:
    def __init__(self, cl):
        self.cl, self.mask, self.conns = cl, Masker(cl), {}

    def send(self, node, args):
        if node not in self.conns:
            self.conns[node] = self.cl.conn(node)
        return self.conns[node].call(*[substitute(a, self.cl) for a in args])

    def read(self, node):
        """The next frame on node's connection, without sending anything."""
        if node not in self.conns:
            self.conns[node] = self.cl.conn(node)
        return self.conns[node]._reply()

    def close(self):
        for c in self.conns.values():
            c.close()


def admin_step(s, node, args, until):
    """One side's admin step: None when it succeeded (no error reply; for
    SHUTDOWN the connection closed; with !until=TEXT once a reply holds
    TEXT, the command resent until then, for at most UNTIL_S)."""
    deadline = time.monotonic() + UNTIL_S
    while True:
        try:
            got = s.send(node, args)
        except (OSError, ConnectionError):
            if args[0].upper() == b"SHUTDOWN":
                s.conns.pop(node).close()
                return None
            raise
        if until is None:
            return show(got) if got[:1] in (b"-", b"!") else None
        if substitute(until, s.cl) in got:
            return None
        if time.monotonic() > deadline:
            return "no reply with %r in %d s; the last: %s" % (until, UNTIL_S, show(got))
        time.sleep(0.02)


def show(b):
    s = repr(b)[2:-1]
    return s if len(s) < 1200 else s[:1200] + " ..."


def options(path):
    """The file's `#!` lines: `#! replicas R` (0 without one), `#!
    redis-server ARGS` and `#! mockredis ARGS` (launch options of every
    node of that side)."""
    replicas, extra = 0, {"redis-server": [], "mockredis": []}
    with open(path, encoding="latin-1") as f:
        for line in f:
            if not line.startswith("#!"):
                continue
            w = line[2:].split()
            if len(w) == 2 and w[0] == "replicas" and w[1].isdigit():
                replicas = int(w[1])
            elif w and w[0] in extra:
                extra[w[0]] += [x.decode("latin-1") for x in split_args(line[2:].strip())[1:]]
            else:
                raise ValueError("%s: bad option line: %s" % (path, line.strip()))
    return replicas, extra


def run_file(path, a, counts):
    replicas, extra = options(path)
    first = RealCluster(3, replicas, server=a.redis, cli=a.cli, extra=extra["redis-server"])
    second = None
    try:
        if a.self_check:
            second = RealCluster(3, replicas, server=a.redis, cli=a.cli,
                                 extra=extra["redis-server"])
        else:
            second = MockCluster(a.mock, 3, replicas, extra=extra["mockredis"])
        return run_lines(path, a, Side(first), Side(second), counts)
    finally:
        first.stop()
        if second is not None:
            st = second.stop()
            if not a.self_check and st != 0:
                print("%s: mockredis did not exit cleanly (status %s)" % (path, st))
                counts[1] += 1


def compare(where, node, line, mode, want, got, r, m, a, counts):
    if a.show:
        print("%s: @%d %s\n    %s" % (where, node, line, show(want)))
    if same(mode, want, got):
        counts[0] += 1
    else:
        counts[1] += 1
        print("%s: MISMATCH @%d %s\n    %-9s %s\n    %-9s %s" % (
            where, node, line, r.cl.name, show(want), m.cl.name + "#2"
            if a.self_check else m.cl.name, show(got)))


def run_lines(path, a, r, m, counts):
    lines = open(path, encoding="latin-1").read().split("\n")
    try:
        for lineno, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            where = "%s:%d" % (path, lineno)
            only = None
            w = line.split(None, 1)
            if w[0] in ("real:", "mock:", "second:"):
                only, line = w[0][:-1], (w[1] if len(w) > 1 else "")
                w = line.split(None, 1)
            node = 0
            if w and w[0].startswith("@"):
                node, line = int(w[0][1:]), (w[1] if len(w) > 1 else "")
                w = line.split(None, 1)
            mode, until = "exact", None
            if w and w[0].startswith("!until=") and only is not None:
                until, line = w[0][7:].encode(), (w[1] if len(w) > 1 else "")
            elif w and w[0].startswith("!"):
                if w[0] not in MODES:
                    print("%s: unknown modifier %s" % (where, w[0]))
                    counts[1] += 1
                    continue
                mode, line = MODES[w[0]], (w[1] if len(w) > 1 else "")
            if mode == "read" or line.strip() == "!read":
                # a message that arrived on this node's connection (Pub/Sub)
                want = r.mask.reply(r.read(node))
                got = m.mask.reply(m.read(node))
                compare(where, node, "!read", "exact", want, got, r, m, a, counts)
                continue
            args = split_args(line)
            if not args:
                print("%s: unbalanced quotes or empty command" % where)
                counts[1] += 1
                continue
            if only is not None:
                # an admin step for one side: it must succeed, nothing is compared
                if a.self_check:
                    sides = {"real": [r, m], "mock": [], "second": [m]}[only]
                else:
                    sides = {"real": [r], "mock": [m], "second": []}[only]
                for s in sides:
                    err = admin_step(s, node, args, until)
                    if err:
                        print("%s: %s step failed on %s: %s\n    %s" % (
                            where, only, s.cl.name, line, err))
                        counts[1] += 1
                continue
            hello = args[0].upper() == b"HELLO"
            want = r.mask.reply(r.send(node, args), hello)
            got = m.mask.reply(m.send(node, args), hello)
            compare(where, node, line, mode, want, got, r, m, a, counts)
    except (OSError, ConnectionError) as e:
        print("%s: connection failed (crash?): %s" % (path, e))
        counts[1] += 1
    finally:
        r.close()
        m.close()


# ---------------------------------------------------------------------------
# The masking's own checks (--unit): what must differ still differs


class _Fake:
    def __init__(self, ids, ports):
        self.ids, self.ports = ids, ports

    def bus_port(self, i):
        return self.ports[i] + 10000


def unit():
    a = Masker(_Fake(["a" * 40, "b" * 40], [20001, 20002]))
    b = Masker(_Fake(["c" * 40, "d" * 40], [21001, 21002]))

    def text(ids, ports, flags, epoch, t):
        s = b"".join(b"%s 127.0.0.1:%d@%d %s - 0 %d %d connected\n"
                     % (i.encode(), p, p + 10000, f, t, epoch)
                     for i, p, f in zip(ids, ports, flags))
        return b"$%d\r\n%s\r\n" % (len(s), s)

    checks = []
    ra = text(["a" * 40, "b" * 40], [20001, 20002], [b"myself,master", b"master"], 1, 111)
    rb = text(["c" * 40, "d" * 40], [21001, 21002], [b"myself,master", b"master"], 7, 999)
    checks.append(("ids, ports, epochs and times are masked", a.reply(ra) == b.reply(rb)))
    rb2 = text(["d" * 40, "c" * 40], [21001, 21002], [b"myself,master", b"master"], 7, 999)
    checks.append(("ids swapped between nodes differ", a.reply(ra) != b.reply(rb2)))
    rb3 = text(["c" * 40, "d" * 40], [21002, 21001], [b"myself,master", b"master"], 7, 999)
    checks.append(("ports swapped between nodes differ", a.reply(ra) != b.reply(rb3)))
    rb4 = text(["c" * 40, "d" * 40], [21001, 21002], [b"master", b"myself,master"], 7, 999)
    checks.append(("flags differ", a.reply(ra) != b.reply(rb4)))
    checks.append(("MOVED to another node differs",
                   a.reply(b"-MOVED 1 127.0.0.1:20001\r\n") != b.reply(b"-MOVED 1 127.0.0.1:21002\r\n")))
    checks.append(("MOVED to the same node matches",
                   a.reply(b"-MOVED 1 127.0.0.1:20001\r\n") == b.reply(b"-MOVED 1 127.0.0.1:21001\r\n")))
    checks.append(("an unknown id is kept", a.reply(b"$40\r\n" + b"e" * 40 + b"\r\n")
                   != b.reply(b"$40\r\n" + b"f" * 40 + b"\r\n")))
    checks.append(("integer port vs bulk port differ",
                   a.reply(b":20001\r\n") != b.reply(b"$5\r\n21001\r\n")))
    ia = b"cluster_state:ok\r\ncluster_current_epoch:6\r\ncluster_stats_messages_ping_sent:3\r\n" \
         b"cluster_stats_messages_sent:3\r\n"
    ib = b"cluster_state:ok\r\ncluster_current_epoch:3\r\ncluster_stats_messages_pong_sent:9\r\n"
    checks.append(("CLUSTER INFO's epochs and message counters masked",
                   a.reply(b"$%d\r\n%s\r\n" % (len(ia), ia)) == b.reply(b"$%d\r\n%s\r\n" % (len(ib), ib))))
    ic = b"cluster_state:ok\r\ncluster_current_epoch:3\r\n"
    checks.append(("CLUSTER INFO without message counters differs",
                   a.reply(b"$%d\r\n%s\r\n" % (len(ia), ia)) != b.reply(b"$%d\r\n%s\r\n" % (len(ic), ic))))
    checks.append(("split_args", split_args('SET "a b" c') == [b"SET", b"a b", b"c"] and
                   split_args('a "b\\x00c" \'d\\\'e\'') == [b"a", b"b\x00c", b"d'e"] and
                   split_args('"abc') is None))
    bad = [name for name, ok in checks if not ok]
    for name in bad:
        print("unit check failed: " + name)
    print("%d passed, %d failed" % (len(checks) - len(bad), len(bad)))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mock")
    ap.add_argument("--self-check", action="store_true")
    ap.add_argument("--unit", action="store_true")
    ap.add_argument("--show", action="store_true", help="print every masked reply of the real cluster")
    ap.add_argument("--redis", default=shutil.which("redis-server") or "/usr/bin/redis-server")
    ap.add_argument("--cli", default=shutil.which("redis-cli") or "/usr/bin/redis-cli")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.unit:
        return unit()
    if not a.files or (not a.mock and not a.self_check):
        ap.error("give --mock BIN or --self-check, and corpus files")
    counts = [0, 0]
    for path in a.files:
        try:
            run_file(path, a, counts)
        except (RuntimeError, ValueError, OSError) as e:
            print("%s: %s" % (path, e))
            counts[1] += 1
    print("%d passed, %d failed" % tuple(counts))
    return 1 if counts[1] else 0


if __name__ == "__main__":
    sys.exit(main())
