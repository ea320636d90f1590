#!/usr/bin/env python3
"""run_overhead.py - what `mockredis run` adds to a test command.

Runs `mockredis run [--scenario F] -- CMD` N times and CMD alone N times,
one after the other, and prints the median and p99 wall time of each and
their difference: the server's start, the scenario's end, the verdict and
the reports, per test. A benchmark, not a test: the figures depend on the
machine and its load (the load average is printed with them).

Usage: bench/run_overhead.py [--mock build/mockredis] [-n 100]
                             [--scenario F] [--no-alone] [-- CMD ...]
The default CMD is `true`. A CMD that needs the server (reads
$REDIS_PORT) cannot run alone: pass --no-alone.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(argv, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out.append((time.perf_counter() - t0) * 1000.0)
        if r.returncode != 0:
            sys.exit(f"run_overhead: {' '.join(argv)} exited {r.returncode}")
    return out


def p99(xs):
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mock", default=os.path.join(os.path.dirname(__file__), "..", "build", "mockredis"))
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--scenario")
    ap.add_argument("--no-alone", action="store_true",
                    help="CMD needs the server ($REDIS_PORT): time it only under mockredis run")
    ap.add_argument("cmd", nargs="*", default=["true"])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        run = [a.mock, "run"]
        if a.scenario:
            run += ["--scenario", a.scenario, "--report", os.path.join(d, "r.json")]
        alone = None if a.no_alone else timed(a.cmd, a.n)
        wrapped = timed(run + ["--"] + a.cmd, a.n)
    load = os.getloadavg()[0]
    print(f"{a.n} runs each, load average {load:.2f}, command: {' '.join(a.cmd)}")
    print(f"{'':24}{'median ms':>12}{'p99 ms':>10}")
    if alone:
        print(f"{'command alone':24}{statistics.median(alone):12.2f}{p99(alone):10.2f}")
    print(f"{'mockredis run -- command':24}{statistics.median(wrapped):12.2f}{p99(wrapped):10.2f}")
    if alone:
        print(f"{'overhead':24}{statistics.median(wrapped) - statistics.median(alone):12.2f}"
              f"{p99(wrapped) - p99(alone):10.2f}")


if __name__ == "__main__":
    main()
