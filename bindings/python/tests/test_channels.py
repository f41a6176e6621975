"""mitra.channels: channel economics on a hand-built chain (numbers worked
out in tests/channels/economics_test.cc), the community route from a plan,
the budget split against brute force, the closed forms, the planted
conflict of data/sample, and bad input."""
import json
import math
import pathlib

import numpy as np
import pytest

import mitra
import mitra.channels as mc
from mitra import v1

SAMPLE = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
DAY = 86400
T0 = 1_710_000_000
YEAR = 31_557_600


def hand_workspace():
    """P (0.2) -> W (0.1) -> R1 (0.25), R2 (0.2); D direct; A activist; c0
    at the hub of community k; four referrals by c0, one converted."""
    ws = mitra.Workspace()
    b = v1.Batch(customers=[v1.Customer(id="c%d" % i) for i in range(5)])
    b.products.add(id="X", unit_price=100, unit_cost=40)
    b.products.add(id="Y", unit_price=10, unit_cost=4)
    for cid, kind, parent, margin, fixed, per_unit in [
            ("P", v1.CHANNEL_KIND_PRODUCER, "", 0.2, 100, 1),
            ("W", v1.CHANNEL_KIND_WHOLESALER, "P", 0.1, 100, 0.5),
            ("R1", v1.CHANNEL_KIND_RETAILER, "W", 0.25, 50, 2),
            ("R2", v1.CHANNEL_KIND_RETAILER, "W", 0.2, 40, 1),
            ("D", v1.CHANNEL_KIND_DIRECT, "P", 0, 200, 3),
            ("A", v1.CHANNEL_KIND_COMMUNITY_ACTIVIST, "P", 0.05, 60, 0.5)]:
        b.channels.add(id=cid, kind=kind, parent_id=parent, margin=margin,
                       fixed_cost_per_year=fixed, cost_per_unit=per_unit,
                       territory="T" if cid.startswith("R") else "")
    for customer, day, amount, q, product, channel in [
            ("c0", 10, 100, 1, "X", "R1"), ("c0", 20, 20, 2, "Y", "R1"),
            ("c1", 15, 90, 1, "X", "R2"), ("c1", 40, 10, 1, "Y", "D"),
            ("c2", 5, 95, 1, "X", "A"), ("c2", 50, 0, 1, "Y", "R1"),
            ("c3", 30, 10, 0, "Y", "R2"), ("c4", 60, 50, 1, "", "")]:
        b.transactions.add(customer_id=customer, time_unix_seconds=T0 + day * DAY, amount=amount,
                           quantity=q, product_id=product, channel_id=channel)
    b.communities.add(id="k")
    for i in range(5):
        b.memberships.add(customer_id="c%d" % i, community_id="k", joined_unix_seconds=T0)
    t = T0 + 100 * DAY
    for i in range(1, 5):
        for src, dst, kind in [("c%d" % i, "c0", v1.INTERACTION_KIND_ENDORSEMENT),
                               ("c0", "c%d" % i, v1.INTERACTION_KIND_REPLY)]:
            t += 3600
            b.interactions.add(from_customer_id=src, to_customer_id=dst, kind=kind,
                               community_id="k", time_unix_seconds=t)
    for i in range(4):
        b.referrals.add(referrer_id="c0", referee_id="c%d" % (i + 1),
                        time_unix_seconds=T0 + (70 + i) * DAY, converted=(i == 0))
    ws.ingest(b)
    return ws


def member(report, cid):
    return next(m for m in report.members if m.channel_id == cid)


def test_economics_by_hand():
    ws = hand_workspace()
    r = mc.economics(ws, start=T0, end=T0 + YEAR, per_customer=True,
                     rates={"per_order": 2, "per_delivery": 3, "per_return": 5},
                     incentives={"chain": 30})
    assert r.years == pytest.approx(1)
    assert r.sales == pytest.approx(375)
    # 120 x 0.675 + 100 x 0.72 + 10 + 95 x 0.95
    assert r.producer_revenue == pytest.approx(253.25)
    assert member(r, "R1").margin_money == pytest.approx(30)
    assert member(r, "W").revenue == pytest.approx(170)
    assert member(r, "W").tree_customers == 4
    assert member(r, "P").profit == pytest.approx(5.25)
    chain = r.routes[0]
    assert chain.route == v1.CHANNEL_ROUTE_CHAIN
    # c0, c1, c3 acquired through the chain: margins 32.5 + 25.2 + 2.8 and
    # the incentive 30 x 200 / 220.
    assert chain.acquired == 3
    assert chain.cost_per_acquired == pytest.approx((60.5 + 30 * 200 / 220) / 3)
    costs = {c.customer_id: c for c in r.customers}
    assert costs["c3"].cost_to_serve == pytest.approx(3)   # an order without delivery + handling 1
    assert costs["c2"].returns == 1
    assert costs["c4"].net == pytest.approx(50 - 5)
    assert [t.territory for t in r.conflicts.territories] == ["T"]
    assert r.stack_product_id == "X"
    assert list(r.tier_profit_share) == pytest.approx([1, 0.75, 7 / 16])


def test_support_kinds_by_name_and_handling_off():
    ws = hand_workspace()
    base = mc.economics(ws, start=T0, end=T0 + YEAR, rates={"include_handling": False})
    # Without rates and handling nothing costs anything to serve.
    assert base.cost_to_serve == 0
    # c0 replies four times in the window: 4 support contacts at 1.5.
    r = mc.economics(ws, start=T0, end=T0 + YEAR,
                     rates={"per_support_contact": 1.5, "support_kinds": ["reply"],
                            "include_handling": False})
    assert r.cost_to_serve == pytest.approx(6)
    assert member(r, "R1").cost_to_serve == pytest.approx(6)  # c0's main seller


def test_community_route_from_a_leader_plan():
    ws = hand_workspace()
    plan = mitra.activation.leader_plan(ws, k=1, default_cost=100, check_runs=100)
    r = mc.economics(ws, start=T0, end=T0 + YEAR, plan=plan, budget=500)
    c = r.community
    assert list(c.seed_customer_ids) == ["c0"]
    # Reach 5 for certain, less the seed; referral rate 1/4: one conversion.
    assert c.reached == pytest.approx(4)
    assert c.conversion.rate == pytest.approx(0.25)
    assert c.conversions == pytest.approx(1)
    assert c.cost_per_acquired == pytest.approx(100)
    names = [x.name for x in r.comparison]
    assert names == ["chain", "direct", "community channel", "community activation"]
    assert [x.name for x in r.budget_split.routes] == ["chain", "community"]
    # The same through an activation request.
    req = v1.WorkspacePlanRequest(default_cost=100)
    req.plan.k = 1
    req.plan.check_runs = 100
    same = mc.economics(ws, start=T0, end=T0 + YEAR, activation=req, conversion_rate=0.5)
    assert same.community.conversions == pytest.approx(2)


def test_where_each_figure_comes_from():
    ws = hand_workspace()
    r = mc.economics(ws, start=T0, end=T0 + YEAR,
                     rates={"per_order": 2, "per_delivery": 3, "per_return": 5},
                     incentives={"chain": 30})
    b = r.bases
    given, assumed = v1.MONEY_BASIS_KIND_GIVEN, v1.MONEY_BASIS_KIND_ASSUMED
    assert b.sales.kind == given
    assert b.sales.source == "Transaction.amount of the 8 transactions in the window"
    # W, R1, R2 (independent) have margins; every member a fixed cost.
    assert b.margins_conceded.kind == given and b.fixed_cost.kind == given
    assert b.cost_to_serve.kind == assumed
    assert "per_support_contact = 0 (ChannelRequest.rates.per_support_contact)" in \
        b.cost_to_serve.source
    assert b.incentives.source == \
        "incentives = 0 for direct, community (ChannelRequest.incentives)"
    # c4's sale has no product, c3's no quantity.
    assert b.goods_cost.kind == assumed
    assert "1 of 8 transactions has no product_id; goods 0 assumed" in b.goods_cost.source
    assert "1 of 8 transactions has no quantity; 1 unit assumed" in b.goods_cost.source
    assert mitra._basis.basis(b.contribution).kind == "assumed"


def test_community_route_bases():
    ws = hand_workspace()
    plan = mitra.activation.leader_plan(ws, k=1, default_cost=100, check_runs=100)
    r = mc.economics(ws, start=T0, end=T0 + YEAR, plan=plan)
    c = r.community
    # One of four referrals converted: the Wilson 95% interval by its formula.
    z, n, p = 1.959963984540054, 4, 0.25
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert c.conversion_basis.kind == v1.MONEY_BASIS_KIND_ESTIMATED
    assert c.conversion_basis.low == pytest.approx(centre - half)
    assert c.conversion_basis.high == pytest.approx(centre + half)
    assert c.cost_basis.kind == v1.MONEY_BASIS_KIND_GIVEN  # the plan passed in
    # Reach 4 for certain: conversions 4 x the rate's ends, profit from them.
    v = c.value_per_conversion
    assert c.expected_profit_basis.low == pytest.approx(4 * (centre - half) * v - 100)
    assert c.expected_profit_basis.high == pytest.approx(4 * (centre + half) * v - 100)
    x = r.comparison[-1]
    assert x.name == "community activation"
    assert x.cost_per_acquired_basis.kind == v1.MONEY_BASIS_KIND_ESTIMATED
    assert (x.cost_per_acquired_basis.low, x.cost_per_acquired_basis.high) == \
        (x.cost_per_acquired_low, x.cost_per_acquired_high)
    assert x.basis == "expected"
    # An activation request without default_cost: the default 1 stood in.
    req = v1.WorkspacePlanRequest()
    req.plan.k = 1
    req.plan.check_runs = 100
    made = mc.economics(ws, start=T0, end=T0 + YEAR, activation=req)
    assert made.community.cost_basis.kind == v1.MONEY_BASIS_KIND_ASSUMED
    assert "default_cost = 1" in made.community.cost_basis.source
    assert mitra._basis.basis(made.community.cost_basis).low is None


def test_budget_split_by_hand_and_against_brute_force():
    routes = [{"name": "community", "value_per_conversion": 20,
               "points": ([100, 200, 300], [10, 16, 19])},
              {"name": "chain", "value_per_conversion": 40, "points": ([150, 400], [6, 10])}]
    s = mc.budget_split(180, routes)
    # community's first 100 returns 2 a unit, then 80 of the chain's 1.6.
    assert [r.spend for r in s.routes] == pytest.approx([100, 80])
    assert s.multiplier == pytest.approx(1.6)
    assert s.expected_profit == pytest.approx(148)
    # Two smooth routes on a grid of step 1.
    smooth = [{"name": "chain", "value_per_conversion": 40, "exponential": (80, 1 / 150)},
              {"name": "community", "value_per_conversion": 12, "logarithmic": (60, 0.02)}]
    s = mc.budget_split(300, smooth)
    x = np.arange(0, 301.0)
    x0, x1 = np.meshgrid(x, x, indexing="ij")
    profit = (40 * 80 * -np.expm1(-x0 / 150) - x0 + 12 * 60 * np.log1p(0.02 * x1) - x1)
    profit[x0 + x1 > 300] = -np.inf
    i, j = np.unravel_index(np.argmax(profit), profit.shape)
    assert s.expected_profit >= profit[i, j] - 1e-9
    assert s.routes[0].spend == pytest.approx(x[i], abs=1)
    assert s.routes[1].spend == pytest.approx(x[j], abs=1)
    assert s.routes[0].marginal_right == pytest.approx(s.multiplier)
    assert s.routes[1].marginal_right == pytest.approx(s.multiplier)


def test_double_marginalisation_closed_forms():
    d = mc.double_marginalisation(a=100, b=2, c=10, max_tiers=3)
    assert d.integrated.price == pytest.approx(30)        # (a/b + c)/2
    assert d.integrated.profit == pytest.approx(800)
    two = d.chains[1]
    assert two.prices[0] == pytest.approx(30)
    assert two.market.price == pytest.approx((3 * 50 + 10) / 4)
    assert two.profit_share == pytest.approx(0.75)
    assert list(d.chains[2].profits) == pytest.approx([200, 100, 50])


def test_planted_conflict_of_the_sample(sample):
    planted = json.loads((SAMPLE / "planted.json").read_text())["conflict_retailers"]
    r = mc.economics(sample, top=0)
    assert [t.territory for t in r.conflicts.territories] == [planted["territory"]]
    assert list(r.conflicts.territories[0].channel_ids) == planted["ids"]
    best = max(r.conflicts.shared, key=lambda s: s.jaccard)
    assert sorted([best.channel_id, best.other_id]) == planted["ids"]
    assert best.shared == planted["shared_customers"]
    assert {r.conflicts.switches[0].from_id, r.conflicts.switches[0].to_id} == set(planted["ids"])


def test_bad_input():
    ws = hand_workspace()
    with pytest.raises(mitra.InvalidArgument, match=r"request.rates.per_order: must be finite"):
        mc.economics(ws, rates={"per_order": -1})
    with pytest.raises(mitra.NotFound, match="unknown product id"):
        mc.economics(ws, product="nope")
    with pytest.raises(mitra.InvalidArgument, match="request.undercut_threshold"):
        mc.economics(ws, undercut_threshold=math.nan)
    with pytest.raises(mitra.InvalidArgument, match="unknown route"):
        mc.economics(ws, incentives={"shop": 1})
    with pytest.raises(TypeError, match="rates: unknown keys"):
        mc.economics(ws, rates={"per_visit": 1})
    with pytest.raises(mitra.InvalidArgument,
                       match=r"request.routes\[0\].response.points.spend\[1\]"):
        mc.budget_split(10, [{"value_per_conversion": 1, "points": ([5, 5], [1, 2])}])
    with pytest.raises(TypeError, match="give one of"):
        mc.budget_split(10, [{"value_per_conversion": 1}])
    with pytest.raises(mitra.InvalidArgument, match="request.c"):
        mc.double_marginalisation(a=100, b=2, c=60)
    # A failed call changes nothing.
    before = ws.export().SerializeToString(deterministic=True)
    with pytest.raises(mitra.InvalidArgument):
        mc.economics(ws, budget=-5)
    assert ws.export().SerializeToString(deterministic=True) == before


def campaign_workspace():
    """Four retailers over four days, r1 and r2 treated on days 2 and 3;
    daily sales r1 10 10 30 30, r2 20 30 50 48, r3 10 10 12 14, r4 5 7 6 10
    (differences of means 20, 24, 3, 2)."""
    ws = mitra.Workspace()
    b = v1.Batch(customers=[v1.Customer(id="c1")])
    sales = [[10, 10, 30, 30], [20, 30, 50, 48], [10, 10, 12, 14], [5, 7, 6, 10]]
    for u, row in enumerate(sales):
        b.channels.add(id="r%d" % (u + 1), kind=v1.CHANNEL_KIND_RETAILER)
        for d, amount in enumerate(row):
            b.transactions.add(customer_id="c1", channel_id="r%d" % (u + 1),
                               time_unix_seconds=T0 + d * DAY + 60, amount=amount)
    b.campaigns.add(id="push", route=v1.CAMPAIGN_ROUTE_CHAIN, start_unix_seconds=T0 + 2 * DAY,
                    end_unix_seconds=T0 + 4 * DAY, spend=100)
    for r in ("r1", "r2"):
        b.campaign_members.add(campaign_id="push", channel_id=r)
    ws.ingest(b)
    return ws


def test_campaign_effects_by_hand():
    report = mc.campaign_effects(campaign_workspace(), start=T0, period="day", baseline_periods=2,
                                 draws=50)
    assert report.periods == 4
    (e,) = report.campaigns
    assert e.estimated and e.campaign_id == "push"
    assert e.effect == pytest.approx((20 + 24) / 2 - (3 + 2) / 2)
    assert e.std_error == pytest.approx(math.sqrt(8 / 2 + 0.5 / 2))
    assert e.total == pytest.approx(19.5 * 2 * 2) and e.return_per_spend == pytest.approx(0.78)
    assert e.total_basis.kind == v1.MONEY_BASIS_KIND_ESTIMATED
    assert (e.total_basis.low, e.total_basis.high) == (e.total_low, e.total_high)
    assert '"push"' in e.effect_basis.source
    # One campaign on one route: no curve, and notes rather than an error.
    assert not report.curves and not report.odds
    assert any("no chain curve" in n for n in report.notes)


def test_campaign_effects_bad_option_names_the_field():
    with pytest.raises(mitra.InvalidArgument, match=r"request\.period_seconds: must be 3600\.\."):
        mc.campaign_effects(campaign_workspace(), period=60)
    with pytest.raises(mitra.InvalidArgument, match=r"request\.compare_at_spends\[0\]"):
        mc.campaign_effects(campaign_workspace(), compare_at=-5)


def test_budget_split_asks_for_campaign_curves():
    """One chain campaign gives no curve: the assumed split stays, with a
    note, and the campaign report comes with the channel report."""
    report = mc.economics(campaign_workspace(), budget=100, campaign_curves=True)
    assert len(report.campaign_effects.campaigns) == 1
    assert any("campaign curves were asked for" in n for n in report.notes)
    assert not report.budget_split.HasField("ranking_probability")


def test_planted_campaign_effects_of_the_sample(sample):
    """The six past campaigns planted in data/sample (planted.json: extra
    sales per treated unit and week, exact) are each inside their 95%
    interval, and each route's fitted curve says which way it saturates."""
    planted = json.loads((pathlib.Path(__file__).resolve().parents[3] / "data" / "sample" /
                          "planted.json").read_text())["campaigns"]["campaigns"]
    report = mitra.channels.campaign_effects(sample)
    got = {c.campaign_id: c for c in report.campaigns}
    assert sorted(got) == sorted(p["id"] for p in planted)
    for p in planted:
        c = got[p["id"]]
        assert c.estimated, (p["id"], c.note)
        assert c.effect_low <= p["per_unit_week"] <= c.effect_high, (p["id"], c.effect, p)
        assert c.effect_basis.kind == v1.MONEY_BASIS_KIND_ESTIMATED
    assert {c.route for c in report.curves} == {v1.CAMPAIGN_ROUTE_CHAIN, v1.CAMPAIGN_ROUTE_COMMUNITY}
