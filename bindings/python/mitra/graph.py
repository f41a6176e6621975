"""mitra.graph: centralities, cores, betweenness and Leiden communities.

A thin layer over libmitra's C ABI (``mitra.h``, "Graphs"; C++ documentation
and conventions in docs/GRAPH.md), shaped like networkx's functions but on
edge arrays::

    import mitra.graph as mg

    pr = mg.pagerank(src, dst, directed=False)            # numpy float64, by node
    bc, guarantee = mg.betweenness(src, dst, epsilon=0.01)  # sampled, (eps, delta)
    membership, q = mg.leiden(src, dst, seed=7)
    learned = mg.learn_influence(ws, method="em", split="2025-06-30")  # per-arc posteriors

Graphs. Edge i is ``src[i] -> dst[i]`` with weight ``weights[i]`` (None:
unweighted); nodes are 0..num_nodes-1 (num_nodes defaults to the largest id
+ 1). Ids must be integers, ``src`` and ``dst`` of equal length; both are
checked before the call and violations raise mitra.InvalidArgument naming
the array. Duplicate edges are summed when weighted and collapsed when not.
``directed=False`` reads every edge as undirected (as nx.Graph).

Workspaces. Every function also takes a ``mitra.Workspace`` in place of
``src``: it then runs on the workspace's interaction graph (see
interaction_graph(); ``community=`` selects one community's subgraph), and
the values are indexed like interaction_graph()'s customer_ids.

Tolerances are on the L1 change between two sweeps (networkx's ``tol=t`` is
``tol=n*t`` here). Errors raise mitra.Error subclasses whose message names
the field ("request.pagerank.damping: must be in [0, 1), got 1.5").
"""

import collections
import ctypes
import numbers

import numpy as np

from . import _native
from ._errors import InvalidArgument, call, call_bytes
from ._workspace import Workspace, run_request
from .v1 import graph_pb2 as _pb
from .v1 import community_pb2 as _community_pb

_lib = _native.lib

__all__ = [
    "InteractionGraph", "SampledBetweenness", "interaction_graph", "pagerank", "katz", "hits",
    "eigenvector", "betweenness", "edge_betweenness", "kcore", "truss", "leiden", "modularity",
    "transition_product",
    "kind_number",
    "LearnedInfluence", "learn_influence",
]

_UINT32_MAX = 2**32 - 1

#: interaction_graph() result: edge arrays and the customer id of each node.
InteractionGraph = collections.namedtuple("InteractionGraph",
                                          ["src", "dst", "weights", "customer_ids"])

#: betweenness(..., epsilon=...) result: RK-normalised values (in [0, 1]) and
#: the guarantee P(max_v |value - exact| <= epsilon) >= 1 - delta, with the
#: number of sampled paths and the vertex-diameter bound used.
SampledBetweenness = collections.namedtuple(
    "SampledBetweenness", ["values", "epsilon", "delta", "samples", "vertex_diameter_bound"])


#: learn_influence() result. Per arc of the interaction graph (numpy arrays,
#: aligned): from_ids/to_ids (customer ids; to is exposed to from), kinds
#: (InteractionKind numbers: the arc's prior group), trials, successes, the
#: raw estimate, the Beta posterior's mean, interval (low, high) and (alpha,
#: beta). priors: {kind name: (a, b, arcs fitted, fitted)}. holdout: None, or
#: {"learned" | "weighted_cascade" | "uniform" | "no_influence":
#: (log_likelihood, mean_log_likelihood, auc)} plus "units", "positives",
#: "exposed_units", "uniform_p". report: the mitra.v1.LearnInfluenceReport.
LearnedInfluence = collections.namedtuple(
    "LearnedInfluence",
    ["from_ids", "to_ids", "kinds", "trials", "successes", "estimate", "posterior_mean", "low",
     "high", "alpha", "beta", "priors", "holdout", "report"])


# ---- inputs ----------------------------------------------------------------------

def kind_number(kind):
    """An InteractionKind number from a name ("reply", "INTERACTION_KIND_REPLY")
    or a number."""
    if isinstance(kind, numbers.Integral) and not isinstance(kind, bool):
        return int(kind)
    if isinstance(kind, str):
        name = kind.strip().upper()
        if not name.startswith("INTERACTION_KIND_"):
            name = "INTERACTION_KIND_" + name
        try:
            return _community_pb.InteractionKind.Value(name)
        except ValueError:
            raise InvalidArgument("kind: unknown interaction kind %r" % kind) from None
    raise TypeError("an interaction kind must be a name or a number, not %s"
                    % type(kind).__name__)


def _kind_weights(mapping, field):
    out = []
    for kind, weight in (mapping or {}).items():
        out.append(_pb.KindWeight(kind=kind_number(kind), weight=float(weight)))
    field.extend(out)


def _ids(values, what):
    a = np.asarray(values)
    if a.ndim != 1:
        raise InvalidArgument("%s: must be a 1-D array of node ids, got %d dimensions"
                              % (what, a.ndim))
    if a.size == 0:
        return np.zeros(0, np.uint32)
    if a.dtype.kind not in "iu":
        if a.dtype.kind == "f" and np.all(np.isfinite(a)) and np.all(a == np.floor(a)):
            a = a.astype(np.int64)
        else:
            raise InvalidArgument("%s: node ids must be integers, got dtype %s" % (what, a.dtype))
    lo = int(a.min())
    if lo < 0:
        i = int(np.flatnonzero(a < 0)[0])
        raise InvalidArgument("%s[%d]: node %d out of range (ids are >= 0)" % (what, i, int(a[i])))
    if int(a.max()) >= _UINT32_MAX:
        i = int(np.flatnonzero(a >= _UINT32_MAX)[0])
        raise InvalidArgument("%s[%d]: node %d out of range" % (what, i, int(a[i])))
    return np.ascontiguousarray(a, dtype=np.uint32)


def _f64(values, what):
    a = np.ascontiguousarray(np.asarray(values, dtype=np.float64))
    if a.ndim != 1:
        raise InvalidArgument("%s: must be a 1-D array, got %d dimensions" % (what, a.ndim))
    return a


class _Edges:
    """Checked edge arrays (uint32 src/dst, float64 weights or None)."""

    def __init__(self, src, dst, weights, num_nodes, community=None):
        if isinstance(src, Workspace):
            if dst is not None:
                raise TypeError("with a Workspace, dst must be None")
            g = interaction_graph(src, community=community)
            src, dst, weights = g.src, g.dst, (g.weights if weights is None else weights)
            if num_nodes is None:
                num_nodes = len(g.customer_ids)
        elif community is not None:
            raise TypeError("community= applies to a Workspace only")
        if dst is None:
            raise TypeError("dst is required (or pass a mitra.Workspace as src)")
        self.src = _ids(src, "src")
        self.dst = _ids(dst, "dst")
        if self.dst.size != self.src.size:
            raise InvalidArgument("dst: %d values, but src has %d" % (self.dst.size, self.src.size))
        self.weights = None
        if weights is not None:
            self.weights = _f64(weights, "weights")
            if self.weights.size != self.src.size:
                raise InvalidArgument("weights: %d values, but src has %d"
                                      % (self.weights.size, self.src.size))
            bad = ~(np.isfinite(self.weights) & (self.weights >= 0))
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise InvalidArgument("weights[%d]: must be finite and >= 0, got %r"
                                      % (i, float(self.weights[i])))
        # Each array's largest id, read once (a pass over 10^7 ids is ~5 ms).
        largest = {"src": int(self.src.max()) if self.src.size else -1,
                   "dst": int(self.dst.max()) if self.dst.size else -1}
        if num_nodes is None:
            num_nodes = max(largest.values()) + 1
        if isinstance(num_nodes, bool) or not isinstance(num_nodes, numbers.Integral):
            raise TypeError("num_nodes must be an integer, not %s" % type(num_nodes).__name__)
        if num_nodes < 0 or num_nodes >= _UINT32_MAX:
            raise InvalidArgument("num_nodes: must be 0..2^32-2, got %d" % num_nodes)
        self.n = int(num_nodes)
        for what, a in (("src", self.src), ("dst", self.dst)):
            if largest[what] >= self.n:
                i = int(np.flatnonzero(a >= self.n)[0])
                raise InvalidArgument("%s[%d]: node %d out of range (num_nodes %d)"
                                      % (what, i, int(a[i]), self.n))

    def args(self):
        p32 = lambda a: a.ctypes.data_as(_native.u32_p)
        w = self.weights.ctypes.data_as(_native.f64_p) if self.weights is not None else None
        return (self.n, p32(self.src), p32(self.dst), w, self.src.size)


def _centrality(edges, request):
    data = request.SerializeToString()
    values = np.empty(edges.n, np.float64)
    report = call_bytes(_lib.mitra_graph_centrality, *edges.args(), data, len(data),
                        values.ctypes.data_as(_native.f64_p))
    return values, _pb.CentralityReport.FromString(report)


def _edge_values(edges, request):
    data = request.SerializeToString()
    values = np.empty(edges.src.size, np.float64)
    report = call_bytes(_lib.mitra_graph_edge_values, *edges.args(), data, len(data),
                        values.ctypes.data_as(_native.f64_p))
    return values, _pb.EdgeValuesReport.FromString(report)


# ---- the workspace's interaction graph ---------------------------------------------

def interaction_graph(ws, community=None, kind_weights=None, half_life_days=None, as_of=None,
                      keep_self_loops=False):
    """The workspace's interaction graph: who acts towards whom.

    Returns InteractionGraph(src, dst, weights, customer_ids): one directed
    edge per pair, weighing the sum of kind weight x interaction weight x
    2^(-age / half_life_days) over their interactions. Nodes are every
    customer (dense order), or with ``community`` (an id) its members in
    ascending customer order, counting only the interactions tagged with it.
    ``kind_weights`` overrides the defaults per kind ({"like": 1.0, ...});
    ``half_life_days`` defaults to 180 (0: no decay); ``as_of`` (unix
    seconds, a date or an ISO string) to the latest interaction.
    """
    from .value import _unix_seconds  # shared time parsing
    request = _pb.InteractionGraphRequest(keep_self_loops=bool(keep_self_loops))
    _kind_weights(kind_weights, request.kind_weights)
    if half_life_days is not None:
        request.half_life_days = float(half_life_days)
    if as_of is not None:
        request.as_of_unix_seconds = _unix_seconds(as_of, "as_of")
    if community is not None:
        request.community_id = community
    g = run_request(_lib.mitra_workspace_interaction_graph, ws, request, _pb.Graph)
    weights = np.array(g.weight, np.float64) if len(g.weight) else np.ones(len(g.src), np.float64)
    return InteractionGraph(np.array(g.src, np.uint32), np.array(g.dst, np.uint32), weights,
                            list(g.node_ids))


_ACTIONS = {"purchases": 1, "program_joins": 2, "referral_conversions": 3}
_METHODS = {"em": 4, "bernoulli": 1, "jaccard": 2, "continuous_time": 3}


def _choice(value, choices, what):
    key = str(value).strip().lower().replace("-", "_")
    if key not in choices:
        raise InvalidArgument("%s: must be one of %s, got %r"
                              % (what, ", ".join(sorted(choices)), value))
    return choices[key]


def _learn_request(action="purchases", product_line=None, method="em", window_seconds=None,
                   decay_seconds=None, em_max_iterations=None, em_tolerance=None, interval=None,
                   kind_weights=None, half_life_days=None, as_of=None, split=None,
                   min_trials=None):
    """A mitra.v1.LearnInfluenceRequest (shared with mitra.activation)."""
    from .value import _unix_seconds  # shared time parsing
    r = _pb.LearnInfluenceRequest(action=_choice(action, _ACTIONS, "action"),
                                  method=_choice(method, _METHODS, "method"))
    if product_line is not None:
        r.product_line = product_line
    if window_seconds is not None:
        r.window_seconds = int(window_seconds)
    if decay_seconds is not None:
        r.decay_seconds = float(decay_seconds)
    if em_max_iterations is not None:
        r.em_max_iterations = int(em_max_iterations)
    if em_tolerance is not None:
        r.em_tolerance = float(em_tolerance)
    if interval is not None:
        r.interval = float(interval)
    if kind_weights:
        _kind_weights(kind_weights, r.graph.kind_weights)
    if half_life_days is not None:
        r.graph.half_life_days = float(half_life_days)
    if as_of is not None:
        r.graph.as_of_unix_seconds = _unix_seconds(as_of, "as_of")
    if split is not None:
        r.split_unix_seconds = _unix_seconds(split, "split")
    if min_trials is not None:
        r.min_trials = int(min_trials)
    return r


def learn_influence(ws, action="purchases", product_line=None, method="em", *,
                    window_seconds=None, decay_seconds=None, em_max_iterations=None,
                    em_tolerance=None, interval=None, kind_weights=None, half_life_days=None,
                    as_of=None, split=None, min_trials=None):
    """Influence probabilities learned from the workspace (docs/GRAPH.md,
    "Learning influence probabilities").

    The arcs are the interaction graph's (``kind_weights``,
    ``half_life_days``, ``as_of`` as for interaction_graph()); the actions
    ``action``: "purchases" (optionally of one ``product_line``, a product
    category), "program_joins" or "referral_conversions". ``method``: "em"
    (default), "bernoulli", "jaccard" or "continuous_time"; v's action counts
    as propagated from u when it comes within ``window_seconds`` (default 7
    days) after u's. Each arc gets a Beta posterior whose prior is fitted per
    interaction kind; ``interval`` (0.9) is its central interval. With
    ``split`` (a time), the holdout table scores the models learned before it
    on the actions after it. Arcs with fewer than ``min_trials`` (1) trials
    are left out. Returns LearnedInfluence.
    """
    request = _learn_request(action, product_line, method, window_seconds, decay_seconds,
                             em_max_iterations, em_tolerance, interval, kind_weights,
                             half_life_days, as_of, split, min_trials)
    rep = run_request(_lib.mitra_workspace_learn_influence, ws, request,
                      _pb.LearnInfluenceReport)
    arcs = rep.arcs

    def column(name, dtype):
        return np.fromiter((getattr(a, name) for a in arcs), dtype=dtype, count=len(arcs))

    priors = {_community_pb.InteractionKind.Name(p.kind)[len("INTERACTION_KIND_"):].lower():
              (p.a, p.b, p.arcs, p.fitted) for p in rep.priors}
    holdout = None
    if rep.HasField("holdout"):
        h = rep.holdout
        holdout = {s.model: (s.log_likelihood, s.mean_log_likelihood, s.auc) for s in h.scores}
        holdout.update(units=h.units, positives=h.positives, exposed_units=h.exposed_units,
                       uniform_p=h.uniform_p)
    return LearnedInfluence(
        [a.from_customer_id for a in arcs], [a.to_customer_id for a in arcs],
        column("kind", np.int32), column("trials", np.uint32), column("successes", np.float64),
        column("estimate", np.float64), column("posterior_mean", np.float64),
        column("low", np.float64), column("high", np.float64), column("alpha", np.float64),
        column("beta", np.float64), priors, holdout, rep)


# ---- centralities ------------------------------------------------------------------

def pagerank(src, dst=None, weights=None, damping=0.85, personalization=None, tol=1e-10,
             max_iter=1000, num_nodes=None, directed=True, *, use_weights=True, community=None):
    """PageRank (networkx's pagerank semantics: dangling nodes follow the
    personalization vector; the values sum to 1). ``personalization``: one
    value >= 0 per node (or a {node: value} dict), normalised; None =
    uniform. Raises FailedPrecondition when max_iter is reached first."""
    e = _Edges(src, dst, weights, num_nodes, community)
    request = _pb.CentralityRequest(directed=bool(directed))
    o = request.pagerank
    o.damping = float(damping)
    o.tolerance = float(tol)
    o.max_iterations = int(max_iter)
    o.use_weights = bool(use_weights)
    if personalization is not None:
        if isinstance(personalization, dict):
            p = np.zeros(e.n, np.float64)
            for node, value in personalization.items():
                if not 0 <= int(node) < e.n:
                    raise InvalidArgument("personalization: node %r out of range (num_nodes %d)"
                                          % (node, e.n))
                p[int(node)] = float(value)
        else:
            p = _f64(personalization, "personalization")
        o.personalization.extend(p.tolist())
    return _centrality(e, request)[0]


def transition_product(src, dst, weights, first, last, x, num_nodes=None):
    """One block's share of a PageRank power-iteration sweep (PageRank
    across machines, docs/SCALE.md): the edges are every out-edge of the
    nodes first..last-1 and only those, x their current values (last -
    first). Returns (y, dangling): y[v] = sum over the edges u -> v of
    x[u - first] w(u, v) / W(u), W(u) the out-weight of u (its out-degree
    when weights is None), and the sum of x over the block's nodes without
    out-weight. Summed over the blocks they are P^T x and the dangling mass
    of pagerank()'s iteration; the caller applies damping and teleport."""
    e = _Edges(src, dst, weights, num_nodes)
    for what, v in (("first", first), ("last", last)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError("%s must be an integer, not %s" % (what, type(v).__name__))
        if not 0 <= v <= e.n:
            raise InvalidArgument("%s: must be in [0, num_nodes = %d], got %d" % (what, e.n, v))
    xs = _f64(x, "x")
    if xs.size != max(0, last - first):
        raise InvalidArgument("x: %d values, but the block [%d, %d) has %d nodes"
                              % (xs.size, first, last, max(0, last - first)))
    y = np.empty(e.n, np.float64)
    dangling = ctypes.c_double(0.0)
    call(_lib.mitra_graph_transition_product, *e.args(), int(first), int(last),
         xs.ctypes.data_as(_native.f64_p), y.ctypes.data_as(_native.f64_p),
         ctypes.byref(dangling))
    return y, dangling.value


def katz(src, dst=None, weights=None, alpha=0.1, beta=1.0, tol=1e-12, max_iter=1000,
         normalized=True, num_nodes=None, directed=True, *, use_weights=True, community=None):
    """Katz centrality (networkx's katz_centrality): x = alpha A^T x + beta,
    unit L2 norm when ``normalized``. ``beta`` is a number or one value per
    node. Raises FailedPrecondition when the series diverges (alpha >=
    1/lambda_max)."""
    e = _Edges(src, dst, weights, num_nodes, community)
    request = _pb.CentralityRequest(directed=bool(directed))
    o = request.katz
    o.alpha = float(alpha)
    if np.ndim(beta) == 0:
        o.beta = float(beta)
    else:
        o.beta_per_node.extend(_f64(beta, "beta").tolist())
    o.tolerance = float(tol)
    o.max_iterations = int(max_iter)
    o.normalized = bool(normalized)
    o.use_weights = bool(use_weights)
    return _centrality(e, request)[0]


def eigenvector(src, dst=None, weights=None, tol=1e-12, max_iter=10000, num_nodes=None,
                directed=True, *, use_weights=True, community=None):
    """Eigenvector centrality (networkx's eigenvector_centrality): a node's
    score sums its in-neighbours'; unit L2 norm."""
    e = _Edges(src, dst, weights, num_nodes, community)
    request = _pb.CentralityRequest(directed=bool(directed))
    o = request.eigenvector
    o.tolerance = float(tol)
    o.max_iterations = int(max_iter)
    o.use_weights = bool(use_weights)
    return _centrality(e, request)[0]


def hits(src, dst=None, weights=None, tol=1e-12, max_iter=10000, num_nodes=None,
         directed=True, *, use_weights=True, community=None):
    """HITS hubs and authorities (networkx's hits): (hubs, authorities),
    each summing to 1. The authorities are the principal right singular
    vector of the adjacency matrix, the hubs A times them: in a reply graph
    (asker -> answerer) the members others turn to, and those who ask them.
    A graph without arcs gives zeros."""
    e = _Edges(src, dst, weights, num_nodes, community)
    request = _pb.CentralityRequest(directed=bool(directed))
    o = request.hits
    o.tolerance = float(tol)
    o.max_iterations = int(max_iter)
    o.use_weights = bool(use_weights)
    o.hubs = True
    o.counterpart = True  # the authorities from the same computation
    hubs, report = _centrality(e, request)
    return hubs, np.array(report.hits_counterpart, dtype=np.float64)


def edge_betweenness(src, dst=None, weights=None, normalized=True, num_nodes=None,
                     directed=True, *, use_weights=True, sample_sources=0, seed=1, threads=1,
                     community=None):
    """Edge betweenness (networkx's edge_betweenness_centrality): per
    edge, in the order given, the shares of all shortest paths through it;
    the ties that bridge communities carry the most. normalized: times
    1 / (n(n-1)). sample_sources > 0: that many seeded pivot sources, the
    sums scaled by n / sample_sources (networkx's k). Weighted paths need
    positive weights. With a Workspace, the edges of its interaction graph
    (interaction_graph(ws).src, .dst)."""
    e = _Edges(src, dst, weights, num_nodes, community)
    request = _pb.EdgeValuesRequest(directed=bool(directed))
    o = request.betweenness
    o.normalized = bool(normalized)
    o.use_weights = bool(use_weights)
    o.sample_sources = int(sample_sources)
    o.seed = int(seed)
    o.threads = int(threads)
    return _edge_values(e, request)[0]


def truss(src, dst=None, num_nodes=None, *, community=None):
    """Truss numbers (networkx's k_truss): per edge, in the order given,
    the largest k such that the edge belongs to the k-truss, the largest
    subgraph whose every edge lies in at least k - 2 of its triangles (2
    for an edge in no triangle, 0 for a self-loop); the edges are read as
    undirected and simple. uint32."""
    e = _Edges(src, dst, None, num_nodes, community)
    request = _pb.EdgeValuesRequest(directed=False)
    request.truss.SetInParent()
    return _edge_values(e, request)[0].astype(np.uint32)


def betweenness(src, dst=None, weights=None, normalized=True, endpoints=False, epsilon=None,
                delta=0.1, seed=1, num_nodes=None, directed=True, *, use_weights=True,
                threads=1, sample_sources=0, community=None):
    """Shortest-path betweenness.

    Exact (Brandes 2001, networkx's betweenness_centrality normalisation)
    unless ``epsilon`` or ``sample_sources`` is given. ``sample_sources``
    > 0: that many pivot sources drawn with ``seed``, the sums scaled by
    n / sample_sources (Brandes & Pich 2007, networkx's k; unbiased, with
    no (epsilon, delta) statement). ``epsilon``: sampled paths (Riondato &
    Kornaropoulos 2016), returned as SampledBetweenness(values, epsilon,
    delta, samples, vertex_diameter_bound): values in RK's normalisation
    (raw / (n(n-1)) over ordered pairs), within epsilon of exact for every
    node with probability >= 1 - delta. Weighted paths need positive
    weights.
    """
    e = _Edges(src, dst, weights, num_nodes, community)
    request = _pb.CentralityRequest(directed=bool(directed))
    if epsilon is not None and sample_sources:
        raise InvalidArgument("sample_sources: pivots and epsilon are two estimators; give one")
    if epsilon is None:
        o = request.betweenness
        o.normalized = bool(normalized)
        o.endpoints = bool(endpoints)
        o.use_weights = bool(use_weights)
        o.threads = int(threads)
        o.sample_sources = int(sample_sources)
        o.seed = int(seed)
        return _centrality(e, request)[0]
    o = request.sampled_betweenness
    o.epsilon = float(epsilon)
    o.delta = float(delta)
    o.seed = int(seed)
    o.use_weights = bool(use_weights)
    o.threads = int(threads)
    values, report = _centrality(e, request)
    return SampledBetweenness(values, report.epsilon, report.delta, report.samples,
                              report.vertex_diameter_bound)


def kcore(src, dst=None, num_nodes=None, directed=True, *, community=None):
    """Core numbers (networkx's core_number) as a uint32 array: undirected
    degree = neighbours, directed = in + out. Weights and self-loops are
    ignored."""
    e = _Edges(src, dst, None, num_nodes, community)
    request = _pb.CentralityRequest(directed=bool(directed))
    request.kcore.SetInParent()
    return _centrality(e, request)[0].astype(np.uint32)


# ---- communities -------------------------------------------------------------------

_QUALITIES = {"modularity": _pb.LEIDEN_QUALITY_MODULARITY, "cpm": _pb.LEIDEN_QUALITY_CPM}


def leiden(src, dst=None, weights=None, resolution=1.0, quality="modularity", seed=1,
           max_iter=2, randomness=0.01, num_nodes=None, node_sizes=None, *, use_weights=True,
           community=None, directed=False):
    """Leiden communities (Traag, Waltman & van Eck 2019) of the graph read
    as undirected, or with ``directed`` (modularity only) of its arcs src
    -> dst under the directed form of modularity (Leicht & Newman 2008, as
    modularity(directed=True) computes it). Returns (membership, quality):
    a uint32 array of community numbers (0..k-1, in order of each
    community's smallest node) and its modularity (or CPM quality with
    quality="cpm"). ``max_iter`` iterations at most (2, as igraph; more
    until stable)."""
    e = _Edges(src, dst, weights, num_nodes, community)
    if quality not in _QUALITIES:
        raise InvalidArgument("quality: %r is not one of %s" % (quality, ", ".join(_QUALITIES)))
    request = _pb.LeidenRequest(quality=_QUALITIES[quality], resolution=float(resolution),
                                randomness=float(randomness), seed=int(seed),
                                max_iterations=int(max_iter), use_weights=bool(use_weights))
    if directed:
        request.directed = True
    if node_sizes is not None:
        request.node_sizes.extend(_f64(node_sizes, "node_sizes").tolist())
    data = request.SerializeToString()
    membership = np.empty(e.n, np.uint32)
    report = call_bytes(_lib.mitra_graph_leiden, *e.args(), data, len(data),
                        membership.ctypes.data_as(_native.u32_p))
    return membership, _pb.LeidenReport.FromString(report).quality


def modularity(src, dst=None, membership=None, weights=None, resolution=1.0, num_nodes=None,
               directed=False, *, community=None):
    """Modularity of a partition (networkx's community.modularity; the
    directed form of Leicht & Newman when ``directed``). ``membership``:
    one community number per node, each < num_nodes."""
    e = _Edges(src, dst, weights, num_nodes, community)
    if membership is None:
        raise TypeError("membership is required")
    m = _ids(membership, "membership")
    if m.size != e.n:
        raise InvalidArgument("membership: %d values, but the graph has %d nodes" % (m.size, e.n))
    out = ctypes.c_double(0.0)
    call(_lib.mitra_graph_modularity, *e.args(), 1 if directed else 0,
         m.ctypes.data_as(_native.u32_p), float(resolution), ctypes.byref(out))
    return out.value
