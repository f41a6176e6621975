"""mitra.cocreation: trial panels, feedback aggregation and adoption through
the C ABI, on a small workspace worked by hand (the same numbers as
tests/cocreation/feedback_test.cc), the planted weak attribute of
data/sample, and bad input."""

import math
import os

import pytest

import mitra
from mitra import v1
from conftest import REPO_ROOT, T0

DAY = 86400


@pytest.fixture
def ws():
    """c0..c5 (segment a: c0..c2, b: c3..c5), community K (c0, c3), program P
    (1..5: comfort, charging) answered by c0..c3:
    comfort 5 4 4 3, charging 2 1 3 2, would-recommend 10 9 7 3."""
    b = v1.Batch()
    for i in range(6):
        b.customers.add(id="c%d" % i, attributes={"segment": "a" if i < 3 else "b"})
    b.communities.add(id="K")
    for i in (0, 3):
        b.memberships.add(customer_id="c%d" % i, community_id="K",
                          joined_unix_seconds=T0 - 100 * DAY)
    b.programs.add(id="P", start_unix_seconds=T0, attributes=["comfort", "charging"])
    for i, (comfort, charging, wr) in enumerate([(5, 2, 10), (4, 1, 9), (4, 3, 7), (3, 2, 3)]):
        b.feedback.add(program_id="P", customer_id="c%d" % i, time_unix_seconds=T0 + i * DAY,
                       ratings={"comfort": comfort, "charging": charging}, would_recommend=wr)
    w = mitra.Workspace()
    w.ingest(b)
    return w


def test_feedback_hand_computed(ws):
    r = mitra.cocreation.feedback(ws, fdr=0.10)
    (p,) = r.programs
    assert p.program_id == "P" and p.responses == 4 and p.respondents == 4
    assert p.prior_mean == 3 and p.prior_weight == 10 and p.top_box_rating == 4
    comfort, charging = p.attributes
    assert (comfort.attribute, charging.attribute) == ("comfort", "charging")
    assert comfort.mean == 4 and charging.mean == 2
    assert comfort.sd == pytest.approx(math.sqrt(2 / 3), abs=1e-15)
    # Bayesian averages (4 * 4 + 10 * 3) / 14 and (4 * 2 + 10 * 3) / 14.
    assert comfort.bayesian_average == pytest.approx(46 / 14, abs=1e-15)
    assert charging.bayesian_average == pytest.approx(38 / 14, abs=1e-15)
    assert comfort.positives == 3 and charging.positives == 0
    # Paired t = (-0.5 + 0.1) / sqrt(1/12 / 4) = -2.771281, df 3, p 0.0347471 (mpmath).
    assert charging.statistic == pytest.approx(-2.7712812921102038, abs=1e-13)
    assert charging.p_value == pytest.approx(0.034747061485401885, abs=1e-13)
    assert charging.significantly_worse and not comfort.significantly_worse
    assert p.flagged == 1 and p.tests == 2
    # NPS 25, Var = 10000 (0.75 - 0.0625) / 4 = 1718.75.
    assert p.nps.nps == pytest.approx(25, abs=1e-12)
    assert p.nps.variance == pytest.approx(1718.75, abs=1e-9)
    assert p.nps.low == pytest.approx(25 - r.z * math.sqrt(1718.75), abs=1e-9)
    # At q = 0.05 nothing passes (0.0347 > 0.05 / 2).
    assert mitra.cocreation.feedback(ws).programs[0].flagged == 0


def test_panel_is_seeded_and_meets_quotas(ws):
    kwargs = dict(seed=7, fatigue_days=0,
                  quotas=[("segment", "b", 2), {"dimension": "community", "value": "K", "min": 1}])
    first = mitra.cocreation.panel(ws, 3, **kwargs)
    again = mitra.cocreation.panel(ws, 3, **kwargs)
    assert [m.customer_id for m in first.members] == [m.customer_id for m in again.members]
    assert first.all_quotas_met and len(first.members) == 3
    ids = [m.customer_id for m in first.members]
    assert sum(i in ("c3", "c4", "c5") for i in ids) >= 2
    assert sum(i in ("c0", "c3") for i in ids) >= 1
    assert first.quotas[0].eligible == 3 and first.quotas[1].eligible == 2
    panels = {tuple(m.customer_id for m in mitra.cocreation.panel(ws, 3, **dict(kwargs, seed=s)).members)
              for s in range(1, 21)}
    assert len(panels) > 3


def test_panel_fatigue_stages_and_unmet_quota(ws):
    # The four who answered lie inside the 90-day default window.
    r = mitra.cocreation.panel(ws, 3, quotas=[("community", "K", 1)])
    assert r.fatigued == 4 and len(r.members) == 2 and not r.all_quotas_met
    assert r.quotas[0].problem == "only 0 eligible customers have community=K"
    assert r.quotas[0].shortfall == 1
    assert "the panel has 2 of 3 members" in r.problem
    with pytest.raises(mitra.FailedPrecondition, match=r"request.quotas\[0\] \(community=K, min 1\)"):
        mitra.cocreation.panel(ws, 3, quotas=[("community", "K", 1)], strict=True)
    # Stages as a dimension.
    r = mitra.cocreation.panel(ws, 2, fatigue_days=0, stages={"c4": "advocate", "c1": "advocate"},
                               quotas=[("stage", "advocate", 2)])
    assert sorted(m.customer_id for m in r.members) == ["c1", "c4"]
    assert all(m.for_quota for m in r.members)


def test_adoption_credit_and_measure(ws):
    r = mitra.cocreation.adoption(ws, [
        {"id": "D1", "program_id": "P", "attribute": "charging", "outcome": "adopted",
         "decided": T0 + 2 * DAY, "value": 90, "contributors": ["c0", "c1", "c5"]},
        {"id": "D2", "program_id": "P", "outcome": "rejected", "decided": T0 + 3 * DAY,
         "value": 500, "contributors": ["c2"]},
        {"id": "D3", "program_id": "P", "attribute": "comfort", "outcome": "adopted",
         "decided": T0 + 3 * DAY, "value": 40, "contributors": ["c0", "c2"], "weights": [3, 1],
         "measure": {"before_mean": 3.0, "before_sd": 1.0, "before_n": 50,
                     "after_mean": 4.0, "after_sd": 1.0, "after_n": 50}}])
    d1, d2, d3 = r.decisions
    # Before D1: charging 2, 1 (mean 1.5); at or after: 3, 2 (mean 2.5).
    assert d1.source == v1.ADOPTION_MEASURE_COMPUTED
    assert (d1.measure.before_mean, d1.measure.after_mean, d1.difference) == (1.5, 2.5, 1.0)
    assert d1.contributors_with_feedback == 2
    assert d2.outcome == v1.ADOPTION_OUTCOME_REJECTED
    # D3 given: difference 1, se = sqrt(1/50 + 1/50) = 0.2; the interval excludes 0.
    assert d3.source == v1.ADOPTION_MEASURE_GIVEN and d3.improved
    assert d3.difference == 1.0
    # Credit: D1 90 / 3 each to c0, c1, c5; D3 40 as 3:1 -> c0 30, c2 10; D2 rejected.
    assert mitra.cocreation.credit(r) == pytest.approx({"c0": 60, "c1": 30, "c5": 30, "c2": 10})
    assert r.contributors[0].customer_id == "c0" and r.contributors[0].adopted == 2
    (p,) = r.programs
    assert (p.decisions, p.adopted, p.rejected, p.value_adopted) == (3, 2, 1, 130)
    # The money is the host's: given, not estimated.
    assert mitra._basis.basis(r.value_basis).kind == "given"
    assert "request.decisions[i].value" in r.value_basis.source


def test_decisions_from_csv_round_trip(ws):
    text = ("id,program_id,attribute,outcome,decided,effective,value,contributors,weights\n"
            "D1,P,charging,adopted,2025-01-03,2025-01-04,90,c0;c1,2;1\n")
    (d,) = mitra.cocreation.decisions_from_csv(text)
    assert d.outcome == v1.ADOPTION_OUTCOME_ADOPTED and list(d.contributor_weights) == [2, 1]
    r = mitra.cocreation.adoption(ws, [d])
    assert mitra.cocreation.credit(r) == pytest.approx({"c0": 60, "c1": 30})


def test_bad_input_names_the_field(ws):
    with pytest.raises(mitra.InvalidArgument, match=r"request.size: must be at least 1"):
        mitra.cocreation.panel(ws, 0)
    with pytest.raises(mitra.InvalidArgument, match=r"request.quotas\[0\].max: must be >= min \(3\), got 2"):
        mitra.cocreation.panel(ws, 4, quotas=[("segment", "a", 3, 2)])
    with pytest.raises(mitra.NotFound, match=r'request.program_id: unknown program id "X"'):
        mitra.cocreation.feedback(ws, program="X")
    with pytest.raises(mitra.InvalidArgument, match=r"request.margin: must be in \[0, 1\), got 1.5"):
        mitra.cocreation.feedback(ws, margin=1.5)
    with pytest.raises(mitra.InvalidArgument, match=r"request.decisions\[0\].value: must be finite"):
        mitra.cocreation.adoption(ws, [{"program_id": "P", "outcome": "adopted", "decided": T0,
                                        "value": float("nan")}])
    with pytest.raises(TypeError, match="unknown keys"):
        mitra.cocreation.adoption(ws, [{"program": "P"}])


def test_planted_weak_attribute_of_the_sample():
    sample = os.path.join(REPO_ROOT, "data", "sample")
    w = mitra.Workspace()
    for kind in ("customers", "products", "programs", "feedback"):
        w.ingest_csv(kind, os.path.join(sample, kind + ".csv"))
    r = mitra.cocreation.feedback(w, program="ADV-2025")
    flagged = [a.attribute for a in r.programs[0].attributes if a.significantly_worse]
    assert flagged == ["charging"]
    charging = [a for a in r.programs[0].attributes if a.attribute == "charging"][0]
    assert abs(charging.mean - 2.2) < 0.25
