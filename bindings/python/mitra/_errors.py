"""mitra.Error and one subclass per mitra_status, plus the call helpers."""

import ctypes

from . import _native

_lib = _native.lib

# mitra_status value -> status name, as in mitra.h (values never change).
STATUS_NAMES = {
    1: "CANCELLED",
    2: "UNKNOWN",
    3: "INVALID_ARGUMENT",
    4: "DEADLINE_EXCEEDED",
    5: "NOT_FOUND",
    6: "ALREADY_EXISTS",
    7: "PERMISSION_DENIED",
    8: "RESOURCE_EXHAUSTED",
    9: "FAILED_PRECONDITION",
    10: "ABORTED",
    11: "OUT_OF_RANGE",
    12: "UNIMPLEMENTED",
    13: "INTERNAL",
    14: "UNAVAILABLE",
    15: "DATA_LOSS",
    16: "UNAUTHENTICATED",
}


class Error(Exception):
    """A failed mitra call.

    ``code`` is the mitra_status value (an int, as absl::StatusCode),
    ``status`` its name ("INVALID_ARGUMENT", ...) and ``str(e)`` the C
    error's message, which names the record and field at fault.
    """

    code = 2
    status = "UNKNOWN"

    def __init__(self, message, code=None):
        super().__init__(message)
        if code is not None:
            self.code = code
            self.status = STATUS_NAMES.get(code, "UNKNOWN_STATUS")

    @property
    def message(self):
        return self.args[0] if self.args else ""

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, self.message)


_BY_CODE = {}


def _subclass(code, name):
    camel = "".join(part.capitalize() for part in name.split("_"))
    cls = type(camel, (Error,), {
        "code": code,
        "status": name,
        "__doc__": "mitra status %s (%d)." % (name, code),
        "__module__": "mitra",
    })
    _BY_CODE[code] = cls
    return cls


Cancelled = _subclass(1, "CANCELLED")
Unknown = _subclass(2, "UNKNOWN")
InvalidArgument = _subclass(3, "INVALID_ARGUMENT")
DeadlineExceeded = _subclass(4, "DEADLINE_EXCEEDED")
NotFound = _subclass(5, "NOT_FOUND")
AlreadyExists = _subclass(6, "ALREADY_EXISTS")
PermissionDenied = _subclass(7, "PERMISSION_DENIED")
ResourceExhausted = _subclass(8, "RESOURCE_EXHAUSTED")
FailedPrecondition = _subclass(9, "FAILED_PRECONDITION")
Aborted = _subclass(10, "ABORTED")
OutOfRange = _subclass(11, "OUT_OF_RANGE")
Unimplemented = _subclass(12, "UNIMPLEMENTED")
Internal = _subclass(13, "INTERNAL")
Unavailable = _subclass(14, "UNAVAILABLE")
DataLoss = _subclass(15, "DATA_LOSS")
Unauthenticated = _subclass(16, "UNAUTHENTICATED")

Error.__module__ = "mitra"

ALL = ["Error"] + [cls.__name__ for cls in _BY_CODE.values()]


def error_for(code, message):
    """The exception for a status code (an unknown code gives plain Error)."""
    cls = _BY_CODE.get(code)
    if cls is None:
        return Error(message, code)
    return cls(message)


def call(fn, *args):
    """Call a C function whose last parameter is ``mitra_error**``.

    Returns nothing; raises the Error subclass of the failure after freeing
    the C error.
    """
    err = _native.error_p()
    status = fn(*args, ctypes.byref(err))
    if status == 0:
        return
    if not err:  # the ABI promises an error object; do not crash if not
        raise error_for(status, "%s failed with status %s"
                        % (fn.__name__, STATUS_NAMES.get(status, status)))
    try:
        code = _lib.mitra_error_code(err)
        raw = _lib.mitra_error_message(err)
        message = raw.decode("utf-8", "replace") if raw is not None else ""
    finally:
        _lib.mitra_error_free(err)
    raise error_for(code or status, message)


def call_bytes(fn, *args):
    """Call a C function ending in ``(uint8_t** out, size_t* out_len,
    mitra_error** error)`` and return the output as bytes, freeing the
    library's buffer with mitra_free in every case."""
    out = _native.u8_p()
    out_len = ctypes.c_size_t(0)
    try:
        call(fn, *args, ctypes.byref(out), ctypes.byref(out_len))
        if not out:
            return b""
        return ctypes.string_at(out, out_len.value)
    finally:
        if out:
            _lib.mitra_free(ctypes.cast(out, ctypes.c_void_p))
