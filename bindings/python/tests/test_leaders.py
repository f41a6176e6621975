"""mitra.leaders: leaders, trust and health reports on a tiny hand-made
workspace, the planted leaders of data/sample, and bad input."""
import json
import pathlib

import pytest

import mitra
import mitra.leaders as ml
from mitra import v1

SAMPLE = pathlib.Path(__file__).resolve().parents[3] / "data" / "sample"
DAY = 86400
T0 = 1_710_000_000


def tiny_workspace():
    """Community k: a is endorsed and replied to by everyone; x is flagged."""
    ws = mitra.Workspace()
    ids = ["a", "b", "c", "d", "x"]
    b = v1.Batch(customers=[v1.Customer(id=i) for i in ids],
                 communities=[v1.Community(id="k"), v1.Community(id="m")])
    for i in ids:
        b.memberships.add(customer_id=i, community_id="k", joined_unix_seconds=T0 - 200 * DAY)
    b.memberships.add(customer_id="d", community_id="m", joined_unix_seconds=T0 - 100 * DAY)
    t = T0 - 50 * DAY
    for f in ("b", "c", "d", "x"):
        for kind in (v1.INTERACTION_KIND_ENDORSEMENT, v1.INTERACTION_KIND_REPLY):
            b.interactions.add(from_customer_id=f, to_customer_id="a", kind=kind,
                               time_unix_seconds=t, community_id="k")
            t += 3600
    for f in ("a", "b", "c"):
        b.interactions.add(from_customer_id=f, to_customer_id="x", kind=v1.INTERACTION_KIND_FLAG,
                           time_unix_seconds=t, community_id="k")
        t += 3600
    b.interactions.add(from_customer_id="a", to_customer_id="b", kind=v1.INTERACTION_KIND_REPLY,
                       time_unix_seconds=t, community_id="k")
    ws.ingest(b)
    return ws


@pytest.fixture
def tiny():
    with tiny_workspace() as ws:
        yield ws


def test_find_on_a_tiny_workspace(tiny):
    report = ml.find(tiny, community="k", top=0)
    assert isinstance(report, v1.LeadersReport)
    assert len(report.communities) == 1
    k = report.communities[0]
    assert k.community_id == "k" and k.members == 5
    assert [l.rank for l in k.leaders] == [1, 2, 3, 4, 5]
    assert k.leaders[0].customer_id == "a"
    assert [c.name for c in k.leaders[0].components] == list(ml.COMPONENTS)
    for leader in k.leaders:
        assert 0 <= leader.score <= 1
        for c in leader.components:
            assert 0 <= c.scaled <= 1
    assert report.as_of_unix_seconds > 0
    # Every community by default; top keeps that many.
    every = ml.find(tiny, top=2)
    assert [c.community_id for c in every.communities] == ["k", "m"]
    assert len(every.communities[0].leaders) == 2
    # Component weights: all on trust.
    trust_only = ml.find(tiny, community="k", top=0,
                         weights={n: 0.0 for n in ml.COMPONENTS if n != "trust"})
    scores = {l.customer_id: l.score for l in trust_only.communities[0].leaders}
    assert scores["x"] <= min(scores.values()) + 1e-12  # the flagged member


def test_trust_on_a_tiny_workspace(tiny):
    report = ml.trust(tiny)
    by_id = {c.customer_id: c for c in report.customers}
    assert set(by_id) == {"a", "b", "c", "d", "x"}
    a, x = by_id["a"], by_id["x"]
    assert a.r > 0 and a.s == 0 and a.reputation > 0.5 and a.rating > 0
    assert x.s > 0 and x.reputation < 0.5 and x.rating < 0
    assert a.reputation == pytest.approx((a.r + 1) / (a.r + a.s + 2))
    assert sum(c.eigentrust for c in report.customers) == pytest.approx(1.0)
    assert a.eigentrust == max(c.eigentrust for c in report.customers)
    assert [lvl.name for lvl in report.ladder.levels][0] == "new"
    for c in report.customers:
        assert c.level_name == report.ladder.levels[c.level].name
    # A community's members only; a custom ladder.
    ladder = v1.RankLadder(levels=[
        v1.RankLevel(name="lurker"),
        v1.RankLevel(name="endorsed", requirements=[v1.RankRequirement(
            metric=v1.ACTIVITY_METRIC_RECEIVED, kind=v1.INTERACTION_KIND_ENDORSEMENT,
            at_least=2)])])
    r = ml.trust(tiny, community="m", ladder=ladder)
    assert [c.customer_id for c in r.customers] == ["d"]
    r = ml.trust(tiny, ladder=ladder, pretrusted=["a"])
    levels = {c.customer_id: c.level_name for c in r.customers}
    assert levels["a"] == "endorsed" and levels["b"] == "lurker"


def test_health_on_a_tiny_workspace(tiny):
    report = ml.health(tiny, community="k", periods=3, period_days=30, as_of=T0)
    assert len(report.communities) == 1
    h = report.communities[0]
    assert h.community_id == "k"
    assert len(h.periods) == 3
    assert h.periods[-1].end_unix_seconds == T0
    assert h.periods[-1].members == 5
    assert h.periods[0].start_unix_seconds == T0 - 90 * DAY
    assert [c.community_id for c in ml.health(tiny).communities] == ["k", "m"]


@pytest.mark.parametrize("call,error,message", [
    (lambda ws: ml.find(ws, community="zz"), mitra.NotFound,
     'request.community_id: unknown community id "zz"'),
    (lambda ws: ml.find(ws, damping=float("nan")), mitra.InvalidArgument,
     "request.damping: must be in [0, 1), got nan"),
    (lambda ws: ml.find(ws, weights={n: 0 for n in ml.COMPONENTS}), mitra.InvalidArgument,
     "request.weights: must have a positive sum"),
    (lambda ws: ml.find(ws, forgetting=0), mitra.InvalidArgument,
     "request.reputation.forgetting: must be in (0, 1], got 0"),
    (lambda ws: ml.find(ws, evidence={"positive": {"like": -1}}), mitra.InvalidArgument,
     "request.evidence.positive[0].weight: must be finite and >= 0, got -1"),
    (lambda ws: ml.trust(ws, pretrusted=["ghost"]), mitra.NotFound,
     'request.pretrusted_customer_ids[0]: unknown customer id "ghost"'),
    (lambda ws: ml.trust(ws, ladder=v1.RankLadder()), mitra.InvalidArgument,
     "request.ladder.levels: empty"),
    (lambda ws: ml.health(ws, periods=0), mitra.InvalidArgument,
     "request.periods: must be 1..1000, got 0"),
    (lambda ws: ml.health(ws, top_fraction=2), mitra.InvalidArgument,
     "request.top_fraction: must be in (0, 1], got 2"),
])
def test_bad_input_names_the_field(tiny, call, error, message):
    before = tiny.export().SerializeToString(deterministic=True)
    with pytest.raises(error) as raised:
        call(tiny)
    assert message in str(raised.value)
    assert tiny.export().SerializeToString(deterministic=True) == before


def test_planted_leaders_of_the_sample_come_out_on_top(sample):
    planted = json.loads((SAMPLE / "planted.json").read_text())
    report = ml.find(sample, top=0, top_bridges=0)
    by_id = {c.community_id: c for c in report.communities}
    bridges = planted["bridge_leaders"]
    for cid, leaders in planted["leaders"].items():
        # The community's informal leaders fill its top k together with the
        # bridge leaders planted in it (they have a leader profile there too).
        k = len(leaders) + sum(cid in b["communities"] for b in bridges)
        top = [l.customer_id for l in by_id[cid].leaders[:k]]
        for leader in leaders:
            assert leader in top, "%s: %s not in the top %d %s" % (cid, leader, k, top)
    top_bridges = [b.customer_id for b in report.bridges[:len(bridges)]]
    for b in bridges:
        assert b["customer_id"] in top_bridges
    # The default report keeps the top 10 of each community.
    default = ml.find(sample)
    assert all(len(c.leaders) <= 10 for c in default.communities)
    assert len(default.bridges) <= 10
