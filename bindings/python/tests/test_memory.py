"""Memory limits from Python: the process-wide limit (mitra.set_memory_limit)
bounding the calls without a workspace, a Workspace's own limit, and the
refusal (ResourceExhausted naming the parameter) of a request that would not
fit, instead of the kernel killing the interpreter."""

import pytest

import mitra
import mitra.activation as ma
from mitra import v1

PATH = ([0, 1, 2], [1, 2, 3])  # 0 -> 1 -> 2 -> 3


def test_process_limit_round_trip_and_bounds_array_level_plans():
    default = mitra.memory_limit()
    assert default >= 64 << 20
    assert len(ma.plan(*PATH, k=1, check_runs=100).seeds) == 1
    mitra.set_memory_limit(4096)
    try:
        assert mitra.memory_limit() == 4096
        with pytest.raises(mitra.ResourceExhausted, match=r"request\.epsilon: IMM .*limit 4096 bytes"):
            ma.plan(*PATH, k=1, check_runs=100)
    finally:
        mitra.set_memory_limit(None)
    assert mitra.memory_limit() == default
    assert len(ma.plan(*PATH, k=1, check_runs=100).seeds) == 1


def test_hostile_epsilon_is_refused_by_the_budget():
    # ~10^13 RR sets (max_rr_sets raised out of the way): refused before
    # anything is sampled, whatever the machine.
    with pytest.raises(mitra.ResourceExhausted,
                       match=r"request\.epsilon: IMM \(at least: .* needs an estimated \d+ bytes"):
        ma.plan(*PATH, k=1, epsilon=1e-6, max_rr_sets=1 << 60)


def test_theta_overflow_is_reported_not_wrapped():
    with pytest.raises(mitra.ResourceExhausted) as e:
        ma.plan(*PATH, k=1, epsilon=1e-10)
    assert "RR sets needed (epsilon 1e-10, ell 1)" in str(e.value)
    assert " 0 RR sets" not in str(e.value)


def _chain():
    ws = mitra.Workspace()
    b = v1.Batch(customers=[v1.Customer(id="c%d" % i) for i in range(3)])
    for i in range(2):
        b.interactions.add(from_customer_id="c%d" % i, to_customer_id="c%d" % (i + 1),
                           kind=v1.INTERACTION_KIND_REPLY, time_unix_seconds=1717200000 + i)
    ws.ingest(b)
    return ws


def test_workspace_limit_bounds_its_requests_only():
    tight = mitra.Workspace(memory_limit=4096)
    with _chain() as ws:
        assert ws.memory_limit == mitra.memory_limit()
        ws.set_memory_limit(4096)
        assert ws.memory_limit == 4096
        with pytest.raises(mitra.ResourceExhausted, match=r"request\.plan\.epsilon: IMM"):
            ma.leader_plan(ws, k=1, candidates="all", check_runs=100)
        with _chain() as other:  # its own budget, following the process-wide limit
            assert len(ma.leader_plan(other, k=1, candidates="all", check_runs=100).leaders) == 1
        ws.set_memory_limit(None)
        assert ws.memory_limit == mitra.memory_limit()
        assert len(ma.leader_plan(ws, k=1, candidates="all", check_runs=100).leaders) == 1
    assert tight.memory_limit == 4096
    tight.close()


@pytest.mark.parametrize("value, error", [
    ("1G", TypeError), (1.5, TypeError), (True, TypeError), (-1, ValueError), (0, ValueError),
    (1 << 64, ValueError)])
def test_bad_limits_are_refused(value, error):
    with pytest.raises(error, match="memory_limit|bytes"):
        mitra.Workspace(memory_limit=value)
    with pytest.raises(error):
        mitra.set_memory_limit(value)
    assert mitra.memory_limit() >= 64 << 20
