#!/usr/bin/python3
"""cluster_startup.py - start-up time of a 6-node cluster: mockredis against real Redis.

Times, in the same run, from launch until "every node answers and says
cluster_state:ok":
- mock: `mockredis --cluster 3 --replicas 1 --port-file F`, until F lists
  the six ports and CLUSTER INFO on every node says cluster_state:ok;
- real: six `redis-server --cluster-enabled yes` launched at once, each
  answering PING, `redis-cli --cluster create ... --cluster-replicas 1
  --cluster-yes`, until CLUSTER INFO on every node says cluster_state:ok and
  cluster_known_nodes:6 (tests/diff/realcluster.py, ready="ok"; the diff
  tests wait longer, for the replicas' sync, which is not timed here).
Runs alternate (mock, real, mock, real ...); stopping is not timed. Prints
every run, the medians and their ratio real/mock. Not a test: figures only.

  bench/cluster_startup.py [--mock build/mockredis] [-n 5] [--poll-ms 1]

With a mockredis whose CLUSTER INFO is not there yet, --ping-only times the
mock until every node answers PING instead (printed as such).
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "diff"))
from realcluster import MockCluster, RealCluster  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mock", default=os.path.join(HERE, "..", "build", "mockredis"))
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--poll-ms", type=float, default=1.0)
    ap.add_argument("--ping-only", action="store_true")
    a = ap.parse_args()
    poll_s = a.poll_ms / 1000.0
    mock_ready = "ping" if a.ping_only else "ok"
    times = {"mock": [], "real": []}
    for run in range(a.n):
        for side in ("mock", "real"):
            t0 = time.monotonic()
            if side == "mock":
                cl = MockCluster(a.mock, 3, 1, ready=mock_ready, poll_s=poll_s)
            else:
                cl = RealCluster(3, 1, ready="ok", poll_s=poll_s)
            dt = (time.monotonic() - t0) * 1000.0
            cl.stop()
            times[side].append(dt)
            print("run %d %-4s %10.1f ms" % (run + 1, side, dt), flush=True)
    m, r = statistics.median(times["mock"]), statistics.median(times["real"])
    print("median mock (6 nodes, %s): %.1f ms" % ("PING" if a.ping_only else "cluster_state:ok", m))
    print("median real (6 nodes, start + create + cluster_state:ok): %.1f ms" % r)
    print("ratio real/mock: %.0fx" % (r / m if m > 0 else float("inf")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
