#!/usr/bin/python3
"""mitra.dask at scale: wall time, CPU time and peak memory per worker of each stage of the
customer-value pipeline and of the interaction graph, on a LocalCluster of 1 and 2 worker
processes (bench/dask/RESULTS.md, docs/SCALE.md).

  PYTHONPATH=build/release/python /usr/bin/python3 bench/dask/scale.py DATA_DIR
      [--customers N] [--workers 1,2] [--layouts time,part] [--partitions P]
      [--interactions M] [--blocks B] [--memory-limit GB] [--period day|second]
      [--skip STAGE,...]

DATA_DIR receives the CSV shards (bench/dask/generate.py; reused when its manifest matches)
and results-<time>.json; it must not be inside the repository. Smoke run, seconds:

  PYTHONPATH=build/release/python /usr/bin/python3 bench/dask/scale.py /tmp/mitra-dask-smoke \\
      --customers 2000

Stages, each timed from the client with the cluster idle before it:

  read+shuffle    dd.read_csv of the time-sliced shards + partition_by_customer + persist
  read presplit   dd.read_csv of the shards written by partition_of + persist (no shuffle)
  summarize       md.summarize of the persisted frame (counted)
  merge           summaries -> weighted rows -> tree merge, the table on the client (what
                  md.fit does before fitting; its rows are the client's table)
  fit client      BGNBD.fit of that table on the client alone
  fit bgnbd       md.fit(..., "bgnbd", partitioned=True), end to end (method "auto": the
                  weighted rows merged and fitted on the client up to MAX_CLIENT_ROWS)
  fit gammagamma  md.fit(..., "gammagamma", partitioned=True)
  fit bgnbd dist  md.fit(..., "bgnbd", method="distributed"): the log-likelihood summed on
                  the workers at each optimiser step; max_rel_diff against "fit bgnbd"
  fit gammagamma dist  the same for Gamma-Gamma

--period second summarizes with one-second periods: the simulated times are whole seconds of
a continuous process, so nearly every customer's (x, t_x, T) is her own and the weighted rows
do not merge (what the distributed likelihood is for).
  score           md.score with both models and the CLV, reduced to a count and a sum
  graph           md.interaction_graph of the interaction shards (shuffled by sender)
  pagerank 1w     md.pagerank(method="one_worker")
  pagerank blocks md.pagerank(method="blocks"), its sweeps counted

Per stage: wall seconds; CPU seconds of the workers (user + sys, getrusage) and of the
client (which runs the scheduler too); "busy", the workers' CPU over wall x workers (below 1
when they wait or share the cores with other work); peak RSS of each worker and of the client during the stage (VmHWM, reset before the
stage through /proc/self/clear_refs); /proc/loadavg before and after. Spilling to disk is
off, so the memory figures are what the stage holds. The fits and scores run on the frame
of the last layout read (the pre-split one when both are).
"""
import argparse
import datetime
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402  (bench/dask/generate.py, next to this file)

STAGES = ("read+shuffle", "read presplit", "summarize", "merge", "fit client", "fit bgnbd",
          "fit gammagamma", "fit bgnbd dist", "fit gammagamma dist", "score", "graph",
          "pagerank 1w", "pagerank blocks")


# ---- measuring ------------------------------------------------------------------


def reset_peak():
    """Resets this process's VmHWM to its current RSS (Linux >= 4.0); False if refused."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_and_cpu():
    """(VmHWM bytes, user + sys CPU seconds) of this process."""
    hwm = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) * 1024
    r = resource.getrusage(resource.RUSAGE_SELF)
    return hwm, r.ru_utime + r.ru_stime


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Meter:
    def __init__(self, client, workers, log):
        self.client = client
        self.workers = workers
        self.log = log
        self.rows = []

    def run(self, stage, fn, rows=None, **extra):
        """fn() measured; rows: how many input rows the stage processes (for rows/s)."""
        self.client.run(reset_peak)
        reset_peak()
        before = self.client.run(peak_and_cpu)
        client_before = peak_and_cpu()
        load_before = loadavg()
        start = time.perf_counter()
        value = fn()
        wall = time.perf_counter() - start
        after = self.client.run(peak_and_cpu)
        client_after = peak_and_cpu()
        row = {
            "stage": stage, "workers": self.workers, "wall_s": round(wall, 3),
            "worker_cpu_s": round(sum(after[w][1] - before[w][1] for w in after), 2),
            "worker_cpu_s_each": sorted(round(after[w][1] - before[w][1], 2) for w in after),
            "client_cpu_s": round(client_after[1] - client_before[1], 2),
            "worker_peak_rss_mb": sorted(round(after[w][0] / 2**20) for w in after),
            "client_peak_rss_mb": round(client_after[0] / 2**20),
            "load_before": load_before, "load_after": loadavg(),
        }
        # Cores the workers kept busy out of the ones they had: below 1 when they waited
        # (on each other, the scheduler, the client) or shared the cores with other work.
        row["busy"] = round(row["worker_cpu_s"] / wall / self.workers, 2) if wall > 0 else None
        if rows is not None:
            row["rows"] = int(rows)
            row["rows_per_s_per_worker"] = round(rows / wall / self.workers)
        row.update(extra)
        if isinstance(value, dict):
            row.update(value)
        self.rows.append(row)
        self.log("  %-16s %8.2f s  workers CPU %8.2f s  peak RSS %s MB  load %s -> %s%s" % (
            stage, wall, row["worker_cpu_s"], row["worker_peak_rss_mb"], load_before,
            row["load_after"], "".join("  %s=%s" % kv for kv in sorted(value.items()))
            if isinstance(value, dict) else ""))
        return value


# ---- the stages -----------------------------------------------------------------


def _count_clv(frame):
    import pandas as pd
    return pd.DataFrame({"customers": [len(frame)], "clv": [float(frame["clv"].sum())]})


def _shard_glob(data, name):
    return os.path.join(data, name, "*.csv")


def run_cluster(args, manifest, workers, log):
    import dask
    import dask.dataframe as dd
    import distributed
    import mitra.dask as md
    import mitra.value as mv
    from mitra.dask import value as mdv

    calibration = manifest["calibration_end"]
    summary = {"calibration_end": calibration, "period": args.period, "unit": "week"}
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    limit = int(args.memory_limit * 2**30) if args.memory_limit else int(0.75 * total / workers)
    # No spilling: the peaks are what the stages hold, and a stage that does not fit fails.
    dask.config.set({"distributed.worker.memory.target": False,
                     "distributed.worker.memory.spill": False,
                     "distributed.scheduler.work-stealing": True})
    log("LocalCluster: %d worker process(es) x 1 thread, memory limit %.1f GiB each"
        % (workers, limit / 2**30))
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  memory_limit=limit, dashboard_address=":0",
                                  silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        meter = Meter(client, workers, log)
        ntx = manifest["transactions"]
        tx = None
        for layout in args.layouts:
            if tx is not None:
                client.cancel(tx)  # release the other layout's frame first
                tx = None
            if layout == "time" and "read+shuffle" not in args.skip:
                def shuffle():
                    frame = dd.read_csv(_shard_glob(args.data, "tx-time"), blocksize=None)
                    out = md.partition_by_customer(frame, args.partitions).persist()
                    distributed.wait(out)
                    return out
                tx = meter.run("read+shuffle", shuffle, ntx,
                               partitions=args.partitions)
            elif layout == "part" and "read presplit" not in args.skip:
                def presplit():
                    out = dd.read_csv(_shard_glob(args.data, "tx-part"), blocksize=None)
                    out = out.persist()
                    distributed.wait(out)
                    return out
                tx = meter.run("read presplit", presplit, ntx, partitions=args.partitions)
        if tx is None:
            return meter.rows

        def summarize():
            s = md.summarize(tx, partitioned=True, **summary)
            return {"customers": len(s)}
        if "summarize" not in args.skip:
            meter.run("summarize", summarize, ntx)

        table = {}

        def merge():
            # What md.fit does before its client fit (mitra/dask/value.py), kept apart
            # here to time the cluster's part and the client's part separately.
            s = md.summarize(tx, partitioned=True, **summary)
            parts = [dask.delayed(mdv._weighted_rows, pure=True)(p, mdv._PURCHASE_KEYS)
                     for p in s.to_delayed()]
            rows, weights = mdv._compute(mdv._tree_merge(parts, 8), args.timeout)
            table["rows"], table["weights"] = rows, weights
            return {"weighted_rows": int(rows.shape[0]),
                    "table_mb": round((rows.nbytes + weights.nbytes) / 2**20, 1)}
        if "merge" not in args.skip:
            meter.run("merge", merge, ntx)
        if "fit client" not in args.skip and table:
            meter.run("fit client", lambda: {"iterations": mv.BGNBD.fit(
                *table["rows"].T, weights=table["weights"]).report["iterations"]})
        models = {}

        def fit(name):
            m = md.fit(tx, name, partitioned=True, timeout=args.timeout, **summary)
            models[name] = m
            out = {"params": {k: float("%.6g" % v) for k, v in m.params.items()},
                   "weighted_rows": int(m.report["rows"])}
            return out
        for name in ("bgnbd", "gammagamma"):
            if "fit " + name not in args.skip:
                meter.run("fit " + name, lambda: fit(name), ntx)

        def fit_distributed(name):
            m = md.fit(tx, name, partitioned=True, method="distributed", timeout=args.timeout,
                       **summary)
            out = {"params": {k: float("%.6g" % v) for k, v in m.params.items()},
                   "evaluations": int(m.report["evaluations"])}
            if name in models:
                out["max_rel_diff"] = float("%.3g" % max(
                    abs(v - models[name].params[k]) / abs(models[name].params[k])
                    for k, v in m.params.items()))
            return out
        for name in ("bgnbd", "gammagamma"):
            if "fit %s dist" % name not in args.skip:
                meter.run("fit %s dist" % name, lambda: fit_distributed(name), ntx)

        def score():
            scores = md.score(tx, models["bgnbd"], horizon=26, spend_model=models["gammagamma"],
                              period_length=mv.unit_ratio("month", "week"), discount_rate=0.01,
                              partitioned=True, **summary)
            out = scores.map_partitions(_count_clv, meta={"customers": int, "clv": float})
            out = out.compute()
            return {"customers": int(out["customers"].sum()),
                    "mean_clv": round(float(out["clv"].sum() / out["customers"].sum()), 4)}
        if "score" not in args.skip and len(models) == 2:
            meter.run("score", score, ntx)
        client.cancel(tx)
        tx = None

        nix = manifest["interactions"]
        graph = {}

        def build():
            ix = dd.read_csv(_shard_glob(args.data, "ix-time"), blocksize=None)
            g = md.interaction_graph(ix, blocks=args.blocks, timeout=args.timeout)
            graph["g"] = g
            return {"nodes": g.num_nodes, "edges": g.num_edges, "blocks": len(g.blocks)}
        if "graph" not in args.skip and nix:
            meter.run("graph", build, nix)
        if graph and "pagerank 1w" not in args.skip:
            g = graph["g"]
            meter.run("pagerank 1w", lambda: {"sum": round(float(md.pagerank(
                g, method="one_worker", timeout=args.timeout).sum()), 9)}, g.num_edges)
        if graph and "pagerank blocks" not in args.skip:
            g = graph["g"]
            # Counts the sweeps (each is one call of the client's runner).
            sweeps = [0]
            runner = md.graph._Runner.__call__

            def counted(self, *a):
                sweeps[0] += 1
                return runner(self, *a)

            def blocks():
                md.graph._Runner.__call__ = counted
                try:
                    pr = md.pagerank(g, method="blocks", timeout=args.timeout)
                finally:
                    md.graph._Runner.__call__ = runner
                return {"sweeps": sweeps[0], "sum": round(float(pr.sum()), 9)}
            meter.run("pagerank blocks", blocks, g.num_edges)
            meter.rows[-1]["s_per_sweep"] = round(meter.rows[-1]["wall_s"] / max(1, sweeps[0]), 4)
        graph.clear()
    return meter.rows


# ---- reporting ------------------------------------------------------------------


def table(rows, workers):
    """Per stage and worker count: wall s, CPU s (workers' and client's), the workers' busy
    share, thousand rows a second per worker (rows: transactions, interactions or, for
    PageRank, edges) and the largest worker's peak RSS; then the wall-time speed-up from the
    first to the last worker count."""
    out = ["%-16s" % "stage" + "".join(" | %dw: wall s  CPU s busy k rows/s/w  peak MB" % w
                                       for w in workers)
           + (" | speed-up %d->%d" % (workers[0], workers[-1]) if len(workers) > 1 else "")]
    for stage in STAGES:
        found = [next((r for r in rows if r["stage"] == stage and r["workers"] == w), None)
                 for w in workers]
        if all(r is None for r in found):
            continue
        line = "%-16s" % stage
        for r in found:
            if r is None:
                line += " | %43s" % "-"
                continue
            rate = r.get("rows_per_s_per_worker")
            line += " | %10.2f %6.1f %4.2f %11s %8d" % (
                r["wall_s"], r["worker_cpu_s"] + r["client_cpu_s"], r["busy"] or 0, "-" if rate is None else "%.0f" % (rate / 1e3),
                max(r["worker_peak_rss_mb"]))
        if len(workers) > 1 and None not in found:
            line += " | %.2f" % (found[0]["wall_s"] / found[-1]["wall_s"])
        out.append(line)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", help="directory for the shards and results (outside the repository)")
    ap.add_argument("--customers", type=int, default=10_000_000)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--layouts", default="time,part",
                    help="read the time-sliced shards (shuffle), the pre-split ones, or both")
    ap.add_argument("--partitions", type=int, default=None,
                    help="partitions (and files per layout); default one per 200,000 customers")
    ap.add_argument("--interactions", type=int, default=None,
                    help="default one per customer (0: none)")
    ap.add_argument("--interaction-customers", type=int, default=None,
                    help="nodes the interactions are among; default customers / 10")
    ap.add_argument("--blocks", type=int, default=4, help="source-node blocks of the graph")
    ap.add_argument("--memory-limit", type=float, default=None,
                    help="GiB per worker; default 3/4 of the machine's memory / workers")
    ap.add_argument("--period", default="day", choices=("day", "second"),
                    help="summary periods (second: continuous time, rows that do not merge)")
    ap.add_argument("--skip", default="", help="comma-separated stages not to run")
    ap.add_argument("--timeout", type=float, default=7200)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--processes", type=int, default=2, help="generator processes")
    args = ap.parse_args()
    args.workers = [int(w) for w in args.workers.split(",")]
    args.layouts = [s for s in args.layouts.split(",") if s]
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = (set(args.layouts) - {"time", "part"}) | (args.skip - set(STAGES))
    if unknown:
        ap.error("unknown layout or stage: %s" % ", ".join(sorted(unknown)))
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    data = os.path.abspath(args.data)
    if data == repo or data.startswith(repo + os.sep):
        ap.error("DATA_DIR must be outside the repository")
    args.data = data
    args.partitions = args.partitions or generate.default_partitions(args.customers)

    def log(text):
        print(text, flush=True)

    started = datetime.datetime.now(datetime.timezone.utc)
    log("%s  load %s" % (started.strftime("%Y-%m-%d %H:%M:%S UTC"), loadavg()))
    load = loadavg()
    t = time.perf_counter()
    manifest = generate.generate(data, args.customers, args.partitions, args.interactions,
                                 args.interaction_customers, args.seed, args.processes, log)
    generated = {"seconds": round(time.perf_counter() - t, 1), "load_before": load,
                 "load_after": loadavg()}
    rows = []
    for w in args.workers:
        rows += run_cluster(args, manifest, w, log)
    log("")
    log("%d customers, %d transactions (%d partitions), %d interactions; %s" % (
        args.customers, manifest["transactions"], args.partitions, manifest["interactions"],
        data))
    log(table(rows, args.workers))
    result = {
        "command": "PYTHONPATH=%s %s %s" % (os.environ.get("PYTHONPATH", ""), sys.executable,
                                             " ".join(sys.argv)),
        "started": started.isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(),
                    "memory_gib": round(os.sysconf("SC_PAGE_SIZE")
                                        * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
        "generation": generated, "data": manifest, "partitions": args.partitions,
        "stages": rows,
    }
    name = os.path.join(data, "results-%s.json" % started.strftime("%Y%m%dT%H%M%S"))
    with open(name, "w") as f:
        json.dump(result, f, indent=1)
    log("results: %s" % name)


if __name__ == "__main__":
    main()
