"""mitra.Workspace: one host's data, held by the C library."""

import ctypes
import threading

import numpy as np
from google.protobuf.message import Message

from . import _native
from ._errors import OutOfRange, call, call_bytes
from .v1 import batch_pb2

_lib = _native.lib

#: The entity kinds, in the field order of mitra.v1.Batch.
KINDS = tuple(f.name for f in batch_pb2.WorkspaceCounts.DESCRIPTOR.fields)


def _text(value, what):
    return _native.c_string(value, what)


def _path(path, what="path"):
    return _native.c_string(path, what, path=True)


def memory_limit_bytes(value, what="memory_limit"):
    """A memory limit for the C library: None (no limit of its own) is 0."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int (bytes) or None, not %s"
                        % (what, type(value).__name__))
    if not 0 < value < 2 ** 64:
        raise ValueError("%s must be > 0 and < 2**64 bytes (None: no limit of its own), got %d"
                         % (what, value))
    return value


def set_memory_limit(bytes):  # noqa: A002  (the C name)
    """Set the process-wide memory limit in bytes (None: back to the default,
    half of the smallest of physical memory, RLIMIT_AS and the cgroup's
    limit). It bounds the calls that take no workspace (mitra.activation.plan,
    simulate, mitra.graph.centrality, ...) and every Workspace without a limit
    of its own. A request whose estimated need exceeds what is left raises
    ResourceExhausted naming the parameter ("request.epsilon: ...")."""
    call(_lib.mitra_set_memory_limit, memory_limit_bytes(bytes))


def memory_limit():
    """The process-wide memory limit in force, in bytes."""
    out = ctypes.c_uint64()
    call(_lib.mitra_memory_limit, ctypes.byref(out))
    return out.value


class Workspace:
    """A workspace: customers, purchases, communities, ... in columnar form.

    Owns a ``mitra_workspace*``; ``close()`` (or leaving a ``with`` block, or
    garbage collection) frees it. Using a closed workspace raises ValueError.
    Reading methods may run concurrently from several threads; ingestion
    waits for them (the C library's rule). Kinds, names and paths are C
    strings: one with an embedded NUL raises ValueError, as open() does.
    """

    def __init__(self, memory_limit=None):
        """memory_limit: the most bytes the requests on this workspace may
        reserve at once (see set_memory_limit); None follows the
        process-wide limit (mitra.set_memory_limit)."""
        limit = memory_limit_bytes(memory_limit)
        handle = _native.workspace_p()
        call(_lib.mitra_workspace_create, ctypes.byref(handle))
        self._adopt(handle)
        if limit:
            self.set_memory_limit(limit)

    def _adopt(self, handle):
        self._handle = handle
        self._users = 0        # calls in flight
        self._closing = False  # close() called while calls were in flight
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path):
        """Open the snapshot at ``path`` (see save()).

        Raises DataLoss for a truncated or corrupted file and
        FailedPrecondition for one written by a newer major format.
        """
        handle = _native.workspace_p()
        call(_lib.mitra_workspace_load, _path(path), ctypes.byref(handle))
        self = cls.__new__(cls)
        self._adopt(handle)
        return self

    # ---- lifetime -----------------------------------------------------------

    def _acquire(self):
        with self._lock:
            if not self._handle or self._closing:
                raise ValueError("operation on a closed mitra.Workspace")
            self._users += 1
            return self._handle

    def _release(self):
        with self._lock:
            self._users -= 1
            if self._closing and self._users == 0:
                self._free_locked()

    def _free_locked(self):
        handle, self._handle = self._handle, None
        if handle:
            _lib.mitra_workspace_free(handle)

    def close(self):
        """Free the C workspace. Closing again does nothing; a call running on
        another thread finishes first (the handle is freed after it)."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ failed before a handle existed
            return
        with lock:
            if self._users:
                self._closing = True
            else:
                self._free_locked()

    @property
    def closed(self):
        """True once close() has been called."""
        return not getattr(self, "_handle", None) or self._closing

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    class _Use:
        __slots__ = ("ws", "handle")

        def __init__(self, ws):
            self.ws = ws

        def __enter__(self):
            self.handle = self.ws._acquire()
            return self.handle

        def __exit__(self, *exc):
            self.ws._release()

    def _use(self):
        return Workspace._Use(self)

    # ---- memory -------------------------------------------------------------

    def set_memory_limit(self, bytes):  # noqa: A002  (the C name)
        """Set this workspace's memory limit in bytes, shared by the requests
        running on it (None: follow the process-wide limit again). A request
        whose estimated need exceeds what is left raises ResourceExhausted
        naming the parameter ("request.plan.epsilon: ... needs an estimated
        N bytes ...") before it allocates."""
        limit = memory_limit_bytes(bytes)
        with self._use() as h:
            call(_lib.mitra_workspace_set_memory_limit, h, limit)

    @property
    def memory_limit(self):
        """The limit in force, in bytes: this workspace's own, else the
        process-wide one."""
        out = ctypes.c_uint64()
        with self._use() as h:
            call(_lib.mitra_workspace_memory_limit, h, ctypes.byref(out))
        return out.value

    # ---- ingestion ----------------------------------------------------------

    def ingest(self, batch):
        """Apply a ``mitra.v1.Batch`` (or its serialized bytes), whole or not
        at all. Raises InvalidArgument, NotFound, AlreadyExists, ... naming
        the record and field at fault; on error nothing changes."""
        if isinstance(batch, Message):
            if batch.DESCRIPTOR.full_name != "mitra.v1.Batch":
                raise TypeError("ingest() takes a mitra.v1.Batch, not %s"
                                % batch.DESCRIPTOR.full_name)
            data = batch.SerializeToString()
        elif isinstance(batch, (bytes, bytearray, memoryview)):
            data = bytes(batch)
        else:
            raise TypeError("ingest() takes a mitra.v1.Batch or bytes, not %s"
                            % type(batch).__name__)
        with self._use() as h:
            call(_lib.mitra_workspace_ingest, h, data, len(data))

    def ingest_csv(self, kind, path):
        """Apply the CSV file at ``path`` holding records of one ``kind``
        ("customers", "transactions", ...; see docs/CSV.md). Errors name the
        file, line and column."""
        kind_b = _text(kind, "kind")
        path_b = _path(path)
        with self._use() as h:
            call(_lib.mitra_workspace_ingest_csv, h, kind_b, path_b)

    def ingest_csv_text(self, kind, text, name=None):
        """Apply CSV text (str or UTF-8 bytes) of one ``kind``; ``name``
        stands for the file name in error messages."""
        kind_b = _text(kind, "kind")
        if isinstance(text, str):
            data = text.encode("utf-8")
        elif isinstance(text, (bytes, bytearray, memoryview)):
            data = bytes(text)
        else:
            raise TypeError("text must be str or bytes, not %s" % type(text).__name__)
        name_b = None if name is None else _path(name, "name")
        with self._use() as h:
            call(_lib.mitra_workspace_ingest_csv_bytes, h, kind_b, name_b, data, len(data))

    # ---- reading --------------------------------------------------------------

    def counts(self):
        """{kind: number of records} for every entity kind."""
        with self._use() as h:
            data = call_bytes(_lib.mitra_workspace_counts, h)
        counts = batch_pb2.WorkspaceCounts.FromString(data)
        return {kind: getattr(counts, kind) for kind in KINDS}

    def export(self):
        """Every record as one ``mitra.v1.Batch`` (entities in dense index
        order). For very large workspaces use save()."""
        with self._use() as h:
            data = call_bytes(_lib.mitra_workspace_export, h)
        return batch_pb2.Batch.FromString(data)

    def ids(self, kind):
        """The ids of one entity kind in dense index order (the indices that
        columns use)."""
        kind_b = _text(kind, "kind")
        with self._use() as h:
            data = call_bytes(_lib.mitra_workspace_ids, h, kind_b)
        return list(batch_pb2.IdList.FromString(data).ids)

    def column_names(self):
        """The names of every numeric column, "<kind>.<column>"."""
        with self._use() as h:
            data = call_bytes(_lib.mitra_workspace_column_names, h)
        return list(batch_pb2.IdList.FromString(data).ids)

    def column(self, name):
        """A numeric column as a new numpy array (uint8, uint32, int64 or
        float64), which the library fills directly. Unset references read as
        the dtype's maximum (UINT32_MAX), absent times as INT64_MIN, absent
        numbers as NaN."""
        name_b = _text(name, "name")
        dtype = _native.mitra_dtype(0)
        length = ctypes.c_size_t(0)
        with self._use() as h:
            # Columns only grow, and only by ingestion on another thread
            # between the two calls: retry with doubled headroom, so that a
            # writer that keeps ingesting cannot stay ahead of the reader.
            headroom = 0
            for _ in range(8):
                call(_lib.mitra_workspace_column_info, h, name_b,
                     ctypes.byref(dtype), ctypes.byref(length))
                np_dtype = _native.DTYPES.get(dtype.value)
                if np_dtype is None:
                    raise TypeError("column %s has an unknown mitra_dtype %d"
                                    % (name, dtype.value))
                arr = np.empty(length.value + headroom, dtype=np_dtype)
                headroom = max(1024, 2 * (length.value + headroom))
                copied = ctypes.c_size_t(0)
                try:
                    call(_lib.mitra_workspace_column_copy, h, name_b,
                         arr.ctypes.data_as(ctypes.c_void_p), arr.nbytes,
                         ctypes.byref(copied))
                except OutOfRange:
                    continue
                return arr if copied.value == arr.size else arr[:copied.value]
        raise OutOfRange("column %s kept growing while being read" % name)

    # ---- snapshots --------------------------------------------------------------

    def save(self, path):
        """Write a snapshot file at ``path`` (atomically: a crash leaves the old
        file or the new one). Read it back with Workspace.load(path)."""
        path_b = _path(path)
        with self._use() as h:
            call(_lib.mitra_workspace_save, h, path_b)

    def __repr__(self):
        if self.closed:
            return "<mitra.Workspace (closed)>"
        try:
            counts = self.counts()
        except Exception as e:  # repr must not raise
            return "<mitra.Workspace (counts failed: %s)>" % e
        return "<mitra.Workspace %s>" % " ".join("%s=%d" % kv for kv in counts.items())


def run_request(fn, ws, request, report_type):
    """Calls a request-in, report-out workspace entry point of the C ABI
    (mitra_workspace_leaders, mitra_workspace_ladder, ...) on `ws` and parses
    its report as `report_type`."""
    data = request.SerializeToString()
    with ws._use() as handle:
        out = call_bytes(fn, handle, data, len(data))
    return report_type.FromString(out)
