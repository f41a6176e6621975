"""Handles: closing, use after close, threads."""

import gc
import threading

import pytest

import mitra
from mitra import v1

from conftest import EXPECTED_COUNTS, full_batch


def test_close_twice_is_harmless():
    ws = mitra.Workspace()
    ws.close()
    ws.close()
    assert ws.closed
    del ws
    gc.collect()


def test_use_after_close_raises():
    ws = mitra.Workspace()
    ws.ingest(full_batch())
    ws.close()
    for call in (ws.counts, ws.export, ws.column_names,
                 lambda: ws.ids("customers"),
                 lambda: ws.column("transactions.amount"),
                 lambda: ws.ingest(v1.Batch()),
                 lambda: ws.ingest_csv_text("customers", "id\nx\n"),
                 lambda: ws.ingest_csv("customers", "/nonexistent.csv"),
                 lambda: ws.save("/tmp/never-written.mitra")):
        with pytest.raises(ValueError, match="closed"):
            call()
    assert repr(ws) == "<mitra.Workspace (closed)>"


def test_context_manager_closes():
    with mitra.Workspace() as ws:
        ws.ingest(full_batch())
        assert not ws.closed
    assert ws.closed
    with pytest.raises(ValueError):
        ws.counts()


def test_loaded_workspace_closes(tmp_path):
    with mitra.Workspace() as ws:
        ws.save(tmp_path / "s.mitra")
    loaded = mitra.Workspace.load(tmp_path / "s.mitra")
    loaded.close()
    loaded.close()
    with pytest.raises(ValueError):
        loaded.export()


def test_garbage_collection_frees():
    for _ in range(200):
        ws = mitra.Workspace()
        ws.ingest(v1.Batch(customers=[v1.Customer(id="c")]))
    del ws
    gc.collect()


def test_close_while_other_threads_read():
    """Closing while readers run frees the handle after them: no crash."""
    ws = mitra.Workspace()
    ws.ingest(full_batch())
    errors = []
    start = threading.Barrier(5)

    def reader():
        start.wait()
        try:
            for _ in range(300):
                assert ws.counts() == EXPECTED_COUNTS
                ws.column("transactions.amount")
        except ValueError:
            pass  # closed under us: the expected way to stop
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    start.wait()
    ws.close()
    for t in threads:
        t.join()
    assert not errors
    assert ws.closed


def test_concurrent_readers_and_a_writer():
    with mitra.Workspace() as ws:
        ws.ingest(v1.Batch(customers=[v1.Customer(id="c%d" % i) for i in range(10)]))
        stop = threading.Event()
        errors = []

        def reader():
            try:
                while not stop.is_set():
                    n = ws.counts()["customers"]
                    assert len(ws.ids("customers")) >= n
                    ws.column("customers.created")
            except Exception as e:  # pragma: no cover
                errors.append(e)

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        for i in range(10, 200):
            ws.ingest(v1.Batch(customers=[v1.Customer(id="c%d" % i)]))
        stop.set()
        for t in threads:
            t.join()
        assert not errors
        assert ws.counts()["customers"] == 200
