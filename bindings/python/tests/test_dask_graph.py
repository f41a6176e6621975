"""mitra.dask's graphs on a real distributed cluster (two worker processes):
the interaction graph, PageRank (one worker and blocks across workers) and
leader scores against the single-process mitra.graph / mitra.leaders on the
sample brand (data/sample), an independent PageRank reference, a worker
killed in the middle of a block PageRank, and determinism across worker and
partition counts.

dask, distributed and pandas are required: a missing one fails the module
(the CI installs them; scripts/debian-packages.txt)."""

import os
import sys
import time

import cloudpickle
import numpy as np
import pytest

import dask.dataframe as dd
import distributed  # noqa: F401  (required: a missing one fails the module)
import pandas as pd

import mitra
import mitra.dask as md
import mitra.dask.graph as mdg
import mitra.graph as mg
import mitra.leaders as ml

from conftest import DASK_TIMEOUT, SAMPLE, kill_worker_mid_job, local_cluster

TIMEOUT = DASK_TIMEOUT
# The sample's interactions read in this many byte blocks: 4 partitions.
BLOCKSIZE = 600_000
DTYPES = {"to_customer_id": object, "community_id": object}

# The test's slowed block share is sent to the workers by value (they cannot
# import this file).
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def interactions():
    ix = dd.read_csv(os.path.join(SAMPLE, "interactions.csv"), blocksize=BLOCKSIZE, dtype=DTYPES)
    assert ix.npartitions == 4
    return ix


@pytest.fixture(scope="module")
def customers():
    return pd.read_csv(os.path.join(SAMPLE, "customers.csv"))["id"]


@pytest.fixture(scope="module")
def graph(dask_client, interactions, customers):
    """The sample's interaction graph in three blocks, with every customer
    as a node (as the workspace has them)."""
    return md.interaction_graph(interactions, customers=customers, blocks=3, timeout=TIMEOUT)


def as_table(ids, src, dst, w):
    ids = np.asarray(ids, dtype=object)
    return pd.Series(w, index=pd.MultiIndex.from_arrays([ids[src], ids[dst]])).sort_index()


def reference_pagerank(src, dst, w, n, d=0.85, p=None, tol=1e-14):
    """PageRank by the textbook power iteration in numpy (dangling mass and
    teleport along p): the test's own reference."""
    p = np.full(n, 1.0 / n) if p is None else p / p.sum()
    out = np.bincount(src, weights=w, minlength=n)
    x = p.copy()
    for _ in range(10000):
        flow = np.bincount(dst, weights=w * x[src] / out[src], minlength=n)
        nxt = d * flow + (d * x[out == 0].sum() + 1 - d) * p
        done = np.abs(nxt - x).sum() < tol
        x = nxt / nxt.sum()
        if done:
            return x
    raise AssertionError("the reference did not converge")


# ---- the interaction graph ----------------------------------------------------------


def test_graph_equals_the_single_process_graph(dask_client, sample, graph):
    ref = mg.interaction_graph(sample)
    assert list(graph.customer_ids) == sorted(ref.customer_ids)
    assert graph.num_edges == len(ref.src) == 18060
    assert len(graph.blocks) == 3 and graph.bounds.tolist() == [0, 1666, 3333, 5000]
    src, dst, w = graph.edges(timeout=TIMEOUT)
    # Each block holds exactly its sources' edges, sorted.
    assert np.all(np.diff(src.astype(np.int64) * graph.num_nodes + dst) > 0)
    got = as_table(graph.customer_ids, src, dst, w)
    want = as_table(ref.customer_ids, ref.src, ref.dst, ref.weights)
    assert got.index.equals(want.index)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12, atol=0)
    # A source's rows meet in one partition in their order: the same sums.
    np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())


def test_graph_options_are_mitras(dask_client, sample, interactions):
    options = {"kind_weights": {"like": 2.0, "message": 0.0}, "half_life_days": 30,
               "as_of": "2025-06-30", "keep_self_loops": True}
    ref = mg.interaction_graph(sample, **options)
    g = md.interaction_graph(interactions, npartitions=3, timeout=TIMEOUT, **options)
    assert g.as_of == 1751241600
    got = as_table(g.customer_ids, *g.edges(timeout=TIMEOUT))
    want = as_table(ref.customer_ids, ref.src, ref.dst, ref.weights)
    assert 0 < len(got) < 18060  # later interactions and messages left out
    assert got.index.equals(want.index)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12, atol=0)
    # Without customers= the nodes are the ids the interactions name.
    named = set(pd.read_csv(os.path.join(SAMPLE, "interactions.csv"), dtype=DTYPES)
                [["from_customer_id", "to_customer_id"]].stack())
    assert list(g.customer_ids) == sorted(named)


# ---- PageRank ---------------------------------------------------------------------


def test_pagerank_one_worker_and_blocks_agree_with_single_machine(dask_client, sample, graph):
    ws_rank = mg.pagerank(sample, tol=1e-12)  # nodes in the workspace's (ascending) order
    src, dst, w = graph.edges(timeout=TIMEOUT)
    one = md.pagerank(graph, tol=1e-12, method="one_worker", timeout=TIMEOUT)
    blocks = md.pagerank(graph, tol=1e-12, method="blocks", timeout=TIMEOUT)
    # One worker runs mitra.graph.pagerank on the same edges: the same vector.
    np.testing.assert_array_equal(one, mg.pagerank(src, dst, w, num_nodes=5000, tol=1e-12))
    assert np.abs(one - ws_rank).sum() <= 1e-9
    assert np.abs(blocks - ws_rank).sum() <= 1e-9
    reference = reference_pagerank(src, dst, w, 5000)
    assert np.abs(blocks - reference).sum() <= 1e-9
    assert np.abs(one - reference).sum() <= 1e-9
    assert blocks.sum() == pytest.approx(1, abs=1e-12)


def test_personalized_and_unweighted_pagerank(dask_client, graph):
    src, dst, w = graph.edges(timeout=TIMEOUT)
    p = np.zeros(5000)
    p[::7] = 1.0
    p[3] = 5.0
    for use_weights in (True, False):
        ref = reference_pagerank(src, dst, w if use_weights else np.ones_like(w), 5000, d=0.7,
                                 p=p)
        for method in ("one_worker", "blocks"):
            got = md.pagerank(graph, damping=0.7, personalization=p, use_weights=use_weights,
                              tol=1e-12, method=method, timeout=TIMEOUT)
            assert np.abs(got - ref).sum() <= 1e-9, (method, use_weights)


def test_auto_method_follows_the_memory_rule(dask_client, graph):
    need = md.pagerank_memory(graph.num_nodes, graph.num_edges)
    assert need == mdg.PAGERANK_BYTES_PER_EDGE * 18060 + mdg.PAGERANK_BYTES_PER_NODE * 5000
    one = md.pagerank(graph, method="one_worker", timeout=TIMEOUT)
    blocks = md.pagerank(graph, method="blocks", timeout=TIMEOUT)
    assert not np.array_equal(one, blocks)  # different iterations, same fixed point
    # Half the worker's memory is the limit.
    np.testing.assert_array_equal(md.pagerank(graph, memory_limit=2 * need, timeout=TIMEOUT), one)
    np.testing.assert_array_equal(md.pagerank(graph, memory_limit=2 * need - 1,
                                              timeout=TIMEOUT), blocks)
    # The cluster's workers (a share of this machine's memory) hold it easily.
    np.testing.assert_array_equal(md.pagerank(graph, timeout=TIMEOUT), one)


def test_pagerank_that_does_not_converge_says_so(dask_client, graph):
    with pytest.raises(mitra.FailedPrecondition,
                       match=r"^pagerank: no convergence in 3 iterations"):
        md.pagerank(graph, method="blocks", max_iter=3, timeout=TIMEOUT)
    with pytest.raises(mitra.FailedPrecondition, match=r"no convergence in 3 iterations"):
        md.pagerank(graph, method="one_worker", max_iter=3, timeout=TIMEOUT)


# ---- leaders -----------------------------------------------------------------------


def test_leaders_equal_the_single_process_scores(dask_client, sample, interactions):
    memberships = dd.from_pandas(pd.read_csv(os.path.join(SAMPLE, "memberships.csv"),
                                             dtype={"left": object}), npartitions=3, sort=False)
    got = md.leaders(interactions, memberships, groups=3, timeout=TIMEOUT)
    report = ml.find(sample, top=0)
    assert sorted(set(got.community_id)) == sorted(c.community_id for c in report.communities)
    n = 0
    for c in report.communities:
        rows = got[got.community_id == c.community_id]
        assert len(rows) == len(c.leaders)
        for leader, (_, row) in zip(c.leaders, rows.iterrows()):
            assert (row.customer_id, row["rank"]) == (leader.customer_id, leader.rank)
            assert row.score == leader.score
            for comp in leader.components:
                assert row[comp.name] == comp.raw and row[comp.name + "_scaled"] == comp.scaled
            n += 1
    assert n == len(got) == 2307
    # The planted informal leaders of JKT (data/sample/README.md) lead it.
    assert set(got[got.community_id == "JKT"].customer_id[:5]) >= {"C0088", "C0102", "C0491"}


# ---- determinism and faults ----------------------------------------------------------


def test_results_do_not_depend_on_workers_or_partitions(dask_client, interactions, customers):
    frame = interactions.compute()
    runs = []
    for n in (1, 5):
        g = md.interaction_graph(frame, customers=customers, npartitions=n, blocks=3,
                                 timeout=TIMEOUT)
        runs.append((g.edges(timeout=TIMEOUT),
                     md.pagerank(g, method="blocks", tol=1e-12, timeout=TIMEOUT)))
    with local_cluster(1, TIMEOUT) as one:
        g = md.interaction_graph(interactions, customers=customers, blocks=3,
                                 timeout=TIMEOUT)
        runs.append((g.edges(timeout=TIMEOUT),
                     md.pagerank(g, method="blocks", tol=1e-12, timeout=TIMEOUT)))
        assert len(one.scheduler_info()["workers"]) == 1
    (edges, rank) = runs[0]
    for other_edges, other_rank in runs[1:]:
        for a, b in zip(edges, other_edges):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(rank, other_rank)


SLOW_SECONDS = 0.05
_REAL_SHARE = mdg._block_share


def slow_share(*args):
    """The block share, slowed so that a sweep is still running when the
    test kills a worker."""
    time.sleep(SLOW_SECONDS)
    return _REAL_SHARE(*args)


def test_killed_worker_is_replaced_and_the_result_is_identical(dask_client, graph, monkeypatch):
    expected = md.pagerank(graph, method="blocks", tol=1e-10, timeout=TIMEOUT)
    monkeypatch.setattr(mdg, "_block_share", slow_share)
    # Killed after a few sweeps (of ~140, 3 blocks each) while it runs block
    # shares: bitwise the undisturbed run's vector.
    rank = kill_worker_mid_job(
        dask_client, lambda: md.pagerank(graph, method="blocks", tol=1e-10, timeout=TIMEOUT),
        "slow_share-", after=3 * 3, timeout=TIMEOUT)
    np.testing.assert_array_equal(rank, expected)


# ---- bad input ------------------------------------------------------------------------


def test_bad_input_is_refused_naming_the_field(dask_client, interactions, graph):
    with pytest.raises(mitra.InvalidArgument, match=r"^interactions: no column 'kind'"):
        md.interaction_graph(interactions.drop(columns="kind"))
    with pytest.raises(mitra.InvalidArgument, match=r"half_life_days"):
        md.interaction_graph(interactions, half_life_days=-1)
    with pytest.raises(mitra.InvalidArgument, match=r"^method: must be"):
        md.pagerank(graph, method="gpu")
    with pytest.raises(mitra.InvalidArgument, match=r"^damping: must be in \[0, 1\)"):
        md.pagerank(graph, damping=1.0)
    with pytest.raises(mitra.InvalidArgument, match=r"^personalization: 3 values"):
        md.pagerank(graph, personalization=[1, 2, 3])
    with pytest.raises(TypeError, match=r"mitra.dask.Graph"):
        md.pagerank((np.zeros(1), np.zeros(1)))
    bad = pd.DataFrame({"from_customer_id": ["a", "b"], "to_customer_id": ["b", "a"],
                        "kind": ["reply", "wink"], "time": ["2025-01-01"] * 2})
    with pytest.raises(mitra.InvalidArgument, match=r"^kind: unknown interaction kind 'wink'"):
        md.interaction_graph(bad, npartitions=2, timeout=TIMEOUT)
    with pytest.raises(mitra.InvalidArgument, match=r"^interactions: no column 'community_id'"):
        md.leaders(bad, pd.DataFrame({"customer_id": [], "community_id": [], "joined": []}))
