#!/usr/bin/env python3
"""output_rss.py - server memory when output piles up (issue 8 items 4 and 6).

Two measurements, each against a mockredis binary or Debian's redis-server,
started here on a free loopback port and stopped at the end:

  subscriber   a subscriber that never reads (SO_RCVBUF 4 KB) while a
               publisher publishes TOTAL_MB in MSG_KB messages (pipelined by
               16): peak RSS of the server over its RSS before, how many
               PUBLISHes still counted the subscriber, whether it was dropped.
  pieces       a reply of PIECES_MB written by a scenario rule "pieces 1"
               (mockredis) or held for a client that does not read
               (redis-server, which has no such rule): the server's RSS
               growth once the reply is under way, and how long a PING on
               another connection waited meanwhile.

Usage:
  bench/output_rss.py subscriber (--mock BIN | --redis) [--total-mb 1024] [--msg-kb 64]
  bench/output_rss.py pieces (--mock BIN | --redis) [--pieces-mb 50]
Not part of the test suite: RSS and times depend on the machine."""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(args, scenario=None):
    port = free_port()
    if args.redis:
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--logfile", os.devnull]
    else:
        cmd = [args.mock, "--port", str(port)]
        if scenario:
            cmd += ["--scenario", scenario]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(500):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return proc, port
        except OSError:
            time.sleep(0.01)
    sys.exit("server did not start")


def command(*words):
    out = [b"*%d\r\n" % len(words)]
    for w in words:
        w = w if isinstance(w, bytes) else w.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(w), w))
    return b"".join(out)


class Conn:
    def __init__(self, port, rcvbuf=None):
        self.s = socket.socket()
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.connect(("127.0.0.1", port))
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def call(self, *words):
        self.s.sendall(command(*words))
        return self.line()


def subscriber(args):
    proc, port = start(args)
    sub = Conn(port, rcvbuf=4096)
    sub.s.sendall(command("SUBSCRIBE", "ch"))
    for _ in range(6):  # *3, $9, subscribe, $2, ch, :1
        sub.line()
    pub = Conn(port)
    base = rss_kb(proc.pid)
    msg = b"x" * (args.msg_kb * 1024)
    batch = command("PUBLISH", "ch", msg) * 16
    n = args.total_mb * 1024 // args.msg_kb // 16
    counted = zero = 0
    peak = base
    t0 = time.monotonic()
    try:
        for _ in range(n):
            pub.s.sendall(batch)
            for _ in range(16):
                r = pub.line()
                if r == b":1":
                    counted += 1
                else:
                    zero += 1
            peak = max(peak, rss_kb(proc.pid))
    except (EOFError, OSError) as e:
        print("the server went away: %r (exit %s)" % (e, proc.poll()))
    took = time.monotonic() - t0
    print("%s: published %d x %d KB in %.1f s; PUBLISH counted the subscriber %d times, "
          "0 after (%d)" % ("redis-server" if args.redis else args.mock, n * 16, args.msg_kb,
                            took, counted, zero))
    print("RSS before %d MB, peak %d MB (+%d MB)" % (base // 1024, peak // 1024,
                                                    (peak - base) // 1024))
    proc.terminate()
    proc.wait()


def pieces(args):
    size = args.pieces_mb * 1024 * 1024
    scenario = None
    if not args.redis:
        fd, scenario = tempfile.mkstemp(suffix=".scn")
        os.write(fd, b"finish control\non GET big do pieces 1 pause 10ms\n")
        os.close(fd)
    proc, port = start(args, scenario)
    b = Conn(port)
    assert b.call("SETRANGE", "big", str(size - 1), "x") == b":%d" % size
    base = rss_kb(proc.pid)
    a = Conn(port, rcvbuf=4096)
    t0 = time.monotonic()
    a.s.sendall(command("GET", "big"))
    assert b.call("PING") == b"+PONG"
    ping = time.monotonic() - t0
    first = a.s.recv(1)
    assert first == b"$"
    first_ms = (time.monotonic() - t0) * 1000
    t1 = time.monotonic()
    assert b.call("PING") == b"+PONG"
    ping2 = time.monotonic() - t1
    time.sleep(0.5)
    grown = rss_kb(proc.pid)
    print("%s: %d MB reply under way: RSS before %d MB, after %d MB (+%d MB); first byte "
          "after %.0f ms; a PING sent right after the GET waited %.0f ms, one sent after the "
          "first byte %.0f ms" % ("redis-server" if args.redis else args.mock, args.pieces_mb,
                                  base // 1024, grown // 1024, (grown - base) // 1024, first_ms,
                                  ping * 1000, ping2 * 1000))
    proc.terminate()
    proc.wait()
    if scenario:
        os.unlink(scenario)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["subscriber", "pieces"])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--mock")
    g.add_argument("--redis", action="store_true")
    p.add_argument("--total-mb", type=int, default=1024)
    p.add_argument("--msg-kb", type=int, default=64)
    p.add_argument("--pieces-mb", type=int, default=50)
    args = p.parse_args()
    subscriber(args) if args.what == "subscriber" else pieces(args)


if __name__ == "__main__":
    main()
