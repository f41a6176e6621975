"""Fits with time-invariant covariates (docs/VALUE.md, "Covariates"):
planted coefficients recovered, the likelihood-ratio test, bad input."""

import numpy as np
import pytest

import mitra
import mitra.value as mv


def _simulate(n, seed, gamma1=(0.6, -0.5), gamma2=0.5, r=0.8, alpha=4.0, a=0.8, b=2.4):
    """BG/NBD customers whose alpha and (a, b) follow their covariates."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    flag = (rng.uniform(size=n) < 0.4).astype(float)
    tenure = 2 + rng.normal(size=n)
    alpha_i = alpha * np.exp(-(gamma1[0] * z + gamma1[1] * flag))
    scale = np.exp(gamma2 * tenure)
    lam = rng.gamma(r, 1 / alpha_i)
    p = rng.beta(a * scale, b * scale)
    T = 39.0 - rng.integers(0, 12, size=n)
    x = np.zeros(n)
    tx = np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T[i]:
                break
            x[i] += 1
            tx[i] = t
            if rng.uniform() < p[i]:
                break
    return x, tx, T, {"z": z, "flag": flag}, {"tenure": tenure}


def test_planted_coefficients_are_recovered_with_their_errors():
    x, tx, T, purchase, dropout = _simulate(4000, 7)
    m = mv.BGNBD.fit(x, tx, T, purchase_covariates=purchase, dropout_covariates=dropout)
    c, se = m.coefficients, m.coefficient_errors
    for name, truth in (("z", 0.6), ("flag", -0.5)):
        assert abs(c["purchase"][name] - truth) < 3 * se["purchase"][name]
    assert abs(c["dropout"]["tenure"] - 0.5) < 3 * se["dropout"]["tenure"]
    lr = m.likelihood_ratio
    assert lr["degrees_of_freedom"] == 3
    assert lr["p_value"] < 1e-6
    assert lr["statistic"] == pytest.approx(
        2 * (m.log_likelihood - lr["restricted_log_likelihood"]), rel=1e-9)
    # The same columns on both processes.
    both = mv.BGNBD.fit(x, tx, T, covariates={"z": purchase["z"], "tenure": dropout["tenure"]})
    assert set(both.coefficients["dropout"]) == {"z", "tenure"}


def test_a_fit_without_covariates_has_no_test():
    x, tx, T, _, _ = _simulate(500, 3)
    m = mv.BGNBD.fit(x, tx, T)
    assert m.likelihood_ratio is None
    assert m.coefficients == {"purchase": {}, "dropout": {}}


def test_bad_covariates_name_the_field():
    x, tx, T, purchase, _ = _simulate(300, 5)
    bad = dict(purchase)
    bad["z"] = bad["z"].copy()
    bad["z"][4] = np.nan
    with pytest.raises(mitra.InvalidArgument, match=r"FitRequest\.purchase_covariates\[8\]"):
        mv.BGNBD.fit(x, tx, T, purchase_covariates=bad)
    with pytest.raises(mitra.InvalidArgument, match="constant"):
        mv.ParetoNBD.fit(x, tx, T, dropout_covariates={"one": np.ones(300)})
    with pytest.raises(mitra.InvalidArgument, match=r"purchase_covariates\['flag'\]: has 2"):
        mv.BGNBD.fit(x, tx, T, purchase_covariates={"z": purchase["z"], "flag": [0, 1]})


# ---- predictions of a covariate fit and covariates from customer attributes ----

from mitra.v1 import value_pb2 as _value_pb2  # noqa: E402
from mitra import v1 as _v1  # noqa: E402


def _own_parameters(m, purchase, dropout):
    """Each customer's (r, alpha_i, a_i, b_i): CLVTools' parametrisation."""
    p, c = m.params, m.coefficients
    lin1 = sum(c["purchase"][k] * np.asarray(v, float) for k, v in purchase.items())
    lin2 = sum(c["dropout"][k] * np.asarray(v, float) for k, v in dropout.items())
    return p["r"], p["alpha"] * np.exp(-lin1), p["a"] * np.exp(lin2), p["b"] * np.exp(lin2)


def test_predictions_are_the_plain_model_at_each_customers_parameters():
    x, tx, T, purchase, dropout = _simulate(1500, 5)
    m = mv.BGNBD.fit(x, tx, T, purchase_covariates=purchase, dropout_covariates=dropout)
    r, alpha, a, b = _own_parameters(m, purchase, dropout)
    alive = m.probability_alive(x, tx, T, purchase_covariates=purchase, dropout_covariates=dropout)
    bought = m.expected_purchases(10, x, tx, T, purchase_covariates=purchase,
                                  dropout_covariates=dropout)
    later = m.probability_alive_at(4, x, tx, T, purchase_covariates=purchase,
                                   dropout_covariates=dropout)
    for i in range(0, 1500, 101):
        own = mv.BGNBD(r, alpha[i], a[i], b[i])
        assert alive[i] == pytest.approx(own.probability_alive(x[i], tx[i], T[i]), rel=1e-12)
        assert bought[i] == pytest.approx(own.expected_purchases(10, x[i], tx[i], T[i]), rel=1e-12)
        assert later[i] == pytest.approx(own.probability_alive_at(4, x[i], tx[i], T[i]), rel=1e-12)
    # Customers who differ only in a covariate with a positive purchase
    # coefficient: the higher one expects more purchases from a new start.
    assert m.coefficients["purchase"]["z"] > 0


def test_zero_coefficients_predict_as_the_plain_model():
    x, tx, T, purchase, dropout = _simulate(400, 9)
    fitted = mv.ParetoNBD.fit(x, tx, T, purchase_covariates=purchase, dropout_covariates=dropout)
    msg = _value_pb2.FittedModel()
    msg.CopyFrom(fitted.to_message())
    for k in msg.purchase_coefficients:
        msg.purchase_coefficients[k] = 0.0
    for k in msg.dropout_coefficients:
        msg.dropout_coefficients[k] = 0.0
    zero = mv.ParetoNBD.from_bytes(msg.SerializeToString())
    plain = mv.ParetoNBD(**fitted.params)
    np.testing.assert_allclose(
        zero.probability_alive(x, tx, T, purchase_covariates=purchase, dropout_covariates=dropout),
        plain.probability_alive(x, tx, T), rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        zero.expected_purchases(20, x, tx, T, purchase_covariates=purchase,
                                dropout_covariates=dropout),
        plain.expected_purchases(20, x, tx, T), rtol=1e-12, atol=0)


def test_covariate_predictions_refuse_bad_covariates():
    x, tx, T, purchase, dropout = _simulate(300, 4)
    m = mv.BGNBD.fit(x, tx, T, purchase_covariates=purchase, dropout_covariates=dropout)
    with pytest.raises(mitra.InvalidArgument, match="purchase_covariates: missing 'flag'"):
        m.probability_alive(x, tx, T)
    with pytest.raises(mitra.InvalidArgument, match=r"dropout_covariates\['age'\]: the model has no"):
        m.probability_alive(x, tx, T, purchase_covariates=purchase,
                            dropout_covariates={"age": dropout["tenure"]})
    nan = dict(purchase, z=purchase["z"].copy())
    nan["z"][7] = np.nan
    with pytest.raises(mitra.InvalidArgument, match=r"purchase\[14\]: must be finite"):
        m.probability_alive(x, tx, T, purchase_covariates=nan, dropout_covariates=dropout)
    short = {k: v[:-1] for k, v in purchase.items()}
    with pytest.raises(mitra.InvalidArgument, match="purchase: has 598 values, expected 300"):
        m.expected_purchases(5, x, tx, T, purchase_covariates=short, dropout_covariates=dropout)
    with pytest.raises(mitra.InvalidArgument, match="purchase_covariate_names"):
        mv.predict_intervals(m, x, tx, T, predictions=["expected_purchases"], horizon=5)


def test_intervals_with_covariates_are_around_each_customers_own_prediction():
    x, tx, T, purchase, dropout = _simulate(600, 12)
    m = mv.BGNBD.fit(x, tx, T, purchase_covariates=purchase, dropout_covariates=dropout)
    own = m.expected_purchases(10, x, tx, T, purchase_covariates=purchase,
                               dropout_covariates=dropout)
    est = m.expected_purchases(10, x, tx, T, purchase_covariates=purchase,
                               dropout_covariates=dropout, interval=0.9, draws=40, seed=3)
    np.testing.assert_allclose(est.estimate, own, rtol=1e-12, atol=0)
    assert np.all(est.low <= est.high)
    # The total's interval, through predict_intervals with the pair of
    # covariate sets, holds the total of the customers' own predictions.
    iv = mv.predict_intervals(m, x, tx, T, predictions=["expected_purchases"], horizon=10,
                              draws=40, seed=3, covariates=(purchase, dropout))
    total = iv["expected_purchases"]
    assert total.total_low < own.sum() < total.total_high
    # The same seed gives the same intervals.
    again = m.expected_purchases(10, x, tx, T, purchase_covariates=purchase,
                                 dropout_covariates=dropout, interval=0.9, draws=40, seed=3)
    np.testing.assert_array_equal(est.low, again.low)
    alive = m.probability_alive(x, tx, T, purchase_covariates=purchase,
                                dropout_covariates=dropout, interval=0.9, draws=20)
    np.testing.assert_allclose(
        alive.estimate, m.probability_alive(x, tx, T, purchase_covariates=purchase,
                                            dropout_covariates=dropout), rtol=1e-12)


def test_tracking_with_covariates_sums_each_customers_own_series():
    x, tx, T, purchase, dropout = _simulate(300, 14)
    m = mv.BGNBD.fit(x, tx, T, purchase_covariates=purchase, dropout_covariates=dropout)
    births = 39.0 - T
    got = mv.expected_cumulative_transactions(m, births=births, periods=30, step=1.5,
                                              purchase_covariates=purchase,
                                              dropout_covariates=dropout)["expected"]
    r, alpha, a, b = _own_parameters(m, purchase, dropout)
    want = np.zeros(30)
    for i in range(300):
        want += mv.expected_cumulative_transactions(
            mv.BGNBD(r, alpha[i], a[i], b[i]), births=births[i:i + 1], periods=30,
            step=1.5)["expected"]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    with pytest.raises(mitra.InvalidArgument, match="purchase_covariates: missing 'flag'"):
        mv.expected_cumulative_transactions(m, births=births, periods=30)


def _workspace_batch(x_income=None):
    """Six customers with a numeric "income" attribute (one without, or with
    x_income as hers) and repeat purchases at day 0, 7 and 14 for some."""
    day = 86400
    end = 11574 * day  # 2001-09-09, a UTC midnight
    customers, tx = [], []
    incomes = {"a": "1.5", "b": "-0.25", "c": "3", "d": "0", "e": "2e-1", "f": x_income}
    for i, (cid, income) in enumerate(incomes.items()):
        attrs = {"segment": "retail"}
        if income is not None:
            attrs["income"] = income
        customers.append(_v1.Customer(id=cid, attributes=attrs))
        for k in range(1 + i % 3):
            tx.append(_v1.Transaction(customer_id=cid, time_unix_seconds=end - (30 - 7 * k) * day,
                                      amount=5.0))
    return _v1.Batch(customers=customers, transactions=tx), end


def test_workspace_summaries_carry_attribute_covariates():
    batch, end = _workspace_batch("7.25")
    with mitra.Workspace() as ws:
        ws.ingest(batch)
        s = mv.summarize(ws, end, purchase_covariate_attributes=["income"],
                         dropout_covariate_attributes="income")
        both = mv.summarize(ws, end, covariate_attributes=["income"])
        back = mv.Summaries.from_bytes(s.to_bytes())
    want = {"a": 1.5, "b": -0.25, "c": 3.0, "d": 0.0, "e": 0.2, "f": 7.25}
    assert s.customer_id == list(want)
    np.testing.assert_array_equal(s.purchase_covariates["income"], list(want.values()))
    np.testing.assert_array_equal(s.dropout_covariates["income"], list(want.values()))
    np.testing.assert_array_equal(both.dropout_covariates["income"], list(want.values()))
    np.testing.assert_array_equal(back.purchase_covariates["income"], list(want.values()))


@pytest.mark.parametrize("income, message", [
    (None, 'SummaryRequest.purchase_covariate_attributes\\[0\\]: customer "f" has no attribute '
           '"income"'),
    ("rich", 'customer "f" has attribute "income" = "rich", not a finite number'),
    ("nan", 'customer "f" has attribute "income" = "nan", not a finite number'),
])
def test_workspace_covariates_refuse_missing_or_non_numeric_attributes(income, message):
    batch, end = _workspace_batch(income)
    with mitra.Workspace() as ws:
        ws.ingest(batch)
        with pytest.raises(mitra.InvalidArgument, match=message):
            mv.summarize(ws, end, purchase_covariate_attributes=["income"])
    with pytest.raises(mitra.InvalidArgument, match="need a workspace"):
        mv.summarize(([1], [end - 86400], [1.0]), end, dropout_covariate_attributes=["income"])


# ---- the same fit with the sum over customers computed by the caller -------------


def _blocks_fit(cls, x, tx, T, P, D, bounds, log_likelihood=None, **options):
    """cls.fit_covariate_likelihood with the customers in blocks [bounds[b],
    bounds[b + 1]): moments and log-likelihood summed over them here."""
    blocks = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
    n = len(x)
    ps = sum(mv.covariate_moments(P[b]) for b in blocks)
    ds = sum(mv.covariate_moments(D[b]) for b in blocks)
    pc = sum(mv.covariate_moments(P[b], ps, n) for b in blocks)
    dc = sum(mv.covariate_moments(D[b], ds, n) for b in blocks)

    def summed(params, coefficients, center, scale):
        parts = [cls.covariate_log_likelihood(params, coefficients, x[b], tx[b], T[b], P[b], D[b],
                                              center=center, scale=scale) for b in blocks]
        return sum(p[0] for p in parts), sum(p[1] for p in parts)

    return cls.fit_covariate_likelihood(
        log_likelihood or summed, x, tx, T, count=n,
        purchase_covariates=(["z", "flag"], ps, pc), dropout_covariates=(["tenure"], ds, dc),
        **options)


def test_fit_from_a_callers_sum_equals_fit():
    x, tx, T, purchase, dropout = _simulate(2000, 17)
    P = np.column_stack([purchase["z"], purchase["flag"]])
    D = dropout["tenure"].reshape(-1, 1)
    ref = mv.BGNBD.fit(x, tx, T, purchase_covariates=purchase, dropout_covariates=dropout,
                       covariate_penalty=0.01)
    # One block in order: the same sums, bit for bit.
    one = _blocks_fit(mv.BGNBD, x, tx, T, P, D, [0, 2000], covariate_penalty=0.01)
    assert one.to_message() == ref.to_message()
    three = _blocks_fit(mv.BGNBD, x, tx, T, P, D, [0, 700, 701, 2000], covariate_penalty=0.01)
    for k, v in ref.params.items():
        assert three.params[k] == pytest.approx(v, rel=1e-9), k
    for process in ("purchase", "dropout"):
        for k, v in ref.coefficients[process].items():
            assert three.coefficients[process][k] == pytest.approx(v, rel=1e-9), k
            assert three.coefficient_errors[process][k] == pytest.approx(
                ref.coefficient_errors[process][k], rel=1e-5), k
    assert three.likelihood_ratio["statistic"] == pytest.approx(
        ref.likelihood_ratio["statistic"], rel=1e-9)


def test_moments_and_block_likelihood_against_numpy_and_differences():
    x, tx, T, purchase, _ = _simulate(300, 19)
    P = np.column_stack([purchase["z"], purchase["flag"]])
    s = mv.covariate_moments(P[:100]) + mv.covariate_moments(P[100:])
    np.testing.assert_allclose(s, P.sum(axis=0), rtol=1e-13)
    c = mv.covariate_moments(P[:100], s, 300) + mv.covariate_moments(P[100:], s, 300)
    d = P - P.mean(axis=0)
    np.testing.assert_allclose(c, d.T @ d, rtol=1e-12)
    params, coef = [0.7, 3.0, 0.5, 1.2], [0.2, -0.3]
    ll, g = mv.ParetoNBD.covariate_log_likelihood(params, coef, x, tx, T, P, center=[0.1, 0.4],
                                                  scale=[1.2, 0.5])
    h = 1e-6
    for j in range(6):
        up, down = list(params + coef), list(params + coef)
        up[j] += h
        down[j] -= h
        f = [mv.ParetoNBD.covariate_log_likelihood(v[:4], v[4:], x, tx, T, P, center=[0.1, 0.4],
                                                   scale=[1.2, 0.5])[0] for v in (up, down)]
        assert g[j] == pytest.approx((f[0] - f[1]) / (2 * h), rel=1e-5, abs=1e-5), j


def test_a_failing_sum_stops_the_fit_and_is_raised():
    x, tx, T, purchase, dropout = _simulate(300, 23)
    P = np.column_stack([purchase["z"], purchase["flag"]])
    D = dropout["tenure"].reshape(-1, 1)
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("worker lost")
        return mv.BGNBD.covariate_log_likelihood(args[0], args[1], x, tx, T, P, D,
                                                 center=args[2], scale=args[3])

    with pytest.raises(ConnectionError, match="worker lost"):
        _blocks_fit(mv.BGNBD, x, tx, T, P, D, [0, 300], log_likelihood=failing)
    assert len(calls) == 3
    with pytest.raises(mitra.InvalidArgument, match=r"log_likelihood: returned 2 gradient"):
        _blocks_fit(mv.BGNBD, x, tx, T, P, D, [0, 300],
                    log_likelihood=lambda *a: (0.0, np.zeros(2)))
    with pytest.raises(mitra.InvalidArgument, match=r"center, scale: give both"):
        mv.BGNBD.covariate_log_likelihood([1, 1, 1, 1], [0, 0], x, tx, T, P, center=[0, 0])
