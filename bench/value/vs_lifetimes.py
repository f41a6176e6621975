#!/usr/bin/python3
"""BG/NBD fits in mitra and in the Python library lifetimes, same inputs, one run.

Two inputs of 1,000,000 customers (by default):
  cdnow      the 2,357 CDNOW customers (data/reference/cdnow/CDNOW_sample.txt,
             summarised by mitra to x, t_x, T in weeks at 1997-09-30, as
             tests/value does) repeated to N rows;
  simulated  N customers simulated from the BG/NBD process with CDNOW's
             parameters, recorded as bench/value/simulate.h records them
             (distinct purchase days in weeks, first purchases over 12
             weeks, calibration to day 272); a numpy re-implementation with
             its own seeded generator, so the same process, not the same rows.

mitra is timed through its Python binding (mitra.value.BGNBD.fit with its
defaults: identical rows grouped, standard errors computed), from the numpy
columns to the fitted model, so the copy into the C ABI is included.
lifetimes is timed as its users call it (BetaGeoFitter().fit(frequency,
recency, T), no weights; it computes its Hessian and standard errors too).
Both fit the same rows; the script checks that they reach the same
parameters (max relative difference <= --tolerance, 1e-5) and prints CPU and wall
times (median of --repeats) and their ratios.

lifetimes is not part of mitra: point the script at a checkout of it and of
its dependency autograd with --peer-path DIR[:DIR...] or the environment
variable MITRA_LIFETIMES_PATH (directories put first on sys.path). Without
it the script says so and times mitra only. mitra's binding must be
importable (PYTHONPATH=build/<dir>/python). See bench/value/RESULTS.md.
"""

import argparse
import datetime
import os
import statistics
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(REPO, "data", "reference", "cdnow", "CDNOW_sample.txt")
NAMES = ("r", "alpha", "a", "b")


def cdnow_tiled(n, mv):
    """x, t_x, T (weeks) of the 2,357 CDNOW customers, summarised by mitra from
    the transactions as tests/value does (calibration to 1997-09-30), the rows
    repeated in order and cut at n."""
    customer, day = [], []
    with open(SAMPLE) as f:
        for line in f:
            parts = line.split()
            if parts:
                customer.append(int(parts[1]) - 1)
                day.append(parts[2])
    days = np.array(["%s-%s-%s" % (d[:4], d[4:6], d[6:]) for d in day], dtype="datetime64[s]")
    s = mv.summarize((np.array(customer, dtype=np.uint32), days.astype(np.int64),
                      np.ones(len(day))), datetime.date(1997, 9, 30), period="day",
                     unit="week")
    assert len(s) == 2357, len(s)
    rows = np.resize(np.arange(2357), n)
    return tuple(np.ascontiguousarray(c[rows]) for c in (s.frequency, s.recency, s.T))


def simulated(n, seed, r=0.243, alpha=4.414, a=0.793, b=2.426):
    """x, t_x, T of n BG/NBD customers, recorded in whole days (see the module doc)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    first = rng.integers(0, 84, n)  # first purchase day 0..83
    end_day = 272
    horizon = (end_day + 1 - first) / 7.0
    x = np.zeros(n)
    last = first.copy()
    t = np.zeros(n)
    live = np.arange(n)
    while live.size:
        t[live] += rng.exponential(1.0, live.size) / lam[live]
        live = live[t[live] < horizon[live]]
        day = first[live] + (t[live] * 7).astype(np.int64)
        new = day != last[live]
        x[live[new]] += 1
        last[live[new]] = day[new]
        live = live[rng.random(live.size) >= p[live]]  # drops out after this purchase
    return x, (last - first) / 7.0, (end_day - first) / 7.0


def timed(fn, repeats):
    """(median CPU s, median wall s, last result)."""
    cpu, wall = [], []
    out = None
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall), out


def load_lifetimes(path):
    if path:
        for d in reversed(path.split(os.pathsep)):
            sys.path.insert(0, os.path.abspath(d))
    try:
        import lifetimes  # noqa: F401  (a peer, never part of mitra)
        from lifetimes import BetaGeoFitter
    except ImportError as e:
        return None, None, str(e)
    return BetaGeoFitter, lifetimes.__version__, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peer-path", default=os.environ.get("MITRA_LIFETIMES_PATH", ""),
                    help="directories holding lifetimes and autograd (default: "
                         "$MITRA_LIFETIMES_PATH)")
    ap.add_argument("--customers", type=int, default=1000000)
    ap.add_argument("--repeats", type=int, default=3, help="mitra runs per input (median)")
    ap.add_argument("--peer-repeats", type=int, default=1, help="lifetimes runs per input")
    ap.add_argument("--threads", type=int, default=1, help="mitra likelihood threads")
    ap.add_argument("--tolerance", type=float, default=1e-5,
                    help="max relative parameter difference between the two fits")
    ap.add_argument("--inputs", default="cdnow,simulated")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    import mitra.value as mv

    BetaGeoFitter, peer_version, why = load_lifetimes(args.peer_path)
    if BetaGeoFitter is None:
        print("lifetimes unavailable (%s): timing mitra only. Give a checkout of lifetimes "
              "and autograd with --peer-path or MITRA_LIFETIMES_PATH." % why)
    else:
        print("lifetimes %s from %s" % (peer_version, sys.modules["lifetimes"].__file__))
    print("load average %s; mitra threads %d; median CPU (wall) of %d mitra runs, %d "
          "lifetimes run(s)" % (" ".join("%.2f" % v for v in os.getloadavg()), args.threads,
                                args.repeats, args.peer_repeats))

    failed = False
    for name in args.inputs.split(","):
        if name == "cdnow":
            x, tx, T = cdnow_tiled(args.customers, mv)
        elif name == "simulated":
            x, tx, T = simulated(args.customers, args.seed)
        else:
            sys.exit("unknown input %r" % name)
        distinct = len(np.unique(np.stack([x, tx, T], axis=1), axis=0))
        print("\n%s: %d customers, %d distinct (x, t_x, T)" % (name, len(x), distinct))

        cpu, wall, fit = timed(lambda: mv.BGNBD.fit(x, tx, T, threads=args.threads), args.repeats)
        ours = np.array([fit.params[k] for k in NAMES])
        print("  mitra     %8.3f s CPU %8.3f s wall  %s  (%d rows after grouping)" % (
            cpu, wall, " ".join("%s=%.6f" % kv for kv in zip(NAMES, ours)), fit.report["rows"]))
        cpu1, wall1, fit1 = timed(
            lambda: mv.BGNBD.fit(x, tx, T, threads=args.threads, grouping=False), 1)
        same = max(abs(fit1.params[k] / fit.params[k] - 1) for k in NAMES)
        print("  mitra, grouping=False: %.3f s CPU %.3f s wall (parameters within %.1e of the "
              "grouped fit)" % (cpu1, wall1, same))
        if BetaGeoFitter is None:
            continue
        pcpu, pwall, peer = timed(lambda: BetaGeoFitter().fit(x, tx, T), args.peer_repeats)
        theirs = np.array([peer.params_[k] for k in NAMES])
        diff = np.max(np.abs(ours / theirs - 1))
        print("  lifetimes %8.3f s CPU %8.3f s wall  %s" % (
            pcpu, pwall, " ".join("%s=%.6f" % kv for kv in zip(NAMES, theirs))))
        print("  ratio lifetimes / mitra: %.1fx CPU, %.1fx wall; parameters agree to %.1e "
              "(relative, tolerance %.0e)%s" % (pcpu / cpu, pwall / wall, diff, args.tolerance,
                                               "" if diff <= args.tolerance else "  MISMATCH"))
        failed |= diff > args.tolerance
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
