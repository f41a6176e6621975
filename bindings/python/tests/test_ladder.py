"""mitra.ladder: stages, evidence, history and contribution on a tiny
hand-made workspace (values worked out in the comments), the planted
collaborators of data/sample, and bad input."""
import json
import pathlib

import numpy as np
import pytest

import mitra
import mitra.ladder as ml
from mitra import v1

SAMPLE = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
DAY = 86400
AS_OF = 1_767_225_600  # 2026-01-01


def tiny_workspace():
    """a: bought on two days, a member active on 6 of the last 90 days,
    referred b, answered two programs (a collaborator); b: referred by a,
    bought once (a customer); c: nothing (a prospect)."""
    ws = mitra.Workspace()
    b = v1.Batch(customers=[v1.Customer(id=i) for i in "abc"],
                 products=[v1.Product(id="P", unit_price=10, unit_cost=6)],  # margin rate 0.4
                 communities=[v1.Community(id="k")],
                 programs=[v1.CoCreationProgram(id=p, start_unix_seconds=AS_OF - 400 * DAY)
                           for p in ("p0", "p1")])
    for who, days_ago, amount in (("a", 300, 10), ("a", 30, 10), ("b", 100, 50)):
        b.transactions.add(customer_id=who, time_unix_seconds=AS_OF - days_ago * DAY,
                           amount=amount, product_id="P")
    b.memberships.add(customer_id="a", community_id="k", joined_unix_seconds=AS_OF - 200 * DAY)
    for d in range(1, 7):
        b.interactions.add(from_customer_id="a", kind=v1.INTERACTION_KIND_POST,
                           time_unix_seconds=AS_OF - d * DAY, community_id="k")
    b.referrals.add(referrer_id="a", referee_id="b", time_unix_seconds=AS_OF - 100 * DAY,
                    converted=True)
    for p in ("p0", "p1"):
        b.feedback.add(program_id=p, customer_id="a", time_unix_seconds=AS_OF - 50 * DAY)
    ws.ingest(b)
    return ws


@pytest.fixture
def tiny():
    with tiny_workspace() as ws:
        yield ws


def test_default_rules():
    r = ml.default_rules()
    assert [s.name for s in r.stages] == ["prospect", "customer", "repeat customer",
                                          "engaged member", "advocate", "collaborator"]
    assert [s.phase for s in r.stages] == [1, 1, 2, 2, 3, 3]
    req = r.stages[3].requirements[1]
    assert req.indicator == v1.LADDER_INDICATOR_DAYS_ACTIVE and req.window_days == 90
    assert req.at_least == 6 and not req.HasField("at_most")
    assert "purchase_days" in ml.INDICATORS and len(ml.INDICATORS) == 20


def test_stages_with_evidence(tiny):
    st = ml.stages(tiny, as_of=AS_OF)
    assert isinstance(st, ml.Stages) and isinstance(st.message, v1.LadderReport)
    assert st.as_of == AS_OF
    assert st.counts == {"prospect": 1, "customer": 1, "repeat customer": 0,
                         "engaged member": 0, "advocate": 0, "collaborator": 1}
    assert st.funnel()[0] == ("prospect", "transactional", 1, pytest.approx(1 / 3))
    assert st.at("collaborator") == ["a"]
    a = st["a"]
    assert (a.stage, a.stage_name, a.phase, a.next) == (5, "collaborator", "collaborative", None)
    # purchases 2; purchase days 2; purchases in 365 days 2; communities 1;
    # days active in 90 days 6; referrals in 365 days 1; programs 2.
    assert [e.value for e in a.evidence] == [2, 2, 2, 1, 6, 1, 2]
    assert a.evidence[4] == ml.Evidence(3, 1, "days_active in 90 days >= 6", 6)
    assert a.involvement == {"purchases": 2, "spend": 20, "visits": 0, "feedback": 2,
                             "trials": 2, "referrals": 1, "posts": 6, "interactions": 6}
    b = st["b"]
    assert b.stage_name == "customer" and b.next == ml.Evidence(2, 0, "purchase_days >= 2", 1)
    assert st["c"].next.label == "purchases >= 1" and st["c"].next.value == 0
    with pytest.raises(KeyError):
        st.at("nobody")


def test_history_and_transitions(tiny):
    st = ml.stages(tiny, as_of=AS_OF, history=2, period_days=200, customers=["b"])
    assert [c.customer_id for c in st.customers] == ["b"]
    first, last = st.history
    assert first.end == AS_OF - 200 * DAY and first.transitions is None
    # 200 days back: a a customer, c a prospect; b not known yet (first seen
    # 100 days back).
    assert first.counts["customer"] == 1 and first.counts["prospect"] == 1
    assert sum(first.counts.values()) == 2
    assert last.entered["customer"] == 1
    expected = np.zeros((6, 6), np.int64)
    expected[0, 0] = 1  # c stays a prospect
    expected[1, 5] = 1  # a: customer -> collaborator
    np.testing.assert_array_equal(last.transitions, expected)
    only = ml.stages(tiny, as_of=AS_OF, counts_only=True)
    assert len(only) == 0 and only.counts["collaborator"] == 1


def test_custom_rules(tiny):
    r = ml.rules(ml.stage("anyone", "transactional"),
                 ml.stage("writer", "relationship",
                          ml.requirement("interactions_given", 5, window_days=30, kind="post")),
                 ml.stage("big spender", "relationship", ml.requirement("spend", 100)))
    st = ml.stages(tiny, as_of=AS_OF, rules=r)
    # a made 6 posts in the last 30 days but spent 20: a writer.
    assert st["a"].stage_name == "writer"
    assert st["a"].next.label == "spend >= 100" and st["a"].next.value == 20
    assert st.counts == {"anyone": 2, "writer": 1, "big spender": 0}
    bad = ml.rules(ml.stage("anyone", "transactional"),
                   ml.stage("x", "relationship", ml.requirement("communities", 1, window_days=7)))
    with pytest.raises(mitra.InvalidArgument, match=r"request\.rules\.stages\[1\]\.requirements\[0\]"
                                                   r"\.window_days: must be 0 for communities"):
        ml.stages(tiny, rules=bad)
    with pytest.raises(ValueError):
        ml.requirement("no such indicator", 1)


def test_adopted_contributions_and_contribution(tiny):
    changes = [{"id": "softer seat", "value": 30, "contributors": ["a", "b"],
                "time": AS_OF - 10 * DAY}]
    money = ml.contribution(tiny, as_of=AS_OF, changes=changes)
    assert isinstance(money.message, v1.ContributionReport)
    # a referred b, whose margin 50 * 0.4 = 20 came on the referral day:
    # (1 - 0.5) * 20 = 10; the change: 15 each.
    a, b = money["a"], money["b"]
    assert a.referral_value == pytest.approx(10)
    assert a.cocreation_credit == 15 and b.cocreation_credit == 15
    assert a.total == pytest.approx(25) and a.rank == 1 and b.rank == 2
    assert a.own_margin == pytest.approx(8)
    for c in money.customers:
        assert c.total == pytest.approx(c.referral_value + c.influence_value + c.cocreation_credit)
    assert money.totals["total"] == pytest.approx(40)
    assert [c.customer_id for c in money.top(2)] == ["a", "b"]
    # Where each sum comes from: the default share and influence share are
    # assumptions, the changes' values given by the host.
    assert money.basis["referral_value"].kind == "assumed"
    assert "joined_anyway_share = 0.5 (request.joined_anyway_share)" in \
        money.basis["referral_value"].source
    assert money.basis["influence_value"].kind == "assumed"
    assert money.basis["cocreation_credit"].kind == "given"
    assert money.forward is None and a.forward_referral_value is None
    assert isinstance(money.basis["referral_value"], mitra.Basis)
    # Nobody would have joined anyway: the whole 20; a share the host sets
    # is given, not assumed.
    given = ml.contribution(tiny, as_of=AS_OF, joined_anyway_share=0)
    assert given["a"].referral_value == pytest.approx(20)
    assert given.basis["referral_value"].kind == "given"
    top = ml.contribution(tiny, as_of=AS_OF, top=1)
    assert [c.customer_id for c in top.customers] == ["a"]
    # The same changes feed the adopted_contributions indicator.
    r = ml.rules(ml.stage("anyone", "transactional"),
                 ml.stage("co-creator", "collaborative", ml.requirement("adopted_contributions", 1)))
    assert ml.stages(tiny, as_of=AS_OF, rules=r, changes=changes).at("co-creator") == ["a", "b"]


def test_bad_input(tiny):
    with pytest.raises(mitra.NotFound, match=r'request\.customer_ids\[0\]: unknown customer id "zz"'):
        ml.stages(tiny, customers=["zz"])
    with pytest.raises(mitra.InvalidArgument, match=r"request\.discount_rate"):
        ml.contribution(tiny, discount_rate=-1)
    with pytest.raises(mitra.NotFound, match=r"request\.changes\[0\]\.contributor_ids\[0\]"):
        ml.contribution(tiny, changes=[{"value": 1, "contributors": ["nobody"]}])
    with pytest.raises(TypeError):
        ml.contribution(tiny, changes=[{"value": 1, "who": ["a"]}])


def test_planted_collaborators_reach_the_top(sample):
    planted = json.loads((SAMPLE / "planted.json").read_text())
    st = ml.stages(sample)
    assert st.as_of == AS_OF
    assert list(st.counts.values()) == [0, 1510, 3044, 385, 47, 14]
    top = set(st.at("collaborator"))
    assert set(planted["collaborators"]) <= top
    leaders = {c for ids in planted["leaders"].values() for c in ids}
    assert top - set(planted["collaborators"]) <= leaders
    money = ml.contribution(sample, top=10)
    assert len(money.customers) == 10
    totals = money.totals
    assert totals["total"] == pytest.approx(
        totals["referral_value"] + totals["influence_value"] + totals["cocreation_credit"])


def test_forward_account_is_estimated_with_intervals(sample):
    money = ml.contribution(sample, forward={"horizon_days": 180, "seed": 3})
    f = money.forward
    assert f["horizon_days"] == 180 and f["confidence"] == 0.9
    assert f["referral_basis"].kind == "estimated" and f["influence_basis"].kind == "estimated"
    assert f["referral_basis"].low <= f["referral_value"] <= f["referral_basis"].high
    assert f["influence_basis"].low <= f["influence_value"] <= f["influence_basis"].high
    # Each customer's forward referral value is E[referrals] (1 - s)(v + A),
    # A = 0, and the sums are over every customer.
    s, v = f["joined_anyway_share"], f["referee_value"]
    lo, hi = f["joined_anyway_interval"]
    assert lo <= s <= hi
    for c in money.customers:
        assert c.forward_referral_value == pytest.approx(c.expected_referrals * (1 - s) * v,
                                                         rel=1e-9, abs=1e-9)
        assert c.forward_referral_low <= c.forward_referral_high
        assert c.forward_influence_low <= c.forward_influence_value <= c.forward_influence_high
    assert sum(c.forward_referral_value for c in money.customers) == \
        pytest.approx(f["referral_value"], rel=1e-9)
    assert sum(c.forward_influence_value for c in money.customers) == \
        pytest.approx(f["influence_value"], rel=1e-9)
    # The backward referral value took the estimated share: the same as
    # giving that share, and labelled estimated rather than assumed.
    assert money.basis["referral_value"].kind == "estimated"
    same = ml.contribution(sample, joined_anyway_share=s)
    assert money.totals["referral_value"] == pytest.approx(same.totals["referral_value"], rel=1e-12)
    # Reproducible for a seed.
    again = ml.contribution(sample, top=5, forward={"horizon_days": 180, "seed": 3})
    assert again.forward["influence_value"] == f["influence_value"]
    with pytest.raises(mitra.InvalidArgument, match=r"request\.forward\.worlds: must be 2\.\.10000"):
        ml.contribution(sample, forward={"worlds": 1})
    with pytest.raises(TypeError, match="unknown option 'world'"):
        ml.contribution(sample, forward={"world": 3})


def test_cocreation_decisions_give_the_credit(sample):
    """The sample's adopted decisions (data/sample/decisions.csv) credit their
    contributors in equal shares: the ladder's co-creation credit equals the
    value of the adopted decisions split by hand."""
    decisions = mitra.cocreation.decisions_from_csv(str(SAMPLE / "decisions.csv"))
    money = ml.contribution(sample, decisions=decisions)
    expected = {}
    for d in decisions:
        if d.outcome == v1.ADOPTION_OUTCOME_ADOPTED and d.HasField("value"):
            for c in d.contributor_customer_ids:
                expected[c] = expected.get(c, 0) + d.value / len(d.contributor_customer_ids)
    got = {c.customer_id: c.cocreation_credit for c in money.customers if c.cocreation_credit}
    assert got.keys() == expected.keys()
    for c, v in expected.items():
        assert got[c] == pytest.approx(v)
    assert money.totals["cocreation_credit"] == pytest.approx(sum(expected.values()))
    # The adoption report's contributor credit agrees.
    credit = mitra.cocreation.credit(mitra.cocreation.adoption(sample, decisions))
    assert {c: v for c, v in credit.items() if v} == pytest.approx(got)
    with pytest.raises(TypeError):
        ml.contribution(sample, decisions=[{"value": 1}])
