"""mitra: relationship-marketing scores and plans (Python binding).

A thin ctypes layer over libmitra's C ABI (include/mitra/mitra.h); records
travel as the protobuf messages of ``mitra.v1``::

    import mitra
    from mitra.v1 import Batch

    with mitra.Workspace() as ws:
        ws.ingest(Batch(customers=[{"id": "c1"}]))
        ws.counts()["customers"]   # 1

The library is found through $MITRA_LIBRARY (a full path), else a copy inside
this package (an installed wheel), else the build tree
(build/<preset>/src/libmitra.so.1 beside build/<preset>/python/mitra/).
Failed calls raise a subclass of mitra.Error named after the status.
"""

from . import _native
from ._errors import (  # noqa: F401  (re-exported)
    Aborted,
    AlreadyExists,
    Cancelled,
    DataLoss,
    DeadlineExceeded,
    Error,
    FailedPrecondition,
    Internal,
    InvalidArgument,
    NotFound,
    OutOfRange,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
    Unimplemented,
    Unknown,
)
from ._errors import ALL as _ERROR_NAMES
from ._basis import Basis  # where a money figure comes from
from ._workspace import KINDS, Workspace, memory_limit, set_memory_limit
from . import value  # mitra.value: customer value (summaries, models, CLV, RFM)
from . import graph  # mitra.graph: centralities, cores, betweenness, Leiden
from . import leaders  # mitra.leaders: community leaders, trust, health
from . import activation  # mitra.activation: activation plans, diffusion spread
from . import ladder  # mitra.ladder: relationship ladder, external-employee contribution
from . import cocreation  # mitra.cocreation: trial panels, feedback, adoption
from . import channels  # mitra.channels: channel economics, chain against community

#: The library's version, e.g. "1.0.0" (mitra_version_string()).
__version__ = _native.lib.mitra_version_string().decode("ascii")

#: Path of the libmitra that was loaded.
library_path = _native.library_path

#: The ABI major version this package was written for.
ABI_MAJOR = _native.ABI_MAJOR


def version_number():
    """MITRA_VERSION_NUMBER of the loaded library: major*10000 + minor*100 + patch."""
    return int(_native.lib.mitra_version_number())


__all__ = ["Workspace", "Basis", "KINDS", "value", "graph", "leaders", "activation", "ladder", "cocreation", "channels", "version_number", "set_memory_limit", "memory_limit", "__version__", "library_path",
           "ABI_MAJOR"] + _ERROR_NAMES
