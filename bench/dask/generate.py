#!/usr/bin/python3
"""Writes CSV shards of simulated transactions and interactions for the mitra.dask scale
benchmark (bench/dask/scale.py), at any size, in parallel, deterministically.

  PYTHONPATH=build/release/python /usr/bin/python3 bench/dask/generate.py OUT_DIR
      [--customers N] [--partitions P] [--interactions M] [--interaction-customers K]
      [--seed S] [--processes J]

Transactions follow the sample generator's BG/NBD process (scripts/generate_sample_data.py)
with more purchases: lambda ~ Gamma(shape r, rate alpha) per week, p ~ Beta(a, b), the first
purchase at a time uniform over the first year, then a Poisson process of rate lambda with
dropout with probability p after each repeat purchase, observed for two years from 2024-01-01
(r = 1, alpha = 5, a = 0.85, b = 12: about 10.3 transactions a customer). Spend per
transaction ~ Gamma(shape 6, rate nu), nu ~ Gamma(shape 4, rate 15) per customer (the
Gamma-Gamma model, mean 30), written with two decimals.

Two layouts of the same rows, P files each (P default: one per 200,000 customers, so about
2 M rows a file):

  tx-time/tx-NNNNN.csv  by time: file i holds the rows of the i-th time slice (slices of equal
                        expected row counts), as a host that exports by date would write them;
                        every customer's rows are spread over many files.
  tx-part/tx-NNNNN.csv  by customer: file k holds the customers with
                        mitra.dask.partition_of(id, P) == k (read them with
                        partitioned=True, no rearrangement).

and interactions (M rows, default one per customer, among the first K customers, default
N / 10, so 10 interactions a node): ix-time/ix-NNNNN.csv, time slices of about 10^6 rows;
kinds reply, mention, like, share and message (as InteractionKind numbers, which mitra.dask
reads), senders and targets skewed (a few customers send and receive most).

Columns: customer_id,time,amount and from_customer_id,to_customer_id,kind,time, ids and
times as whole numbers (unix seconds), zero-padded to a fixed width so that rows are
formatted with numpy rather than Python (10^7 customers, both layouts and the interactions,
2.1 x 10^8 rows, took 3 minutes on 2 processes). Every chunk of
customers draws from its own seeded stream (numpy SeedSequence(seed).spawn), so the files
are the same bytes for the same arguments whatever --processes. manifest.json records the
arguments and the realised counts; a directory whose manifest matches is reused as it is.
"""
import argparse
import json
import multiprocessing
import os
import shutil
import time

import numpy as np

BASE = 1704067200  # 2024-01-01T00:00:00Z
WEEK = 7 * 86400
OBSERVED_WEEKS = 104  # two years
ACQUISITION_WEEKS = 52  # first purchases over the first year
BGNBD = {"r": 1.0, "alpha": 5.0, "a": 0.85, "b": 12.0}
GAMMAGAMMA = {"p": 6.0, "q": 4.0, "gamma": 15.0}  # shape p, nu ~ Gamma(q, rate gamma)
#: The calibration end the benchmark uses: 18 months in, 6 months of holdout after.
CALIBRATION_END = "2025-07-01"
CUSTOMERS_PER_CHUNK = 250_000
INTERACTIONS_PER_CHUNK = 1_000_000
INTERACTION_KINDS = np.array([1, 2, 3, 8, 9])  # reply, mention, like, share, message
INTERACTION_KIND_SHARES = np.array([0.35, 0.1, 0.35, 0.1, 0.1])
VERSION = 1  # of the layout; bumped when the bytes written change


def simulate(rng, first_id, count):
    """(customer_id, time, cents) of customers first_id .. first_id + count - 1, each
    customer's rows in time order, customers in id order."""
    end = OBSERVED_WEEKS * WEEK
    birth = rng.uniform(0, ACQUISITION_WEEKS * WEEK, count)
    age = (end - birth) / WEEK  # weeks observed after the first purchase
    lam = rng.gamma(BGNBD["r"], 1.0 / BGNBD["alpha"], count)
    p = rng.beta(BGNBD["a"], BGNBD["b"], count)
    # Alive for at most K repeat purchases (dropout after each with probability p); the
    # Poisson process puts N events in the observed age; she makes the first min(K, N).
    events = rng.poisson(lam * age)
    repeats = np.minimum(rng.geometric(p), events)
    # The first `repeats` of `events` uniform times on [0, age], by the order statistics'
    # recursion: age - U(k) = (age - U(k-1)) * V^(1 / (events - k + 1)), V uniform, i.e. a
    # running sum of logs within each customer.
    total = int(repeats.sum())
    owner = np.repeat(np.arange(count), repeats)
    starts = np.cumsum(repeats) - repeats
    k = np.arange(total) - starts[owner]  # 0-based index of the repeat
    logs = np.log(rng.uniform(size=total)) / (events[owner] - k)
    run = np.cumsum(logs)
    run -= np.concatenate(([0.0], run))[starts][owner]  # restart the sum at each customer
    repeat_time = birth[owner] + age[owner] * WEEK * (1.0 - np.exp(run))
    # Interleave: each customer's first purchase, then her repeats.
    rows = count + total
    first_row = np.arange(count) + starts
    times = np.empty(rows)
    ids = np.empty(rows, np.int64)
    times[first_row] = birth
    ids[first_row] = first_id + np.arange(count)
    rest = np.ones(rows, bool)
    rest[first_row] = False
    times[rest] = repeat_time
    ids[rest] = first_id + owner
    seconds = BASE + np.minimum(np.floor(times), end - 1).astype(np.int64)
    nu = rng.gamma(GAMMAGAMMA["q"], 1.0 / GAMMAGAMMA["gamma"], count)
    spend = rng.gamma(GAMMAGAMMA["p"], 1.0, rows) / nu[ids - first_id]
    cents = np.maximum(1, np.rint(100 * spend)).astype(np.int64)
    return ids, seconds, cents


def digits(v, width):
    """The whole numbers v (>= 0, < 10^width) as a (len(v), width) array of ASCII digits."""
    out = np.empty((len(v), width), np.uint8)
    v = v.copy()
    for i in range(width - 1, -1, -1):
        out[:, i] = 48 + v % 10
        v //= 10
    return out


def csv_bytes(columns):
    """Rows of fixed-width fields as CSV bytes: columns is a list of (n, w) uint8 digit arrays
    (or a bytes literal inserted as it is, e.g. b"." inside a number)."""
    n = next(len(c) for c in columns if not isinstance(c, bytes))
    parts = []
    for c in columns:
        if isinstance(c, bytes):
            parts.append(np.broadcast_to(np.frombuffer(c, np.uint8), (n, len(c))))
        else:
            parts.append(c)
    return np.hstack(parts + [np.full((n, 1), 10, np.uint8)]).tobytes()


def transaction_bytes(ids, seconds, cents, id_width):
    cent_width = max(3, len(str(int(cents.max())))) if len(cents) else 3
    return csv_bytes([digits(ids, id_width), b",", digits(seconds, 10), b",",
                      digits(cents // 100, cent_width - 2), b".", digits(cents % 100, 2)])


def time_bounds(nslices, seed):
    """Slice bounds (unix seconds) of equal expected row counts: quantiles of a pilot
    population of its own stream."""
    pilot = simulate(np.random.default_rng([seed, 1]), 1, 20_000)[1]
    inner = np.quantile(pilot, np.arange(1, nslices) / nslices).astype(np.int64)
    return inner


def _transaction_chunk(job):
    (index, seed, first_id, count, nfiles, bounds, id_width, pieces) = job
    from mitra.dask import partition_of
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(index + 1)[index])
    ids, seconds, cents = simulate(rng, first_id, count)
    order = np.argsort(seconds, kind="stable")  # customers' rows stay in time order
    ids, seconds, cents = ids[order], seconds[order], cents[order]
    cust_part = partition_of(np.arange(first_id, first_id + count), nfiles)
    layouts = {"time": np.searchsorted(bounds, seconds, side="right"),
               "part": cust_part[ids - first_id]}
    for layout, file_of in layouts.items():
        split = np.argsort(file_of, kind="stable")
        cut = np.searchsorted(file_of[split], np.arange(nfiles + 1))
        for f in range(nfiles):
            sel = split[cut[f]:cut[f + 1]]
            with open(os.path.join(pieces, "tx-%s-%05d-%05d" % (layout, f, index)), "wb") as out:
                out.write(transaction_bytes(ids[sel], seconds[sel], cents[sel], id_width))
    return len(ids)


def _interaction_chunk(job):
    (index, seed, count, nodes, nfiles, id_width, pieces) = job
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]).spawn(index + 1)[index])
    # Skewed senders and targets: rank floor(K u^2) has density ~ 1/sqrt(rank); ranks are
    # mapped to ids by a fixed permutation so that the active customers are spread out.
    perm = np.random.default_rng([seed, 3]).permutation(nodes) + 1
    src = perm[np.floor(nodes * rng.uniform(size=count) ** 2).astype(np.int64)]
    dst = perm[np.floor(nodes * rng.uniform(size=count) ** 2).astype(np.int64)]
    kind = rng.choice(INTERACTION_KINDS, size=count, p=INTERACTION_KIND_SHARES)
    # Chunk i covers the i-th slice of the two years, so the files are in time order.
    span = OBSERVED_WEEKS * WEEK
    lo = span * index // nfiles
    hi = span * (index + 1) // nfiles
    seconds = BASE + np.sort(rng.integers(lo, hi, count))
    data = csv_bytes([digits(src, id_width), b",", digits(dst, id_width), b",",
                      digits(kind, 1), b",", digits(seconds, 10)])
    with open(os.path.join(pieces, "ix-time-%05d-00000" % index), "wb") as out:
        out.write(data)
    return count


def _assemble(out, pieces, prefix, layout, nfiles, header):
    directory = os.path.join(out, "%s-%s" % (prefix, layout))
    os.makedirs(directory, exist_ok=True)
    names = sorted(os.listdir(pieces))
    for f in range(nfiles):
        mine = [n for n in names if n.startswith("%s-%s-%05d-" % (prefix, layout, f))]
        with open(os.path.join(directory, "%s-%05d.csv" % (prefix, f)), "wb") as dest:
            dest.write(header)
            for n in mine:
                with open(os.path.join(pieces, n), "rb") as src:
                    shutil.copyfileobj(src, dest, 1 << 22)
                os.remove(os.path.join(pieces, n))


def default_partitions(customers):
    return max(1, round(customers / 200_000))


def generate(out, customers, partitions=None, interactions=None, interaction_customers=None,
             seed=20261207, processes=2, log=print):
    """Writes (or reuses) the shards under out; returns the manifest (a dict)."""
    partitions = partitions or default_partitions(customers)
    interactions = customers if interactions is None else interactions
    interaction_customers = interaction_customers or max(2, customers // 10)
    args = {"version": VERSION, "customers": customers, "partitions": partitions,
            "interactions": interactions, "interaction_customers": interaction_customers,
            "seed": seed}
    path = os.path.join(out, "manifest.json")
    if os.path.exists(path):
        with open(path) as f:
            manifest = json.load(f)
        if manifest.get("arguments") == args:
            log("reusing %s (%d transactions)" % (out, manifest["transactions"]))
            return manifest
        raise SystemExit("%s holds shards of other arguments (%s); use another directory"
                         % (out, manifest.get("arguments")))
    start = time.monotonic()
    pieces = os.path.join(out, ".pieces")
    os.makedirs(pieces, exist_ok=True)
    id_width = len(str(customers))
    bounds = time_bounds(partitions, seed)
    chunks = [(i, seed, 1 + i * CUSTOMERS_PER_CHUNK,
               min(CUSTOMERS_PER_CHUNK, customers - i * CUSTOMERS_PER_CHUNK), partitions, bounds,
               id_width, pieces)
              for i in range(-(-customers // CUSTOMERS_PER_CHUNK))]
    ix_files = max(1, -(-interactions // INTERACTIONS_PER_CHUNK))
    ix_chunks = [(i, seed, interactions * (i + 1) // ix_files - interactions * i // ix_files,
                  interaction_customers, ix_files, len(str(interaction_customers)), pieces)
                 for i in range(ix_files)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        rows = sum(pool.map(_transaction_chunk, chunks, chunksize=1))
        pool.map(_interaction_chunk, ix_chunks, chunksize=1)
    for layout in ("time", "part"):
        _assemble(out, pieces, "tx", layout, partitions, b"customer_id,time,amount\n")
    _assemble(out, pieces, "ix", "time", ix_files, b"from_customer_id,to_customer_id,kind,time\n")
    os.rmdir(pieces)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
    manifest = {"arguments": args, "transactions": rows, "interactions": interactions,
                "interaction_files": ix_files, "bytes": size,
                "calibration_end": CALIBRATION_END, "bgnbd": BGNBD, "gammagamma": GAMMAGAMMA,
                "seconds": round(time.monotonic() - start, 1)}
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1)
    log("wrote %s: %d customers, %d transactions, %d interactions, %.2f GB in %.0f s"
        % (out, customers, rows, interactions, size / 1e9, manifest["seconds"]))
    return manifest


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--customers", type=int, default=10_000_000)
    ap.add_argument("--partitions", type=int, default=None)
    ap.add_argument("--interactions", type=int, default=None)
    ap.add_argument("--interaction-customers", type=int, default=None)
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--processes", type=int, default=2)
    a = ap.parse_args()
    generate(a.out, a.customers, a.partitions, a.interactions, a.interaction_customers, a.seed,
             a.processes)


if __name__ == "__main__":
    main()
