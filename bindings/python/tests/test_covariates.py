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
