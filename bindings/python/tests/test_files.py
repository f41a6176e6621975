"""Paths and names through the bindings: embedded NULs are refused before
they reach C (ValueError, as open() does), and files that are not regular
files fail at once instead of hanging the reader."""
import os
import stat

import pytest

import mitra
from mitra import _native


@pytest.fixture
def customers_csv(tmp_path):
    path = tmp_path / "real.csv"
    path.write_text("id\nc1\n")
    return path


def test_a_nul_in_a_save_path_is_refused(ws, tmp_path):
    with pytest.raises(ValueError, match="path: embedded null byte"):
        ws.save(str(tmp_path / "x.mitra") + "\0.evil")
    assert os.listdir(tmp_path) == []


def test_a_nul_in_a_load_path_is_refused(ws, tmp_path):
    ws.save(tmp_path / "x.mitra")
    with pytest.raises(ValueError, match="path: embedded null byte"):
        mitra.Workspace.load(str(tmp_path / "x.mitra") + "\0.bogus")
    with pytest.raises(ValueError, match="path: embedded null byte"):
        mitra.Workspace.load(os.fsencode(tmp_path / "x.mitra") + b"\0")


def test_a_nul_in_a_csv_path_is_refused(ws, customers_csv):
    with pytest.raises(ValueError, match="path: embedded null byte"):
        ws.ingest_csv("customers", str(customers_csv) + "\0.bogus")
    assert ws.counts()["customers"] == 0


@pytest.mark.parametrize("kind", ["customers\0junk", b"customers\0"])
def test_a_nul_in_a_kind_is_refused(ws, customers_csv, kind):
    with pytest.raises(ValueError, match="kind: embedded null byte"):
        ws.ingest_csv(kind, customers_csv)
    with pytest.raises(ValueError, match="kind: embedded null byte"):
        ws.ingest_csv_text(kind, "id\nc1\n")
    with pytest.raises(ValueError, match="kind: embedded null byte"):
        ws.ids(kind)
    assert ws.counts()["customers"] == 0


def test_a_nul_in_names_is_refused(ws):
    with pytest.raises(ValueError, match="name: embedded null byte"):
        ws.ingest_csv_text("customers", "id\nc1\n", name="in.csv\0x")
    with pytest.raises(ValueError, match="name: embedded null byte"):
        ws.column("customers.created\0x")
    assert ws.counts()["customers"] == 0


def test_every_c_string_argument_refuses_a_nul():
    """The argument type itself refuses, whatever code passes the bytes."""
    handle = _native.workspace_p()
    with pytest.raises(Exception) as info:
        _native.lib.mitra_workspace_load(b"x.mitra\0y", handle, None)
    assert "embedded null byte" in str(info.value)
    assert _native.c_str.from_param(None) is None
    assert _native.c_str.from_param(b"ok") == b"ok"


def test_the_types_of_string_arguments(ws, tmp_path):
    with pytest.raises(TypeError, match="kind must be str, not int"):
        ws.ids(3)
    with pytest.raises(TypeError, match="path must be a path, not int"):
        ws.save(3)
    ws.save(tmp_path / "p.mitra")  # path-like objects are paths
    mitra.Workspace.load(os.fsencode(tmp_path / "p.mitra")).close()


def test_a_fifo_fails_at_once(ws, tmp_path):
    fifo = tmp_path / "f.csv"
    os.mkfifo(fifo)
    with pytest.raises(mitra.InvalidArgument, match="not a regular file \\(a FIFO\\)"):
        ws.ingest_csv("customers", fifo)
    with pytest.raises(mitra.InvalidArgument, match="not a regular file"):
        mitra.Workspace.load(fifo)
    with pytest.raises(mitra.InvalidArgument, match="not a regular file"):
        mitra.cocreation.decisions_from_csv(str(fifo))


def test_dev_zero_and_a_symlink_loop_are_invalid(ws, tmp_path):
    with pytest.raises(mitra.InvalidArgument, match="character device"):
        ws.ingest_csv("customers", "/dev/zero")
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    with pytest.raises(mitra.InvalidArgument, match="Too many levels of symbolic links"):
        mitra.Workspace.load(tmp_path / "a")


def test_saving_keeps_the_mode_and_creates_0600(ws, tmp_path):
    old = os.umask(0o022)
    try:
        ws.save(tmp_path / "new.mitra")
        assert stat.S_IMODE(os.stat(tmp_path / "new.mitra").st_mode) == 0o600
        os.chmod(tmp_path / "new.mitra", 0o640)
        ws.save(tmp_path / "new.mitra")
        assert stat.S_IMODE(os.stat(tmp_path / "new.mitra").st_mode) == 0o640
    finally:
        os.umask(old)
