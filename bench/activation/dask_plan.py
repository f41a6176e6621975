"""IMM with its RR sets drawn across Dask workers (mitra.dask.plan) against
the single process (mitra.activation.plan) on the same graph, in one run:

    PYTHONPATH=build/release/python /usr/bin/python3 bench/activation/dask_plan.py \
        [--graph data/reference/graphs/nethept.txt] [--k 50] [--epsilon 0.1] [--repeat 3]

Prints the median wall time of each (the single process on 1 thread; the
cluster on LocalClusters of 1 and 2 worker processes x 1 thread, started
before the clock), the ratio, and whether the plans are equal (they must
be: same seeds, gains, sample sizes and Monte-Carlo check).
"""

import argparse
import os
import statistics
import sys
import time

import distributed
import numpy as np

import mitra.activation as ma
import mitra.dask as md

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def timed(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def same(a, b):
    b2 = type(b)()
    b2.CopyFrom(b)
    b2.rr_memory_bytes = 0
    return a.SerializeToString() == b2.SerializeToString()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--graph", default=os.path.join(ROOT, "data", "reference", "graphs",
                                                    "nethept.txt"))
    ap.add_argument("--k", type=int, default=50)
    ap.add_argument("--epsilon", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--check-runs", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    e = np.loadtxt(a.graph, dtype=np.int64)
    src, dst = e[:, 0], e[:, 1]
    opts = dict(k=a.k, epsilon=a.epsilon, seed=a.seed, check_runs=a.check_runs)
    print("graph %s: %d edges; k=%d epsilon=%g; load %s" % (
        os.path.basename(a.graph), len(src), a.k, a.epsilon,
        open("/proc/loadavg").read().split()[0]))
    t1, single = timed(lambda: ma.plan(src, dst, **opts), a.repeat)
    print("single process      %8.3f s  (%d RR sets)" % (t1, single.rr_sets))
    for workers in (1, 2):
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                           processes=True, dashboard_address=None)
        client = distributed.Client(cluster)
        client.wait_for_workers(workers)
        try:
            with client.as_current():
                t, plan = timed(lambda: md.plan((src, dst), **opts), a.repeat)
        finally:
            client.close()
            cluster.close()
        print("mitra.dask.plan, %d worker%s %8.3f s  ratio to single %.2f  equal plan: %s"
              % (workers, " " if workers == 1 else "s", t, t / t1, same(plan, single)))
    print("load after %s" % open("/proc/loadavg").read().split()[0])


if __name__ == "__main__":
    sys.exit(main())
