"""mitra.activation: which leaders to activate, and the reach to expect.

A thin layer over libmitra's C ABI (``mitra.h``, "Activation"; C++
documentation in docs/ACTIVATION.md)::

    import mitra.activation as ma

    plan = ma.plan(src, dst, k=50, epsilon=0.1)        # IMM + Monte-Carlo check
    plan = ma.plan(src, dst, k=50, algorithm="opim-c")  # OPIM-C instead
    plan.seeds                  # node ids, in the order chosen
    plan.check.mean, plan.check.ci_low, plan.check.ci_high
    est = ma.simulate(src, dst, plan.seeds, runs=10000)  # mean spread, interval

Graphs are edge arrays as in mitra.graph (edge i is ``src[i] -> dst[i]``,
``weights`` None: unweighted, nodes 0..num_nodes-1, directed unless
``directed=False``), or a ``mitra.Workspace`` in place of ``src`` (its
interaction graph; ``community=`` one community's subgraph).

Diffusion: ``model`` "ic" (independent cascade) or "lt" (linear threshold).
``probabilities``: "weighted_cascade" (1/in-degree, or weight/in-weight),
"trivalency", "constant" (with ``p=``), "interaction" (1 - exp(-lam *
weight), ``lam=`` default 1), "given" (with ``edge_values=``, one per
edge); a number means "constant" with that p, an array "given" with those
values.

On a workspace, ``leader_plan(ws, k=10)`` chooses among the leaders that
``mitra.leaders.find`` ranks (each community's top ``leaders`` and the top
``bridges``), with incentive ``costs`` by customer id (else the customer
attribute ``cost_attribute``, else ``default_cost``), ``budget``,
``targets`` (community ids whose members count), ``quotas`` per community;
it returns a ``mitra.v1.WorkspacePlan`` naming customers and communities.

``algorithm``: "imm" (Tang, Shi & Xiao 2015; the default) or "opim-c" (Tang,
Tang, Xiao & Yuan 2018). Both carry the same (gamma - epsilon) guarantee at
probability 1 - 1/n^ell; OPIM-C stops as soon as its online bounds certify
the ratio, usually after far fewer RR sets, and its seeds can then reach
less than IMM's at the same epsilon (docs/ACTIVATION.md has figures); the
plan reports ``algorithm``, ``rounds``, ``spread_lower_bound``,
``opt_upper_bound`` and ``certified_ratio``.

Results are the messages of proto/mitra/v1/activation.proto: plan() returns
a ``mitra.v1.Plan`` (seeds, marginal_gains, costs, imm_estimate, check =
the independent Monte-Carlo estimate with its 95% interval and per-group
reach, total_cost, cost_per_reached, approximation/guarantee), simulate() a
``mitra.v1.SpreadEstimate`` (mean, std_error, ci_low, ci_high, group_mean).
Bad input raises mitra.Error subclasses naming the field
("request.epsilon: must be in (0, 1), got 1.5").
"""

import ctypes
import numbers

import numpy as np

from . import _native
from ._errors import InvalidArgument, call, call_bytes
from ._native import lib as _lib
from ._workspace import run_request
from .graph import _Edges, _f64, _ids, _learn_request
from .value import _unix_seconds
from .v1 import activation_pb2 as _pb

__all__ = ["plan", "plan_request", "simulate", "leader_plan", "rr_sets", "rr_coverage",
           "imm_stage", "selection_plan"]

_MODELS = {"ic": _pb.DIFFUSION_MODEL_IC, "lt": _pb.DIFFUSION_MODEL_LT}
_ALGORITHMS = {"imm": _pb.INFLUENCE_ALGORITHM_IMM, "opim-c": _pb.INFLUENCE_ALGORITHM_OPIM_C}
_PROBABILITIES = {
    "weighted_cascade": _pb.EDGE_PROBABILITIES_WEIGHTED_CASCADE,
    "trivalency": _pb.EDGE_PROBABILITIES_TRIVALENCY,
    "constant": _pb.EDGE_PROBABILITIES_CONSTANT,
    "interaction": _pb.EDGE_PROBABILITIES_INTERACTION,
    "given": _pb.EDGE_PROBABILITIES_GIVEN,
    "learned": _pb.EDGE_PROBABILITIES_LEARNED,
}


def _diffusion(request, model, probabilities, p, lam, edge_values, directed):
    if model not in _MODELS:
        raise InvalidArgument("model: %r is not one of %s" % (model, ", ".join(_MODELS)))
    request.model = _MODELS[model]
    if isinstance(probabilities, numbers.Real) and not isinstance(probabilities, bool):
        if p is not None:
            raise TypeError("give the constant probability once (probabilities= or p=)")
        probabilities, p = "constant", probabilities
    elif not isinstance(probabilities, str):
        if edge_values is not None:
            raise TypeError("give the edge values once (probabilities= or edge_values=)")
        probabilities, edge_values = "given", probabilities
    if probabilities not in _PROBABILITIES:
        raise InvalidArgument("probabilities: %r is not one of %s"
                              % (probabilities, ", ".join(_PROBABILITIES)))
    request.probabilities = _PROBABILITIES[probabilities]
    if p is not None:
        request.p = float(p)
    if lam is not None:
        setattr(request, "lambda", float(lam))  # a Python keyword
    if edge_values is not None:
        request.edge_values.extend(_f64(edge_values, "edge_values").tolist())
    request.directed = bool(directed)


def _algorithm(request, algorithm):
    if algorithm not in _ALGORITHMS:
        raise InvalidArgument("algorithm: %r is not one of %s"
                              % (algorithm, ", ".join(_ALGORITHMS)))
    request.algorithm = _ALGORITHMS[algorithm]


def _node_list(field, values, what):
    if values is not None:
        field.extend(_ids(values, what).tolist())


def _call(fn, edges, request):
    data = request.SerializeToString()
    return call_bytes(fn, *edges.args(), data, len(data))


def plan(src, dst=None, k=50, epsilon=0.1, model="ic", probabilities="weighted_cascade", seed=1,
         weights=None, num_nodes=None, budget=None, costs=None, *, p=None, lam=None,
         edge_values=None, directed=True, ell=1.0, threads=1, candidates=None, excluded=None,
         must_include=None, targets=None, groups=None, group_quota=None, check_runs=10000,
         check_seed=None, fresh_rr_sets=False, max_rr_sets=None, community=None,
         algorithm="imm"):
    """An activation plan: IMM's seeds (Tang, Shi & Xiao 2015; or OPIM-C's
    with ``algorithm="opim-c"``) with the (1 - 1/e - epsilon) guarantee at
    probability 1 - 1/n^ell, then an independent Monte-Carlo check of their
    reach (``check_runs`` runs).

    ``k`` seeds (capped at the number of nodes), or with ``budget`` the
    seeds whose ``costs`` (one per node, > 0) fit the budget (k is then
    ignored; guarantee (1 - 1/e)/2 - epsilon). ``candidates`` restricts the
    choice, ``excluded`` are never chosen, ``must_include`` are seeded first;
    ``targets`` count reach only on those nodes. ``groups`` (one group id
    per node, e.g. the Leiden membership) reports reach per group;
    ``group_quota`` (one entry per group) caps the seeds per group.

    Returns a mitra.v1.Plan with ``.seeds`` in the order chosen."""
    e = _Edges(src, dst, weights, num_nodes, community)
    request = plan_request(e.n, k, epsilon, model, probabilities, seed, budget, costs, p=p,
                           lam=lam, edge_values=edge_values, directed=directed, ell=ell,
                           threads=threads, candidates=candidates, excluded=excluded,
                           must_include=must_include, targets=targets, groups=groups,
                           group_quota=group_quota, check_runs=check_runs,
                           check_seed=check_seed, fresh_rr_sets=fresh_rr_sets,
                           max_rr_sets=max_rr_sets, algorithm=algorithm)
    return _pb.Plan.FromString(_call(_lib.mitra_activation_plan, e, request))


def plan_request(num_nodes, k=50, epsilon=0.1, model="ic", probabilities="weighted_cascade",
                 seed=1, budget=None, costs=None, *, p=None, lam=None, edge_values=None,
                 directed=True, ell=1.0, threads=1, candidates=None, excluded=None,
                 must_include=None, targets=None, groups=None, group_quota=None,
                 check_runs=10000, check_seed=None, fresh_rr_sets=False, max_rr_sets=None,
                 algorithm="imm"):
    """The mitra.v1.PlanRequest plan() sends for a graph of num_nodes nodes
    (k capped at num_nodes)."""
    request = _pb.PlanRequest()
    _diffusion(request, model, probabilities, p, lam, edge_values, directed)
    _algorithm(request, algorithm)
    if budget is not None:
        request.budget = float(budget)
    else:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TypeError("k must be an integer, not %s" % type(k).__name__)
        if k < 1:
            raise InvalidArgument("request.k: must be >= 1, got %d" % k)
        request.k = min(int(k), int(num_nodes))
    if costs is not None:
        request.costs.extend(_f64(costs, "costs").tolist())
    request.epsilon = float(epsilon)
    request.ell = float(ell)
    request.seed = int(seed)
    request.threads = int(threads)
    _node_list(request.candidates, candidates, "candidates")
    _node_list(request.excluded, excluded, "excluded")
    _node_list(request.must_include, must_include, "must_include")
    _node_list(request.targets, targets, "targets")
    if groups is not None:
        request.groups.extend(_ids(groups, "groups").tolist())
    if group_quota is not None:
        request.group_quota.extend(_ids(group_quota, "group_quota").tolist())
    request.check_runs = int(check_runs)
    if check_seed is not None:
        request.check_seed = int(check_seed)
    request.fresh_rr_sets = bool(fresh_rr_sets)
    if max_rr_sets is not None:
        request.max_rr_sets = int(max_rr_sets)
    return request


def simulate(src, dst=None, seeds=None, model="ic", probabilities="weighted_cascade", runs=10000,
             seed=1, weights=None, num_nodes=None, *, p=None, lam=None, edge_values=None,
             directed=True, threads=1, targets=None, groups=None, community=None):
    """Monte-Carlo spread of ``seeds`` under the model: a
    mitra.v1.SpreadEstimate with the mean number of active nodes (of
    ``targets``, seeds included), its standard error and 95% interval
    (ci_low, ci_high), and with ``groups`` the mean reach per group. The
    result for a seed does not depend on ``threads``."""
    if seeds is None:
        raise TypeError("seeds is required")
    e = _Edges(src, dst, weights, num_nodes, community)
    request = _pb.SimulateRequest()
    _diffusion(request, model, probabilities, p, lam, edge_values, directed)
    _node_list(request.seeds, seeds, "seeds")
    request.runs = int(runs)
    request.seed = int(seed)
    request.threads = int(threads)
    _node_list(request.targets, targets, "targets")
    if groups is not None:
        request.groups.extend(_ids(groups, "groups").tolist())
    return _pb.SpreadEstimate.FromString(_call(_lib.mitra_activation_simulate, e, request))


def leader_plan(ws, k=None, budget=None, *, costs=None, cost_attribute=None, default_cost=None,
                candidates="leaders", leaders=10, bridges=10, targets=None, quotas=None,
                exclude=None, include=None, epsilon=0.1, model="ic",
                probabilities="weighted_cascade", p=None, lam=None, seed=1, ell=1.0, threads=1,
                check_runs=10000, check_seed=None, half_life_days=None, as_of=None,
                request=None, algorithm="imm", learning=None, posterior_worlds=None,
                posterior_runs=None):
    """Which customers of a workspace to activate: IMM (or OPIM-C with
    ``algorithm="opim-c"``) on its interaction graph (one node per
    customer), choosing among the ``leaders`` top
    leaders of each community and the ``bridges`` top bridge leaders
    (``candidates="all"``: every customer), ``k`` of them (default 10) or
    within ``budget`` of incentive costs (``costs``: {customer id: cost};
    else the numeric customer attribute ``cost_attribute``, default
    "incentive_cost"; else ``default_cost``, default 1). ``targets``:
    community ids whose current members count as reach; ``quotas``:
    {community id: most seeds living there}; ``exclude`` / ``include``:
    customer ids. Returns a mitra.v1.WorkspacePlan: ``.leaders`` (customer,
    community, leader rank, cost, marginal gain, in the order chosen),
    ``.plan`` (the Monte-Carlo check with its 95% interval, total cost,
    cost per reached customer, the guarantee) and ``.reach`` per home
    community. ``probabilities="learned"``: each arc's probability is learned
    from the workspace's actions (``learning``: a dict of
    mitra.graph.learn_influence's options, e.g. {"action": "purchases",
    "product_line": "scooter", "method": "em", "window_seconds": 604800};
    default EM on purchases, 7 days), the plan runs on the posterior means,
    and ``.posterior_reach`` gives the reach over the posterior
    (``posterior_worlds`` draws of every arc's p, default 100, each
    simulated ``posterior_runs`` times, default 1000): its interval covers
    the estimates' doubt as well as chance, where ``.plan.check``'s covers
    the Monte-Carlo error at the means only. ``request``: a ready
    mitra.v1.WorkspacePlanRequest instead."""
    if request is None:
        request = _pb.WorkspacePlanRequest()
        pr = request.plan
        _diffusion(pr, model, probabilities, p, lam, None, True)
        pr.ClearField("directed")
        _algorithm(pr, algorithm)
        if budget is not None:
            if k is not None:
                raise TypeError("give k or budget, not both")
            pr.budget = float(budget)
        else:
            k = 10 if k is None else k
            if isinstance(k, bool) or not isinstance(k, numbers.Integral):
                raise TypeError("k must be an integer, not %s" % type(k).__name__)
            if k < 1:
                raise InvalidArgument("request.plan.k: must be >= 1, got %d" % k)
            pr.k = min(int(k), max(1, ws.counts()["customers"]))
        pr.epsilon = float(epsilon)
        pr.ell = float(ell)
        pr.seed = int(seed)
        pr.threads = int(threads)
        pr.check_runs = int(check_runs)
        if check_seed is not None:
            pr.check_seed = int(check_seed)
        if candidates not in ("leaders", "all"):
            raise InvalidArgument("candidates: %r is not 'leaders' or 'all'" % (candidates,))
        request.candidates = (_pb.CANDIDATE_SOURCE_LEADERS if candidates == "leaders"
                              else _pb.CANDIDATE_SOURCE_ALL)
        request.leaders.top = int(leaders)
        request.leaders.top_bridges = int(bridges)
        for cid, cost in (costs or {}).items():
            request.costs[str(cid)] = float(cost)
        if cost_attribute is not None:
            request.cost_attribute = str(cost_attribute)
        if default_cost is not None:
            request.default_cost = float(default_cost)
        request.target_community_ids.extend(targets or [])
        for cid, q in (quotas or {}).items():
            request.community_quota[str(cid)] = int(q)
        request.excluded_ids.extend(exclude or [])
        request.must_include_ids.extend(include or [])
        if half_life_days is not None:
            request.graph.half_life_days = float(half_life_days)
        if as_of is not None:
            request.graph.as_of_unix_seconds = _unix_seconds(as_of, "as_of")
        if learning is not None:
            request.learning.CopyFrom(_learn_request(**learning))
        if posterior_worlds is not None:
            request.posterior_worlds = int(posterior_worlds)
        if posterior_runs is not None:
            request.posterior_runs = int(posterior_runs)
    return run_request(_lib.mitra_workspace_activation_plan, ws, request, _pb.WorkspacePlan)


# ---- IMM in pieces (RR sets drawn across machines; docs/SCALE.md) -------------------


def _request_bytes(request):
    if not isinstance(request, _pb.PlanRequest):
        raise TypeError("request must be a mitra.v1.PlanRequest (plan_request()), not %s"
                        % type(request).__name__)
    return request.SerializeToString()


def _count(value, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("%s must be an integer, not %s" % (what, type(value).__name__))
    if not 0 <= value < 2 ** 64:
        raise InvalidArgument("%s: must be in [0, 2^64), got %d" % (what, value))
    return int(value)


def rr_sets(src, dst, request, first, last, weights=None, num_nodes=None):
    """RR sets first..last-1 of IMM's sample for ``request`` (a
    mitra.v1.PlanRequest, plan_request()): set i is the one plan() draws as
    its i-th, whoever draws it. Returns one uint32 array: the last - first
    set sizes, then the sets' stored nodes."""
    e = _Edges(src, dst, weights, num_nodes)
    data = _request_bytes(request)
    out = call_bytes(_lib.mitra_activation_rr_sets, *e.args(), data, len(data),
                     _count(first, "first"), _count(last, "last"))
    return np.frombuffer(out, dtype=np.uint32).copy()


def rr_coverage(num_nodes, sets, num_sets, seeds):
    """Coverage of ``seeds`` over RR sets as rr_sets() returns them (num_sets
    of them): (gains, counts), uint64 arrays; gains[i] = the sets whose
    first seed, in order, is seeds[i]; counts[v] = the sets containing v no
    seed covers."""
    n = _count(num_nodes, "num_nodes")
    words = np.ascontiguousarray(sets, dtype=np.uint32)
    chosen = _ids(seeds, "seeds")
    gains = np.zeros(chosen.size, np.uint64)
    counts = np.zeros(n, np.uint64)
    p64 = lambda a: a.ctypes.data_as(_native.u64_p)
    call(_lib.mitra_activation_rr_coverage, n, words.ctypes.data_as(_native.u32_p), words.size,
         _count(num_sets, "num_sets"), chosen.ctypes.data_as(_native.u32_p), chosen.size,
         p64(gains), p64(counts))
    return gains, counts


def imm_stage(num_nodes, request, round=0, covered=0):
    """IMM's next stage: (next_round, sets, lower_bound). round 0: the
    first; round r >= 1: the greedy covered ``covered`` of round r's sets.
    next_round 0 is the selection (over sets [0, sets), with IMM's lower
    bound on OPT), else the phase-1 round to run over [0, sets)."""
    data = _request_bytes(request)
    nxt = ctypes.c_uint32(0)
    sets = ctypes.c_uint64(0)
    lb = ctypes.c_double(0.0)
    call(_lib.mitra_activation_imm_stage, _count(num_nodes, "num_nodes"), data, len(data),
         _count(round, "round"), _count(covered, "covered"), ctypes.byref(nxt),
         ctypes.byref(sets), ctypes.byref(lb))
    return nxt.value, sets.value, lb.value


def selection_plan(src, dst, request, seeds, gains, sets, lower_bound, weights=None,
                   num_nodes=None):
    """The mitra.v1.Plan of ``seeds`` chosen in order by the greedy over
    the selection stage's ``sets`` RR sets (imm_stage()), seed i newly
    covering gains[i] of them: plan()'s result for the same request when
    the greedy is plan()'s, with its Monte-Carlo check."""
    e = _Edges(src, dst, weights, num_nodes)
    data = _request_bytes(request)
    chosen = _ids(seeds, "seeds")
    g = np.ascontiguousarray(gains, dtype=np.uint64)
    if g.size != chosen.size:
        raise InvalidArgument("gains: %d values for %d seeds" % (g.size, chosen.size))
    out = call_bytes(_lib.mitra_activation_selection_plan, *e.args(), data, len(data),
                     chosen.ctypes.data_as(_native.u32_p), g.ctypes.data_as(_native.u64_p),
                     chosen.size, _count(sets, "sets"), float(lower_bound))
    return _pb.Plan.FromString(out)
