"""mitra.dask.activation: an activation plan (IMM) with its RR sets drawn
across the workers of a Dask cluster (docs/SCALE.md, "Activation")::

    plan = md.plan((src, dst), k=50, epsilon=0.1, seed=7)   # or md.plan(g) for a md.Graph
    plan.seeds                  # mitra.activation.plan's seeds for the same seed

The graph goes to the workers as a task's result (a lost copy is computed
again, never the end of the plan). IMM's sample is cut by set index:
each stage's new sets [drawn, sets) go to `partitions` contiguous ranges,
each drawn by mitra.activation.rr_sets on the worker that holds the
partition's share of the sample and added to it (set i depends only on the
seed and i), with the share's inverted index. The greedy runs on the client
over coverage counts summed across the shares: it starts from each share's
counts (mitra.activation.rr_coverage) and, at each step, the shares report
how the new seed lowers them (rr_coverage over just the sets containing
it); it takes the allowed node of the most uncovered sets, the smallest id
among ties, which is the rule of the library's greedy.
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


def _extend(share, edges, request, first, last):
    """A partition's share of the sample with RR sets [first, last) added:
    (words, count, index). words are rr_sets' layout (the count set sizes,
    then the sets' nodes), the index the share's (node, set) pairs sorted by
    node (by set among equal nodes), with where each set starts in the
    nodes. The new sets' pairs are sorted alone and merged into the old
    index: their sets come after every old set."""
    new = _draw(edges, request, first, last)
    added = last - first
    new_sizes, new_nodes = new[:added], new[added:]
    order = np.argsort(new_nodes, kind="stable")
    base = 0 if share is None else share[1]
    by_node = new_nodes[order]
    sets = np.repeat(np.arange(base, base + added, dtype=np.uint32), new_sizes)[order]
    if share is None:
        words, count = new, added
        starts = np.zeros(count + 1, np.int64)
        np.cumsum(new_sizes, out=starts[1:])
    else:
        old, count, (old_starts, old_by_node, old_sets) = share
        words = np.concatenate([old[:count], new_sizes, old[count:], new_nodes])
        starts = np.concatenate([old_starts, old_starts[-1] + np.cumsum(new_sizes,
                                                                        dtype=np.int64)])
        count += added
        # Each new pair goes after the old pairs of its node.
        at = np.searchsorted(old_by_node, by_node, side="right")
        by_node = np.insert(old_by_node, at, by_node)
        sets = np.insert(old_sets, at, sets)
    return words, count, (starts, by_node, sets)


def _cover(n, share, seeds):
    """A share's coverage of seeds: (gains, counts) as rr_coverage."""
    words, count, _ = share
    return _activation.rr_coverage(n, words, count, seeds)


def _decrease(n, share, earlier, v):
    """How v's choice lowers the share's counts: over its sets that contain
    v and no earlier seed, the sets containing each node (nodes and their
    decreases, nonzero ones only). They are rr_coverage's counts of the
    earlier seeds over just those sets: the sets v newly covers."""
    words, count, (starts, by_node, sets) = share
    lo, hi = np.searchsorted(by_node, [v, v + 1])
    chosen = sets[lo:hi]
    if chosen.size == 0:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint64)
    sizes = words[:count][chosen]
    total = int(sizes.sum(dtype=np.int64))
    # The chosen sets' node positions, set after set.
    shift = starts[chosen] - np.concatenate(([0], np.cumsum(sizes[:-1], dtype=np.int64)))
    where = np.repeat(shift, sizes) + np.arange(total, dtype=np.int64)
    subset = np.concatenate([sizes, words[count:][where]])
    _, counts = _activation.rr_coverage(n, subset, chosen.size, earlier)
    nodes = np.flatnonzero(counts).astype(np.uint32)
    return nodes, counts[nodes]


def _finish(edges, request, seeds, gains, sets, lower_bound):
    src, dst, weights, n = edges
    return _activation.selection_plan(src, dst, request, seeds, gains, sets, lower_bound,
                                      weights=weights, num_nodes=n).SerializeToString()


class _Cluster(_Session):
    """Tasks on the current distributed Client (futures stay on the
    workers), or in this process without one."""

    def workers(self):
        return len(self.client.scheduler_info()["workers"]) if self.client else 1

    def put(self, value):
        """value on the cluster as the result of a task whose argument it
        is. A scatter would have no lineage, and the scheduler keeps a
        single copy of a key no task is waiting for (its memory manager
        drops the other replicas between stages): the loss of that copy with
        a killed worker cancels every task built on it. A task's result is
        computed again from the value the scheduler holds instead."""
        if self.client is None:
            return value
        import warnings
        with warnings.catch_warnings():
            # distributed's advice for a large argument is to scatter it.
            warnings.filterwarnings("ignore", message="Large object of size")
            return self.client.submit(_value, value, pure=False)

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False) if self.client else fn(*args)

    def gather(self, futures):
        if self.client is None:
            return futures
        import distributed
        distributed.wait(futures, timeout=self._left())
        return self.client.gather(futures)


def _value(value):
    return value


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

    edges = cluster.put((src, dst, weights, n))
    must_seeds = np.array(must, np.uint32)
    # Partition i's share: one future, extended stage by stage on the worker
    # that holds it (the new task depends on the old share).
    shares = [None] * partitions
    drawn = 0
    while True:
        round_, sets, lower_bound = stage
        cuts = [drawn + (sets - drawn) * i // partitions for i in range(partitions + 1)]
        for i in range(partitions):
            if cuts[i + 1] > cuts[i]:
                shares[i] = cluster.submit(_extend, shares[i], edges, request, cuts[i],
                                           cuts[i + 1])
        drawn = sets
        held = [sh for sh in shares if sh is not None]
        seeds, gains = _greedy(cluster, n, int(request.k), must, must_seeds, allowed, held)
        if round_ == 0:
            break
        stage = _activation.imm_stage(n, request, round_, int(sum(gains)))
    out = cluster.gather([cluster.submit(_finish, edges, request, seeds, gains, sets,
                                         lower_bound)])[0]
    return _pb.Plan.FromString(out)


def _greedy(cluster, n, k, must, must_seeds, allowed, shares):
    """The seeds in the order chosen and the sets each newly covered: the
    must-include seeds, then each step the allowed node of the most
    uncovered sets (counts summed over the shares), the smallest id among
    ties. Counts start from each share's coverage of the must-include seeds
    and each step subtracts what the new seed covers, found through the
    shares' inverted indices: a step costs the sets containing the seed,
    not all sets, and one task a share."""
    covers = cluster.gather([cluster.submit(_cover, n, sh, must_seeds) for sh in shares])
    counts = np.zeros(n, np.uint64)
    gains = [0] * len(must)
    for g, c in covers:
        counts += c
        for i in range(len(must)):
            gains[i] += int(g[i])
    seeds = list(must)
    left = allowed.copy()
    while len(seeds) < k and left.any():
        # np.argmax takes the first of equal values: the smallest id.
        masked = counts.astype(np.int64)
        masked[~left] = -1
        v = int(np.argmax(masked))
        earlier = np.array(seeds, np.uint32)
        seeds.append(v)
        gains.append(int(counts[v]))
        left[v] = False
        if len(seeds) >= k or not left.any():
            break
        for nodes, less in cluster.gather([cluster.submit(_decrease, n, sh, earlier, v)
                                           for sh in shares]):
            np.subtract.at(counts, nodes, less)
    return seeds, gains
