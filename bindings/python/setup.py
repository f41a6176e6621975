"""Builds a platform wheel of mitra from the package the build assembled.

The CMake target ``mitra_python`` assembles the package (sources plus the
generated ``mitra/v1/*_pb2.py``) in ``build/<preset>/python/`` and copies
this file there. From the repository root:

    cmake --build build/<preset> --target mitra_python
    /usr/bin/python3 -m pip wheel --no-build-isolation --no-deps \\
        build/<preset>/python -w dist

The wheel carries ``libmitra.so.<major>`` inside the package (the first
place the package looks for it) and is tagged ``py3-none-<platform>``: the
Python code is version-independent, the library is not. It links the
system's shared protobuf and Abseil, so it installs on machines that have
the same ones (it is not a manylinux wheel).

Run on ``bindings/python`` instead, it uses ``$MITRA_PYTHON_DIR`` (the
assembled ``build/<preset>/python``), else the only ``build/*/python`` that
holds an assembled package. ``MITRA_LIBRARY`` overrides the
library put in the wheel (default: ``<python dir>/../src/libmitra.so.<major>``).
"""

import ctypes
import glob
import os
import shutil
import sys

from setuptools import Distribution, setup
from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
ABI_MAJOR = 1  # keep equal to mitra/_native.py
LIBRARY_NAME = "libmitra.so.%d" % ABI_MAJOR


def _assembled(root):
    return os.path.exists(os.path.join(root, "mitra", "v1", "batch_pb2.py"))


def _python_dir():
    """The assembled package's parent: $MITRA_PYTHON_DIR, this directory (the
    build tree's copy of setup.py), or the one build tree that has it."""
    env = os.environ.get("MITRA_PYTHON_DIR")
    if env:
        root = os.path.abspath(env)
        if not _assembled(root):
            sys.exit("setup.py: MITRA_PYTHON_DIR=%s holds no assembled mitra package "
                     "(mitra/v1/batch_pb2.py is missing)" % root)
        return root
    if _assembled(HERE):
        return HERE
    builds = sorted(p for p in glob.glob(os.path.join(HERE, "..", "..", "build", "*", "python"))
                    if _assembled(p))
    if len(builds) == 1:
        return os.path.abspath(builds[0])
    sys.exit("setup.py: no assembled mitra package here. Build the mitra_python target, "
             "then run this on build/<preset>/python or set MITRA_PYTHON_DIR to it%s."
             % ("" if not builds else " (candidates: %s)"
                % ", ".join(os.path.abspath(b) for b in builds)))


def _library(root):
    path = os.environ.get("MITRA_LIBRARY") or os.path.join(root, "..", "src", LIBRARY_NAME)
    path = os.path.realpath(path)  # libmitra.so.1 -> libmitra.so.1.0.0
    if not os.path.isfile(path):
        sys.exit("setup.py: %s not found; build mitra_shared or set MITRA_LIBRARY" % path)
    return path


def _library_version(path):
    lib = ctypes.CDLL(path)
    lib.mitra_version_number.restype = ctypes.c_uint32
    lib.mitra_version_string.restype = ctypes.c_char_p
    if lib.mitra_version_number() // 10000 != ABI_MAJOR:
        sys.exit("setup.py: %s is not ABI major version %d" % (path, ABI_MAJOR))
    return lib.mitra_version_string().decode("ascii")


def _stage(root, library):
    """A clean copy of the package with the library inside, for setuptools."""
    staging = os.path.join(HERE, "build", "wheel-staging")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(os.path.join(root, "mitra"), os.path.join(staging, "mitra"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "libmitra.so*"))
    shutil.copy2(library, os.path.join(staging, "mitra", LIBRARY_NAME))
    return staging


class BinaryDistribution(Distribution):
    """Holds a native library: install into platlib, at the wheel's root."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    """Pure-Python code plus a native library: py3-none-<platform>."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


_root = _python_dir()
_lib = _library(_root)
_staging = _stage(_root, _lib)

setup(
    name="mitra",
    version=_library_version(_lib),
    description="Relationship-marketing scores and plans, embeddable in CRM products",
    long_description=__doc__,
    long_description_content_type="text/plain",
    python_requires=">=3.9",
    install_requires=["protobuf>=3.20", "numpy>=1.20"],
    # mitra.dask only; `import mitra` never needs them.
    extras_require={"dask": ["dask[dataframe]>=2022.12", "pandas>=1.5"]},
    package_dir={"": _staging},
    packages=["mitra", "mitra.dask", "mitra.v1"],
    package_data={"mitra": [LIBRARY_NAME]},
    include_package_data=False,
    zip_safe=False,
    distclass=BinaryDistribution,
    cmdclass={"bdist_wheel": PlatformWheel},
)
