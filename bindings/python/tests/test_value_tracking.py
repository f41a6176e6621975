"""Tracking over time (mitra.value.expected_cumulative_transactions,
probability_alive_path, P(X(t) = n) for Pareto/NBD and given a history,
spend_holdout) on the CDNOW sample, against the BTYD walkthrough's tracking
figures, the papers' values and closed forms."""

import datetime
import math

import numpy as np
import pytest

import mitra
import mitra.value as mv

from test_value import cdnow, unix_day  # noqa: F401  (the CDNOW fixture)

ORIGIN = datetime.date(1997, 1, 1)
FHL = mv.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
# BTYD walkthrough (CRAN vignette): pnbd.EstimateParameters on the sample.
BTYD = mv.ParetoNBD(r=0.5534, alpha=10.5802, s=0.6061, beta=11.6562)
GG = mv.GammaGamma(p=6.25, q=3.74, gamma=15.44)


def test_btyd_walkthrough_tracking(cdnow):
    # BTYD walkthrough cum.tracking / inc.tracking, weeks 20-25.
    t = mv.expected_cumulative_transactions(BTYD, cdnow, periods=78, origin=ORIGIN)
    np.testing.assert_array_equal(t["actual"][19:25], [1359, 1414, 1484, 1517, 1573, 1672])
    np.testing.assert_allclose(t["expected"][19:25], [1309, 1385, 1460, 1533, 1604, 1674], atol=0.5)
    np.testing.assert_array_equal(t["actual_incremental"][19:25], [73, 55, 70, 33, 56, 99])
    np.testing.assert_allclose(t["expected_incremental"][19:25],
                               [78.31, 76.42, 74.65, 72.98, 71.41, 69.93], atol=0.02)
    np.testing.assert_allclose(np.cumsum(t["expected_incremental"]), t["expected"], rtol=1e-12)
    np.testing.assert_array_equal(t["time"][:3], [1, 2, 3])


def test_workspace_births_and_arrays_agree(cdnow):
    customer, time, amount = cdnow
    ws = mitra.Workspace()
    ws.ingest_csv_text("customers", "id\n" + "".join("%d\n" % i for i in range(2357)))
    rows = "".join("%d,%d,%r\n" % (c, t, a) for c, t, a in zip(customer, time, amount))
    ws.ingest_csv_text("transactions", "customer_id,time,amount\n" + rows)
    a = mv.expected_cumulative_transactions(FHL, cdnow, periods=78, origin=ORIGIN)
    w = mv.expected_cumulative_transactions(FHL, ws, periods=78, origin=ORIGIN)
    np.testing.assert_array_equal(w["actual"], a["actual"])
    np.testing.assert_allclose(w["expected"], a["expected"], rtol=1e-12)
    # Births alone: the sum of each customer's closed-form E[X(78 - birth)].
    first = {}
    for c, t in zip(customer.tolist(), time.tolist()):
        first[c] = min(first.get(c, t), t)
    births = np.array([(first[c] - unix_day("19970101")) / (7 * 86400) for c in sorted(first)])
    b = mv.expected_cumulative_transactions(FHL, births=births, periods=78)
    np.testing.assert_allclose(b["expected"], a["expected"], rtol=1e-12)
    assert b["expected"][77] == pytest.approx(FHL.expected_purchases_new(78 - births).sum(), rel=1e-12)
    assert "actual" not in b
    # The calibration total: 2,457 repeat purchases in the first 39 weeks.
    assert a["actual"][38] == 2457


def test_probability_alive_path_closed_form():
    purchases = [0, 4, 4, 9]
    times = np.array([0, 2, 4, 6, 9, 20])
    path = FHL.probability_alive_path(purchases, times)
    x = np.array([0, 0, 1, 1, 2, 2])
    tx = np.array([0, 0, 4, 4, 9, 9])
    np.testing.assert_allclose(path, FHL.probability_alive(x, tx, times), rtol=1e-12)
    # Right after a purchase: 1 / (1 + a / (b + x - 1)).
    assert path[4] == pytest.approx(1 / (1 + 0.793 / (2.426 + 1)), rel=1e-12)
    assert BTYD.probability_alive_path(purchases, 0.0) == 1.0
    with pytest.raises(mitra.InvalidArgument, match=r"times\[0\]: must be finite and not before"):
        FHL.probability_alive_path([3, 5], [1])


def test_pareto_nbd_probability_of_purchases():
    n = np.arange(0, 400)
    for t in (1.0, 39.0, 78.0):
        p = BTYD.probability_of_purchases(t, n)
        assert p.sum() == pytest.approx(1, abs=1e-10)
        assert (p * n).sum() == pytest.approx(BTYD.expected_purchases_new(t), rel=1e-9)
    assert BTYD.probability_of_purchases(0.0, 0) == 1.0
    with pytest.raises(mitra.InvalidArgument, match="n: must be in"):
        BTYD.probability_of_purchases(39, -1)


def test_conditional_probability_of_purchases():
    # FHL 2005: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
    n = np.arange(0, 300)
    p = FHL.conditional_probability_of_purchases(39, n, 2, 30.43, 38.86)
    assert p.sum() == pytest.approx(1, abs=1e-10)
    assert (p * n).sum() == pytest.approx(1.226, abs=5e-4)
    x, tx, T = np.array([0.0, 3, 10]), np.array([0.0, 10, 30]), np.array([20.0, 35, 39])
    for model in (FHL, BTYD, mv.MBGNBD(r=0.5, alpha=6.0, a=0.9, b=1.6)):
        total = sum(model.conditional_probability_of_purchases(26, k, x, tx, T) * k for k in range(300))
        np.testing.assert_allclose(total, model.expected_purchases(26, x, tx, T), rtol=1e-8)
    assert FHL.conditional_probability_of_purchases(39, 0, 0, 0, 0) == pytest.approx(0.5737864, abs=1e-6)


def test_spend_holdout_by_hand(cdnow):
    s = mv.summarize(cdnow, datetime.date(1997, 9, 30), datetime.date(1998, 6, 30))
    h = GG.validate_holdout(s)
    buyers = s.holdout_frequency > 0
    actual = s.holdout_spend[buyers] / s.holdout_frequency[buyers]
    x, z = s.frequency[buyers], s.monetary_value[buyers]
    predicted = 6.25 * (15.44 + x * z) / (6.25 * x + 3.74 - 1)
    assert sum(r["customers"] for r in h["by_frequency"]) == buyers.sum()
    assert h["mae"] == pytest.approx(np.abs(predicted - actual).mean(), rel=1e-12)
    assert h["rmse"] == pytest.approx(math.sqrt(((predicted - actual) ** 2).mean()), rel=1e-12)
    assert h["bias"] == pytest.approx((predicted.sum() - actual.sum()) / actual.sum(), rel=1e-10)
    zero = h["by_frequency"][0]
    assert zero["predicted_mean"] == pytest.approx(6.25 * 15.44 / 2.74, rel=1e-12)
    assert zero["actual_mean"] == pytest.approx(actual[x == 0].mean(), rel=1e-12)
    with pytest.raises(mitra.InvalidArgument, match="holdout_spend"):
        mv.spend_holdout(GG, [1], [10], [1], [-1])


def test_tracking_bad_input(cdnow):
    with pytest.raises(mitra.InvalidArgument, match="give exactly one"):
        mv.expected_cumulative_transactions(FHL, periods=3)
    with pytest.raises(mitra.InvalidArgument, match=r"birth\[1\]: must be finite"):
        mv.expected_cumulative_transactions(FHL, births=[0, float("nan")], periods=3)
    with pytest.raises(mitra.InvalidArgument, match="step: must be finite and > 0"):
        mv.expected_cumulative_transactions(FHL, births=[0], periods=3, step=0)
    with pytest.raises(mitra.InvalidArgument, match="periods: must be in"):
        mv.expected_cumulative_transactions(FHL, births=[0], periods=0)
    with pytest.raises(mitra.InvalidArgument, match="not a purchase model"):
        mv.expected_cumulative_transactions(GG, births=[0], periods=2)
