"""Loading libmitra and the ctypes signatures of every function in mitra.h.

Internal: the public API is in the ``mitra`` package. Keep SIGNATURES in
the order of include/mitra/mitra.h and complete: every function there.
"""

import ctypes
import os

# The ABI major version this package was written for: libmitra.so.<major>.
ABI_MAJOR = 1
LIBRARY_NAME = "libmitra.so.%d" % ABI_MAJOR

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

# ---- Types -----------------------------------------------------------------


class mitra_error(ctypes.Structure):
    """Opaque ``mitra_error``."""


class mitra_workspace(ctypes.Structure):
    """Opaque ``mitra_workspace``."""


mitra_status = ctypes.c_int
mitra_dtype = ctypes.c_int
error_p = ctypes.POINTER(mitra_error)
error_pp = ctypes.POINTER(error_p)
workspace_p = ctypes.POINTER(mitra_workspace)
workspace_pp = ctypes.POINTER(workspace_p)
u8_p = ctypes.POINTER(ctypes.c_uint8)
u8_pp = ctypes.POINTER(u8_p)
size_p = ctypes.POINTER(ctypes.c_size_t)


def c_string(value, what, path=False):
    """``value`` as the bytes of a C string argument: str is UTF-8 (or, with
    ``path``, os.fsencode; path-like objects too), bytes pass as they are.
    A NUL inside would silently cut the string short in C, so it raises
    ValueError naming ``what``, as Python's open() does."""
    if path and not isinstance(value, (str, bytes)) and hasattr(value, "__fspath__"):
        value = os.fspath(value)
    if isinstance(value, str):
        value = os.fsencode(value) if path else value.encode("utf-8")
    elif not isinstance(value, bytes):
        raise TypeError("%s must be %s, not %s"
                        % (what, "a path" if path else "str", type(value).__name__))
    if b"\0" in value:
        raise ValueError("%s: embedded null byte" % what)
    return value


class c_str(ctypes.c_char_p):
    """The argument type of every ``const char*`` of mitra.h: NUL-terminated,
    so a bytes argument with a NUL inside is refused here too, whichever
    Python code passed it (the methods call c_string first, for an error that
    names the parameter)."""

    @classmethod
    def from_param(cls, obj):
        if obj is None:
            return None
        return c_string(obj, "C string argument")


# Input bytes (const uint8_t* + size_t) are passed as Python bytes through
# c_char_p: ctypes hands over the bytes object's own buffer, embedded NULs
# included, without copying.
in_bytes = ctypes.c_char_p
# Per-customer arrays (numpy buffers, passed with arr.ctypes.data_as(...)).
f64_p = ctypes.POINTER(ctypes.c_double)
i32_p = ctypes.POINTER(ctypes.c_int32)
i64_p = ctypes.POINTER(ctypes.c_int64)
u32_p = ctypes.POINTER(ctypes.c_uint32)
u64_p = ctypes.POINTER(ctypes.c_uint64)
mitra_value_quantity = ctypes.c_int
# int (*)(params, coefficients, center, scale, log_likelihood, gradient, user)
covariate_likelihood = ctypes.CFUNCTYPE(ctypes.c_int, f64_p, f64_p, f64_p, f64_p, f64_p, f64_p,
                                        ctypes.c_void_p)
likelihood = ctypes.CFUNCTYPE(ctypes.c_int, f64_p, f64_p, f64_p, ctypes.c_void_p)

# name: (restype, argtypes)
SIGNATURES = {
    # Version
    "mitra_version_number": (ctypes.c_uint32, []),
    "mitra_version_string": (ctypes.c_char_p, []),
    # Status and errors
    "mitra_error_code": (mitra_status, [error_p]),
    "mitra_error_message": (ctypes.c_char_p, [error_p]),
    "mitra_error_free": (None, [error_p]),
    "mitra_status_name": (ctypes.c_char_p, [mitra_status]),
    "mitra_free": (None, [ctypes.c_void_p]),
    # Workspace
    "mitra_workspace_create": (mitra_status, [workspace_pp, error_pp]),
    "mitra_workspace_free": (None, [workspace_p]),
    "mitra_workspace_ingest": (mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, error_pp]),
    "mitra_workspace_ingest_csv": (mitra_status, [workspace_p, c_str, c_str, error_pp]),
    "mitra_workspace_ingest_csv_bytes": (
        mitra_status, [workspace_p, c_str, c_str, in_bytes, ctypes.c_size_t, error_pp]),
    "mitra_workspace_counts": (mitra_status, [workspace_p, u8_pp, size_p, error_pp]),
    "mitra_workspace_export": (mitra_status, [workspace_p, u8_pp, size_p, error_pp]),
    "mitra_workspace_ids": (mitra_status, [workspace_p, c_str, u8_pp, size_p, error_pp]),
    # Memory limits
    "mitra_set_memory_limit": (mitra_status, [ctypes.c_uint64, error_pp]),
    "mitra_memory_limit": (mitra_status, [u64_p, error_pp]),
    "mitra_workspace_set_memory_limit": (mitra_status, [workspace_p, ctypes.c_uint64, error_pp]),
    "mitra_workspace_memory_limit": (mitra_status, [workspace_p, u64_p, error_pp]),
    # Columns
    "mitra_workspace_column_names": (mitra_status, [workspace_p, u8_pp, size_p, error_pp]),
    "mitra_workspace_column_info": (
        mitra_status, [workspace_p, c_str, ctypes.POINTER(mitra_dtype), size_p, error_pp]),
    "mitra_workspace_column_copy": (
        mitra_status, [workspace_p, c_str, ctypes.c_void_p, ctypes.c_size_t, size_p, error_pp]),
    # Snapshots
    "mitra_workspace_save": (mitra_status, [workspace_p, c_str, error_pp]),
    "mitra_workspace_load": (mitra_status, [c_str, workspace_pp, error_pp]),
    # Customer value
    "mitra_workspace_value_summary": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_value_summarize": (
        mitra_status, [u32_p, i64_p, f64_p, ctypes.c_size_t, in_bytes, ctypes.c_size_t,
                       u8_pp, size_p, error_pp]),
    "mitra_value_fit": (mitra_status, [in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_value_predict": (
        mitra_status, [in_bytes, ctypes.c_size_t, mitra_value_quantity, ctypes.c_double,
                       f64_p, f64_p, f64_p, ctypes.c_size_t, f64_p, error_pp]),
    "mitra_value_expected_purchases_new": (
        mitra_status, [in_bytes, ctypes.c_size_t, f64_p, ctypes.c_size_t, f64_p, error_pp]),
    "mitra_value_probability_of_purchases": (
        mitra_status, [in_bytes, ctypes.c_size_t, ctypes.c_double, i32_p, ctypes.c_size_t,
                       f64_p, error_pp]),
    "mitra_value_expected_spend": (
        mitra_status, [in_bytes, ctypes.c_size_t, f64_p, f64_p, ctypes.c_size_t, f64_p,
                       error_pp]),
    "mitra_value_clv": (
        mitra_status, [in_bytes, ctypes.c_size_t, in_bytes, ctypes.c_size_t, ctypes.c_int32,
                       ctypes.c_double, ctypes.c_double, f64_p, f64_p, f64_p, f64_p,
                       ctypes.c_size_t, f64_p, error_pp]),
    "mitra_value_holdout": (
        mitra_status, [in_bytes, ctypes.c_size_t, ctypes.c_double, f64_p, f64_p, f64_p, f64_p,
                       ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_value_rfm": (mitra_status, [in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_value_predict_intervals": (
        mitra_status, [in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    # Contract renewals and discrete opportunities (1.2)
    "mitra_value_sbg_fit": (mitra_status, [in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_value_sbg_predict": (
        mitra_status, [in_bytes, ctypes.c_size_t, ctypes.c_int, ctypes.c_double, i32_p,
                       ctypes.c_size_t, f64_p, error_pp]),
    "mitra_value_bgbb_fit": (
        mitra_status, [f64_p, f64_p, f64_p, f64_p, ctypes.c_size_t, in_bytes, ctypes.c_size_t,
                       u8_pp, size_p, error_pp]),
    "mitra_value_bgbb_predict": (
        mitra_status, [in_bytes, ctypes.c_size_t, ctypes.c_int, ctypes.c_int32, f64_p, f64_p,
                       f64_p, ctypes.c_size_t, f64_p, error_pp]),
    "mitra_value_bgbb_distribution": (
        mitra_status, [in_bytes, ctypes.c_size_t, ctypes.c_int32, f64_p, error_pp]),
    "mitra_workspace_value_sbg": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_workspace_value_bgbb": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    # Customer value: tracking over time (1.2)
    "mitra_value_expected_cumulative_transactions": (
        mitra_status, [in_bytes, ctypes.c_size_t, f64_p, ctypes.c_size_t, ctypes.c_double,
                       ctypes.c_int32, f64_p, error_pp]),
    "mitra_value_tracking": (
        mitra_status, [in_bytes, ctypes.c_size_t, u32_p, i64_p, ctypes.c_size_t, ctypes.c_int64,
                       ctypes.c_int64, ctypes.c_int64, ctypes.c_double, ctypes.c_int32, f64_p,
                       f64_p, error_pp]),
    "mitra_workspace_value_tracking": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, ctypes.c_int64, ctypes.c_int64,
                       ctypes.c_int64, ctypes.c_double, ctypes.c_int32, f64_p, f64_p, error_pp]),
    "mitra_value_probability_alive_path": (
        mitra_status, [in_bytes, ctypes.c_size_t, f64_p, ctypes.c_size_t, f64_p,
                       ctypes.c_size_t, f64_p, error_pp]),
    "mitra_value_purchase_count_probability": (
        mitra_status, [in_bytes, ctypes.c_size_t, ctypes.c_double, i32_p, f64_p, f64_p, f64_p,
                       ctypes.c_size_t, f64_p, error_pp]),
    "mitra_value_spend_holdout": (
        mitra_status, [in_bytes, ctypes.c_size_t, f64_p, f64_p, f64_p, f64_p, ctypes.c_size_t,
                       u8_pp, size_p, error_pp]),
    # Customer value with covariates (1.2)
    "mitra_value_fit_covariates": (
        mitra_status, [ctypes.c_int, f64_p, f64_p, f64_p, ctypes.c_size_t, f64_p, ctypes.c_size_t,
                       ctypes.c_size_t, f64_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_double,
                       f64_p, f64_p, f64_p, ctypes.c_void_p, error_pp]),
    "mitra_value_predict_covariates": (
        mitra_status, [ctypes.c_int, f64_p, f64_p, mitra_value_quantity, ctypes.c_double, f64_p,
                       f64_p, f64_p, ctypes.c_size_t, f64_p, ctypes.c_size_t, ctypes.c_size_t,
                       f64_p, ctypes.c_size_t, ctypes.c_size_t, f64_p, error_pp]),
    "mitra_value_expected_cumulative_transactions_covariates": (
        mitra_status, [ctypes.c_int, f64_p, f64_p, f64_p, ctypes.c_size_t, f64_p, ctypes.c_size_t,
                       ctypes.c_size_t, f64_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_double,
                       ctypes.c_int32, f64_p, error_pp]),
    # A covariate fit over customers held elsewhere (1.2)
    "mitra_value_covariate_moments": (
        mitra_status, [f64_p, ctypes.c_size_t, ctypes.c_size_t, f64_p, ctypes.c_double, f64_p,
                       error_pp]),
    "mitra_value_covariate_log_likelihood": (
        mitra_status, [ctypes.c_int, f64_p, f64_p, f64_p, f64_p, f64_p, f64_p, f64_p, f64_p,
                       ctypes.c_size_t, f64_p, ctypes.c_size_t, ctypes.c_size_t, f64_p,
                       ctypes.c_size_t, ctypes.c_size_t, f64_p, f64_p, error_pp]),
    "mitra_value_fit_covariates_callback": (
        mitra_status, [in_bytes, ctypes.c_size_t, ctypes.c_double, f64_p, f64_p, f64_p, f64_p,
                       covariate_likelihood, ctypes.c_void_p, u8_pp, size_p, error_pp]),
    # A fit without covariates over customers held elsewhere (1.2)
    "mitra_value_log_likelihood": (
        mitra_status, [ctypes.c_int32, f64_p, ctypes.c_size_t, f64_p, f64_p, f64_p, f64_p, f64_p,
                       ctypes.c_size_t, f64_p, f64_p, error_pp]),
    "mitra_value_fit_callback": (
        mitra_status, [in_bytes, ctypes.c_size_t, ctypes.c_double, likelihood, ctypes.c_void_p,
                       u8_pp, size_p, error_pp]),
    # Graphs (1.1)
    "mitra_graph_centrality": (
        mitra_status, [ctypes.c_uint32, u32_p, u32_p, f64_p, ctypes.c_size_t, in_bytes,
                       ctypes.c_size_t, f64_p, u8_pp, size_p, error_pp]),
    "mitra_graph_leiden": (
        mitra_status, [ctypes.c_uint32, u32_p, u32_p, f64_p, ctypes.c_size_t, in_bytes,
                       ctypes.c_size_t, u32_p, u8_pp, size_p, error_pp]),
    "mitra_graph_modularity": (
        mitra_status, [ctypes.c_uint32, u32_p, u32_p, f64_p, ctypes.c_size_t, ctypes.c_int32,
                       u32_p, ctypes.c_double, f64_p, error_pp]),
    "mitra_graph_transition_product": (  # 1.2
        mitra_status, [ctypes.c_uint32, u32_p, u32_p, f64_p, ctypes.c_size_t, ctypes.c_uint32,
                       ctypes.c_uint32, f64_p, f64_p, f64_p, error_pp]),
    "mitra_graph_edge_values": (  # 1.2
        mitra_status, [ctypes.c_uint32, u32_p, u32_p, f64_p, ctypes.c_size_t, in_bytes,
                       ctypes.c_size_t, f64_p, u8_pp, size_p, error_pp]),
    "mitra_workspace_interaction_graph": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_workspace_learn_influence": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    # Activation (1.1)
    "mitra_activation_plan": (
        mitra_status, [ctypes.c_uint32, u32_p, u32_p, f64_p, ctypes.c_size_t, in_bytes,
                       ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_activation_simulate": (
        mitra_status, [ctypes.c_uint32, u32_p, u32_p, f64_p, ctypes.c_size_t, in_bytes,
                       ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_workspace_activation_plan": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    # Activation in pieces (1.2)
    "mitra_activation_rr_sets": (
        mitra_status, [ctypes.c_uint32, u32_p, u32_p, f64_p, ctypes.c_size_t, in_bytes,
                       ctypes.c_size_t, ctypes.c_uint64, ctypes.c_uint64, u8_pp, size_p,
                       error_pp]),
    "mitra_activation_rr_coverage": (
        mitra_status, [ctypes.c_uint32, u32_p, ctypes.c_size_t, ctypes.c_uint64, u32_p,
                       ctypes.c_size_t, u64_p, u64_p, error_pp]),
    "mitra_activation_imm_stage": (
        mitra_status, [ctypes.c_uint32, in_bytes, ctypes.c_size_t, ctypes.c_uint32,
                       ctypes.c_uint64, u32_p, u64_p, f64_p, error_pp]),
    "mitra_activation_selection_plan": (
        mitra_status, [ctypes.c_uint32, u32_p, u32_p, f64_p, ctypes.c_size_t, in_bytes,
                       ctypes.c_size_t, u32_p, u64_p, ctypes.c_size_t, ctypes.c_uint64,
                       ctypes.c_double, u8_pp, size_p, error_pp]),
    # Leaders (1.1)
    "mitra_workspace_leaders": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_workspace_trust": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_workspace_community_health": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    # Ladder (1.1)
    "mitra_workspace_ladder": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_workspace_contribution": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    # Co-creation (1.1)
    "mitra_workspace_cocreation_panel": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_workspace_cocreation_feedback": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_workspace_cocreation_adoption": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    # Channels (1.1)
    "mitra_workspace_channel_economics": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_workspace_campaign_effects": (
        mitra_status, [workspace_p, in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_channels_budget_split": (
        mitra_status, [in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
    "mitra_channels_double_marginalisation": (
        mitra_status, [in_bytes, ctypes.c_size_t, u8_pp, size_p, error_pp]),
}

# mitra_value_quantity values.
VALUE_EXPECTED_PURCHASES = 1
VALUE_PROBABILITY_ALIVE = 2
VALUE_PROBABILITY_ALIVE_AT = 3

# mitra_value_sbg_quantity and mitra_value_bgbb_quantity values.
VALUE_SBG_SURVIVAL = 1
VALUE_SBG_RETENTION = 2
VALUE_SBG_DERL = 3
VALUE_SBG_ELASTICITY = 4
VALUE_BGBB_PROBABILITY_ALIVE = 1
VALUE_BGBB_EXPECTED_TRANSACTIONS = 2

# mitra_dtype values -> numpy dtype names.
DTYPES = {1: "uint8", 2: "uint32", 3: "int64", 4: "float64"}


def candidates():
    """The places the library is looked for, in order: (description, path)."""
    places = []
    env = os.environ.get("MITRA_LIBRARY")
    if env:
        places.append(("$MITRA_LIBRARY", env))
    # An installed wheel carries the library inside the package.
    places.append(("package directory", os.path.join(_PACKAGE_DIR, LIBRARY_NAME)))
    # The build tree: build/<preset>/python/mitra/ next to build/<preset>/src/.
    places.append(("build tree",
                   os.path.normpath(os.path.join(_PACKAGE_DIR, "..", "..", "src", LIBRARY_NAME))))
    return places


def _declare(lib):
    for name, (restype, argtypes) in SIGNATURES.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise ImportError("mitra: %s does not export %s" % (lib._name, name)) from None
        fn.restype = restype
        fn.argtypes = argtypes


def check_abi(lib, path, expected_major=ABI_MAJOR):
    """Raise ImportError unless the library's major version is expected_major."""
    try:
        version_number = lib.mitra_version_number
    except AttributeError:
        raise ImportError("mitra: %s is not libmitra (no mitra_version_number)" % path) from None
    version_number.restype = ctypes.c_uint32
    version_number.argtypes = []
    number = version_number()
    if number // 10000 != expected_major:
        raise ImportError(
            "mitra: %s has ABI major version %d (version number %d); this package "
            "needs major version %d" % (path, number // 10000, number, expected_major))
    return number


def load(expected_major=ABI_MAJOR):
    """Find, load and check libmitra; return the ctypes.CDLL with signatures set.

    The first candidate that exists is loaded; $MITRA_LIBRARY, when set, must
    exist (a typo should not silently pick up another library).
    """
    tried = []
    for what, path in candidates():
        if not os.path.exists(path):
            tried.append("%s (%s: not found)" % (path, what))
            if what == "$MITRA_LIBRARY":
                break
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            raise ImportError("mitra: cannot load %s (%s): %s" % (path, what, e)) from e
        check_abi(lib, path, expected_major)
        _declare(lib)
        return lib, path
    raise ImportError("mitra: cannot find %s; tried: %s. Set MITRA_LIBRARY to the "
                      "library's full path." % (LIBRARY_NAME, "; ".join(tried)))


lib, library_path = load()
