"""mitra.dask.activation: an activation plan (IMM) with its RR sets drawn
across the workers of a Dask cluster (docs/SCALE.md, "Activation")::

    plan = md.plan((src, dst), k=50, epsilon=0.1, seed=7)   # or md.plan(g) for a md.Graph
    plan.seeds                  # mitra.activation.plan's seeds for the same seed

The graph is broadcast to the workers. IMM's sample is cut by set index:
each stage's new sets [drawn, sets) go to `partitions` contiguous ranges,
each drawn by mitra.activation.rr_sets on a worker and kept there (set i
depends only on the seed and i). Every greedy step sends the seeds so far to
the partitions, whose coverage counts (mitra.activation.rr_coverage) the
client sums; the greedy takes the allowed node of the most uncovered sets,
the smallest id among ties, which is the rule of the library's greedy.
mitra.activation.imm_stage gives the sample sizes, and
mitra.activation.selection_plan the plan with its Monte-Carlo check.
"""

import numbers

import numpy as np

from .. import activation as _activation
from .. import graph as _graph
from .._errors import InvalidArgument
from ..v1 import activation_pb2 as _pb
from .graph import Graph, _Session

__all__ = ["plan"]


def _draw(edges, request, first, last):
    src, dst, weights, n = edges
    return _activation.rr_sets(src, dst, request, first, last, weights=weights, num_nodes=n)


def _cover(n, chunks, seeds):
    """A partition's coverage: the sums over its chunks ((sets, count) each)."""
    gains = np.zeros(len(seeds), np.uint64)
    counts = np.zeros(n, np.uint64)
    for words, count in chunks:
        g, c = _activation.rr_coverage(n, words, count, seeds)
        gains += g
        counts += c
    return gains, counts


def _finish(edges, request, seeds, gains, sets, lower_bound):
    src, dst, weights, n = edges
    return _activation.selection_plan(src, dst, request, seeds, gains, sets, lower_bound,
                                      weights=weights, num_nodes=n).SerializeToString()


class _Cluster(_Session):
    """Tasks on the current distributed Client (futures stay on the
    workers), or in this process without one."""

    def workers(self):
        return len(self.client.scheduler_info()["workers"]) if self.client else 1

    def scatter(self, value):
        return self.client.scatter(value, broadcast=True) if self.client else value

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False) if self.client else fn(*args)

    def gather(self, futures):
        if self.client is None:
            return futures
        import distributed
        distributed.wait(futures, timeout=self._left())
        return self.client.gather(futures)


def _edges_of(graph, num_nodes):
    if isinstance(graph, Graph):
        if num_nodes is not None:
            raise TypeError("num_nodes comes with the Graph")
        src, dst, w = graph.edges()
        return src, dst, w, graph.num_nodes
    if not isinstance(graph, tuple) or len(graph) not in (2, 3):
        raise TypeError("graph must be a mitra.dask.Graph or a tuple (src, dst[, weights]), "
                        "not %s" % type(graph).__name__)
    e = _graph._Edges(graph[0], graph[1], graph[2] if len(graph) == 3 else None, num_nodes)
    return e.src, e.dst, e.weights, e.n


def plan(graph, k=50, epsilon=0.1, seed=1, *, model="ic", probabilities="weighted_cascade",
         num_nodes=None, p=None, lam=None, edge_values=None, directed=True, ell=1.0, threads=1,
         candidates=None, excluded=None, must_include=None, targets=None, groups=None,
         check_runs=10000, check_seed=None, max_rr_sets=None, partitions=None, timeout=None):
    """An activation plan by IMM with the RR sets drawn across the workers:
    mitra.activation.plan's result for the same arguments (a mitra.v1.Plan:
    seeds in the order chosen, marginal gains, the Monte-Carlo check, the
    (1 - 1/e - epsilon) guarantee at probability 1 - 1/n^ell), except
    rr_memory_bytes, 0 here (no one process holds the sets).

    graph        a mitra.dask.Graph (its edges, weights included), or a
                 tuple (src, dst) or (src, dst, weights) of edge arrays.
    k, epsilon, seed, model, probabilities, ... groups, check_runs,
    check_seed, max_rr_sets
                 as mitra.activation.plan (k seeds; groups are reported
                 only: quotas, budgets, OPIM-C and fresh_rr_sets are not
                 offered here).
    partitions   ranges each stage's new RR sets are cut into (default:
                 the number of workers); the result does not depend on it.
    timeout      seconds for the whole computation (a distributed Client).
    """
    cluster = _Cluster(timeout)
    src, dst, weights, n = _edges_of(graph, num_nodes)
    request = _activation.plan_request(
        n, k, epsilon, model, probabilities, seed, p=p, lam=lam, edge_values=edge_values,
        directed=directed, ell=ell, threads=threads, candidates=candidates, excluded=excluded,
        must_include=must_include, targets=targets, groups=groups, check_runs=check_runs,
        check_seed=check_seed, max_rr_sets=max_rr_sets)
    if partitions is None:
        partitions = cluster.workers()
    if isinstance(partitions, bool) or not isinstance(partitions, numbers.Integral) \
            or partitions < 1:
        raise InvalidArgument("partitions: must be an integer >= 1, got %r" % (partitions,))
    # Every option checked here, before any task: the stages (the IMM
    # options) and an empty share (the diffusion on this graph).
    stage = _activation.imm_stage(n, request)
    _activation.rr_sets(src, dst, request, 0, 0, weights=weights, num_nodes=n)
    allowed = np.zeros(n, bool) if request.candidates else np.ones(n, bool)
    allowed[list(request.candidates)] = True
    allowed[list(request.excluded)] = False
    allowed[list(request.must_include)] = False
    must = list(request.must_include)

    edges = cluster.scatter((src, dst, weights, n))
    chunks = [[] for _ in range(partitions)]
    drawn = 0
    while True:
        round_, sets, lower_bound = stage
        cuts = [drawn + (sets - drawn) * i // partitions for i in range(partitions + 1)]
        for i in range(partitions):
            if cuts[i + 1] > cuts[i]:
                words = cluster.submit(_draw, edges, request, cuts[i], cuts[i + 1])
                chunks[i].append((words, cuts[i + 1] - cuts[i]))
        drawn = sets
        seeds, gains = _greedy(cluster, n, int(request.k), must, allowed, chunks)
        if round_ == 0:
            break
        stage = _activation.imm_stage(n, request, round_, int(sum(gains)))
    out = cluster.gather([cluster.submit(_finish, edges, request, seeds, gains, sets,
                                         lower_bound)])[0]
    return _pb.Plan.FromString(out)


def _greedy(cluster, n, k, must, allowed, chunks):
    """The seeds in the order chosen and the sets each newly covered: the
    must-include seeds, then each step the allowed node of the most uncovered
    sets (counts summed over the partitions), the smallest id among ties."""
    seeds = list(must)
    left = allowed.copy()
    gains = None
    while True:
        shares = cluster.gather([cluster.submit(_cover, n, c, np.array(seeds, np.uint32))
                                 for c in chunks if c])
        counts = np.zeros(n, np.uint64)
        for _, c in shares:
            counts += c
        if gains is None:
            gains = [sum(int(g[i]) for g, _ in shares) for i in range(len(must))]
        if len(seeds) >= k or not left.any():
            return seeds, gains
        # np.argmax takes the first of equal values: the smallest id.
        masked = counts.astype(np.int64)
        masked[~left] = -1
        v = int(np.argmax(masked))
        seeds.append(v)
        gains.append(int(counts[v]))
        left[v] = False
        if len(seeds) >= k or not left.any():
            return seeds, gains
