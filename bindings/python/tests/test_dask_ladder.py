"""Ladder stages across partitions on a real distributed cluster (two worker
processes): mitra.dask.stages against mitra.ladder.stages of one workspace
holding the sample brand (data/sample), every customer's stage, next step
and involvement, the funnel and every period's entries and transition
matrix; a ladder that reads other customers' rows (interactions received,
distinct peers, referrals, adopted contributions, margins); bad input named.

dask, distributed and pandas are required: a missing one fails the module
(the CI installs them; scripts/debian-packages.txt)."""

import os

import numpy as np
import pandas as pd
import pytest

import dask.dataframe as dd

import mitra
import mitra.cocreation
import mitra.dask as md
import mitra.ladder as ml

from conftest import DASK_TIMEOUT, SAMPLE

AS_OF = "2025-11-15"  # inside the sample: later events must not count


def read(kind, blocksize=None):
    """A sample file as the CSV reader's text: dtype=str keeps every cell as
    written (ids, booleans, decimals)."""
    path = os.path.join(SAMPLE, kind + ".csv")
    if blocksize:
        return dd.read_csv(path, dtype=str, blocksize=blocksize)
    return pd.read_csv(path, dtype=str)


@pytest.fixture(scope="module")
def tables():
    """The sample's partitioned tables (interactions and transactions in
    several byte blocks) and shared tables."""
    t = {"customers": dd.from_pandas(read("customers"), npartitions=2, sort=False),
         "transactions": read("transactions", 700_000),
         "interactions": read("interactions", 1_200_000)}
    for kind in ("memberships", "feedback", "referrals"):
        t[kind] = dd.from_pandas(read(kind), npartitions=2, sort=False)
    for kind in md.SHARED_TABLES:
        t[kind] = read(kind)
    assert t["interactions"].npartitions >= 2 and t["transactions"].npartitions >= 2
    return t


def check_equal(got, want):
    """Every known customer once with the single workspace's stage, next
    step and involvement; the funnel and the history equal."""
    assert got.as_of == want.as_of
    assert got.stage_names == want.stage_names
    assert got.counts == want.counts
    assert got.funnel() == want.funnel()
    frame = got.customers.compute()
    assert len(frame) == len(want.customers) == sum(want.counts.values())
    assert frame["customer_id"].is_unique
    frame = frame.set_index("customer_id").loc[[c.customer_id for c in want.customers]]
    assert frame["stage"].tolist() == [c.stage for c in want.customers]
    assert frame["stage_name"].tolist() == [c.stage_name for c in want.customers]
    assert frame["phase"].tolist() == [c.phase for c in want.customers]
    assert frame["next"].tolist() == [c.next.label if c.next else None for c in want.customers]
    np.testing.assert_array_equal(frame["next_value"].to_numpy(),
                                  [c.next.value if c.next else np.nan for c in want.customers])
    assert frame["evidence"].tolist() == [[(e.label, e.value) for e in c.evidence]
                                          for c in want.customers]
    for field in ml.INVOLVEMENT:
        np.testing.assert_array_equal(frame["involvement_" + field].to_numpy(),
                                      [c.involvement[field] for c in want.customers],
                                      err_msg=field)
    assert len(got.history) == len(want.history)
    for p, q in zip(got.history, want.history):
        assert p.end == q.end and p.counts == q.counts and p.entered == q.entered
        if q.transitions is None:
            assert p.transitions is None
        else:
            np.testing.assert_array_equal(p.transitions, q.transitions)


def test_default_ladder_equals_the_single_workspace(dask_client, sample, tables):
    want = ml.stages(sample, history=12)
    got = md.stages(**tables, history=12, npartitions=4, split_every=2, timeout=DASK_TIMEOUT)
    check_equal(got, want)
    # The sample's documented funnel (docs/LADDER.md), and flows in the history.
    assert list(got.counts.values()) == [0, 1510, 3044, 385, 47, 14]
    assert got.history[-1].transitions.sum() > 4000


def test_a_ladder_reading_other_customers_rows(dask_client, sample, tables):
    """Interactions received and distinct peers (the other end's rows),
    converted referrals, adopted contributions of the sample's decisions,
    promoter answers and margins (the shared products), at an as_of inside
    the data, with 30-day history periods; 1 and 3 partitions."""
    r = ml.requirement
    rules = ml.rules(
        ml.stage("known", "transactional"),
        ml.stage("noticed", "transactional", r("interactions_received", 3, kind="reply")),
        ml.stage("connected", "relationship", r("distinct_peers", 5, window_days=180),
                 r("margin", 100)),
        ml.stage("referrer", "collaborative", r("converted_referrals", 1)),
        ml.stage("voice", "collaborative", r("promoter_answers", 1)),
        ml.stage("maker", "collaborative", r("adopted_contributions", 1)))
    decisions = mitra.cocreation.decisions_from_csv(os.path.join(SAMPLE, "decisions.csv"))
    options = dict(rules=rules, as_of=AS_OF, history=4, period_days=30, decisions=decisions,
                   involvement_window_days=90)
    want = ml.stages(sample, **options)
    assert all(want.counts[s] > 0 for s in ("known", "noticed", "connected", "referrer"))
    for n in (1, 3):
        check_equal(md.stages(**tables, npartitions=n, timeout=DASK_TIMEOUT, **options), want)


def test_bad_input_is_named(dask_client, tables):
    alive = ml.rules(ml.stage("known", "transactional"),
                     ml.stage("alive", "relationship", ml.requirement("p_alive", 0.5)))
    with pytest.raises(mitra.InvalidArgument,
                       match=r"rules\.stages\[1\]\.requirements\[0\]\.indicator: p_alive"):
        md.stages(**tables, rules=alive)
    with pytest.raises(mitra.InvalidArgument, match=r"request\.history_periods"):
        md.stages(**tables, history=5000)
    with pytest.raises(mitra.InvalidArgument, match=r"customers: no column 'id'"):
        md.stages(customers=read("customers").rename(columns={"id": "customer"}))
    # A transaction of a customer the customers table does not define:
    # refused on the worker that owns the id, as the single workspace would.
    tx = read("transactions")
    tx.loc[5, "customer_id"] = "C9999"
    with pytest.raises(mitra.NotFound,
                       match=r"transactions\.customer_id: unknown customer id 'C9999'"):
        md.stages(customers=tables["customers"], transactions=tx, products=tables["products"],
                  channels=tables["channels"], as_of=AS_OF, npartitions=3,
                  timeout=DASK_TIMEOUT)
    # A bad cell is the CSV reader's error, naming the partition's table.
    tx = read("transactions")
    tx.loc[7, "amount"] = "12,5"
    with pytest.raises(mitra.InvalidArgument, match=r"transactions \(partition \d\).*amount"):
        md.stages(customers=tables["customers"], transactions=tx, products=tables["products"],
                  channels=tables["channels"], as_of=AS_OF, npartitions=2,
                  timeout=DASK_TIMEOUT)
