"""mitra.dask's fits and scores with covariates on a real distributed cluster
(two worker processes): the log-likelihood summed over the partitions on the
workers, mitra's optimiser on the client, against the single-process
mitra.value fit with covariates on the CDNOW sample and covariates derived
from it (the week of each customer's first purchase, the logarithm of its
amount, and a seeded normal draw that has nothing to do with purchases).

dask, distributed and pandas are required: a missing one fails the module
(the CI installs them; scripts/debian-packages.txt)."""

import time

import numpy as np
import pytest

import pandas as pd

import mitra
import mitra.dask as md
import mitra.value as mv

from conftest import DASK_TIMEOUT
from test_dask import frame  # noqa: F401  (the CDNOW transactions as a pandas frame)
from test_value import CAL_END, cdnow  # noqa: F401  (the CDNOW fixture)

PURCHASE = ["first_spend", "noise"]
DROPOUT = ["cohort"]
MODELS = {"bgnbd": mv.BGNBD, "mbgnbd": mv.MBGNBD, "pareto": mv.ParetoNBD}


@pytest.fixture(scope="module")
def covariates(frame):
    """One row per customer (in a shuffled order): the week of her first
    purchase in 1997, ln(1 + its amount) and a N(0, 1) draw (seed 5)."""
    first = frame.sort_values("time", kind="stable").groupby("customer_id").first()
    start = frame["time"].min()
    rng = np.random.default_rng(5)
    cov = pd.DataFrame({"customer_id": first.index.to_numpy(),
                        "cohort": ((first["time"] - start) // (7 * 86400)).to_numpy(float),
                        "first_spend": np.log1p(first["amount"].to_numpy()),
                        "noise": rng.normal(size=len(first))})
    return cov.sample(frac=1.0, random_state=3).reset_index(drop=True)


@pytest.fixture(scope="module")
def summaries(cdnow):
    return mv.summarize(cdnow, CAL_END, period="day", unit="week")


def aligned(covariates, summaries, names):
    """{name: column} of covariates in the order of the summaries' customers."""
    rows = covariates.set_index("customer_id").loc[[int(c) for c in summaries.customer_id]]
    return {k: rows[k].to_numpy() for k in names}


@pytest.fixture(scope="module")
def references(covariates, summaries):
    s = summaries
    return {name: cls.fit(s.frequency, s.recency, s.T,
                          purchase_covariates=aligned(covariates, s, PURCHASE),
                          dropout_covariates=aligned(covariates, s, DROPOUT))
            for name, cls in MODELS.items()}


def rel(a, b):
    return abs(a - b) / abs(b)


@pytest.mark.parametrize("name", list(MODELS))
def test_distributed_fit_equals_the_single_process_fit(dask_client, frame, covariates,
                                                        references, name):
    reference = references[name]
    assert reference.report["standard_errors"]  # an interior optimum
    fits = [md.fit(frame, name, calibration_end=CAL_END, npartitions=n,
                   covariates=covariates.iloc[::-1], purchase_covariates=PURCHASE,
                   dropout_covariates=DROPOUT, timeout=DASK_TIMEOUT) for n in (1, 3, 7)]
    for f in fits:
        assert type(f) is type(reference)
        for k, v in reference.params.items():
            assert rel(f.params[k], v) < 1e-9, k
        for process in ("purchase", "dropout"):
            for k, v in reference.coefficients[process].items():
                assert rel(f.coefficients[process][k], v) < 1e-9, (process, k)
                # Forward differences of the gradient make the standard
                # errors as sensitive to the sums' rounding as 1e-6.
                assert rel(f.coefficient_errors[process][k],
                           reference.coefficient_errors[process][k]) < 1e-5, (process, k)
        for k, v in reference.standard_errors.items():
            assert rel(f.standard_errors[k], v) < 1e-5, k
        assert rel(f.log_likelihood, reference.log_likelihood) < 1e-12
        lr, want = f.likelihood_ratio, reference.likelihood_ratio
        assert lr["degrees_of_freedom"] == want["degrees_of_freedom"] == 3
        assert rel(lr["restricted_log_likelihood"], want["restricted_log_likelihood"]) < 1e-12
        assert abs(lr["statistic"] - want["statistic"]) < 1e-6
        assert f.report["total_weight"] == reference.report["total_weight"] == 2357
        assert f.report["rows"] == reference.report["rows"]
    # The partitions change only the order of the sums.
    for f in fits[1:]:
        for k, v in fits[0].params.items():
            assert rel(f.params[k], v) < 1e-12, k


def test_options_reach_the_fit(dask_client, frame, covariates, summaries):
    s = summaries
    reference = mv.BGNBD.fit(s.frequency, s.recency, s.T, penalizer=0.01,
                             covariates=aligned(covariates, s, ["cohort", "first_spend"]),
                             covariate_penalty=0.05, standard_errors=False)
    # Without names every column but customer_id is a covariate of both.
    # The transactions are partitioned already; the covariates, split into
    # as many partitions, are not (and are rearranged all the same).
    tx = md.partition_by_customer(frame, 3)
    f = md.fit(tx, "bgnbd", calibration_end=CAL_END, partitioned=True,
               covariates=covariates[["customer_id", "cohort", "first_spend"]],
               penalizer=0.01, covariate_penalty=0.05, standard_errors=False,
               timeout=DASK_TIMEOUT)
    for k, v in reference.params.items():
        assert rel(f.params[k], v) < 1e-9, k
    for process in ("purchase", "dropout"):
        assert f.coefficients[process].keys() == {"cohort", "first_spend"}
        for k, v in reference.coefficients[process].items():
            assert rel(f.coefficients[process][k], v) < 1e-9, (process, k)
    assert f.standard_errors == {}


def test_scores_are_at_each_customers_own_covariates(dask_client, frame, covariates,
                                                     references, summaries):
    model = references["pareto"]
    s = summaries
    scores = md.score(frame, model, calibration_end=CAL_END, horizon=39, npartitions=3,
                      covariates=covariates)
    scores = dask_client.compute(scores).result(timeout=DASK_TIMEOUT)
    assert len(scores) == len(s) == 2357
    assert scores["customer_id"].is_unique
    scores = scores.set_index("customer_id").loc[[int(c) for c in s.customer_id]]
    cov = {"purchase_covariates": aligned(covariates, s, PURCHASE),
           "dropout_covariates": aligned(covariates, s, DROPOUT)}
    expected = {
        "expected_purchases": model.expected_purchases(39, s.frequency, s.recency, s.T, **cov),
        "probability_alive": model.probability_alive(s.frequency, s.recency, s.T, **cov),
    }
    for name, values in expected.items():
        np.testing.assert_allclose(scores[name].to_numpy(), values, rtol=1e-12, atol=0,
                                   err_msg=name)
    # The covariates matter: the model without them scores differently.
    plain = mv.ParetoNBD(**model.params).expected_purchases(39, s.frequency, s.recency, s.T)
    assert np.abs(plain - expected["expected_purchases"]).max() > 1e-3


def test_bad_covariates_are_named(dask_client, frame, covariates, references):
    fit = dict(calibration_end=CAL_END, npartitions=3, timeout=DASK_TIMEOUT)
    with pytest.raises(mitra.InvalidArgument, match=r"^covariates: no column 'tenure'"):
        md.fit(frame, "bgnbd", covariates=covariates, purchase_covariates=["tenure"], **fit)
    bad = covariates.copy()
    bad.loc[10, "noise"] = np.nan
    who = bad.loc[10, "customer_id"]
    with pytest.raises(mitra.InvalidArgument,
                       match=r"^covariates\['noise'\]: nan for customer_id %d is not a finite "
                             r"number \(covariates partition \d\)" % who):
        md.fit(frame, "bgnbd", covariates=bad, purchase_covariates=PURCHASE, **fit)
    # A customer with transactions before calibration_end but no covariates.
    gone = covariates.drop(index=20)
    with pytest.raises(mitra.InvalidArgument,
                       match=r"^covariates: no row for customer_id %d, a customer with "
                             r"transactions" % covariates.loc[20, "customer_id"]):
        md.fit(frame, "pareto", covariates=gone, dropout_covariates=DROPOUT, **fit)
    twice = pd.concat([covariates, covariates.iloc[[7]]])
    with pytest.raises(mitra.InvalidArgument, match=r"^covariates: customer_id %d has more "
                       % covariates.loc[7, "customer_id"]):
        md.fit(frame, "bgnbd", covariates=twice, **fit)
    with pytest.raises(mitra.InvalidArgument, match=r"^covariates\['cohort'\]: numbers expected"):
        md.fit(frame, "bgnbd", covariates=covariates.astype({"cohort": str}), **fit)
    with pytest.raises(mitra.InvalidArgument,
                       match=r"^FitRequest.dropout_covariates: column \"one\" is constant"):
        md.fit(frame, "bgnbd", covariates=covariates.assign(one=1.0),
               dropout_covariates=["one"], **fit)
    with pytest.raises(mitra.InvalidArgument, match=r"^covariates: apply to BG/NBD"):
        md.fit(frame, "gammagamma", covariates=covariates, **fit)
    with pytest.raises(mitra.InvalidArgument, match=r"^covariates: purchase_covariates"):
        md.fit(frame, "bgnbd", purchase_covariates=PURCHASE, **fit)
    model = references["bgnbd"]
    with pytest.raises(mitra.InvalidArgument, match=r"^covariates: required"):
        md.score(frame, model, calibration_end=CAL_END, horizon=1)
    with pytest.raises(mitra.InvalidArgument, match=r"^covariates: the model has no"):
        md.score(frame, mv.BGNBD(1, 1, 1, 1), calibration_end=CAL_END, horizon=1,
                 covariates=covariates)
    scores = md.score(frame, model, calibration_end=CAL_END, horizon=1, npartitions=3,
                      covariates=bad)
    with pytest.raises(mitra.InvalidArgument, match=r"^covariates\['noise'\]: nan"):
        dask_client.compute(scores).result(timeout=DASK_TIMEOUT)


def test_the_blocks_leave_the_workers(dask_client, frame, covariates):
    md.fit(frame, "bgnbd", calibration_end=CAL_END, npartitions=3, covariates=covariates,
           purchase_covariates=PURCHASE, timeout=DASK_TIMEOUT)

    def held(dask_scheduler):
        return [str(k) for k in dask_scheduler.tasks if "_join" in str(k) or "_block" in str(k)]

    # The joined blocks and the calls on them are released when the fit returns.
    deadline = time.monotonic() + DASK_TIMEOUT
    while dask_client.run_on_scheduler(held):
        assert time.monotonic() < deadline, dask_client.run_on_scheduler(held)[:5]
        time.sleep(0.05)
