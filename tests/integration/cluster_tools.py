#!/usr/bin/python3
"""cluster_tools.py - Debian's redis-cli -c and redis-benchmark --cluster against a cluster.

  cluster_tools.py --mock BUILD/mockredis [--only cli|benchmark]   a mockredis --cluster 3
  cluster_tools.py --real [--only cli|benchmark]                   a real cluster (the test's own proof)

cli: through `redis-cli -c -p <node 0>` only, SET then GET one key owned by
each primary (bar: node 0, c: node 1, foo: node 2); each must answer OK and
the value, and each key must then be found, with a plain connection, on the
node that owns it and nowhere else (node 0 answers MOVED for the others): so
redis-cli did follow the redirection rather than the node storing the key.

benchmark: `redis-benchmark --cluster -p <node 0> -t set,get -n 2000 -q`
must exit 0 and report a rate for SET and GET, and every primary's INFO
commandstats must count SET and GET calls (the load was spread by slot).

Every check prints one line; the last line is "N passed, N failed"; exit
status 0 only when nothing failed. A cluster that does not start is a
failure. The mock must exit with status 0 on SIGTERM.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "diff"))
from realcluster import MockCluster, RealCluster, call  # noqa: E402

KEYS = [("bar", 0), ("c", 1), ("foo", 2)]  # key, the primary owning its slot


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print("ok: " + what)
        else:
            self.failed += 1
            print("FAILED: %s%s" % (what, ("\n    " + detail) if detail else ""))


def cli(cl, c, redis_cli):
    port = str(cl.ports[0])
    for key, owner in KEYS:
        value = "v-" + key
        r = subprocess.run([redis_cli, "-c", "-p", port, "SET", key, value],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        out = r.stdout.decode(errors="replace").strip()
        c.check(r.returncode == 0 and out == "OK", "redis-cli -c SET %s (node %d)" % (key, owner), out)
        r = subprocess.run([redis_cli, "-c", "-p", port, "GET", key],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        out = r.stdout.decode(errors="replace").strip()
        c.check(r.returncode == 0 and out == value, "redis-cli -c GET %s (node %d)" % (key, owner), out)
        got = [call(cl.ports[i], "GET", key) for i in range(cl.primaries)]
        want = value.encode()
        bulk = b"$%d\r\n%s\r\n" % (len(want), want)
        ok = got[owner] == bulk and all(
            g is not None and g.startswith(b"-MOVED ") for i, g in enumerate(got) if i != owner)
        c.check(ok, "%s stored on node %d only (the others answer MOVED)" % (key, owner), repr(got))


def calls(port, cmd):
    stats = call(port, "INFO", "commandstats") or b""
    m = re.search(rb"cmdstat_%s:calls=(\d+)" % cmd, stats)
    return int(m.group(1)) if m else 0


def benchmark(cl, c, redis_benchmark):
    before = {(i, cmd): calls(cl.ports[i], cmd) for i in range(cl.primaries) for cmd in (b"set", b"get")}
    r = subprocess.run([redis_benchmark, "--cluster", "-h", "127.0.0.1", "-p", str(cl.ports[0]),
                        "-t", "set,get", "-n", "2000", "-q"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = r.stdout.decode(errors="replace")
    c.check(r.returncode == 0, "redis-benchmark --cluster exits 0", out[-2000:])
    for t in ("SET", "GET"):
        m = re.search(r"^%s: ([0-9.]+) requests per second" % t, out.replace("\r", "\n"), re.M)
        c.check(m is not None and float(m.group(1)) > 0, "redis-benchmark reports a %s rate" % t,
                out[-2000:])
    for i in range(cl.primaries):
        for cmd in (b"set", b"get"):
            n = calls(cl.ports[i], cmd) - before[(i, cmd)]
            c.check(n > 0, "node %d processed %s commands (%d)" % (i, cmd.decode().upper(), n))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--mock")
    g.add_argument("--real", action="store_true")
    ap.add_argument("--only", choices=["cli", "benchmark"])
    a = ap.parse_args()
    redis_cli = shutil.which("redis-cli") or "/usr/bin/redis-cli"
    redis_benchmark = shutil.which("redis-benchmark") or "/usr/bin/redis-benchmark"
    c = Checks()
    try:
        cl = MockCluster(a.mock, 3, 0) if a.mock else RealCluster(3, 0)
    except (RuntimeError, OSError) as e:
        print("the cluster did not start: %s" % e)
        print("0 passed, 1 failed")
        return 1
    try:
        if a.only in (None, "cli"):
            cli(cl, c, redis_cli)
        if a.only in (None, "benchmark"):
            benchmark(cl, c, redis_benchmark)
    except subprocess.TimeoutExpired as e:
        c.check(False, "%s finished" % e.cmd[0])
    finally:
        st = cl.stop()
        if a.mock:
            c.check(st == 0, "mockredis exits with status 0 (%s)" % st)
    print("%d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
