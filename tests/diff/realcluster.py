"""realcluster.py - a real Redis Cluster and a mockredis cluster, started and stopped.

What the cluster tests (cluster_diff.py, tests/integration/cluster_cli.py)
and bench/cluster_startup.py need: N primaries and N*R replicas, either as
Debian redis-server processes joined by `redis-cli --cluster create`, or as
one `mockredis --cluster N --replicas R`, both seen the same way: a list of
ports and a list of node ids by node index, numbered as mockredis numbers
them (primaries 0..N-1 holding the slots in the order `redis-cli --cluster
create` splits them; then the replicas, node N+j following primary j % N).

A real cluster lives in a temporary directory of its own (nodes.conf, logs),
its servers are children of this process (`--daemonize no`), and stop()
kills them and removes the directory, whatever happened before. Readiness is
polled with a bound, never waited for with a fixed sleep: every node answers
PING, says cluster_state:ok, knows every other node with its final role and
no handshake/fail flag, and every replica's link to its primary is up.

Depends on script_fuzz.py (same folder) for Conn, the raw RESP connection.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from script_fuzz import Conn  # noqa: E402

READY_S = 60.0  # bound on start-up and convergence (an overloaded machine is slow)
POLL_S = 0.02   # pause between two polls of a condition


def _bindable(port):
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_cluster_port(taken, rng):
    """A port P where P and its bus port P+10000 are free now (P below the
    usual ephemeral range, so the bus port stays a valid port)."""
    for _ in range(1000):
        p = rng.randrange(20000, 30000)
        if p in taken or p + 10000 in taken:
            continue
        if _bindable(p) and _bindable(p + 10000):
            return p
    raise RuntimeError("no free port pair found")


def call(port, *args):
    """One command on a fresh connection; the raw reply, or None when the
    node does not answer."""
    try:
        c = Conn(port)
    except OSError:
        return None
    try:
        return c.call(*args)
    except (OSError, ConnectionError):
        return None
    finally:
        c.close()


def _bulk_text(reply):
    """The text of a bulk or verbatim string reply (RESP2 or RESP3)."""
    if reply is None or reply[:1] not in (b"$", b"="):
        return None
    body = reply[reply.index(b"\r\n") + 2:-2]
    if reply[:1] == b"=":
        body = body[4:]
    return body.decode("latin-1")


def poll(cond, what, bound=READY_S, poll_s=POLL_S):
    deadline = time.monotonic() + bound
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for " + what)
        time.sleep(poll_s)


class Cluster:
    """Ports and ids by node index; conn(i) opens a new connection."""

    name = "?"

    def __init__(self):
        self.ports, self.ids = [], []
        self.primaries, self.replicas = 0, 0

    def conn(self, i):
        return Conn(self.ports[i])

    def bus_port(self, i):
        return self.ports[i] + 10000

    def stop(self):
        pass


class RealCluster(Cluster):
    name = "redis"

    def __init__(self, primaries=3, replicas=0, server="redis-server", cli="redis-cli",
                 rng=None, extra=(), ready="full", poll_s=POLL_S):
        """ready "full": converged() (roles known everywhere, replicas
        synchronised); "ok": every node says cluster_state:ok and knows
        every node (what bench/cluster_startup.py times)."""
        super().__init__()
        import random
        rng = rng or random.Random()
        self.primaries, self.replicas = primaries, replicas
        self.dir = tempfile.mkdtemp(prefix="realcluster-")
        self.procs = []
        try:
            self._start(server, cli, rng, list(extra), ready, poll_s)
        except BaseException:
            self.stop()
            raise

    def _launch(self, server, p, extra):
        return subprocess.Popen(
            [server, "--port", str(p), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
             "--cluster-config-file", os.path.join(self.dir, "nodes-%d.conf" % p),
             "--dir", self.dir, "--save", "", "--appendonly", "no", "--daemonize", "no",
             "--logfile", os.path.join(self.dir, "%d.log" % p), *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _start(self, server, cli, rng, extra, ready, poll_s):
        n = self.primaries * (1 + self.replicas)
        ports = []
        for _ in range(n):  # all launched at once, then awaited
            ports.append(free_cluster_port(set(ports), rng))
            self.procs.append(self._launch(server, ports[-1], extra))
        for k in range(n):
            for attempt in range(5):
                proc, p = self.procs[k], ports[k]
                poll(lambda: proc.poll() is not None or call(p, "PING") == b"+PONG\r\n",
                     "redis-server on port %d" % p, poll_s=poll_s)
                if proc.poll() is None:
                    break
                proc.wait()  # the port was taken in between: another one
                ports[k] = free_cluster_port(set(ports), rng)
                self.procs[k] = self._launch(server, ports[k], extra)
            else:
                raise RuntimeError("cannot start %s (is redis-server installed?)" % server)
        args = [cli, "--cluster", "create"] + ["127.0.0.1:%d" % p for p in ports]
        if self.replicas:
            args += ["--cluster-replicas", str(self.replicas)]
        r = subprocess.run(args + ["--cluster-yes"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=READY_S)
        if r.returncode != 0:
            raise RuntimeError("redis-cli --cluster create failed:\n" + r.stdout.decode())
        ids = [_bulk_text(call(p, "CLUSTER", "MYID")) for p in ports]
        # Node order as mockredis numbers them: the primaries as given to
        # create (it splits the slots in that order), then replica j of
        # every primary; redis-cli chooses which replica follows which.
        prim = ports[:self.primaries]
        master_of = {}  # what each node says of itself
        for p in ports:
            for line in (_bulk_text(call(p, "CLUSTER", "NODES")) or "").splitlines():
                f = line.split()
                if len(f) > 3 and "myself" in f[2] and f[3] != "-":
                    master_of[f[0]] = f[3]
        order = list(prim)
        for k in range(self.replicas):
            for j in range(self.primaries):
                mine = sorted(p for p, i in zip(ports, ids)
                              if master_of.get(i) == ids[ports.index(prim[j])])
                if len(mine) <= k:
                    raise RuntimeError("redis-cli gave primary %d fewer than %d replicas"
                                       % (j, self.replicas))
                order.append(mine[k])
        self.ports = order
        self.ids = [ids[ports.index(p)] for p in order]
        poll(self.converged if ready == "full" else self.state_ok,
             "the real cluster to converge (cluster_state:ok everywhere)", poll_s=poll_s)

    def state_ok(self):
        n = len(self.ports)
        for p in self.ports:
            info = _bulk_text(call(p, "CLUSTER", "INFO")) or ""
            if "cluster_state:ok" not in info or "cluster_known_nodes:%d\r" % n not in info:
                return False
        return True

    def converged(self):
        n = len(self.ports)
        want = {}
        for i in range(n):
            want[self.ids[i]] = "-" if i < self.primaries else self.ids[i % self.primaries]
        for i, p in enumerate(self.ports):
            info = _bulk_text(call(p, "CLUSTER", "INFO")) or ""
            if "cluster_state:ok" not in info or "cluster_known_nodes:%d\r" % n not in info:
                return False
            nodes = _bulk_text(call(p, "CLUSTER", "NODES")) or ""
            seen = {}
            for line in nodes.splitlines():
                f = line.split()
                if len(f) < 8 or re.search(r"handshake|noaddr|fail|nofailover", f[2]):
                    return False
                if f[7] != "connected":
                    return False
                seen[f[0]] = f[3]
            if seen != want:
                return False
            if i >= self.primaries:
                repl = _bulk_text(call(p, "INFO", "replication")) or ""
                if "master_link_status:up" not in repl:
                    return False
            # CLUSTER SHARDS says "loading" for a replica until the others
            # learned its replication offset over the bus.
            if self.replicas and b"loading" in (call(p, "CLUSTER", "SHARDS") or b"loading"):
                return False
        return True

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            p.wait()
        self.procs = []
        shutil.rmtree(self.dir, ignore_errors=True)


class MockCluster(Cluster):
    name = "mockredis"

    def __init__(self, binary, primaries=3, replicas=0, extra=(), ready="ping", poll_s=POLL_S):
        """ready "ping": every node answers PING; "ok": every node says
        cluster_state:ok (CLUSTER INFO)."""
        super().__init__()
        self.primaries, self.replicas = primaries, replicas
        self.dir = tempfile.mkdtemp(prefix="mockcluster-")
        n = primaries * (1 + replicas)
        pf = os.path.join(self.dir, "ports")
        self.proc = subprocess.Popen(
            [binary, "--cluster", str(primaries), "--replicas", str(replicas),
             "--port-file", pf, *extra], stdout=subprocess.DEVNULL)
        try:
            def ports():
                if self.proc.poll() is not None:
                    raise RuntimeError("mockredis exited with %s" % self.proc.returncode)
                try:
                    with open(pf) as f:
                        ps = [int(x) for x in f.read().split()]
                except (OSError, ValueError):
                    return None
                return ps if len(ps) == n else None
            self.ports = poll(ports, "mockredis's port file", poll_s=poll_s)
            poll(self.state_ok if ready == "ok" else self.answers, "the mock cluster to answer",
                 poll_s=poll_s)
            self.ids = [_bulk_text(call(p, "CLUSTER", "MYID")) or "" for p in self.ports]
        except BaseException:
            self.stop()
            raise

    def answers(self):
        return all(call(p, "PING") == b"+PONG\r\n" for p in self.ports)

    def state_ok(self):
        return all(b"cluster_state:ok" in (call(p, "CLUSTER", "INFO") or b"") for p in self.ports)

    def stop(self):
        """Stops mockredis with SIGTERM; returns its exit status."""
        rc = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                rc = self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
        else:
            rc = self.proc.returncode
        shutil.rmtree(self.dir, ignore_errors=True)
        return rc
