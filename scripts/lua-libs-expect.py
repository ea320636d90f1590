#!/usr/bin/env python3
"""Regenerate the expected results of tests/unit/lua_libs_cases.txt from a
real redis-server (Debian's 7.0.15): the truth test_lua_libs checks
mockredis's cmsgpack and struct libraries against.

Each case is an expression line ("> EXPR"); its expected line ("= TEXT") is
what redis-server answers to

    EVAL "<PRELUDE> return res(pcall(function() return EXPR end))" 0

where PRELUDE (below, and the same in test_lua_libs.c) turns any results
into one line of text. This script starts its own redis-server on a unix
socket in a temporary directory (no TCP port), runs every case, rewrites
the file in place and stops the server.

Usage: scripts/lua-libs-expect.py [--check] [CASES_FILE]
  --check   rewrite nothing; exit 1 when a stored expectation differs.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "tests", "unit", "lua_libs_cases.txt")
PRELUDE_FILE = os.path.join(HERE, "..", "tests", "unit", "lua_libs_prelude.lua")


def resp_command(args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.buf = b""

    def _fill(self):
        data = self.s.recv(65536)
        if not data:
            raise EOFError("redis-server closed the connection")
        self.buf += data

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def call(self, *args):
        self.s.sendall(resp_command([a if isinstance(a, bytes) else a.encode() for a in args]))
        line = self._line()
        kind = line[:1]
        if kind == b"$":
            n = int(line[1:])
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if kind == b"-":
            return b"REDIS ERROR " + line[1:]
        return line


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    path = args[0] if args else DEFAULT
    with open(PRELUDE_FILE, "rb") as f:
        prelude = b" ".join(l.strip() for l in f.read().splitlines()
                            if l.strip() and not l.strip().startswith(b"--"))
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    tmp = tempfile.mkdtemp(prefix="lualibs-")
    sock = os.path.join(tmp, "redis.sock")
    server = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", sock,
                               "--save", "", "--appendonly", "no", "--dir", tmp],
                              stdout=subprocess.DEVNULL)
    try:
        for _ in range(500):
            if os.path.exists(sock):
                break
            time.sleep(0.01)
        conn = Conn(sock)
        out, diffs = [], 0
        i = 0
        while i < len(lines):
            line = lines[i]
            out.append(line)
            if line.startswith(b"> "):
                expr = line[2:]
                script = prelude + b" return res(pcall(function() return " + expr + b" end))"
                got = conn.call("EVAL", script, "0")
                old = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].startswith(b"= ") else None
                new = b"= " + got
                if old is not None:
                    i += 1
                if old != new:
                    diffs += 1
                    print("%s\n  stored: %s\n  redis:  %s" % (expr.decode("latin1"),
                          old.decode("latin1") if old else None, new.decode("latin1")))
                out.append(new)
            i += 1
        if not check:
            with open(path, "wb") as f:
                f.write(b"\n".join(out))
        print("%d case(s) differ%s" % (diffs, "" if check else " (file rewritten)"))
        return 1 if check and diffs else 0
    finally:
        server.terminate()
        server.wait()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


if __name__ == "__main__":
    sys.exit(main())
