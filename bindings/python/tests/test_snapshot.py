"""Snapshots: round trip, and refusing damaged or newer files."""

import os
import pathlib
import struct
import sys

import numpy as np
import pytest

import mitra
from mitra import v1

from conftest import EXPECTED_COUNTS, REPO_ROOT, T0, full_batch

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "bad_input"))
from mutations import crc32c  # noqa: E402


@pytest.fixture
def snapshot(full_ws, tmp_path):
    path = tmp_path / "ws.mitra"
    full_ws.save(path)
    return path


def test_round_trip_preserves_every_record(full_ws, snapshot):
    before = full_ws.export()
    with mitra.Workspace.load(snapshot) as loaded:
        after = loaded.export()
        assert loaded.counts() == EXPECTED_COUNTS
    # Message equality compares map fields (attributes, ratings) as maps and
    # optional fields by presence.
    assert after == before
    assert after.customers[1].attributes == {"segment": "gold", "city": "Delhi"}
    assert after.feedback[0].ratings == {"comfort": 4.0, "price": 3.5}
    assert not after.feedback[1].HasField("would_recommend")
    assert not after.customers[1].HasField("created_unix_seconds")


def test_round_trip_of_an_empty_workspace(ws, tmp_path):
    ws.save(str(tmp_path / "empty.mitra"))  # str and PathLike both work
    with mitra.Workspace.load(str(tmp_path / "empty.mitra")) as loaded:
        assert loaded.counts() == dict.fromkeys(mitra.KINDS, 0)
        assert loaded.export() == v1.Batch()


def test_loaded_workspace_accepts_more(snapshot):
    with mitra.Workspace.load(snapshot) as loaded:
        loaded.ingest(v1.Batch(transactions=[
            v1.Transaction(customer_id="c3", time_unix_seconds=T0, amount=3.0)]))
        assert loaded.counts()["transactions"] == EXPECTED_COUNTS["transactions"] + 1
        with pytest.raises(mitra.AlreadyExists):
            loaded.ingest(v1.Batch(customers=[v1.Customer(id="c1")]))


def test_save_replaces_an_existing_file(snapshot):
    with mitra.Workspace() as empty:
        empty.save(snapshot)  # the empty one over the full one
    with mitra.Workspace.load(snapshot) as loaded:
        assert loaded.counts()["customers"] == 0


def test_round_trip_preserves_ids_and_columns(full_ws, snapshot):
    with mitra.Workspace.load(snapshot) as loaded:
        for kind in mitra.KINDS:
            if kind in ("customers", "products", "communities", "channels", "programs"):
                assert loaded.ids(kind) == full_ws.ids(kind), kind
        for name in full_ws.column_names():
            np.testing.assert_array_equal(loaded.column(name), full_ws.column(name),
                                          err_msg=name)


def _damaged(snapshot, tmp_path, change):
    data = bytearray(pathlib.Path(snapshot).read_bytes())
    data = change(data)
    path = tmp_path / "damaged.mitra"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("cut", [1, 4, 5, 100, "half", "header-only", "empty"])
def test_truncated_snapshot_is_data_loss(snapshot, tmp_path, cut):
    def change(data):
        if cut == "half":
            return data[: len(data) // 2]
        if cut == "header-only":
            return data[:16]
        if cut == "empty":
            return b""
        return data[:-cut]
    with pytest.raises(mitra.DataLoss) as info:
        mitra.Workspace.load(_damaged(snapshot, tmp_path, change))
    assert str(info.value).startswith("snapshot ")


@pytest.mark.parametrize("where", ["magic", "frame-length", "middle", "crc"])
def test_flipped_byte_is_data_loss(snapshot, tmp_path, where):
    def change(data):
        i = {"magic": 0, "frame-length": 16, "middle": len(data) // 2,
             "crc": len(data) - 1}[where]
        data[i] ^= 0x40
        return data
    with pytest.raises(mitra.DataLoss):
        mitra.Workspace.load(_damaged(snapshot, tmp_path, change))


def test_every_single_byte_flip_is_refused(snapshot, tmp_path):
    """The checksum covers the whole file and is checked first: every flip,
    in the version too, is data loss."""
    original = pathlib.Path(snapshot).read_bytes()
    path = tmp_path / "flip.mitra"
    for i in range(len(original)):
        data = bytearray(original)
        data[i] ^= 0x01
        path.write_bytes(bytes(data))
        with pytest.raises(mitra.DataLoss):
            mitra.Workspace.load(path)


def test_newer_major_version_is_failed_precondition(snapshot, tmp_path):
    # Bytes 8..11: format major version; the checksum fixed as a newer
    # writer would (a stale one is corruption: the checksum comes first).
    def change(data):
        assert data[:8] == b"MITRASNP"
        data[8:12] = struct.pack("<I", 2)
        data[-4:] = struct.pack("<I", crc32c(bytes(data[:-4])))
        return data
    with pytest.raises(mitra.FailedPrecondition) as info:
        mitra.Workspace.load(_damaged(snapshot, tmp_path, change))
    assert info.value.status == "FAILED_PRECONDITION"


def test_missing_snapshot_is_not_found(tmp_path):
    with pytest.raises(mitra.NotFound):
        mitra.Workspace.load(tmp_path / "absent.mitra")


def test_save_into_a_missing_directory_fails_cleanly(full_ws, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "ws.mitra"
    with pytest.raises(mitra.NotFound) as info:
        full_ws.save(target)
    assert 'cannot save "%s"' % target in str(info.value)
    assert "tmp" not in str(info.value).replace(str(tmp_path), "")
    assert full_ws.counts() == EXPECTED_COUNTS


def test_round_trip_of_a_batch_built_from_full_batch(tmp_path):
    """Loading, saving again and loading once more is stable."""
    with mitra.Workspace() as a:
        a.ingest(full_batch())
        a.save(tmp_path / "1.mitra")
    with mitra.Workspace.load(tmp_path / "1.mitra") as b:
        b.save(tmp_path / "2.mitra")
        first = b.export()
    with mitra.Workspace.load(tmp_path / "2.mitra") as c:
        assert c.export() == first
