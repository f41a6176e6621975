"""Shared fixtures for the mitra Python tests.

Run from the repository root with the assembled package on PYTHONPATH:

    PYTHONPATH=build/<preset>/python /usr/bin/python3 -m pytest -q bindings/python/tests
"""

import contextlib
import os
import subprocess
import sys

import pytest

try:
    import mitra
    from mitra import v1
except ImportError as e:  # pragma: no cover - a setup problem, not a test failure
    raise pytest.UsageError(
        "cannot import the mitra package (%s). Build the mitra_python target and put "
        "build/<preset>/python on PYTHONPATH." % e) from e

REPO_ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
HEADER = os.path.join(REPO_ROOT, "include", "mitra", "mitra.h")
# The directory PYTHONPATH points at (build/<preset>/python).
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(mitra.__file__)))

T0 = 1_735_689_600  # 2025-01-01T00:00:00Z
# The bundled sample brand (data/sample; scripts/generate_sample_data.py).
SAMPLE = os.path.join(REPO_ROOT, "data", "sample")


@pytest.fixture(scope="session")
def sample():
    """A workspace holding the sample brand's CSV files, shared read-only by
    every test that asks for it."""
    ws = mitra.Workspace()
    for kind in mitra.KINDS:
        path = os.path.join(SAMPLE, kind + ".csv")
        if os.path.exists(path):
            ws.ingest_csv(kind, path)
    yield ws
    ws.close()



# Seconds any one step on a test's Dask cluster may take before the test
# fails (a dead worker must not hang the suite).
DASK_TIMEOUT = 60


@contextlib.contextmanager
def local_cluster(workers=2, timeout=DASK_TIMEOUT):
    """A real distributed.LocalCluster of `workers` processes x 1 thread,
    its Client current inside the block; both closed at the end."""
    import distributed
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, timeout=timeout)
    try:
        client = distributed.Client(cluster, timeout=timeout)
        try:
            client.wait_for_workers(workers, timeout=timeout)
            with client.as_current():
                yield client
        finally:
            client.close(timeout=timeout)
    finally:
        cluster.close(timeout=timeout)


@pytest.fixture(scope="module")
def dask_client():
    """A two-worker LocalCluster's Client for the tests of one module."""
    with local_cluster(2) as c:
        yield c


def dask_compute(client, collection):
    """collection (or a list of them) computed on the cluster, within
    DASK_TIMEOUT."""
    import distributed
    futures = client.compute(collection)
    distributed.wait(futures, timeout=DASK_TIMEOUT)
    return client.gather(futures)



def kill_worker_mid_job(client, work, prefix, after, timeout=DASK_TIMEOUT, holding=None):
    """work() run on a thread while the test SIGKILLs the worker running a
    task whose key starts with `prefix`, once `after` such tasks were seen
    (and, given `holding`, once that worker is the only one holding a key
    that starts with it: its only copy is lost with the worker).
    Returns work()'s result, having checked that the job was still running
    at the kill and finished, that the tasks the killed worker was running
    (or had just finished, its results lost with it) were released and run
    again to the end (the scheduler's story), and that
    the nanny's new worker replaced it."""
    import signal
    import threading
    import time
    result = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as e:  # re-raised below, on the test's thread
            result["error"] = e

    workers = len(client.scheduler_info()["workers"])
    job = threading.Thread(target=run)
    job.start()
    seen, deadline = set(), time.monotonic() + timeout
    victim = keys = None
    while time.monotonic() < deadline and job.is_alive():
        running = {w: [k for k in ks if k.startswith(prefix)]
                   for w, ks in client.processing().items()}
        seen.update(k for ks in running.values() for k in ks)
        busy = [(w, ks) for w, ks in running.items() if ks]
        if holding is not None:
            held = [set(ws) for k, ws in client.who_has().items() if k.startswith(holding)]
            busy = [(w, ks) for w, ks in busy if {w} in held]
            if not busy:
                # The memory manager drops the replicas no task waits for.
                client.amm.run_once()
        if len(seen) >= after and busy:
            victim, keys = busy[0]
            break
        time.sleep(0.005)
    assert victim is not None, "no %s task was running" % prefix
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    assert job.is_alive()  # killed in the middle of the job
    job.join(timeout)
    assert not job.is_alive()
    if "error" in result:
        raise result["error"]
    stories = client.run_on_scheduler(
        lambda dask_scheduler: {k: [(t[1], t[2]) for t in dask_scheduler.story(k)]
                                for k in keys})
    assert keys and set(stories) == set(keys)
    for story in stories.values():
        # Its worker died running it, or (a task of milliseconds) just after,
        # taking the result with it; either way it ran again to the end.
        lost = [i for i, t in enumerate(story)
                if t in (("processing", "released"), ("memory", "released"))]
        assert any(("processing", "memory") in story[i:] for i in lost), story
    client.wait_for_workers(workers, timeout=timeout)  # the nanny restarted it
    assert victim not in client.scheduler_info()["workers"]
    return result["value"]

def full_batch():
    """A valid batch touching every entity kind and most fields."""
    B = v1
    return B.Batch(
        customers=[
            B.Customer(id="c1", created_unix_seconds=T0, attributes={"city": "Pune"}),
            B.Customer(id="c2", attributes={"segment": "gold", "city": "Delhi"}),
            B.Customer(id="c3", created_unix_seconds=T0 + 86400),
        ],
        products=[
            B.Product(id="p1", name="Kettle", category="kitchen", unit_price=40.0,
                      unit_cost=22.5, attributes={"colour": "red"}),
            B.Product(id="p2", name="Mug", category="kitchen", unit_price=8.0),
        ],
        communities=[
            B.Community(id="club", name="Owners' club", created_unix_seconds=T0 - 86400,
                        attributes={"platform": "forum"}),
            B.Community(id="chat", name="Group chat"),
        ],
        channels=[
            # The retailer names its parent before the parent appears.
            B.Channel(id="r1", name="Corner shop", kind=B.CHANNEL_KIND_RETAILER,
                      parent_id="w1", margin=0.25, fixed_cost_per_year=1200.0,
                      cost_per_unit=0.5, territory="Pune"),
            B.Channel(id="w1", name="Wholesale", kind=B.CHANNEL_KIND_WHOLESALER,
                      parent_id="prod", margin=0.1, territory="Maharashtra",
                      attributes={"tier": "1"}),
            B.Channel(id="prod", name="Factory", kind=B.CHANNEL_KIND_PRODUCER),
        ],
        programs=[
            B.CoCreationProgram(id="trial", name="Kettle trial", product_id="p1",
                                start_unix_seconds=T0, end_unix_seconds=T0 + 30 * 86400,
                                attributes=["comfort", "price"], rating_min=1, rating_max=5),
        ],
        transactions=[
            B.Transaction(id="o1", customer_id="c1", time_unix_seconds=T0 + 3600,
                          amount=40.0, quantity=1, product_id="p1", channel_id="r1"),
            B.Transaction(id="o2", customer_id="c2", time_unix_seconds=T0 + 7200,
                          amount=16.0, quantity=2, product_id="p2"),
            B.Transaction(customer_id="c1", time_unix_seconds=T0 + 10800, amount=12.5),
        ],
        interactions=[
            B.Interaction(from_customer_id="c1", to_customer_id="c2",
                          kind=B.INTERACTION_KIND_REPLY, time_unix_seconds=T0 + 100,
                          community_id="club", weight=2.0),
            B.Interaction(from_customer_id="c3", kind=B.INTERACTION_KIND_POST,
                          time_unix_seconds=T0 + 200, community_id="club"),
        ],
        memberships=[
            B.Membership(customer_id="c1", community_id="club",
                         role=B.MEMBERSHIP_ROLE_ORGANIZER, joined_unix_seconds=T0),
            B.Membership(customer_id="c2", community_id="club",
                         role=B.MEMBERSHIP_ROLE_MEMBER, joined_unix_seconds=T0 + 50,
                         left_unix_seconds=T0 + 5000),
        ],
        feedback=[
            B.FeedbackResponse(program_id="trial", customer_id="c1",
                               ratings={"comfort": 4.0, "price": 3.5}, would_recommend=9,
                               time_unix_seconds=T0 + 86400, comment="Handle gets hot"),
            B.FeedbackResponse(program_id="trial", product_id="p1", customer_id="c2",
                               ratings={"comfort": 5.0}, time_unix_seconds=T0 + 90000),
        ],
        referrals=[
            B.Referral(referrer_id="c1", referee_id="c3", time_unix_seconds=T0 + 80000,
                       converted=True, value=25.0),
            B.Referral(referrer_id="c2", time_unix_seconds=T0 + 81000),
        ],
        campaigns=[
            B.Campaign(id="push", name="Dealer push", route=B.CAMPAIGN_ROUTE_CHAIN,
                       start_unix_seconds=T0, end_unix_seconds=T0 + 14 * 86400, spend=800.0,
                       attributes={"agency": "own"}),
        ],
        campaign_members=[B.CampaignMember(campaign_id="push", channel_id="r1")],
    )


EXPECTED_COUNTS = {
    "customers": 3, "products": 2, "communities": 2, "channels": 3, "programs": 1,
    "transactions": 3, "interactions": 2, "memberships": 2, "feedback": 2, "referrals": 2,
    "campaigns": 1, "campaign_members": 1,
}


@pytest.fixture
def ws():
    with mitra.Workspace() as w:
        yield w


@pytest.fixture
def full_ws(ws):
    ws.ingest(full_batch())
    return ws


def run_python(code, env_changes=None, unset=()):
    """Run `code` in a fresh /usr/bin/python3 (the current interpreter) with
    PYTHONPATH pointing at the assembled package; returns CompletedProcess."""
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE_PARENT
    for name in unset:
        env.pop(name, None)
    env.update(env_changes or {})
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
