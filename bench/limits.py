#!/usr/bin/env python3
"""limits.py - what one abusive client costs the server (issue 8's closing figures).

Measured side by side on Debian's redis-server (7.0.15, default limits),
the mockredis under test and, with --old, an older mockredis binary (for a
before/after). Every measurement starts a fresh server of each kind on an
ephemeral loopback port, runs one client script against it, and kills it;
the servers never run at the same time. Measurements (--only, comma list):

  keys        SET one key of 40 'a's, then KEYS a*a*...*a*b with 9, 10 and 20
              stars: wall time until the reply. A server that has not
              answered after --timeout seconds gets SIGTERM, then SIGKILL one
              second later if it ignored that ("> 5 s (killed)").
  set         SET k <512 MiB> on one connection while a second one sends a
              PING every millisecond: time from the last byte sent to the
              +OK, the worst PING round trip from just before the SET until
              the +OK, and the server's peak RSS (VmHWM).
  subscriber  a subscriber with SO_RCVBUF 4 KB that never reads while 1 GiB
              is published in 64 KiB messages (pipelined by 16): the server's
              peak RSS over its RSS before, and how many PUBLISHes counted
              the subscriber (a server that drops it answers :0 afterwards).
  flood       a client blocked in BLPOP keeps sending PINGs until the server
              closes it or 1.5 GiB is sent: whether it was closed, the bytes
              the server read (rchar of /proc/PID/io) and the client sent,
              the server's peak RSS, and the worst PING of a second client
              from the start until 0.5 s after the close.
  pieces      GET of a 50 MiB value by a client with SO_RCVBUF 4 KB that
              reads only the first byte; mockredis writes the reply by a
              scenario rule "pieces 1", redis-server (no such rule) simply
              holds it: the first byte's delay, RSS growth once the reply is
              under way, and the worst PING of a second client.

Usage:
  bench/limits.py [--mock BIN] [--old BIN] [--redis-server BIN] [--only LIST]
                  [--timeout S] [--set-mb N] [--total-mb N] [--msg-kb N]
                  [--cap-mb N] [--pieces-mb N]
Prints one table, one row per measurement per server: the main figure
(result), the worst PING round trip of a second client where one runs, the
server's RSS (peak, or growth over its RSS before), and notes. Python 3
standard library only; Linux (RSS from /proc/PID/status). Not part of the test suite:
times and RSS depend on the machine and its load."""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"
MB = 1024 * 1024
STOP_GRACE = 1.0  # seconds between SIGTERM and SIGKILL


def command(*words):
    """One command in RESP (an array of bulk strings)."""
    out = [b"*%d\r\n" % len(words)]
    for w in words:
        w = w if isinstance(w, bytes) else w.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(w), w))
    return b"".join(out)


def proc_status(pid, field):
    """A field of /proc/PID/status in kB (VmRSS, VmHWM), 0 once the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def bytes_read(pid):
    """rchar of /proc/PID/io: bytes the process got from read()/recv() so far."""
    try:
        with open("/proc/%d/io" % pid) as f:
            for line in f:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Conn:
    """A blocking client connection with a line reader; every read has a timeout."""

    def __init__(self, port, rcvbuf=None, timeout=30.0):
        self.s = socket.socket()
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(timeout)
        self.s.connect((HOST, port))
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("connection closed by the server")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def call(self, *words):
        self.s.sendall(command(*words))
        return self.line()

    def close(self):
        self.s.close()


class Pinger:
    """A second client that sends PING, waits for +PONG, sleeps 1 ms, and so on,
    in a thread until stop(): the worst round trip and how many were answered."""

    def __init__(self, port, timeout):
        self.worst, self.count, self.error = 0.0, 0, ""
        self.done = threading.Event()
        self.conn = Conn(port, timeout=timeout)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            while not self.done.is_set():
                t = time.perf_counter()
                if self.conn.call("PING") != b"+PONG":
                    raise RuntimeError("PING answered otherwise")
                self.worst = max(self.worst, time.perf_counter() - t)
                self.count += 1
                time.sleep(0.001)
        except Exception as e:  # reported by the caller
            self.error = repr(e)

    def stop(self):
        """Ends the thread; returns (worst round trip as text, a note for the detail)."""
        self.done.set()
        self.thread.join(self.conn.s.gettimeout())
        self.conn.close()
        note = "%d PINGs" % self.count + (" (pinger: %s)" % self.error if self.error else "")
        return ms(self.worst), note


class Server:
    """One kind of server (a label and how to start it); start() gives a Running."""

    def __init__(self, label, kind, binary):
        self.label, self.kind, self.binary = label, kind, binary

    def start(self, scenario=None):
        for _ in range(3):  # redis-server: the free port may be taken meanwhile
            r = Running(self, scenario)
            if r.port:
                return r
        raise RuntimeError("%s did not start: %s" % (self.label, r.log_tail()))


class Running:
    """A started server process; all of them are in RUNNING until stopped."""

    def __init__(self, server, scenario):
        self.server, self.port = server, 0
        self.dir = tempfile.mkdtemp(prefix="limits-")
        self.log = open(os.path.join(self.dir, "log"), "wb")
        if server.kind == "redis":
            port = free_port()
            cmd = [server.binary, "--port", str(port), "--bind", HOST, "--save", "",
                   "--appendonly", "no", "--daemonize", "no", "--logfile", ""]
        else:
            port_file = os.path.join(self.dir, "port")
            cmd = [server.binary, "--port", "0", "--port-file", port_file]
            if scenario:
                cmd += ["--scenario", scenario]
        # Own session: a Ctrl-C in the terminal reaches this script only, and
        # the script stops its servers itself (stop_all).
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log,
                                     start_new_session=True)
        RUNNING.append(self)
        self.pid = self.proc.pid
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.proc.poll() is None:
            if server.kind != "redis":
                try:
                    with open(port_file) as f:
                        port = int(f.read().strip() or 0)
                except (OSError, ValueError):
                    port = 0
            if port and self.ping(port):
                self.port = port
                return
            time.sleep(0.01)
        self.stop()

    @staticmethod
    def ping(port):
        try:
            c = Conn(port, timeout=1)
            ok = c.call("PING") == b"+PONG"
            c.close()
            return ok
        except (OSError, EOFError):
            return False

    def log_tail(self):
        with open(os.path.join(self.dir, "log"), "rb") as f:
            return f.read()[-300:].decode(errors="replace").strip() or "(no output)"

    def rss_mb(self, field="VmRSS"):
        return proc_status(self.pid, field) / 1024

    def stop(self):
        """SIGTERM, SIGKILL after STOP_GRACE; returns how it ended (for the notes)."""
        how = "exited by itself (%s)" % self.proc.returncode
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_GRACE)
                how = "ended within %g s of SIGTERM" % STOP_GRACE
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                how = "SIGTERM ignored, SIGKILL"
        if self in RUNNING:
            RUNNING.remove(self)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return how


RUNNING = []


def stop_all():
    for r in list(RUNNING):
        r.stop()


def ms(seconds):
    return "%.3g ms" % (seconds * 1000) if seconds < 0.1 else "%.0f ms" % (seconds * 1000)


# -- 1. KEYS with many stars ---------------------------------------------------

def measure_keys(server, args):
    rows = []
    for stars in (9, 10, 20):
        name = "KEYS %d stars" % stars
        run = server.start()
        c = Conn(run.port)
        assert c.call("SET", "a" * 40, "x") == b"+OK"
        pattern = "a*" * stars + "b"
        times, note, killed = [], "", False
        for _ in range(5):  # repeated only while it answers quickly
            c.s.settimeout(args.timeout)
            t0 = time.perf_counter()
            c.s.sendall(command("KEYS", pattern))
            try:
                reply = c.line()
            except (TimeoutError, socket.timeout):
                killed = True
                break
            times.append(time.perf_counter() - t0)
            note = "reply %s" % reply.decode(errors="replace")
            if times[-1] > 0.1:
                break
        if killed:
            rows.append((name, server.label, "> %g s (killed)" % args.timeout, "", "",
                         run.stop()))
        else:
            times.sort()
            detail = note + ("; median of %d" % len(times) if len(times) > 1 else "")
            rows.append((name, server.label, ms(times[len(times) // 2]), "", "", detail))
            run.stop()
        c.close()
    return rows


# -- 2. a 512 MiB SET while another client PINGs ----------------------------------

def measure_set(server, args):
    run = server.start()
    size = args.set_mb * MB
    pinger = Pinger(run.port, args.set_timeout)
    time.sleep(0.2)
    a = Conn(run.port, timeout=args.set_timeout)
    chunk = memoryview(b"x" * MB)
    t0 = time.perf_counter()
    a.s.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n" % size)
    for _ in range(args.set_mb):
        a.s.sendall(chunk)
    a.s.sendall(b"\r\n")
    t_last = time.perf_counter()
    try:
        reply = a.line().decode(errors="replace")
    except (TimeoutError, socket.timeout, EOFError, OSError) as e:
        reply = repr(e)
    t_ok = time.perf_counter()
    worst, pings = pinger.stop()
    peak = run.rss_mb("VmHWM")
    a.close()
    run.stop()
    return [("SET %d MB" % args.set_mb, server.label,
             "%s %s after the last byte" % (reply, ms(t_ok - t_last)), worst,
             "peak %d MB" % peak, "%s after the first byte; %s" % (ms(t_ok - t0), pings))]


# -- 3. a subscriber that never reads ---------------------------------------------

def measure_subscriber(server, args):
    run = server.start()
    sub = Conn(run.port, rcvbuf=4096)
    sub.s.sendall(command("SUBSCRIBE", "ch"))
    for _ in range(6):  # *3, $9, subscribe, $2, ch, :1
        sub.line()
    pub = Conn(run.port)
    base = run.rss_mb()
    batch = command("PUBLISH", "ch", b"x" * (args.msg_kb * 1024)) * 16
    total = args.total_mb * 1024 // args.msg_kb // 16 * 16
    counted, first_zero, peak, died = 0, 0, base, ""
    t0 = time.perf_counter()
    try:
        for i in range(total // 16):
            pub.s.sendall(batch)
            for j in range(16):
                if pub.line() == b":1":
                    counted += 1
                elif not first_zero:
                    first_zero = i * 16 + j + 1
            peak = max(peak, run.rss_mb("VmHWM"))
    except (EOFError, OSError) as e:
        died = "; the server went away: %r (exit %s)" % (e, run.proc.poll())
    took = time.perf_counter() - t0
    sub.close()
    pub.close()
    run.stop()
    if first_zero:
        dropped = "dropped at PUBLISH #%d" % first_zero
    else:
        dropped = "never dropped"
    return [("subscriber, %d MB" % args.total_mb, server.label, dropped, "",
             "+%d MB" % (peak - base),
             "counted by %d of %d PUBLISHes; RSS before %d MB; %.1f s%s" % (
                 counted, total, base, took, died))]


# -- 4. a blocked client that floods ----------------------------------------------

def measure_flood(server, args):
    run = server.start()
    pinger = Pinger(run.port, args.set_timeout)
    a = Conn(run.port, timeout=args.set_timeout)
    a.s.sendall(command("BLPOP", "floodkey", "0"))  # parsed before the flood behind it
    chunk = b"PING\r\n" * 65536
    cap = args.cap_mb * MB
    sent, peak, closed = 0, 0.0, ""
    read0 = bytes_read(run.pid)
    t0 = time.perf_counter()
    try:
        while sent < cap:
            a.s.sendall(chunk)
            sent += len(chunk)
            if sent % (16 * MB) < len(chunk):
                peak = max(peak, run.rss_mb("VmHWM"))
    except (TimeoutError, socket.timeout):
        closed = "server stopped reading"
    except OSError as e:
        closed = "closed (%s)" % (e.strerror or type(e).__name__)
    took = time.perf_counter() - t0
    peak = max(peak, run.rss_mb("VmHWM"))
    read = bytes_read(run.pid) - read0 if read0 >= 0 else -1
    time.sleep(0.5)  # the pinger also sees what the close costs
    worst, pings = pinger.stop()
    if run.proc.poll() is not None:
        pings += "; server exited (%s)" % run.proc.returncode
    a.close()
    run.stop()
    what = "closed" if closed else "not closed at the cap"
    if read >= 0:
        what += ", %d MB read" % (read // MB)
    return [("BLPOP flooder, %d MB" % args.cap_mb, server.label, what, worst,
             "peak %d MB" % peak, "%d MB sent in %.1f s%s; %s" % (
                 sent // MB, took, ", " + closed if closed else "", pings))]


# -- 5. a big reply in pieces to a client that does not read -----------------------

def measure_pieces(server, args):
    size = args.pieces_mb * MB
    scenario = None
    if server.kind != "redis":
        fd, scenario = tempfile.mkstemp(suffix=".scn")
        os.write(fd, b"finish control\non GET big do pieces 1 pause 10ms\n")
        os.close(fd)
    try:
        run = server.start(scenario)
    finally:
        if scenario:
            os.unlink(scenario)
    b = Conn(run.port)
    assert b.call("SETRANGE", "big", str(size - 1), "x") == b":%d" % size
    b.close()
    base = run.rss_mb()
    pinger = Pinger(run.port, args.set_timeout)
    time.sleep(0.2)
    a = Conn(run.port, rcvbuf=4096, timeout=args.set_timeout)
    t0 = time.perf_counter()
    a.s.sendall(command("GET", "big"))
    assert a.s.recv(1) == b"$"
    first = time.perf_counter() - t0
    time.sleep(0.5)
    worst, pings = pinger.stop()
    grown = run.rss_mb()
    a.close()
    run.stop()
    return [("%d MB reply in pieces" % args.pieces_mb, server.label,
             "first byte after %s" % ms(first), worst, "+%d MB" % (grown - base), pings)]


MEASUREMENTS = {"keys": measure_keys, "set": measure_set, "subscriber": measure_subscriber,
                "flood": measure_flood, "pieces": measure_pieces}


def version(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, timeout=5, text=True)
        return out.stdout.strip().splitlines()[0].replace(" sha=00000000:0", "")
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def table(rows):
    head = ("measurement", "server", "result", "worst PING", "server RSS", "notes")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(5)]
    fmt = "  ".join("%%-%ds" % w for w in widths) + "  %s"
    print(fmt % head)
    print(fmt % tuple("-" * w for w in widths + [5]))
    for r in rows:
        print(fmt % r)


def on_signal(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mock", default=os.path.join(here, "..", "build", "mockredis"),
                   help="mockredis under test (default: build/mockredis)")
    p.add_argument("--old", help="an older mockredis binary, for before/after")
    p.add_argument("--redis-server", default=os.environ.get("REDIS_SERVER", "redis-server"))
    p.add_argument("--only", default=",".join(MEASUREMENTS),
                   help="comma list of: " + ", ".join(MEASUREMENTS))
    p.add_argument("--timeout", type=float, default=5.0, help="KEYS reply cap, seconds")
    p.add_argument("--set-mb", type=int, default=512)
    p.add_argument("--set-timeout", type=float, default=120.0,
                   help="cap on any other wait, seconds")
    p.add_argument("--total-mb", type=int, default=1024)
    p.add_argument("--msg-kb", type=int, default=64)
    p.add_argument("--cap-mb", type=int, default=1536)
    p.add_argument("--pieces-mb", type=int, default=50)
    args = p.parse_args()
    only = [w for w in args.only.split(",") if w]
    for w in only:
        if w not in MEASUREMENTS:
            p.error("unknown measurement %r" % w)

    servers = [Server("redis-server", "redis", args.redis_server),
               Server("mockredis", "mock", os.path.normpath(args.mock))]
    if args.old:
        servers.append(Server("mockredis old", "mock", args.old))
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    print("== limits.py: %s, %d cores, %s, load average %s" % (
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(),
        os.uname().release, " ".join("%.2f" % x for x in os.getloadavg())))
    for s in servers:
        print("   %-13s %s (%s)" % (s.label, s.binary, version(s.binary)), flush=True)
    rows = []
    try:
        for w in only:
            for s in servers:
                print("   ... %s on %s" % (w, s.label), file=sys.stderr, flush=True)
                got = MEASUREMENTS[w](s, args)
                for r in got:
                    print("       %s: %s" % (r[0], ", ".join(x for x in r[2:5] if x)),
                          file=sys.stderr, flush=True)
                rows += got
    except KeyboardInterrupt:
        print("interrupted; the servers are stopped", file=sys.stderr)
        return 130
    finally:
        stop_all()
    print("   load average at the end: %s" % " ".join("%.2f" % x for x in os.getloadavg()))
    print()
    table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
