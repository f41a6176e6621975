"""mitra.dask on a real distributed cluster (two worker processes), against
the single-process mitra.value API on the CDNOW sample and against the hash
partitioner's specification.

dask, distributed and pandas are required: a missing one fails the module
(the CI installs them; scripts/debian-packages.txt)."""

import hashlib

import numpy as np
import pytest

import dask.dataframe as dd
import distributed
import pandas as pd

import mitra
import mitra.dask as md
import mitra.value as mv

from conftest import DASK_TIMEOUT, dask_compute as compute, run_python
from test_value import CAL_END, cdnow  # noqa: F401  (the CDNOW fixture)

TIMEOUT = DASK_TIMEOUT
MONTH = mv.unit_ratio("month", "week")


@pytest.fixture(scope="module")
def frame(cdnow):
    """The CDNOW transactions as a pandas frame: integer customer ids."""
    customer, time, amount = cdnow
    return pd.DataFrame({"customer_id": customer.astype(np.int64), "time": time,
                         "amount": amount})


@pytest.fixture(scope="module")
def shards(frame, tmp_path_factory):
    """The same transactions as three CSV shards (times as ISO dates), read
    back by dask.dataframe.read_csv: one partition a shard, a customer's rows
    spread over several."""
    d = tmp_path_factory.mktemp("shards")
    csv = frame.assign(time=pd.to_datetime(frame["time"], unit="s").dt.strftime("%Y-%m-%d"))
    for k, rows in enumerate(np.array_split(np.arange(len(csv)), 3)):
        csv.iloc[rows].to_csv(d / ("tx-%d.csv" % k), index=False)
    tx = dd.read_csv(str(d / "tx-*.csv"))
    assert tx.npartitions == 3
    return tx


@pytest.fixture(scope="module")
def summaries(cdnow):
    return mv.summarize(cdnow, CAL_END, period="day", unit="week")


def reference_partition(customer_id, n):
    """The documented hash, computed here from its definition."""
    digest = hashlib.blake2b(str(customer_id).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % n


# ---- the core stays free of Dask -------------------------------------------------


def test_import_mitra_does_not_import_dask():
    r = run_python("import sys, mitra, mitra.value; "
                   "print(sorted(m for m in ('dask', 'distributed', 'pandas', 'mitra.dask') "
                   "if m in sys.modules))")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
    r = run_python("import sys, mitra.dask; print('dask' in sys.modules)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "True"


# ---- partitioning ------------------------------------------------------------------


def test_partition_of_follows_its_definition():
    ids = np.array([0, 1, 7, 41, 2**40, 12345678901], dtype=np.int64)
    for n in (1, 2, 3, 7, 1000):
        assert md.partition_of(ids, n).tolist() == [reference_partition(i, n) for i in ids]
    names = np.array(["c1", "Zoë", "", "c1", "顧客"], dtype=object)
    assert md.partition_of(names, 13).tolist() == [reference_partition(s, 13) for s in names]
    # A whole number and its decimal text are one customer.
    assert md.partition_of(np.array([7, "7"], dtype=object), 97).tolist() == \
        [reference_partition(7, 97)] * 2


def test_partition_of_is_the_same_in_every_process(dask_client, frame):
    ids = np.unique(frame["customer_id"].to_numpy())
    here = md.partition_of(ids, 7)
    # Worker processes start with their own string-hash salt.
    on_workers = dask_client.run(md.partition_of, ids, 7)
    assert len(on_workers) == 2
    for got in on_workers.values():
        np.testing.assert_array_equal(got, here)
    names = np.array(["c%d" % i for i in ids[:50]], dtype=object)
    r = run_python("import mitra.dask as md; print(md.partition_of(%r, 7).tolist())"
                   % ([str(s) for s in names],), {"PYTHONHASHSEED": "12345"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(md.partition_of(names, 7).tolist())


@pytest.mark.parametrize("n", [1, 3, 7])
def test_partition_by_customer_puts_each_customer_in_one_partition(dask_client, frame, shards, n):
    parts = compute(dask_client, md.partition_by_customer(shards, n).to_delayed())
    assert len(parts) == n
    home = {}
    for k, part in enumerate(parts):
        for c in part["customer_id"].unique():
            assert c not in home, "customer %d in partitions %d and %d" % (c, home[c], k)
            home[c] = k
            assert k == reference_partition(c, n)
    assert sorted(home) == sorted(frame["customer_id"].unique())
    # Every row exactly once, and a customer's rows in their original order.
    got = pd.concat(parts)
    assert len(got) == len(frame)
    expected = frame.assign(
        time=pd.to_datetime(frame["time"], unit="s").dt.strftime("%Y-%m-%d"))
    for c in (0, 1, 99, 2356):
        np.testing.assert_array_equal(got[got.customer_id == c].to_numpy(),
                                      expected[expected.customer_id == c].to_numpy())
    key = ["customer_id", "time", "amount"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True))


# ---- fits ----------------------------------------------------------------------


def single_process_fit(name, s):
    cls = md.MODELS[name]
    if cls is mv.GammaGamma:
        return cls.fit(s.frequency, s.monetary_value)
    return cls.fit(s.frequency, s.recency, s.T)


@pytest.mark.parametrize("name", ["bgnbd", "pareto", "mbgnbd", "gammagamma"])
def test_partitioned_fit_equals_the_single_process_fit(dask_client, shards, summaries, name):
    reference = single_process_fit(name, summaries)
    fits = [md.fit(shards, name, calibration_end=CAL_END, period="day", unit="week",
                   npartitions=n, timeout=TIMEOUT) for n in (1, 3, 7)]
    for f in fits:
        assert type(f) is type(reference)
        assert f.params.keys() == reference.params.keys()
        for k, v in reference.params.items():
            assert f.params[k] == pytest.approx(v, rel=1e-9), k
        assert f.log_likelihood == pytest.approx(reference.log_likelihood, rel=1e-12)
        assert f.report["total_weight"] == reference.report["total_weight"]
    # The merged rows are the same whatever the partitioning: so is the fit.
    assert fits[0].params == fits[1].params == fits[2].params


def test_fit_takes_the_models_options(dask_client, shards, summaries):
    reference = mv.BGNBD.fit(summaries.frequency, summaries.recency, summaries.T,
                             penalizer=0.1, standard_errors=False)
    f = md.fit(shards, "BG/NBD", calibration_end=CAL_END, npartitions=2, penalizer=0.1,
               standard_errors=False, timeout=TIMEOUT)
    for k, v in reference.params.items():
        assert f.params[k] == pytest.approx(v, rel=1e-9), k
    assert f.standard_errors == {}


# ---- scores --------------------------------------------------------------------


def test_scores_equal_the_single_process_predictions(dask_client, cdnow, summaries):
    # String ids from a host's pandas frame this time.
    customer, time, amount = cdnow
    names = np.array(["c%04d" % c for c in customer], dtype=object)
    tx = pd.DataFrame({"customer_id": names, "time": time, "amount": amount})
    s = mv.summarize((names, time, amount), CAL_END, period="day", unit="week")
    bg = mv.BGNBD.fit(s.frequency, s.recency, s.T)
    gg = mv.GammaGamma.fit(s.frequency, s.monetary_value)
    scores = compute(dask_client, md.score(tx, bg, calibration_end=CAL_END, horizon=39,
                                      spend_model=gg, period_length=MONTH,
                                      discount_rate=0.01, npartitions=3))
    assert len(scores) == len(s) == 2357
    assert scores["customer_id"].is_unique
    scores = scores.set_index("customer_id").loc[s.customer_id]
    expected = {
        "frequency": s.frequency, "recency": s.recency, "T": s.T,
        "monetary_value": s.monetary_value,
        "expected_purchases": bg.expected_purchases(39, s.frequency, s.recency, s.T),
        "probability_alive": bg.probability_alive(s.frequency, s.recency, s.T),
        "expected_spend": gg.expected_spend(s.frequency, s.monetary_value),
        "clv": mv.clv(bg, gg, s.frequency, s.recency, s.T, s.monetary_value,
                      period_length=MONTH, discount_rate=0.01),
    }
    assert list(scores.columns) == list(expected)
    for name, values in expected.items():
        np.testing.assert_allclose(scores[name].to_numpy(), values, rtol=1e-12, atol=0,
                                   err_msg=name)


def test_scores_without_a_spend_model(dask_client, shards, summaries):
    pareto = mv.ParetoNBD(r=0.55, alpha=10.6, s=0.61, beta=11.7)
    scores = compute(dask_client, md.score(shards, pareto, calibration_end=CAL_END, horizon=10,
                                      npartitions=7))
    assert list(scores.columns) == ["customer_id", "frequency", "recency", "T",
                                    "monetary_value", "expected_purchases",
                                    "probability_alive"]
    scores = scores.set_index("customer_id").loc[[int(c) for c in summaries.customer_id]]
    np.testing.assert_allclose(
        scores["expected_purchases"].to_numpy(),
        pareto.expected_purchases(10, summaries.frequency, summaries.recency, summaries.T),
        rtol=1e-12, atol=0)


# ---- bad input -----------------------------------------------------------------


def test_unknown_model_is_refused(shards):
    with pytest.raises(mitra.InvalidArgument, match=r"^model: unknown model 'bgnbd2'"):
        md.fit(shards, "bgnbd2", calibration_end=CAL_END)


def test_missing_column_is_refused(frame):
    with pytest.raises(mitra.InvalidArgument, match=r"^transactions: no column 'amount'"):
        md.fit(frame.drop(columns="amount"), "bgnbd", calibration_end=CAL_END)
    with pytest.raises(mitra.InvalidArgument, match=r"^transactions: no column 'customer_id'"):
        md.score(frame.rename(columns={"customer_id": "id"}), mv.BGNBD(1, 1, 1, 1),
                 calibration_end=CAL_END, horizon=1)


def test_nan_amount_is_refused_on_the_worker(dask_client, frame):
    bad = frame.copy()
    bad.loc[100, "amount"] = np.nan
    who = bad.loc[100, "customer_id"]
    with pytest.raises(mitra.InvalidArgument,
                       match=r"^amount: nan in a transaction of customer_id %d" % who):
        md.fit(bad, "pareto", calibration_end=CAL_END, npartitions=3, timeout=TIMEOUT)
    scores = md.score(bad, mv.BGNBD(1, 1, 1, 1), calibration_end=CAL_END, horizon=1,
                      npartitions=3)
    with pytest.raises(mitra.InvalidArgument, match=r"^amount: nan"):
        compute(dask_client, scores)


def test_bad_options_are_refused_on_the_client(shards):
    with pytest.raises(mitra.InvalidArgument, match=r"^unit: unknown unit 'fortnight'"):
        md.fit(shards, "bgnbd", calibration_end=CAL_END, unit="fortnight")
    with pytest.raises(mitra.InvalidArgument, match=r"^calibration_end: "):
        md.summarize(shards, calibration_end="1997-13-45")
    with pytest.raises(TypeError, match=r"weights"):
        md.fit(shards, "bgnbd", calibration_end=CAL_END, weights=[1.0])
    with pytest.raises(mitra.InvalidArgument, match=r"^discount_rate: required"):
        md.score(shards, mv.BGNBD(1, 1, 1, 1), calibration_end=CAL_END, horizon=1,
                 spend_model=mv.GammaGamma(6, 4, 16), period_length=MONTH)
    with pytest.raises(mitra.InvalidArgument, match=r"^npartitions: must be in"):
        md.partition_by_customer(shards, 0)


def test_bad_time_and_missing_id_name_the_transaction(dask_client, shards):
    bad = pd.DataFrame({"customer_id": [5, 5, 6], "time": ["1997-01-01", "1997-13-01",
                                                           "1997-02-01"],
                        "amount": [1.0, 2.0, 3.0]})
    with pytest.raises(mitra.InvalidArgument,
                       match=r"^time\[\d+\]: '1997-13-01' is not an ISO 8601 date.*customer_id 5"):
        md.fit(bad, "bgnbd", calibration_end=CAL_END, npartitions=2, timeout=TIMEOUT)
    missing = bad.assign(customer_id=["a", None, "b"], time=["1997-01-01"] * 3)
    with pytest.raises(mitra.InvalidArgument,
                       match=r"^customer_id: missing in the transaction at time '1997-01-01' "
                             r"of amount 2.0"):
        md.fit(missing, "bgnbd", calibration_end=CAL_END, npartitions=2, timeout=TIMEOUT)
