#!/usr/bin/python3
"""xgroup_fuzz.py - random consumer-group commands, mockredis against redis-server.

Differential fuzz of the stream consumer groups (cmd_xgroup.c, stream_cg.c):
random sequences of XADD, XDEL, XTRIM, XSETID, DEL, COPY, XGROUP (CREATE
with MKSTREAM/ENTRIESREAD, SETID, DESTROY, CREATECONSUMER, DELCONSUMER),
XREADGROUP (">" and history IDs, COUNT, NOACK, two keys), XACK, XPENDING
(summary, extended, consumer), XCLAIM (FORCE, JUSTID, RETRYCOUNT, LASTID),
XAUTOCLAIM (COUNT, JUSTID) and XINFO (GROUPS, STREAM [FULL]) on two keys,
three groups (the empty name included) and three consumers, with valid and
invalid IDs. Each command is sent to both servers, which keep their state
from one command to the next, and the replies are compared byte for byte,
except for what the clocks make differ: absolute times (XINFO STREAM FULL's
delivery and seen times) and XPENDING's idle column are masked; XINFO
CONSUMERS (idle times only) and XCLAIM's IDLE/TIME are not generated.

Reproducible: command i of a run is drawn from random.Random(seed), in
order; the run is bounded by --count, never by time. The first half runs on
RESP2 connections, the second, after FLUSHALL, on connections that sent
HELLO 3. Servers and RESP reading come from script_fuzz.py (same folder).

  xgroup_fuzz.py --mock BUILD/mockredis [--count N] [--seed S]

Exit status: 0 when every reply matched, 1 on a divergence or a crash (the
command and both replies are printed), 2 on a start-up error.
"""
import argparse
import os
import random
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from script_fuzz import Conn, start_mock, start_redis  # noqa: E402

KEYS = ["s", "t"]
GROUPS = ["g", "h", ""]
CONSUMERS = ["a", "b", "c"]


def some_id(r):
    if r.random() < 0.1:
        return r.choice(["-", "+", "0", "$", ">", "abc", "(1-1", "0-0",
                         "18446744073709551615-18446744073709551615"])
    return "%d-%d" % (r.randint(0, 12), r.randint(0, 2))


def command(r):
    k, g, c = r.choice(KEYS), r.choice(GROUPS), r.choice(CONSUMERS)
    n = r.randint(0, 17)
    if n <= 2:
        return ["XADD", k, "%d-%d" % (r.randint(0, 12), r.randint(0, 2)), "f", str(r.randint(0, 9))]
    if n == 3:
        return ["XDEL", k, some_id(r), some_id(r)]
    if n == 4:
        a = ["XGROUP", "CREATE", k, g, r.choice(["$", "0", some_id(r)])]
        if r.random() < 0.3:
            a.append("MKSTREAM")
        if r.random() < 0.3:
            a += ["ENTRIESREAD", str(r.randint(-2, 5))]
        return a
    if n == 5:
        a = ["XGROUP", "SETID", k, g, r.choice(["$", "0", some_id(r)])]
        if r.random() < 0.3:
            a += ["ENTRIESREAD", str(r.randint(-2, 5))]
        return a
    if n == 6:
        return ["XGROUP", "DESTROY", k, g]
    if n == 7:
        return ["XGROUP", r.choice(["CREATECONSUMER", "DELCONSUMER"]), k, g, c]
    if n <= 10:
        a = ["XREADGROUP", "GROUP", g, c]
        if r.random() < 0.4:
            a += ["COUNT", str(r.randint(-1, 3))]
        if r.random() < 0.3:
            a.append("NOACK")
        ks = r.sample(KEYS, r.randint(1, 2))
        return a + ["STREAMS"] + ks + [r.choice([">", ">", "0", some_id(r)]) for _ in ks]
    if n == 11:
        return ["XACK", k, g] + [some_id(r) for _ in range(r.randint(1, 3))]
    if n == 12:
        if r.random() < 0.5:
            return ["XPENDING", k, g]
        a = ["XPENDING", k, g, some_id(r), some_id(r), str(r.randint(-1, 5))]
        if r.random() < 0.4:
            a.append(c)
        return a
    if n == 13:
        a = ["XCLAIM", k, g, c, r.choice(["0", "0", "100000", "-1"])]
        a += [some_id(r) for _ in range(r.randint(1, 3))]
        for o in ["FORCE", "JUSTID", "RETRYCOUNT", "LASTID"]:
            if r.random() < 0.2:
                a.append(o)
                if o == "RETRYCOUNT":
                    a.append(str(r.randint(-1, 5)))
                if o == "LASTID":
                    a.append(some_id(r))
        return a
    if n == 14:
        a = ["XAUTOCLAIM", k, g, c, r.choice(["0", "0", "100000"]), some_id(r)]
        if r.random() < 0.4:
            a += ["COUNT", str(r.randint(0, 3))]
        if r.random() < 0.3:
            a.append("JUSTID")
        return a
    if n == 15:
        return ["XINFO", "GROUPS", k]
    if n == 16:
        return ["XINFO", "STREAM", k] + (["FULL"] if r.random() < 0.5 else [])
    return r.choice([["XTRIM", k, "MAXLEN", str(r.randint(0, 5))], ["DEL", k],
                     ["XSETID", k, "%d-%d" % (r.randint(0, 15), 5)], ["COPY", k, r.choice(KEYS)]])


TIMES = re.compile(rb":1[0-9]{12}\r\n")  # absolute ms times (2001..2286)
IDLE = re.compile(rb"(\r\n\$1\r\n[abc]\r\n):[0-9]+\r\n")  # XPENDING's idle column


def mask(cmd, reply):
    reply = TIMES.sub(b":T\r\n", reply)
    if cmd[0] == "XPENDING" and len(cmd) > 3:
        reply = IDLE.sub(rb"\1:I\r\n", reply)
    return reply


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mock", required=True)
    ap.add_argument("--redis", default=shutil.which("redis-server") or "/usr/bin/redis-server")
    ap.add_argument("--count", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="xgroup-fuzz-")
    try:
        redis = start_redis(a.redis)
    except RuntimeError as e:
        print(e)
        return 2
    try:
        mock = start_mock(a.mock, work)
    except RuntimeError as e:
        redis.stop()
        print(e)
        return 2
    r = random.Random(a.seed)
    rc, mc = Conn(redis.port), Conn(mock.port)
    status = 0
    try:
        for i in range(a.count):
            if i == a.count // 2:
                for c in (rc, mc):
                    c.call("FLUSHALL")
                    c.call("HELLO", "3")
            cmd = command(r)
            want, got = rc.call(*cmd), mc.call(*cmd)
            if mask(cmd, want) != mask(cmd, got):
                print("command %d of seed %d: %s\n  redis     %r\n  mockredis %r"
                      % (i, a.seed, " ".join(repr(x) if x == "" else x for x in cmd), want, got))
                status = 1
                break
    except (OSError, ConnectionError) as e:
        print("connection failed (crash?): %s" % e)
        status = 1
    finally:
        rc.close()
        mc.close()
        if not mock.alive():
            print("mockredis died")
            status = 1
        mock.stop()
        redis.stop()
        shutil.rmtree(work, ignore_errors=True)
    if status == 0:
        print("%d commands, seed %d: all replies matched" % (a.count, a.seed))
    return status


if __name__ == "__main__":
    sys.exit(main())
