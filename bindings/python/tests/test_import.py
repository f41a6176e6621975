"""Finding and checking the library; version; the error classes; signatures."""

import os
import re
import shutil
import subprocess

import pytest

import mitra
from mitra import _native

from conftest import HEADER, run_python


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", mitra.__version__)
    major, minor, patch = map(int, mitra.__version__.split("."))
    assert mitra.version_number() == major * 10000 + minor * 100 + patch
    assert major == mitra.ABI_MAJOR == 1


def test_import_with_mitra_library(tmp_path):
    # A copy elsewhere proves the variable, not the build-tree fallback, is used.
    copy = tmp_path / "libmitra.so.1"
    shutil.copy(os.path.realpath(mitra.library_path), copy)
    r = run_python("import mitra; print(mitra.library_path); "
                   "print(mitra.Workspace().counts()['customers'])",
                   {"MITRA_LIBRARY": str(copy)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(copy), "0"]


def test_import_without_variable():
    """The copy inside the package (an installed wheel), else the build tree."""
    r = run_python("import mitra; print(mitra.library_path)", unset=["MITRA_LIBRARY"])
    assert r.returncode == 0, r.stderr
    package_dir = os.path.dirname(os.path.abspath(mitra.__file__))
    in_package = os.path.join(package_dir, "libmitra.so.1")
    if os.path.exists(in_package):
        expected = in_package
    else:
        expected = os.path.normpath(os.path.join(package_dir, "..", "..", "src",
                                                 "libmitra.so.1"))
    assert r.stdout.strip() == expected


def test_missing_mitra_library_is_a_clear_import_error(tmp_path):
    missing = tmp_path / "nope" / "libmitra.so.1"
    r = run_python("import mitra", {"MITRA_LIBRARY": str(missing)})
    assert r.returncode != 0
    assert "ImportError" in r.stderr
    assert str(missing) in r.stderr and "MITRA_LIBRARY" in r.stderr


def test_abi_major_mismatch_in_process():
    with pytest.raises(ImportError, match=r"major version 1.*needs major version 2"):
        _native.load(expected_major=2)


def test_abi_major_mismatch_of_a_library(tmp_path):
    """A library reporting version 2.0.0 is refused at import."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build a fake libmitra")
    src = tmp_path / "fake.c"
    src.write_text("unsigned mitra_version_number(void) { return 20000; }\n"
                   "const char* mitra_version_string(void) { return \"2.0.0\"; }\n")
    lib = tmp_path / "libmitra.so.2"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    r = run_python("import mitra", {"MITRA_LIBRARY": str(lib)})
    assert r.returncode != 0
    assert "ImportError" in r.stderr
    assert "ABI major version 2" in r.stderr and "needs major version 1" in r.stderr


def test_every_header_function_is_declared():
    with open(HEADER) as f:
        header = f.read()
    declared = set(re.findall(r"MITRA_API\s[^;]*?\b(mitra_\w+)\s*\(", header))
    assert declared, "no MITRA_API functions found in " + HEADER
    assert declared == set(_native.SIGNATURES)
    for name in declared:
        assert getattr(_native.lib, name).argtypes is not None


ERROR_CLASSES = {
    1: "Cancelled", 2: "Unknown", 3: "InvalidArgument", 4: "DeadlineExceeded",
    5: "NotFound", 6: "AlreadyExists", 7: "PermissionDenied", 8: "ResourceExhausted",
    9: "FailedPrecondition", 10: "Aborted", 11: "OutOfRange", 12: "Unimplemented",
    13: "Internal", 14: "Unavailable", 15: "DataLoss", 16: "Unauthenticated",
}


@pytest.mark.parametrize("code,name", sorted(ERROR_CLASSES.items()))
def test_error_classes_match_the_library(code, name):
    cls = getattr(mitra, name)
    assert issubclass(cls, mitra.Error) and cls is not mitra.Error
    assert cls.code == code
    assert cls.status == _native.lib.mitra_status_name(code).decode()
    e = cls("some message")
    assert str(e) == "some message" and e.code == code


def test_error_carries_code_status_and_message(ws):
    with pytest.raises(mitra.Error) as info:
        ws.ids("bogus")
    e = info.value
    assert type(e) is mitra.InvalidArgument
    assert (e.code, e.status) == (3, "INVALID_ARGUMENT")
    assert 'unknown entity kind "bogus"' in str(e)
