"""mitra.dask.plan (activation with RR sets drawn across workers) on a real
LocalCluster of two worker processes, against mitra.activation.plan on the
same NetHEPT graph: the same seeds and plan, whatever the workers and
partitions, and with a worker killed in the middle; the pieces' Python
wrappers; bad input named.
"""

import os
import sys
import time

import cloudpickle
import distributed  # noqa: F401  (required: a missing one fails the module)
import numpy as np
import pytest

import mitra
import mitra.activation as ma
import mitra.dask as md
import mitra.dask.activation as mda

from conftest import REPO_ROOT, kill_worker_mid_job, local_cluster

TIMEOUT = 120
NETHEPT = os.path.join(REPO_ROOT, "data", "reference", "graphs", "nethept.txt")
# Weighted cascade, k and epsilon sized for a Debug build on two shared
# cores (every greedy step is one round trip to the workers).
K, EPSILON, SEED, RUNS = 20, 0.2, 7, 2000

# The test's slowed greedy step is sent to the workers by value (they cannot
# import this file).
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def nethept():
    e = np.loadtxt(NETHEPT, dtype=np.int64)
    assert e.shape == (62752, 2)
    return e[:, 0], e[:, 1]


@pytest.fixture(scope="module")
def single(nethept):
    src, dst = nethept
    return ma.plan(src, dst, k=K, epsilon=EPSILON, seed=SEED, check_runs=RUNS)


def same_plan(a, b):
    """a is b but for rr_memory_bytes (0 in pieces: no process held them all)."""
    assert a.rr_memory_bytes == 0 and b.rr_memory_bytes > 0
    b2 = type(b)()
    b2.CopyFrom(b)
    b2.rr_memory_bytes = 0
    return a.SerializeToString() == b2.SerializeToString()


def test_plan_equals_the_single_process_plan(dask_client, nethept, single):
    src, dst = nethept
    plan = md.plan((src, dst), k=K, epsilon=EPSILON, seed=SEED, check_runs=RUNS,
                   timeout=TIMEOUT)
    assert list(plan.seeds) == list(single.seeds)
    assert len(plan.seeds) == K
    assert list(plan.marginal_gains) == list(single.marginal_gains)
    assert plan.rr_sets == single.rr_sets and plan.theta == single.theta
    assert plan.lower_bound == single.lower_bound
    assert plan.check.mean == single.check.mean
    assert same_plan(plan, single)
    # The reach is real: the check's interval holds IMM's own estimate.
    assert plan.check.ci_low < plan.imm_estimate * 1.05
    assert plan.imm_estimate * 0.95 < plan.check.ci_high


def test_partitions_and_workers_change_nothing(dask_client, nethept, single):
    src, dst = nethept
    for parts in (1, 5):
        plan = md.plan((src, dst), k=K, epsilon=EPSILON, seed=SEED, check_runs=RUNS,
                       partitions=parts, timeout=TIMEOUT)
        assert same_plan(plan, single), parts
    with local_cluster(1, TIMEOUT):
        plan = md.plan((src, dst), k=K, epsilon=EPSILON, seed=SEED, check_runs=RUNS,
                       partitions=3, timeout=TIMEOUT)
    assert same_plan(plan, single)
    # Another seed draws other sets (and here other seeds).
    other = md.plan((src, dst), k=K, epsilon=EPSILON, seed=SEED + 1, check_runs=RUNS,
                    timeout=TIMEOUT)
    assert other.rr_sets != single.rr_sets or list(other.seeds) != list(single.seeds)


SLOW_SECONDS = 0.02
_REAL_DECREASE = mda._decrease


def slow_decrease(*args):
    """A greedy step's work on one range, slowed so that the plan is still
    choosing seeds when the test kills a worker."""
    time.sleep(SLOW_SECONDS)
    return _REAL_DECREASE(*args)


def test_killed_worker_changes_nothing(dask_client, nethept, single, monkeypatch):
    src, dst = nethept
    monkeypatch.setattr(mda, "_decrease", slow_decrease)
    # Killed while it runs a greedy step: it holds RR sets, their index and
    # coverage, which must be drawn again, and the graph's only copy.
    plan = kill_worker_mid_job(
        dask_client, lambda: md.plan((src, dst), k=K, epsilon=EPSILON, seed=SEED,
                                     check_runs=RUNS, timeout=TIMEOUT),
        "slow_decrease-", after=10, timeout=TIMEOUT, holding="_value-")
    assert same_plan(plan, single)


def test_constraints_and_lt_as_the_single_process(dask_client, nethept):
    src, dst = nethept
    n = 15229
    options = dict(k=6, epsilon=0.3, seed=3, model="lt", check_runs=500,
                   must_include=[5, 77], excluded=[100, 474], candidates=np.arange(0, n, 2),
                   targets=np.arange(0, n, 3), groups=np.arange(n) % 4)
    single = ma.plan(src, dst, **options)
    plan = md.plan((src, dst), timeout=TIMEOUT, **options)
    assert list(plan.seeds)[:2] == [5, 77]
    assert same_plan(plan, single)
    assert len(plan.check.group_mean) == 4


def test_a_dask_graph_and_weights(dask_client, nethept):
    src, dst = nethept
    w = 1.0 + (src % 3)
    single = ma.plan(src, dst, k=5, epsilon=0.3, seed=2, weights=w, check_runs=500)
    plan = md.plan((src, dst, w), k=5, epsilon=0.3, seed=2, check_runs=500, timeout=TIMEOUT)
    assert same_plan(plan, single)


def test_pieces_wrappers(nethept):
    src, dst = nethept
    request = ma.plan_request(15229, k=3, epsilon=0.5, seed=4)
    all_sets = ma.rr_sets(src, dst, request, 0, 1000)
    tail = ma.rr_sets(src, dst, request, 600, 1000)
    sizes = all_sets[:1000]
    skip = int(sizes[:600].sum())
    assert np.array_equal(tail[:400], sizes[600:])
    assert np.array_equal(tail[400:], all_sets[1000 + skip:])
    # Coverage by brute force over the 1000 sets.
    seeds = [int(all_sets[1000]), 0]
    gains, counts = ma.rr_coverage(15229, all_sets, 1000, seeds)
    offsets = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]) + 1000
    want_gains = [0, 0]
    want_counts = np.zeros(15229, np.int64)
    for s in range(1000):
        members = list(all_sets[offsets[s]:offsets[s + 1]])
        firsts = [i for i, v in enumerate(seeds) if v in members]
        if firsts:
            want_gains[firsts[0]] += 1
        else:
            for v in members:
                want_counts[v] += 1
    assert list(gains) == want_gains and want_gains[0] > 0
    assert np.array_equal(counts, want_counts)
    nxt, sets, lb = ma.imm_stage(15229, request)
    assert nxt == 1 and sets > 0 and lb == 0


def test_bad_input_names_the_field(dask_client, nethept):
    src, dst = nethept
    with pytest.raises(mitra.InvalidArgument, match="request.epsilon"):
        md.plan((src, dst), k=5, epsilon=1.5, timeout=TIMEOUT)
    with pytest.raises(mitra.InvalidArgument, match="request.k"):
        md.plan((src, dst), k=0, timeout=TIMEOUT)
    with pytest.raises(mitra.InvalidArgument, match="request.p"):
        md.plan((src, dst), k=5, probabilities="constant", timeout=TIMEOUT)
    with pytest.raises(mitra.InvalidArgument, match="request.must_include"):
        md.plan((src, dst), k=5, must_include=[10 ** 6], timeout=TIMEOUT)
    with pytest.raises(mitra.InvalidArgument, match="partitions"):
        md.plan((src, dst), k=5, partitions=0, timeout=TIMEOUT)
    with pytest.raises(mitra.InvalidArgument, match="dst"):
        md.plan((src, dst[:10]), k=5, timeout=TIMEOUT)
    with pytest.raises(TypeError, match="budget"):
        md.plan((src, dst), k=5, budget=3, timeout=TIMEOUT)
    with pytest.raises(TypeError, match="graph must be"):
        md.plan([src, dst], k=5, timeout=TIMEOUT)
    with pytest.raises(mitra.InvalidArgument, match="last"):
        ma.rr_sets(src, dst, ma.plan_request(15229, k=3), 10, 5)
    with pytest.raises(mitra.InvalidArgument, match="seeds\\[1\\]"):
        ma.rr_coverage(15229, np.array([1, 0], np.uint32), 1, [3, 3])
