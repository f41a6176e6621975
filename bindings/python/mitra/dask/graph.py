"""mitra.dask.graph: the interaction graph of partitioned interactions, and
its PageRank on one worker or in blocks across workers (docs/SCALE.md)::

    ix = dd.read_csv("interactions-*.csv")   # from/to_customer_id, kind, time[, weight]
    g = md.interaction_graph(ix, half_life_days=180)
    pr = md.pagerank(g)                      # pr[i]: g.customer_ids[i]'s value

Edge weights are mitra.graph.interaction_graph's, computed by it on each
partition (a workspace per partition); the partitions' edges are summed per
(source, target) by a tree of tasks, one tree per block of source nodes, and
stay on the cluster. PageRank runs mitra.graph.pagerank on one worker when
the graph fits its memory (pagerank_memory), else the power iteration in
blocks: every sweep each block's share is mitra.graph.transition_product on
the worker holding the block, and the client adds the shares up.
"""

import numbers

import dask
import numpy as np
import pandas as pd

from .. import graph as _graph
from .. import value as _value
from .._errors import FailedPrecondition, InvalidArgument
from ..v1 import community_pb2 as _community_pb
from .value import _compute, _dask_frame, _id_text, _npartitions, _rearrange

__all__ = ["INTERACTION_COLUMNS", "Graph", "interaction_graph", "pagerank", "pagerank_memory"]

#: The interaction columns every function reads (docs/CSV.md); "weight"
#: (empty or NaN: 1) and "community_id" are read when present.
INTERACTION_COLUMNS = ("from_customer_id", "to_customer_id", "kind", "time")

# Nodes per block of source nodes when blocks= is not given: the blocks'
# count follows the graph, not the cluster, so the results do not depend on
# the number of workers.
_NODES_PER_BLOCK = 1 << 20

# mitra.graph.pagerank on one worker at its peak (docs/SCALE.md): the
# blocks gathered there and their concatenation (16 B an edge each) and what
# the library builds (the CSR and, from 2^18 edges, the reordered copy);
# measured 62 B an edge all told with 2^24 edges on 2^20 nodes. Per node:
# values, out-weights, teleport and ordering arrays.
PAGERANK_BYTES_PER_EDGE = 64
PAGERANK_BYTES_PER_NODE = 80
# The share of a worker's memory limit the one-worker PageRank may take
# (Dask pauses a worker at 80 % and the task's inputs are also held).
_WORKER_SHARE = 0.5


class Graph:
    """An interaction graph aggregated over partitions (interaction_graph's
    result). Nodes 0..num_nodes-1 are customer_ids (ascending); the edges
    sit on the cluster in blocks: block b holds every out-edge of the nodes
    bounds[b]..bounds[b+1]-1 as (src, dst, weights) arrays sorted by
    (src, dst), one edge per pair."""

    def __init__(self, customer_ids, bounds, blocks, block_edges, as_of):
        self.customer_ids = customer_ids
        self.bounds = bounds
        self.blocks = blocks  # Delayed (persisted), one per block
        self.block_edges = block_edges
        self.as_of = as_of    # unix seconds, or None (no interaction)

    @property
    def num_nodes(self):
        return len(self.customer_ids)

    @property
    def num_edges(self):
        return int(self.block_edges.sum())

    def edges(self, timeout=None):
        """(src, dst, weights) as numpy arrays on the client, sorted by
        (src, dst)."""
        return _join(_gather(self.blocks, timeout))

    def __repr__(self):
        return "<mitra.dask.Graph %d nodes, %d edges in %d blocks>" % (
            self.num_nodes, self.num_edges, len(self.blocks))


def _join(blocks):
    if not blocks:
        return np.zeros(0, np.uint32), np.zeros(0, np.uint32), np.zeros(0)
    return tuple(np.concatenate([b[k] for b in blocks]) for k in range(3))


# ---- the interactions ------------------------------------------------------------


def _interaction_frame(interactions, npartitions):
    interactions = _dask_frame(interactions, "interactions", INTERACTION_COLUMNS, npartitions)
    meta = interactions._meta
    for name in INTERACTION_COLUMNS[:2]:
        dtype = meta[name].dtype
        if dtype.kind == "f" and name == INTERACTION_COLUMNS[0]:
            raise InvalidArgument("%s: whole numbers or strings expected, not dtype %s (a missing "
                                  "id makes pandas read integer ids as float)" % (name, dtype))
    if "weight" in meta.columns and meta["weight"].dtype.kind not in "iuf":
        raise InvalidArgument("weight: numbers expected, not dtype %s" % meta["weight"].dtype)
    return interactions


def _ids(values, what):
    """The non-missing ids of a column as an array of Python ints or of
    strings (a float column from a missing id is read back as ints)."""
    a = np.asarray(values)
    if a.dtype.kind == "f":
        a = a[~np.isnan(a)]
        if a.size and np.any(a != np.floor(a)):
            raise InvalidArgument("%s: ids must be whole numbers or strings, got %r"
                                  % (what, float(a[a != np.floor(a)][0])))
        return a.astype(np.int64)
    if a.dtype.kind in "iu":
        return a.astype(np.int64)
    out = a[~pd.isna(a)] if a.size else a
    return out


def _id_array(ids, what):
    """ids (ints or strings, one kind) as a sorted unique array: int64 or
    object of str."""
    if len(ids) == 0:
        return np.zeros(0, np.int64)
    if ids.dtype.kind == "i":
        return np.unique(ids)
    texts = [v for v in ids]
    strs = [v for v in texts if isinstance(v, str)]
    if len(strs) != len(texts):
        if strs:
            bad = next(v for v in texts if not isinstance(v, str))
            raise InvalidArgument("%s: ids mix strings and %s (%r); use one kind"
                                  % (what, type(bad).__name__, bad))
        return np.unique(np.array([int(_id_text(v)) for v in texts], np.int64))
    for v in strs:
        if v != v.strip() or not v:
            raise InvalidArgument("%s: id %r is empty or has surrounding whitespace" % (what, v))
    return np.unique(np.array(strs, dtype=object))


def _scan(frame, with_time):
    """The ids a partition names (from, to) and its latest time."""
    ids = np.concatenate([_ids(frame[c].to_numpy(), c) for c in INTERACTION_COLUMNS[:2]]) \
        if len(frame) else np.zeros(0, np.int64)
    latest = None
    if with_time and len(frame):
        latest = int(_value._time_array(frame["time"].to_numpy(), "time").max())
    return _id_array(ids, "customer ids"), latest


def _union(parts):
    ids = [p[0] for p in parts]
    kinds = {a.dtype.kind for a in ids if len(a)}
    if len(kinds) > 1:
        raise InvalidArgument("customer ids: some partitions hold whole numbers, others strings; "
                              "use one kind")
    times = [p[1] for p in parts if p[1] is not None]
    merged = np.concatenate([a for a in ids if len(a)]) if kinds else np.zeros(0, np.int64)
    return _id_array(merged, "customer ids"), (max(times) if times else None)


def _tree(fn, items, split_every):
    """A Delayed of fn over items (Delayed), combined split_every at a time
    level by level (fn takes a list and returns what it takes)."""
    level = list(items)
    while len(level) > 1:
        level = [dask.delayed(fn, pure=True)(level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    return dask.delayed(fn, pure=True)(level)


_KIND_PREFIX = "INTERACTION_KIND_"


def _kind_texts(kinds):
    """The CSV spelling ("reply") of each interaction kind (a name or an
    InteractionKind number)."""
    codes, uniques = pd.factorize(np.asarray(kinds, dtype=object), use_na_sentinel=True)
    if codes.size and codes.min() < 0:
        raise InvalidArgument("kind: missing in row %d of a partition"
                              % int(np.flatnonzero(codes < 0)[0]))
    names = []
    for k in uniques:
        number = _graph.kind_number(k.item() if isinstance(k, np.generic) else k)
        try:
            name = _community_pb.InteractionKind.Name(number)
        except ValueError:
            raise InvalidArgument("kind: unknown interaction kind %r" % (k,)) from None
        names.append(name[len(_KIND_PREFIX):].lower())
    return np.array(names, dtype=object)[codes]


def _csv_ids(values):
    """The ids' texts as the workspace spells them ("" for a missing one)."""
    a = np.asarray(values)
    missing = pd.isna(a)
    if a.dtype.kind == "f":
        a = np.where(missing, 0, a).astype(np.int64)
    return ["" if m else _id_text(v.item() if isinstance(v, np.generic) else v)
            for v, m in zip(a, missing)]


def interactions_workspace(frame, customers, memberships=None, communities=(),
                           with_community=False):
    """A mitra.Workspace holding `customers` (ascending, in that order),
    `communities`, the rows of `memberships` and those of `frame`
    (interactions), through the CSV reader (docs/CSV.md)."""
    import mitra
    ws = mitra.Workspace()
    ws.ingest_csv_text("customers", pd.DataFrame({"id": _csv_ids(customers)})
                       .to_csv(index=False), name="customers")
    if len(communities):
        ws.ingest_csv_text("communities", pd.DataFrame({"id": list(communities)})
                           .to_csv(index=False), name="communities")
    if memberships is not None and len(memberships):
        ws.ingest_csv_text("memberships", memberships.to_csv(index=False), name="memberships")
    if len(frame):
        out = pd.DataFrame({
            "from_customer_id": _csv_ids(frame[INTERACTION_COLUMNS[0]].to_numpy()),
            "to_customer_id": _csv_ids(frame[INTERACTION_COLUMNS[1]].to_numpy()),
            "kind": _kind_texts(frame["kind"].to_numpy()),
            "time": _value._time_array(frame["time"].to_numpy(), "time"),
        })
        if with_community and "community_id" in frame.columns:
            out["community_id"] = frame["community_id"].to_numpy()
        if "weight" in frame.columns:
            out["weight"] = frame["weight"].to_numpy(dtype=np.float64)
        ws.ingest_csv_text("interactions", out.to_csv(index=False), name="interactions")
    return ws


def _to_id_array(texts, like):
    """Workspace id texts back as ids of the kind of `like`."""
    if like.dtype.kind == "i":
        return np.array([int(t) for t in texts], np.int64)
    return np.array(texts, dtype=object)


def _partition_edges(frame, node_ids, bounds, options):
    """The partition's interaction graph (mitra.graph.interaction_graph on a
    workspace of its rows) in global node numbers, split by source block:
    one (src, dst, weights) table a block, sorted by (src, dst)."""
    nblocks = len(bounds) - 1
    empty = (np.zeros(0, np.uint32), np.zeros(0, np.uint32), np.zeros(0))
    if len(frame) == 0:
        return (empty,) * nblocks if nblocks > 1 else empty
    ids, _ = _scan(frame, False)
    with interactions_workspace(frame, ids) as ws:
        g = _graph.interaction_graph(ws, **options)
    local = np.searchsorted(node_ids, _to_id_array(g.customer_ids, node_ids))
    src = local[g.src].astype(np.uint32)
    dst = local[g.dst].astype(np.uint32)
    order = np.lexsort((dst, src))
    src, dst, w = src[order], dst[order], g.weights[order]
    cut = np.searchsorted(src, bounds)
    pieces = tuple((src[cut[b]:cut[b + 1]], dst[cut[b]:cut[b + 1]], w[cut[b]:cut[b + 1]])
                   for b in range(nblocks))
    return pieces if nblocks > 1 else pieces[0]


def _merge_edges(tables):
    """One (src, dst, weights) table from several: equal pairs summed (in
    the tables' order), sorted by (src, dst)."""
    src = np.concatenate([t[0] for t in tables])
    dst = np.concatenate([t[1] for t in tables])
    w = np.concatenate([t[2] for t in tables])
    if src.size == 0:
        return src, dst, w
    order = np.lexsort((dst, src))  # stable: equal pairs keep the tables' order
    src, dst, w = src[order], dst[order], w[order]
    first = np.ones(src.size, bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    starts = np.flatnonzero(first)
    if starts.size == src.size:
        return src, dst, w
    # Sequential sums, in order (np.add.reduceat adds left to right).
    return src[starts], dst[starts], np.add.reduceat(w, starts)


def _block_bounds(n, blocks):
    if blocks is None:
        blocks = max(1, -(-n // _NODES_PER_BLOCK))
    blocks = _npartitions(blocks, "blocks")
    blocks = max(1, min(blocks, max(n, 1)))
    return np.array([b * n // blocks for b in range(blocks + 1)], np.int64)


def _len(table):
    return len(table[0])


def _gather(delayeds, timeout):
    """The values of a list of Delayed, computed together."""
    return list(_compute(dask.delayed(tuple, pure=True)(list(delayeds)), timeout))


def _persist(delayeds):
    return list(dask.persist(*delayeds))


def interaction_graph(interactions, *, customers=None, kind_weights=None, half_life_days=None,
                      as_of=None, keep_self_loops=False, blocks=None, npartitions=None,
                      partitioned=False, split_every=8, timeout=None):
    """The interaction graph of partitioned interactions: a Graph whose
    edges are mitra.graph.interaction_graph's (weight = sum over the pair's
    interactions of kind weight x weight x 2^(-age / half_life_days)).

    interactions   a Dask (or pandas) DataFrame with INTERACTION_COLUMNS:
                   from_customer_id, to_customer_id (missing: no target),
                   kind (a name as in docs/CSV.md, "reply", or an
                   InteractionKind number), time (what mitra.value.summarize
                   takes), and optionally weight (missing: 1).
    customers      more customer ids to make nodes of (e.g. all customers,
                   so that the nodes are a workspace's); the nodes are the
                   ids named anywhere, ascending.
    kind_weights, half_life_days, as_of, keep_self_loops
                   as mitra.graph.interaction_graph; as_of defaults to the
                   latest interaction over all partitions.
    blocks         source-node blocks the edges are kept in (default: one
                   per 2^20 nodes).
    partitioned    True: each source customer's interactions are already
                   in one partition (the default arranges them so, which
                   makes the weights the single process's, bit for bit,
                   whatever the partitioning).
    split_every    tables merged per task of the reduction trees.
    timeout        seconds to wait for the cluster (a distributed Client)."""
    frame = _interaction_frame(interactions, npartitions)
    split_every = _npartitions(split_every, "split_every")
    if split_every < 2:
        raise InvalidArgument("split_every: must be >= 2, got %d" % split_every)
    options = {"kind_weights": kind_weights, "half_life_days": half_life_days,
               "keep_self_loops": keep_self_loops}
    # The options checked on the client, on an empty workspace.
    with interactions_workspace(frame._meta.iloc[:0], np.zeros(0, np.int64)) as ws:
        _graph.interaction_graph(ws, as_of=as_of, **options)
    if not partitioned:
        frame = _rearrange(frame, npartitions, INTERACTION_COLUMNS[0])
    parts = frame.to_delayed()
    scans = [dask.delayed(_scan, pure=True)(p, as_of is None) for p in parts]
    if customers is not None:
        scans.append(dask.delayed(_customer_scan, pure=True)(customers))
    node_ids, latest = _compute(_tree(_union, scans, split_every), timeout)
    options["as_of"] = _value._unix_seconds(as_of, "as_of") if as_of is not None else latest
    bounds = _block_bounds(len(node_ids), blocks)
    nblocks = len(bounds) - 1
    ids = dask.delayed(node_ids, pure=True)
    pieces = [dask.delayed(_partition_edges, pure=True, nout=nblocks if nblocks > 1 else None)(
        p, ids, bounds, options) for p in parts]
    if nblocks == 1:
        pieces = [(p,) for p in pieces]
    tables = _persist([_tree(_merge_edges, [p[b] for p in pieces], split_every)
                       for b in range(nblocks)])
    counts = _gather([dask.delayed(_len, pure=True)(t) for t in tables], timeout)
    return Graph(node_ids, bounds, tables, np.asarray(counts, np.int64), options["as_of"])


def _customer_scan(customers):
    values = customers.to_numpy() if hasattr(customers, "to_numpy") else np.asarray(customers)
    return _id_array(_ids(values, "customers"), "customers"), None


# ---- PageRank --------------------------------------------------------------------


def pagerank_memory(num_nodes, num_edges):
    """Bytes the one-worker PageRank needs at its peak: the edges gathered on
    the worker and mitra.graph.pagerank's own arrays,
    PAGERANK_BYTES_PER_EDGE x edges + PAGERANK_BYTES_PER_NODE x nodes."""
    return PAGERANK_BYTES_PER_EDGE * int(num_edges) + PAGERANK_BYTES_PER_NODE * int(num_nodes)


def _worker_memory():
    """The smallest memory limit of the current Client's workers (None: no
    Client, or no limit)."""
    try:
        from distributed import default_client
        client = default_client()
    except (ImportError, ValueError):
        return None
    limits = [w.get("memory_limit") or 0 for w in client.scheduler_info()["workers"].values()]
    limits = [m for m in limits if m > 0]
    return min(limits) if limits else None


def _single_pagerank(blocks, n, options):
    src, dst, w = _join(blocks)
    return _graph.pagerank(src, dst, w, num_nodes=n, **options)


def _block_share(block, first, last, x, n, use_weights):
    src, dst, w = block
    return _graph.transition_product(src, dst, w if use_weights else None, first, last, x,
                                     num_nodes=n)


def _teleport(personalization, n):
    if personalization is None:
        return np.full(n, 1.0 / n) if n else np.zeros(0)
    p = np.asarray(personalization, dtype=np.float64)
    if p.shape != (n,):
        raise InvalidArgument("personalization: %d values, but the graph has %d nodes"
                              % (p.size, n))
    bad = ~(np.isfinite(p) & (p >= 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidArgument("personalization[%d]: must be finite and >= 0, got %r"
                              % (i, float(p[i])))
    total = p.sum()
    if not total > 0:
        raise InvalidArgument("personalization: must have a positive sum")
    return p / total


def _check_options(damping, tol, max_iter):
    if not (isinstance(damping, numbers.Real) and 0 <= damping < 1):
        raise InvalidArgument("damping: must be in [0, 1), got %r" % (damping,))
    if not (isinstance(tol, numbers.Real) and np.isfinite(tol) and tol >= 0):
        raise InvalidArgument("tol: must be finite and >= 0, got %r" % (tol,))
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise InvalidArgument("max_iter: must be an integer >= 1, got %r" % (max_iter,))


def pagerank(graph, *, damping=0.85, personalization=None, tol=1e-10, max_iter=1000,
             use_weights=True, method="auto", memory_limit=None, timeout=None):
    """PageRank of a Graph (mitra.graph.pagerank's semantics: dangling
    nodes follow the personalization vector, the values sum to 1), one value
    per node in graph.customer_ids' order (numpy, on the client).

    method     "one_worker": mitra.graph.pagerank on one worker, over the
               gathered edges; "blocks": the power iteration across
               workers, each block's share computed where the block is
               (mitra.graph.transition_product); "auto" (default):
               "one_worker" when pagerank_memory(nodes, edges) is at most
               half of memory_limit (default: the smallest memory limit of
               the Client's workers; none known: one worker).
    tol        on the L1 change between sweeps, as mitra.graph.pagerank.
    timeout    seconds for the whole computation (a distributed Client).

    Both methods converge to the same vector: they differ by less than
    about 6 x tol in L1 (the tests use tol=1e-12 and check 1e-9). Raises
    FailedPrecondition when max_iter sweeps do not reach tol."""
    if not isinstance(graph, Graph):
        raise TypeError("graph must be a mitra.dask.Graph (interaction_graph's result), not %s"
                        % type(graph).__name__)
    _check_options(damping, tol, max_iter)
    n = graph.num_nodes
    p = _teleport(personalization, n)
    if method not in ("auto", "one_worker", "blocks"):
        raise InvalidArgument("method: must be 'auto', 'one_worker' or 'blocks', got %r"
                              % (method,))
    if method == "auto":
        limit = memory_limit if memory_limit is not None else _worker_memory()
        fits = limit is None or pagerank_memory(n, graph.num_edges) <= _WORKER_SHARE * limit
        method = "one_worker" if fits else "blocks"
    if n == 0:
        return np.zeros(0)
    if method == "one_worker":
        options = {"damping": float(damping), "tol": float(tol), "max_iter": int(max_iter),
                   "use_weights": bool(use_weights),
                   "personalization": None if personalization is None else p}
        return _compute(dask.delayed(_single_pagerank, pure=True)(graph.blocks, n, options),
                        timeout)
    return _block_pagerank(graph, float(damping), p, float(tol), int(max_iter),
                           bool(use_weights), timeout)


def _block_pagerank(graph, d, p, tol, max_iter, use_weights, timeout):
    """The power iteration of mitra's PageRank (pagerank.h, kPower) with
    P^T x and the dangling mass summed from the blocks' shares, in block
    order (so the result does not depend on where the blocks ran)."""
    n = graph.num_nodes
    bounds = graph.bounds
    run = _Runner(graph.blocks, timeout)
    x = p.copy()
    change = np.inf
    try:
        for _ in range(max_iter):
            shares = run([(int(bounds[b]), int(bounds[b + 1]), x[bounds[b]:bounds[b + 1]])
                          for b in range(len(graph.blocks))], n, use_weights)
            s = shares[0][0].copy()
            dangling = shares[0][1]
            for y, mass in shares[1:]:
                s += y
                dangling += mass
            # As mitra's power iteration: the change of the unnormalised
            # iterate, then renormalised against rounding drift.
            nxt = d * s + (d * dangling + (1 - d)) * p
            change = float(np.abs(nxt - x).sum())
            x = nxt * (1.0 / nxt.sum())
            if change < tol:
                return x
    finally:
        run.close()
    raise FailedPrecondition("pagerank: no convergence in %d iterations (L1 change %g >= "
                             "tolerance %g)" % (max_iter, change, tol))


class _Session:
    """The current distributed Client (None: none, work runs in this
    process) and the deadline of a call's timeout."""

    def __init__(self, timeout):
        import time
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.client = None
        try:
            from distributed import default_client
            self.client = default_client()
        except (ImportError, ValueError):
            if timeout is not None:
                raise InvalidArgument("timeout: needs a distributed Client as the scheduler")

    def _left(self):
        import time
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())


class _Runner(_Session):
    """Runs one sweep's block shares where the blocks are: on a distributed
    Client, tasks on the blocks' futures (a lost worker's blocks are
    recomputed from their lineage and its tasks rerun); otherwise in this
    process."""

    def __init__(self, blocks, timeout):
        super().__init__(timeout)
        if self.client is not None:
            self.futures = self.client.compute(list(blocks))
        else:
            self.tables = dask.compute(*blocks)

    def __call__(self, slices, n, use_weights):
        if self.client is None:
            return [_block_share(t, lo, hi, x, n, use_weights)
                    for t, (lo, hi, x) in zip(self.tables, slices)]
        import distributed
        futures = [self.client.submit(_block_share, f, lo, hi, x, n, use_weights, pure=False)
                   for f, (lo, hi, x) in zip(self.futures, slices)]
        distributed.wait(futures, timeout=self._left())
        return self.client.gather(futures)

    def close(self):
        if self.client is not None:
            del self.futures
