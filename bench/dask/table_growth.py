#!/usr/bin/python3
"""How the table the client fits grows with the customers: the distinct BG/NBD rows
(x, t_x, T) and Gamma-Gamma rows (x, repeat spend) of the population bench/dask/generate.py
writes, counted for its first 10^5 .. N customers without writing or reading any file.

  /usr/bin/python3 bench/dask/table_growth.py [--customers N] [--seed S]

The summaries follow docs/VALUE.md's rule with period = day, calibration end 2025-07-01:
x = distinct purchase days - 1, t_x and T in days (a week is 7 of them, so the rows are
the ones mitra.dask.fit merges). The customers are drawn chunk by chunk exactly as the
generator draws them, so the counts at the generator's customer count are those of its
shards (the benchmark's "merge" stage reports them). The Gamma-Gamma count takes a row as
(x, total repeat cents): the mean the library computes from those cents can differ in its
last bit with the order of the sum, so it is a slight undercount.
"""
import argparse
import calendar
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402

DAY = 86400


def summaries(ids, seconds, cents, first_id, count, calibration_day):
    """(x, t_x days, T days, total repeat cents) per customer with a calibration purchase."""
    day = seconds // DAY
    keep = day <= calibration_day
    ids, day, cents = ids[keep] - first_id, day[keep], cents[keep]
    # One entry per (customer, day): purchases on one day count once, their cents summed.
    key = ids * (1 << 20) + day
    order = np.argsort(key, kind="stable")
    key, cents = key[order], cents[order]
    first = np.ones(len(key), bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    cust = key[starts] >> 20
    days = key[starts] & ((1 << 20) - 1)
    day_cents = np.add.reduceat(cents, starts)
    n = np.bincount(cust, minlength=count)
    has = n > 0
    lo = np.full(count, np.iinfo(np.int64).max)
    hi = np.full(count, -1)
    np.minimum.at(lo, cust, days)
    np.maximum.at(hi, cust, days)
    total = np.bincount(cust, weights=day_cents, minlength=count)
    first_cents = np.zeros(count)
    first_of = np.ones(len(cust), bool)
    first_of[1:] = cust[1:] != cust[:-1]
    first_cents[cust[first_of]] = day_cents[first_of]  # days ascend within a customer
    x = (n - 1)[has]
    return x, (hi - lo)[has], (calibration_day - lo)[has], np.rint(total - first_cents)[has]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000_000)
    ap.add_argument("--seed", type=int, default=20261207)
    a = ap.parse_args()
    calibration_day = calendar.timegm(time.strptime(generate.CALIBRATION_END, "%Y-%m-%d")) // DAY
    chunk = generate.CUSTOMERS_PER_CHUNK
    report = {10**k for k in range(5, 10)} | {3 * 10**k for k in range(5, 9)} | {a.customers}
    bg, gg, pending_bg, pending_gg = np.zeros(0, np.int64), np.zeros(0, np.int64), [], []
    start = time.monotonic()
    print("%12s %12s %8s %12s %8s %8s" % ("customers", "BG/NBD rows", "/cust", "GG rows",
                                         "/cust", "s"))
    done = 0
    # The first 10^5 (and 3 x 10^5) customers come from the first chunk's prefix.
    while done < a.customers:
        index = done // chunk
        count = min(chunk, a.customers - index * chunk)
        rng = np.random.default_rng(np.random.SeedSequence(a.seed).spawn(index + 1)[index])
        ids, seconds, cents = generate.simulate(rng, 1 + index * chunk, count)
        marks = sorted(m for m in report if index * chunk < m <= index * chunk + count)
        lo = 0
        for m in marks:
            take = ids <= m
            x, tx, age, spend = summaries(ids[take & (ids > index * chunk + lo)],
                                          seconds[take & (ids > index * chunk + lo)],
                                          cents[take & (ids > index * chunk + lo)],
                                          1 + index * chunk + lo, m - index * chunk - lo,
                                          calibration_day)
            pending_bg.append(np.unique((x << 24) | (tx << 12) | age))
            pending_gg.append(np.unique((x << 40) | spend.astype(np.int64)))
            bg = np.unique(np.concatenate([bg] + pending_bg))
            gg = np.unique(np.concatenate([gg] + pending_gg))
            pending_bg, pending_gg = [], []
            print("%12d %12d %8.3f %12d %8.3f %8.0f" % (m, len(bg), len(bg) / m, len(gg),
                                                      len(gg) / m, time.monotonic() - start),
                  flush=True)
            lo = m - index * chunk
        if lo < count:
            sel = ids > index * chunk + lo
            x, tx, age, spend = summaries(ids[sel], seconds[sel], cents[sel],
                                          1 + index * chunk + lo, count - lo, calibration_day)
            pending_bg.append(np.unique((x << 24) | (tx << 12) | age))
            pending_gg.append(np.unique((x << 40) | spend.astype(np.int64)))
            if len(pending_bg) >= 16:
                bg = np.unique(np.concatenate([bg] + pending_bg))
                gg = np.unique(np.concatenate([gg] + pending_gg))
                pending_bg, pending_gg = [], []
        done = index * chunk + count


if __name__ == "__main__":
    main()
