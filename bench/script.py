#!/usr/bin/env python3
"""script.py - EVALSHA round trips and the memory of cached scripts, mockredis beside redis-server.

Issue 12's closing figures, measured in the same run on the same machine:

  evalsha   redis-benchmark runs `EVALSHA <sha> 1 key` against both servers,
            alternating mock, redis, mock, redis ... for --rounds rounds, per
            script and per pipeline depth (-P 1 and 16, -c 50 clients). Two
            scripts: `return 1` (the cost of EVALSHA itself: lookup, KEYS and
            ARGV, the call, the reply) and `return redis.call('INCR',
            KEYS[1])` (plus one redis.call). Per row, the median over the
            rounds of redis-benchmark's requests/s and of the server's CPU
            time per request (/proc/PID/schedstat around each run), with the
            ratios mock/redis, as bench/throughput.sh prints them.
  memory    on a fresh server of each kind: INFO memory and the process's
            VmRSS (/proc/PID/status) before and after SCRIPT LOAD of --scripts
            distinct scripts (about 120 bytes of Lua each, with a few
            redis.call lines, as a rate limiter or a lock would have), then
            after SCRIPT FLUSH. Both servers answer used_memory from their
            allocator: redis-server from jemalloc's counters, mockredis from
            glibc's mallinfo2() (uordblks + hblkhd: every byte malloc has
            handed out and not taken back, the Lua interpreter's included).

Usage:
  bench/script.py [--mock BIN] [--redis-server BIN] [--rounds R] [-n REQUESTS]
                  [-c CLIENTS] [-P "1 16"] [--scripts N] [--only evalsha,memory]

Python 3 standard library only, plus redis-benchmark (Debian's redis-tools);
Linux (/proc). Servers are started by bench/limits.py's Server on free
loopback ports and stopped at the end. Not part of the test suite: timings
depend on the machine and its load."""

import argparse
import os
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from limits import Conn, Server, proc_status, stop_all, version  # noqa: E402

SCRIPTS = [("return 1", "return 1"),
           ("incr", "return redis.call('INCR', KEYS[1])")]


def cpu_ns(pid):
    """CPU time the process has used so far, in ns (/proc/PID/schedstat)."""
    with open("/proc/%d/schedstat" % pid) as f:
        return int(f.read().split()[0])


def bulk(conn, *words):
    """The body of a bulk-string reply (INFO, SCRIPT LOAD); raises on anything else."""
    head = conn.call(*words)
    if not head.startswith(b"$"):
        raise RuntimeError("%s answered %r" % (" ".join(words), head))
    n = int(head[1:])
    while len(conn.buf) < n + 2:
        chunk = conn.s.recv(65536)
        if not chunk:
            raise EOFError("connection closed by the server")
        conn.buf += chunk
    body, conn.buf = conn.buf[:n], conn.buf[n + 2:]
    return body.decode()


def info_fields(conn, section):
    out = {}
    for line in bulk(conn, "INFO", section).splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out


def bench_one(running, sha, clients, requests, pipeline):
    """One redis-benchmark run: (requests/s, server CPU us per request)."""
    before = cpu_ns(running.pid)
    out = subprocess.run(
        ["redis-benchmark", "-h", "127.0.0.1", "-p", str(running.port), "-c", str(clients),
         "-n", str(requests), "-P", str(pipeline), "--csv", "EVALSHA", sha, "1", "bench:key"],
        capture_output=True, text=True, timeout=600)
    after = cpu_ns(running.pid)
    rows = [line.replace('"', "").split(",") for line in out.stdout.splitlines()]
    rows = [r for r in rows if len(r) >= 2 and r[0] != "test"]
    if out.returncode != 0 or not rows:
        raise RuntimeError("redis-benchmark failed against port %d: %s" % (running.port,
                                                                          out.stderr[-300:]))
    return float(rows[0][1]), (after - before) / 1000.0 / requests


def measure_evalsha(servers, args):
    running = [s.start() for s in servers]
    shas = []
    for r in running:
        c = Conn(r.port)
        shas.append([bulk(c, "SCRIPT", "LOAD", body) for _, body in SCRIPTS])
        # Same script, same digest: both servers must agree on SHA1.
        c.close()
    if shas[0] != shas[1]:
        raise RuntimeError("the servers disagree on the digests: %r" % shas)
    raw = {}  # (server index, script, pipeline) -> [(rps, us)]
    pipelines = [int(p) for p in args.pipelines.split()]
    for rnd in range(args.rounds):
        for p in pipelines:
            for si, (name, _) in enumerate(SCRIPTS):
                for ri, r in enumerate(running):
                    print("\rround %d/%d, -P %-3d %-10s %-12s" % (
                        rnd + 1, args.rounds, p, name, servers[ri].label), end="",
                        file=sys.stderr, flush=True)
                    raw.setdefault((ri, name, p), []).append(
                        bench_one(r, shas[0][si], args.clients, args.requests, p))
    print("\r%60s\r" % "", end="", file=sys.stderr)
    for r in running:
        if r.proc.poll() is not None:
            raise RuntimeError("%s died during the runs" % r.server.label)
        r.stop()
    print("EVALSHA <sha> 1 bench:key; redis-benchmark -c %d -n %d, median of %d rounds" % (
        args.clients, args.requests, args.rounds))
    print("%-10s %3s %12s %12s %6s   %9s %9s %6s" % ("script", "-P", "mock req/s", "redis req/s",
                                                    "ratio", "mock us", "redis us", "ratio"))
    for p in pipelines:
        for name, _ in SCRIPTS:
            m = [statistics.median(x[k] for x in raw[(0, name, p)]) for k in (0, 1)]
            r = [statistics.median(x[k] for x in raw[(1, name, p)]) for k in (0, 1)]
            print("%-10s %3d %12.0f %12.0f %6.2f   %9.2f %9.2f %6.2f" % (
                name, p, m[0], r[0], m[0] / r[0], m[1], r[1], m[1] / r[1]))
    print("req/s ratio mock/redis: >= 1.00 means mockredis answers as fast or faster")
    print("us: server CPU time per request; ratio mock/redis, lower is better")
    print()


def script_body(i):
    # Distinct scripts of a realistic shape (a rate limiter's), ~120 bytes.
    return ("local n = redis.call('INCR', KEYS[1]) -- %06d\n"
            "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end\n"
            "return n" % i)


def measure_memory(servers, args):
    rows = []
    for s in servers:
        r = s.start()
        c = Conn(r.port)
        c.call("SCRIPT", "FLUSH")
        time.sleep(0.2)
        before = info_fields(c, "memory")
        rss0 = proc_status(r.pid, "VmRSS")
        for i in range(args.scripts):
            bulk(c, "SCRIPT", "LOAD", script_body(i))
        after = info_fields(c, "memory")
        rss1 = proc_status(r.pid, "VmRSS")
        c.call("SCRIPT", "FLUSH")
        flushed = info_fields(c, "memory")
        rss2 = proc_status(r.pid, "VmRSS")
        c.close()
        r.stop()
        lua0 = int(before.get("used_memory_lua", 0))
        lua1 = int(after.get("used_memory_lua", 0))
        rows.append((s.label, int(before["used_memory"]), int(after["used_memory"]),
                     int(flushed["used_memory"]), lua0, lua1, rss0, rss1, rss2,
                     after.get("number_of_cached_scripts", "-")))
    n = args.scripts
    print("memory of %d loaded scripts (SCRIPT LOAD, ~%d bytes of Lua each)" % (
        n, len(script_body(0))))
    print("%-13s %11s %11s %11s %11s %8s   %8s %8s %9s %9s" % (
        "server", "used before", "used after", "used delta", "Lua delta", "B/script",
        "RSS0 kB", "RSS1 kB", "delta kB", "flush kB"))
    for label, u0, u1, u2, l0, l1, k0, k1, k2, cached in rows:
        print("%-13s %11d %11d %11d %11s %8.0f   %8d %8d %9d %9d" % (
            label, u0, u1, u1 - u0, (l1 - l0) if l1 else "-", (u1 - u0 + l1 - l0) / n,
            k0, k1, k1 - k0, k2 - k0))
        print("%-13s after SCRIPT FLUSH: used %d (%+d over before); number_of_cached_scripts "
              "after the loads: %s" % ("", u2, u2 - u0, cached))
    print("used: INFO used_memory in bytes (redis-server: jemalloc's count, which leaves out")
    print("the Lua interpreter: that is used_memory_lua, the 'Lua delta'; mockredis: glibc's")
    print("mallinfo2() in-use bytes, Lua included). B/script: (used delta + Lua delta) / N.")
    print("RSS: VmRSS before the loads, after them, the delta, and after SCRIPT FLUSH")
    print("relative to before.")
    print()


MEASUREMENTS = {"evalsha": measure_evalsha, "memory": measure_memory}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mock", default=os.path.join(here, "..", "build", "mockredis"))
    p.add_argument("--redis-server", default=os.environ.get("REDIS_SERVER", "redis-server"))
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("-n", "--requests", type=int, default=100000)
    p.add_argument("-c", "--clients", type=int, default=50)
    p.add_argument("-P", "--pipelines", default="1 16")
    p.add_argument("--scripts", type=int, default=1000)
    p.add_argument("--only", default="evalsha,memory")
    args = p.parse_args()
    servers = [Server("mockredis", "mock", os.path.normpath(args.mock)),
               Server("redis-server", "redis", args.redis_server)]
    print("== script.py: %s, %d cores, load average %s" % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(),
        " ".join("%.2f" % x for x in os.getloadavg())))
    for s in servers:
        print("   %-13s %s (%s)" % (s.label, s.binary, version(s.binary)))
    print()
    try:
        for w in args.only.split(","):
            MEASUREMENTS[w](servers, args)
    except KeyboardInterrupt:
        print("interrupted; the servers are stopped", file=sys.stderr)
        return 130
    finally:
        stop_all()
    print("load average at the end: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
