#!/usr/bin/env python3
"""An independent reading of the default relationship ladder on data/sample.

Plain Python over the CSV files (no mitra code): each customer's stage under
the default rules of include/mitra/ladder/stage_rules.h at as_of = 2026-01-01
(the midnight after the sample's last event), and the number of customers per
stage. tests/ladder/planted_test.cc asserts the same counts from the C++
library; CTest runs this script with --check so that the two stay in step.

    /usr/bin/python3 tests/ladder/sample_reference.py [--check]
"""
import csv
import datetime as dt
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "data", "sample")
DAY = 86400
AS_OF = int(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).timestamp())
EXPECTED = [0, 1510, 3044, 385, 47, 14]  # asserted by planted_test.cc too


def seconds(text):
    if "T" in text:
        return int(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
                   .replace(tzinfo=dt.timezone.utc).timestamp())
    return int(dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc).timestamp())


def rows(kind):
    with open(os.path.join(SAMPLE, kind + ".csv"), newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def in_window(t, days):
    return t < AS_OF and (days == 0 or t >= AS_OF - days * DAY)


def main():
    customers = [r["id"] for r in rows("customers")]
    purchases, purchases_365, purchase_days = {}, {}, {}
    for r in rows("transactions"):
        c, t = r["customer_id"], seconds(r["time"])
        if not in_window(t, 0):
            continue
        purchases[c] = purchases.get(c, 0) + 1
        purchase_days.setdefault(c, set()).add(t // DAY)
        if in_window(t, 365):
            purchases_365[c] = purchases_365.get(c, 0) + 1
    communities = {}
    for r in rows("memberships"):
        joined = seconds(r["joined"])
        left = seconds(r["left"]) if r["left"] else None
        if joined < AS_OF and (left is None or left >= AS_OF):
            communities.setdefault(r["customer_id"], set()).add(r["community_id"])
    days_active_90 = {}
    for r in rows("interactions"):
        t = seconds(r["time"])
        if in_window(t, 90):
            days_active_90.setdefault(r["from_customer_id"], set()).add(t // DAY)
    referrals_365 = {}
    for r in rows("referrals"):
        if in_window(seconds(r["time"]), 365):
            referrals_365[r["referrer_id"]] = referrals_365.get(r["referrer_id"], 0) + 1
    programs_730 = {}
    for r in rows("feedback"):
        if in_window(seconds(r["time"]), 730):
            programs_730.setdefault(r["customer_id"], set()).add(r["program_id"])

    def stage(c):
        rungs = [
            purchases.get(c, 0) >= 1,
            len(purchase_days.get(c, ())) >= 2 and purchases_365.get(c, 0) >= 1,
            len(communities.get(c, ())) >= 1 and len(days_active_90.get(c, ())) >= 6,
            referrals_365.get(c, 0) >= 1,
            len(programs_730.get(c, ())) >= 2,
        ]
        s = 0
        for ok in rungs:
            if not ok:
                break
            s += 1
        return s

    counts = [0] * 6
    for c in customers:
        counts[stage(c)] += 1
    print("customers per stage (prospect .. collaborator):", counts)
    print("collaborators:", sorted(c for c in customers if stage(c) == 5))
    if "--check" in sys.argv[1:] and counts != EXPECTED:
        print("expected", EXPECTED, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
