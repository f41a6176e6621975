"""mitra.activation on tiny graphs with exact answers: probability-1 edges
make every spread exact, and a two-arc graph has a closed-form spread; the
same seed gives the same plan; bad input raises the mitra.Error subclass
naming the field."""
import numpy as np
import pytest

import mitra
import mitra.activation as ma
from mitra import v1

# 0 -> 1, 0 -> 2, 1 -> 3, 4 -> 5; node 6 alone.
SRC = np.array([0, 0, 1, 4], np.uint32)
DST = np.array([1, 2, 3, 5], np.uint32)


def test_plan_on_certain_edges_is_exact():
    plan = ma.plan(SRC, DST, k=2, probabilities=1.0, num_nodes=7,
                   groups=[0, 0, 0, 0, 1, 1, 2])
    assert isinstance(plan, v1.Plan)
    assert list(plan.seeds) == [0, 4]
    assert plan.check.mean == 6.0
    assert plan.check.ci_low == plan.check.ci_high == 6.0
    assert list(plan.check.group_mean) == [4.0, 2.0, 0.0]
    assert plan.check.runs == 10000
    assert plan.total_cost == 2.0
    assert plan.cost_per_reached == pytest.approx(2.0 / 6.0)
    assert sum(plan.marginal_gains) == pytest.approx(plan.imm_estimate)
    assert plan.approximation == pytest.approx(1 - np.exp(-1) - 0.1)
    assert "1 - 1/e - epsilon" in plan.guarantee


def test_plan_with_budget_and_costs():
    plan = ma.plan(SRC, DST, budget=3.5, costs=[1.5, 5, 5, 5, 2, 5, 5],
                   probabilities="constant", p=1.0, num_nodes=7)
    assert list(plan.seeds) == [0, 4]
    assert list(plan.costs) == [1.5, 2.0]
    assert plan.total_cost == 3.5
    assert plan.cost_per_reached == pytest.approx(3.5 / 6.0)


def test_plan_targets_must_include_and_given_values():
    plan = ma.plan(SRC, DST, k=1, probabilities=[1, 1, 1, 1], num_nodes=7, targets=[4, 5, 6])
    assert list(plan.seeds) == [4]
    assert plan.check.mean == 2.0
    plan = ma.plan(SRC, DST, k=2, probabilities="given", edge_values=[1, 1, 1, 1], num_nodes=7,
                   must_include=[6])
    assert list(plan.seeds) == [6, 0]
    assert plan.check.mean == 5.0


def test_default_k_takes_every_node_of_a_tiny_graph():
    plan = ma.plan(SRC, DST, probabilities=1.0, num_nodes=7)
    assert sorted(plan.seeds) == list(range(7))


def test_same_seed_same_plan_and_threads_do_not_matter():
    rng = np.random.default_rng(3)
    src = rng.integers(0, 60, 240)
    dst = rng.integers(0, 60, 240)
    a = ma.plan(src, dst, k=5, epsilon=0.3, seed=7, check_runs=500)
    b = ma.plan(src, dst, k=5, epsilon=0.3, seed=7, check_runs=500, threads=2)
    assert a == b
    assert len(a.seeds) == 5
    # An independent simulation of the plan's seeds agrees with its check.
    s = ma.simulate(src, dst, a.seeds, runs=4000, seed=11)
    assert abs(s.mean - a.check.mean) < 4 * (s.std_error + a.check.std_error) + 1e-9


def test_plan_with_opim_c():
    # Certain edges: every spread is exact. 0 reaches {0,1,2,3}, 4 {4,5}: the
    # best pair reaches 6 = OPT, so the certified bounds bracket 6.
    imm = ma.plan(SRC, DST, k=2, probabilities=1.0, num_nodes=7)
    assert imm.algorithm == v1.INFLUENCE_ALGORITHM_IMM
    assert imm.certified_ratio == 0 and imm.rounds == 0
    plan = ma.plan(SRC, DST, k=2, probabilities=1.0, num_nodes=7, algorithm="opim-c")
    assert plan.algorithm == v1.INFLUENCE_ALGORITHM_OPIM_C
    assert list(plan.seeds) == [0, 4]
    assert plan.check.mean == 6.0
    assert plan.spread_lower_bound <= 6.0 <= plan.opt_upper_bound
    assert plan.certified_ratio == pytest.approx(plan.spread_lower_bound / plan.opt_upper_bound)
    assert plan.certified_ratio >= 1 - np.exp(-1) - 0.1
    assert plan.approximation >= plan.certified_ratio
    assert plan.rr_sets_sampled == 2 * plan.rr_sets and plan.rounds >= 1
    assert "OPIM-C certified" in plan.guarantee
    assert sum(plan.marginal_gains) == pytest.approx(plan.imm_estimate)


def test_opim_c_threads_do_not_matter_and_agrees_with_simulation():
    rng = np.random.default_rng(5)
    src = rng.integers(0, 200, 800)
    dst = rng.integers(0, 200, 800)
    a = ma.plan(src, dst, k=5, epsilon=0.2, seed=3, check_runs=2000, algorithm="opim-c")
    b = ma.plan(src, dst, k=5, epsilon=0.2, seed=3, check_runs=2000, algorithm="opim-c",
                threads=2)
    assert a == b
    s = ma.simulate(src, dst, a.seeds, runs=20000, seed=11)
    # The certified lower bound holds, and R2's estimate is unbiased.
    assert a.spread_lower_bound <= s.ci_high
    assert abs(a.imm_estimate - s.mean) < 0.15 * s.mean


def test_simulate_closed_form():
    # Two chances of 0.5 along 0 -> 1 (duplicate given edges): p = 0.75.
    s = ma.simulate([0, 0], [1, 1], [0], probabilities=[0.5, 0.5], runs=40000, seed=2)
    assert s.ci_low <= 1.75 <= s.ci_high
    assert s.runs == 40000
    assert s.confidence == pytest.approx(0.95)
    # LT with weighted cascade on a path: every arc is live.
    s = ma.simulate([0, 1], [1, 2], [0], model="lt", runs=100)
    assert s.mean == 3.0
    # Undirected: 1 - 0 carries 0 -> 1.
    s = ma.simulate([1], [0], [0], probabilities=1.0, directed=False, runs=10, groups=[0, 1])
    assert s.mean == 2.0
    assert list(s.group_mean) == [1.0, 1.0]


@pytest.mark.parametrize("kwargs, error, field", [
    (dict(epsilon=1.5), mitra.InvalidArgument, "request.epsilon: must be in (0, 1), got 1.5"),
    (dict(ell=0), mitra.InvalidArgument, "request.ell"),
    (dict(budget=2), mitra.InvalidArgument, "request.costs: required with a budget"),
    (dict(costs=[1, 2]), mitra.InvalidArgument, "request.costs: 2 values"),
    (dict(must_include=[9]), mitra.InvalidArgument, "request.must_include[0]: node 9 out of range"),
    (dict(probabilities="constant"), mitra.InvalidArgument, "request.p: required"),
    (dict(probabilities=1.5), mitra.InvalidArgument, "request.p: must be in [0, 1]"),
    (dict(probabilities=[0.5]), mitra.InvalidArgument, "request.edge_values: 1 values"),
    (dict(model="sir"), mitra.InvalidArgument, "model:"),
    (dict(probabilities="magic"), mitra.InvalidArgument, "probabilities:"),
    (dict(check_runs=1), mitra.InvalidArgument, "request.check_runs"),
    (dict(group_quota=[1]), mitra.InvalidArgument, "request.group_quota"),
    (dict(k=0), mitra.InvalidArgument, "request.k"),
    (dict(algorithm="greedy"), mitra.InvalidArgument, "algorithm: 'greedy' is not one of"),
    (dict(algorithm="opim-c", fresh_rr_sets=True), mitra.InvalidArgument,
     "request.fresh_rr_sets: only with algorithm IMM"),
])
def test_plan_bad_input_names_the_field(kwargs, error, field):
    args = dict(k=2, num_nodes=7)
    args.update(kwargs)
    with pytest.raises(error) as raised:
        ma.plan(SRC, DST, **args)
    assert field in str(raised.value)


def test_bad_edges_and_seeds():
    with pytest.raises(mitra.InvalidArgument, match=r"dst\[3\]: node 5 out of range"):
        ma.plan(SRC, DST, k=1, num_nodes=5)
    with pytest.raises(mitra.InvalidArgument, match=r"request\.seeds\[0\]: node 7 out of range"):
        ma.simulate(SRC, DST, [7], num_nodes=7)
    with pytest.raises(mitra.InvalidArgument, match=r"request\.runs"):
        ma.simulate(SRC, DST, [0], runs=1)
    with pytest.raises(TypeError):
        ma.simulate(SRC, DST)


# ---- leader_plan: a plan on a workspace ------------------------------------

WS_DAY = 86400
WS_T0 = 1_710_000_000


def chain_workspace():
    """The workspace of tests/activation/workspace_plan_test.cc: replies
    c0->c1, c1->c2 (in k0), c3->c4 (in k1), untagged c0->c3, c3->c5. Each
    customer has at most one in-arc, so weighted-cascade arcs are certain:
    c0 reaches all 6, c3 {c3,c4,c5}, c1 {c1,c2}. Homes: c0-c2 k0, c3-c4 k1."""
    from mitra import v1
    ws = mitra.Workspace()
    b = v1.Batch(customers=[v1.Customer(id="c%d" % i,
                                        attributes={"incentive_cost": "5"} if i == 1 else {})
                            for i in range(6)],
                 communities=[v1.Community(id="k0"), v1.Community(id="k1")])
    for c, k in (("c0", "k0"), ("c1", "k0"), ("c2", "k0"), ("c3", "k1"), ("c4", "k1")):
        b.memberships.add(customer_id=c, community_id=k, joined_unix_seconds=WS_T0)
    for day, (f, t, k) in enumerate([("c0", "c1", "k0"), ("c1", "c2", "k0"), ("c3", "c4", "k1"),
                                     ("c0", "c3", ""), ("c3", "c5", "")]):
        b.interactions.add(from_customer_id=f, to_customer_id=t,
                           kind=v1.INTERACTION_KIND_REPLY,
                           time_unix_seconds=WS_T0 + (10 + day) * WS_DAY, community_id=k)
    ws.ingest(b)
    return ws


def test_leader_plan_on_a_hand_made_workspace():
    with chain_workspace() as ws:
        r = ma.leader_plan(ws, k=1, candidates="all", check_runs=200)
        assert [l.customer_id for l in r.leaders] == ["c0"]
        assert r.plan.check.mean == 6.0 and r.candidates == 6
        assert [(c.community_id, c.customers, c.expected_reached) for c in r.reach] == [
            ("k0", 3, 3.0), ("k1", 2, 2.0), ("", 1, 1.0)]
        # Reach counted in k1 only, c0 excluded: c3 reaches both members.
        r = ma.leader_plan(ws, k=1, candidates="all", targets=["k1"], exclude=["c0"],
                           check_runs=200)
        assert [l.customer_id for l in r.leaders] == ["c3"] and r.plan.check.mean == 2.0
        # Budget 3: c0 costs 10, c3 2, c1 5 (its attribute), others 1. Cost-
        # effective greedy: c3 (3/2) then c2 (1/1) with the 1 left: reach 4.
        r = ma.leader_plan(ws, budget=3, candidates="all", costs={"c0": 10, "c3": 2},
                           check_runs=200)
        assert [l.customer_id for l in r.leaders] == ["c3", "c2"]
        assert r.plan.total_cost == 3.0 and r.plan.check.mean == 4.0
        assert [l.cost for l in r.leaders] == [2.0, 1.0]
        # c3's cost is the host's; c2's is the default nobody set: assumed.
        assert [l.cost_basis.kind for l in r.leaders] == [
            v1.MONEY_BASIS_KIND_GIVEN, v1.MONEY_BASIS_KIND_ASSUMED]
        total = mitra._basis.basis(r.plan.cost_basis)
        assert total.kind == "assumed" and total.source.startswith(
            "2 seeds' costs: 1 from request.costs; 1 from request.default_cost = 1 (absent")
        r = ma.leader_plan(ws, budget=3, candidates="all", costs={"c0": 10, "c3": 2},
                           default_cost=1, check_runs=200)
        assert mitra._basis.basis(r.plan.cost_basis).kind == "given"
        # No seed may live in k0: c3.
        r = ma.leader_plan(ws, k=1, candidates="all", quotas={"k0": 0}, check_runs=200)
        assert [l.customer_id for l in r.leaders] == ["c3"]
        assert r.leaders[0].home_community_id == "k1"
        # OPIM-C finds the same best seed; its bounds bracket the exact 6.
        r = ma.leader_plan(ws, k=1, candidates="all", check_runs=200, algorithm="opim-c")
        assert [l.customer_id for l in r.leaders] == ["c0"]
        assert r.plan.algorithm == v1.INFLUENCE_ALGORITHM_OPIM_C
        assert r.plan.check.mean == 6.0
        assert r.plan.spread_lower_bound <= 6.0 <= r.plan.opt_upper_bound
        with pytest.raises(mitra.InvalidArgument, match="algorithm"):
            ma.leader_plan(ws, k=1, algorithm="opim")


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(costs={"nobody": 2}), mitra.NotFound, "request.costs: unknown customer id"),
    (dict(costs={"c1": -2}), mitra.InvalidArgument, "request.costs[c1]"),
    (dict(targets=["k9"]), mitra.NotFound, "request.target_community_ids[0]"),
    (dict(quotas={"k9": 1}), mitra.NotFound, "request.community_quota"),
    (dict(exclude=["c9"]), mitra.NotFound, "request.excluded_ids[0]"),
    (dict(include=["c1", "c1"]), mitra.InvalidArgument, "must_include"),
    (dict(epsilon=1.5), mitra.InvalidArgument, "request.plan.epsilon"),
    (dict(default_cost=0), mitra.InvalidArgument, "request.default_cost"),
])
def test_leader_plan_bad_input_names_the_field(kwargs, error, message):
    with chain_workspace() as ws:
        with pytest.raises(error, match=message.replace("[", r"\[").replace("]", r"\]")):
            ma.leader_plan(ws, k=1, check_runs=200, **kwargs)


def test_leader_plan_on_learned_probabilities():
    """The hand-counted workspace of tests/graph/fixtures/influence_workspace:
    a -> b, a -> c, b -> c. Seeding a reaches 1 + p_ab + (1 - (1 - p_ac)(1 -
    p_ab p_bc)) at the learned posterior means, not weighted cascade's
    1 + 1 + (1 - (2/3)(1/3))."""
    import math
    import os
    import mitra.graph as mg
    from conftest import REPO_ROOT
    ws = mitra.Workspace()
    folder = os.path.join(REPO_ROOT, "tests", "graph", "fixtures", "influence_workspace")
    for kind in ("customers", "products", "interactions", "transactions"):
        ws.ingest_csv(kind, os.path.join(folder, kind + ".csv"))
    with ws:
        learning = dict(method="em", window_seconds=2 * 86400)
        learned = mg.learn_influence(ws, half_life_days=0, **learning)
        m = dict(zip(zip(learned.from_ids, learned.to_ids), learned.posterior_mean))
        want = 1 + m["a", "b"] + 1 - (1 - m["a", "c"]) * (1 - m["a", "b"] * m["b", "c"])
        r = ma.leader_plan(ws, k=1, candidates="all", probabilities="learned", learning=learning,
                           half_life_days=0, check_runs=40000, posterior_worlds=50,
                           posterior_runs=400)
        assert [l.customer_id for l in r.leaders] == ["a"]
        check = r.plan.check
        assert abs(check.mean - want) < 4 * check.std_error
        assert abs(check.mean - (2 + 1 - 2 / 9)) > 0.3  # not weighted cascade
        post = r.posterior_reach
        assert post.worlds == 50 and post.runs_per_world == 400
        assert abs(post.mean - want) < 4 * post.world_sd / math.sqrt(50) + 1e-9
        assert post.low < post.mean < post.high
        with pytest.raises(mitra.InvalidArgument, match="request.learning.window_seconds"):
            ma.leader_plan(ws, k=1, candidates="all", probabilities="learned",
                           learning=dict(window_seconds=0))
        with pytest.raises(mitra.InvalidArgument, match="request.probabilities: LEARNED needs"):
            ma.plan([0], [1], k=1, probabilities="learned", num_nodes=2)
