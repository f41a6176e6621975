"""mitra.dask's fits without covariates by a distributed likelihood, on a
real distributed cluster (two worker processes): the CDNOW transactions in
continuous time (each moved by a seeded number of seconds within its day,
summarized with one-second periods, so that nearly every customer's
(x, t_x, T) is her own), the log-likelihood summed over the partitions on
the workers and mitra's optimiser on the client, against the
single-process mitra.value fit of the same summaries.

dask, distributed and pandas are required: a missing one fails the module
(the CI installs them; scripts/debian-packages.txt)."""

import numpy as np
import pytest

import pandas as pd

import mitra
import mitra.dask as md
import mitra.value as mv

from conftest import DASK_TIMEOUT, kill_worker_mid_job
from test_value import CAL_END, cdnow  # noqa: F401  (the CDNOW fixture)

MODELS = {"bgnbd": mv.BGNBD, "mbgnbd": mv.MBGNBD, "pareto": mv.ParetoNBD,
          "gammagamma": mv.GammaGamma}
TIME = {"calibration_end": CAL_END, "period": "second", "unit": "week"}


@pytest.fixture(scope="module")
def frame(cdnow):
    """The CDNOW transactions, each at a seeded second of its day (seed 11)."""
    customer, time, amount = cdnow
    rng = np.random.default_rng(11)
    return pd.DataFrame({"customer_id": customer.astype(np.int64),
                         "time": time + rng.integers(0, 86400, size=time.size),
                         "amount": amount})


@pytest.fixture(scope="module")
def summaries(frame):
    return mv.summarize((frame["customer_id"].to_numpy(np.uint32), frame["time"].to_numpy(),
                         frame["amount"].to_numpy()), **TIME)


def single_process_fit(name, s, **options):
    if name == "gammagamma":
        return mv.GammaGamma.fit(s.frequency, s.monetary_value, **options)
    return MODELS[name].fit(s.frequency, s.recency, s.T, **options)


def rel(a, b):
    return abs(a - b) / abs(b)


def test_continuous_time_rows_do_not_merge(summaries):
    rows = np.column_stack([summaries.frequency, summaries.recency, summaries.T])
    assert len(summaries.frequency) == 2357
    assert len(np.unique(rows, axis=0)) > 2300
    assert mv.BGNBD.fit(summaries.frequency, summaries.recency, summaries.T).report["rows"] > 2300


@pytest.mark.parametrize("name", list(MODELS))
def test_distributed_fit_equals_the_single_process_fit(dask_client, frame, summaries, name):
    reference = single_process_fit(name, summaries)
    assert reference.report["standard_errors"]  # an interior optimum
    fits = [md.fit(frame, name, npartitions=n, method="distributed", timeout=DASK_TIMEOUT, **TIME)
            for n in (1, 3, 7)]
    repeat_buyers = int(np.sum(summaries.frequency > 0))
    for f in fits:
        assert type(f) is type(reference)
        for k, v in reference.params.items():
            assert rel(f.params[k], v) < 1e-9, k
        # Forward differences of the gradient make the standard errors as
        # sensitive to the sums' rounding as 1e-6.
        for k, v in reference.standard_errors.items():
            assert rel(f.standard_errors[k], v) < 1e-5, k
        assert rel(f.log_likelihood, reference.log_likelihood) < 1e-12
        assert f.report["total_weight"] == reference.report["total_weight"]
        # rows: the customers the sums covered (no rows reached the client).
        assert f.report["rows"] == (repeat_buyers if name == "gammagamma" else 2357)
    # The partitions change only the order of the sums (Pareto/NBD's s
    # moves by 1.3e-12 between 1 and 7 partitions).
    for f in fits[1:]:
        for k, v in fits[0].params.items():
            assert rel(f.params[k], v) < 1e-10, k


def test_auto_merges_up_to_max_client_rows(dask_client, frame, summaries):
    merged = md.fit(frame, "bgnbd", npartitions=3, method="merged", timeout=DASK_TIMEOUT, **TIME)
    # Under the limit "auto" is "merged", bit for bit.
    auto = md.fit(frame, "bgnbd", npartitions=3, timeout=DASK_TIMEOUT, **TIME)
    assert auto == merged  # every field, doubles to the bit
    assert auto.report["rows"] > 2300
    # Above it, the distributed likelihood: the same fit to rounding.
    over = md.fit(frame, "bgnbd", npartitions=3, max_client_rows=2000, timeout=DASK_TIMEOUT,
                  **TIME)
    distributed = md.fit(frame, "bgnbd", npartitions=3, method="distributed",
                         timeout=DASK_TIMEOUT, **TIME)
    assert over == distributed
    assert over.report["rows"] == 2357
    for k, v in merged.params.items():
        assert rel(over.params[k], v) < 1e-9, k


def test_options_reach_the_fit(dask_client, frame, summaries):
    reference = single_process_fit("pareto", summaries, penalizer=0.05, standard_errors=False,
                                   initial={"r": 0.5, "alpha": 10})
    f = md.fit(frame, "pareto", npartitions=2, method="distributed", penalizer=0.05,
               standard_errors=False, initial={"r": 0.5, "alpha": 10}, threads=2,
               timeout=DASK_TIMEOUT, **TIME)
    for k, v in reference.params.items():
        assert rel(f.params[k], v) < 1e-9, k
    assert f.standard_errors == {}
    assert f.report["iterations"] == reference.report["iterations"]


def test_a_worker_killed_mid_fit_changes_nothing(dask_client, frame):
    tx = md.partition_by_customer(frame, 6)

    def job():
        return md.fit(tx, "pareto", partitioned=True, method="distributed",
                      timeout=DASK_TIMEOUT, **TIME)

    undisturbed = job()
    # Killed after 30 block evaluations (five optimiser steps): the worker's
    # blocks are computed again from their partitions and the steps go on.
    killed = kill_worker_mid_job(dask_client, job, "_block_likelihood", 30)
    assert killed == undisturbed  # every field, doubles to the bit


def test_bad_arguments_are_named(dask_client, frame):
    with pytest.raises(mitra.InvalidArgument, match="method: one of auto, merged, distributed"):
        md.fit(frame, "bgnbd", method="exact", **TIME)
    with pytest.raises(mitra.InvalidArgument, match="max_client_rows: a whole number >= 0"):
        md.fit(frame, "bgnbd", max_client_rows=-1, **TIME)
    with pytest.raises(mitra.InvalidArgument, match="method: rows with covariates do not merge"):
        md.fit(frame, "bgnbd", method="merged",
               covariates=pd.DataFrame({"customer_id": [1], "z": [0.0]}), **TIME)
    one_timers = frame.drop_duplicates("customer_id")
    with pytest.raises(mitra.InvalidArgument, match="no customer with a repeat purchase"):
        md.fit(one_timers, "gammagamma", npartitions=2, method="distributed",
               timeout=DASK_TIMEOUT, **TIME)


def test_block_functions_against_the_whole(summaries):
    """Blocks add up to the whole; a failing host stops the fit and its
    exception comes back; a wrong gradient is named."""
    s = summaries
    params = np.array([0.5, 6.0, 0.7, 3.0])
    whole, grad = mv.BGNBD.block_log_likelihood(params, s.frequency, s.recency, s.T)
    parts = [mv.BGNBD.block_log_likelihood(params, s.frequency[a:b], s.recency[a:b], s.T[a:b])
             for a, b in ((0, 1000), (1000, 1000), (1000, 2357))]
    assert sum(p[0] for p in parts) == pytest.approx(whole, rel=1e-12)
    assert np.allclose(sum(p[1] for p in parts), grad, rtol=1e-10)
    assert parts[1][0] == 0.0

    def fails(_params):
        raise KeyError("the host's own failure")

    with pytest.raises(KeyError, match="the host's own failure"):
        mv.BGNBD.fit_likelihood(fails, 2357)
    with pytest.raises(mitra.InvalidArgument, match="log_likelihood: returned 3 gradient entries"):
        mv.BGNBD.fit_likelihood(lambda p: (0.0, np.zeros(3)), 2357)
    with pytest.raises(mitra.InvalidArgument, match="params: BG/NBD has 4 parameters"):
        mv.BGNBD.block_log_likelihood([1, 2], s.frequency, s.recency, s.T)
    with pytest.raises(mitra.InvalidArgument, match=r"params\[0\]: must be finite and > 0"):
        mv.GammaGamma.block_log_likelihood([-1, 2, 3], s.frequency, s.monetary_value)
