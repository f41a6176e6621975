"""mitra.value: customer value from purchases (summaries, BG/NBD, MBG/NBD,
Pareto/NBD, Gamma-Gamma, CLV, holdout checks, RFM).

The shape is that of the ``lifetimes`` package, over libmitra's C ABI
(``mitra.h``, "Customer value"; C++ documentation in docs/VALUE.md)::

    import mitra.value as mv

    s = mv.summarize((customer, time, amount), calibration_end="1997-09-30",
                     holdout_end="1998-06-30", period="day", unit="week")
    bg = mv.BGNBD.fit(s.frequency, s.recency, s.T)
    bg.params                                   # {'r': 0.243, 'alpha': 4.414, ...}
    bg.expected_purchases(39, s.frequency, s.recency, s.T)
    gg = mv.GammaGamma.fit(s.frequency, s.monetary_value)
    gg.clv(bg, s.frequency, s.recency, s.T, s.monetary_value,
           periods=12, period_length=mv.unit_ratio("month", "week"), discount_rate=0.01)

Time. Every model time (recency t_x, age T, horizons t, holdout_length,
period_length) is in the summaries' *unit* (``unit=`` of summarize(), e.g.
weeks); nothing converts silently. Named units: "hour" 3,600 s, "day"
86,400 s, "week" 7 days, "month" 30.4375 days (365.25/12), "year" 365.25
days; or a whole number of seconds.

Arrays. Per-customer inputs are taken as float64, C-contiguous numpy arrays
(``np.asarray(x, np.float64, order="C")``: no copy when they already are)
and read in place by the library; outputs are new numpy arrays that the
library fills. Scalars broadcast against arrays; all-scalar inputs give a
float.

Errors raise mitra.Error subclasses (InvalidArgument, ...) carrying the C
message, which names the field at fault; length mismatches found before the
call raise InvalidArgument the same way.
"""

import collections
import ctypes
import datetime as _dt
import math
import numbers
import warnings
from collections.abc import Mapping

import numpy as np

from . import _native
from ._basis import basis as _basis
from ._errors import InvalidArgument, call, call_bytes
from ._workspace import Workspace
from .v1 import value_pb2 as _pb

_lib = _native.lib

__all__ = [
    "UNITS", "unit_seconds", "unit_ratio", "Summaries", "summarize",
    "BGNBD", "MBGNBD", "ParetoNBD", "GammaGamma", "load_model", "FitBoundaryWarning",
    "clv", "predict_intervals", "Interval", "Intervals", "PREDICTIONS",
    "RealisedInterval", "Estimate",
    "holdout", "rfm", "rfm_reference", "merge_rfm_references", "RFM_DIMENSIONS",
    "DEFAULT_SEGMENTS",
    "expected_cumulative_transactions", "spend_holdout", "covariate_moments",
]

# ---- units and times ----------------------------------------------------------

#: Named time units in seconds. "month" = 365.25/12 days = 30.4375 days,
#: "year" = 365.25 days (docs/VALUE.md).
UNITS = {
    "second": 1,
    "hour": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 2629800,
    "year": 31557600,
}

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
_INT32_MAX = 2**31 - 1


def unit_seconds(unit, what="unit"):
    """Seconds in ``unit``: a name of UNITS (plural allowed: "weeks"), a
    datetime.timedelta, or a positive whole number of seconds."""
    if isinstance(unit, str):
        key = unit.strip().lower()
        if key not in UNITS and key.endswith("s") and key[:-1] in UNITS:
            key = key[:-1]
        if key not in UNITS:
            raise InvalidArgument("%s: unknown unit %r (one of %s, or a number of seconds)"
                                  % (what, unit, ", ".join(UNITS)))
        return UNITS[key]
    if isinstance(unit, _dt.timedelta):
        unit = unit.total_seconds()
    if isinstance(unit, bool) or not isinstance(unit, numbers.Real):
        raise TypeError("%s must be a unit name or a number of seconds, not %s"
                        % (what, type(unit).__name__))
    if not math.isfinite(unit) or unit <= 0 or unit != int(unit):
        raise InvalidArgument("%s: must be a whole number of seconds > 0, got %r" % (what, unit))
    return int(unit)


def unit_ratio(period, unit):
    """How many ``unit`` make one ``period``: unit_ratio("month", "week") =
    30.4375 / 7 = 4.348 (the CLV period_length for monthly periods on weekly
    summaries)."""
    return unit_seconds(period, "period") / unit_seconds(unit, "unit")


def _unix_seconds(value, what):
    """Unix seconds (int) from an int, a whole float, datetime.date (midnight
    UTC), datetime.datetime (naive = UTC; sub-second part floored),
    numpy.datetime64 or an ISO 8601 string."""
    if isinstance(value, bool):
        raise TypeError("%s: a time, not a bool" % what)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        if not math.isfinite(value) or value != int(value):
            raise InvalidArgument("%s: unix seconds must be a whole number, got %r"
                                  % (what, value))
        return int(value)
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise InvalidArgument("%s: NaT is not a time" % what)
        return int(value.astype("datetime64[s]").astype(np.int64))
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) <= 10:
                value = _dt.date.fromisoformat(text)
            else:  # "Z" spelled out for Pythons before 3.11
                value = _dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z")
                                                   else text)
        except ValueError:
            raise InvalidArgument("%s: %r is not an ISO 8601 date or time"
                                  % (what, value)) from None
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        return (value - _EPOCH) // _dt.timedelta(seconds=1)
    if isinstance(value, _dt.date):
        return (_dt.datetime(value.year, value.month, value.day, tzinfo=_dt.timezone.utc)
                - _EPOCH) // _dt.timedelta(seconds=1)
    raise TypeError("%s must be unix seconds, a date, a datetime or an ISO string, not %s"
                    % (what, type(value).__name__))


def _time_array(values, what="time"):
    """An int64 array of unix seconds from integers, whole floats,
    datetime64 or a sequence of dates / datetimes / ISO strings."""
    a = np.asarray(values)
    kind = a.dtype.kind
    if kind == "M":
        if a.size and np.isnat(a).any():
            raise InvalidArgument("%s: NaT at row %d" % (what, int(np.flatnonzero(np.isnat(a))[0])))
        return np.ascontiguousarray(a.astype("datetime64[s]").astype(np.int64))
    if kind == "i":
        return np.ascontiguousarray(a, dtype=np.int64)
    if kind == "u":
        if a.size and a.max() > np.iinfo(np.int64).max:
            raise InvalidArgument("%s: beyond int64 unix seconds" % what)
        return np.ascontiguousarray(a, dtype=np.int64)
    if kind == "f":
        bad = ~np.isfinite(a) | (a != np.floor(a)) | (np.abs(a) >= 2.0**63)
        if a.size and bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InvalidArgument("%s[%d]: unix seconds must be a whole number, got %r"
                                  % (what, i, a.flat[i]))
        return np.ascontiguousarray(a, dtype=np.int64)
    if kind in "OUS":
        flat = a.ravel()
        return np.fromiter((_unix_seconds(v.decode() if isinstance(v, bytes) else v,
                                          "%s[%d]" % (what, i)) for i, v in enumerate(flat)),
                           dtype=np.int64, count=flat.size).reshape(a.shape)
    raise TypeError("%s: unix seconds, datetime64, dates or ISO strings expected, not dtype %s"
                    % (what, a.dtype))


# ---- arrays -------------------------------------------------------------------


def _f64(x):
    """x as an aligned, C-contiguous float64 array; no copy if it already is one."""
    a = np.asarray(x, dtype=np.float64, order="C")
    if not a.flags.aligned:
        a = a.copy()
    return a


def _ptr(a, ptype=_native.f64_p):
    return a.ctypes.data_as(ptype)


def _same_shape(named):
    """[(name, array-like)] -> (arrays, shape, all_scalar). Scalars broadcast
    to the arrays' common shape; arrays of different shapes raise
    InvalidArgument naming the field."""
    arrays = [(name, _f64(v)) for name, v in named]
    first = next(((n, a) for n, a in arrays if a.ndim > 0), None)
    if first is None:
        return [a.reshape(1) for _, a in arrays], (), True
    shape = first[1].shape
    out = []
    for name, a in arrays:
        if a.ndim == 0:
            a = np.full(shape, float(a))
        elif a.shape != shape:
            if a.ndim == 1 and len(shape) == 1:
                raise InvalidArgument("%s: %d values, but %s has %d"
                                      % (name, a.shape[0], first[0], shape[0]))
            raise InvalidArgument("%s: shape %s, but %s has shape %s"
                                  % (name, a.shape, first[0], shape))
        out.append(a)
    return out, shape, False


def _from_repeated(field, dtype):
    """A numpy array from a repeated protobuf field (fromiter: ~2x np.array)."""
    return np.fromiter(field, dtype=dtype, count=len(field))


def _result(out, scalar):
    return float(out[0]) if scalar else out


def _column(x, name):
    a = _f64(x)
    if a.ndim != 1:
        raise InvalidArgument("%s: expected one value per customer (1-d), got shape %s"
                              % (name, a.shape))
    return a


def _horizon(t, what="t"):
    if isinstance(t, bool) or not isinstance(t, numbers.Real):
        if isinstance(t, np.ndarray) and t.ndim == 0:
            return float(t)
        raise TypeError("%s must be one number (the horizon for every customer, in the "
                        "model's time unit), not %s" % (what, type(t).__name__))
    return float(t)


# ---- summaries ------------------------------------------------------------------


class Summaries:
    """Per-customer summaries of the calibration period (and holdout), one
    entry per customer with a calibration purchase.

    frequency          x: repeat purchase periods (distinct periods - 1)
    recency            t_x: last - first purchase period, in units
    T                  age: calibration end - first purchase period, in units
    monetary_value     mean spend of the repeat periods (0 when x = 0)
    holdout_frequency  purchase periods in the holdout (None without one)
    holdout_spend      total holdout spend (None without a holdout)
    customer_id        list of str: whose row it is
    holdout_length     holdout length in units (0 without a holdout)
    unit_seconds       the unit, in seconds
    purchase_covariates, dropout_covariates
                       {attribute key: column} read from the workspace's
                       customer attributes when summarize() was given
                       covariate attribute keys ({} otherwise); pass them to
                       fit() and the predictions as they are

    Arrays are float64 numpy arrays.
    """

    _ARRAYS = ("frequency", "recency", "T", "monetary_value", "holdout_frequency",
               "holdout_spend")

    def __init__(self, customer_id, frequency, recency, T, monetary_value,
                 holdout_frequency=None, holdout_spend=None, holdout_length=0.0,
                 unit_seconds=0, purchase_covariates=None, dropout_covariates=None):
        self.customer_id = list(customer_id)
        self.purchase_covariates = dict(purchase_covariates or {})
        self.dropout_covariates = dict(dropout_covariates or {})
        self.frequency = _column(frequency, "frequency")
        self.recency = _column(recency, "recency")
        self.T = _column(T, "T")
        self.monetary_value = _column(monetary_value, "monetary_value")
        if (holdout_frequency is None) != (holdout_spend is None):
            raise InvalidArgument("holdout_frequency, holdout_spend: give both or neither")
        self.holdout_frequency = (None if holdout_frequency is None
                                  else _column(holdout_frequency, "holdout_frequency"))
        self.holdout_spend = (None if holdout_spend is None
                              else _column(holdout_spend, "holdout_spend"))
        self.holdout_length = float(holdout_length)
        self.unit_seconds = int(unit_seconds)
        n = self.frequency.shape[0]
        if len(self.customer_id) != n:
            raise InvalidArgument("customer_id: %d values, but frequency has %d"
                                  % (len(self.customer_id), n))
        for name in self._ARRAYS[1:]:
            a = getattr(self, name)
            if a is not None and a.shape[0] != n:
                raise InvalidArgument("%s: %d values, but frequency has %d"
                                      % (name, a.shape[0], n))

    @property
    def has_holdout(self):
        """True when summarize() was given a holdout_end."""
        return self.holdout_frequency is not None

    @classmethod
    def from_message(cls, msg, has_holdout=None):
        """From a mitra.v1.CustomerSummaries message. Without a holdout the
        library leaves the holdout columns empty; has_holdout=None infers
        that from their length."""
        arrays = {name: _from_repeated(getattr(msg, name), np.float64) for name in cls._ARRAYS}
        if has_holdout is None:
            has_holdout = len(msg.holdout_frequency) > 0 or len(msg.frequency) == 0
        if not has_holdout:
            arrays["holdout_frequency"] = arrays["holdout_spend"] = None
        n = len(msg.frequency)

        def columns(names, values):
            v = _from_repeated(values, np.float64).reshape(n, len(names)) if names else None
            return {k: v[:, j].copy() for j, k in enumerate(names)}

        return cls(list(msg.customer_id), holdout_length=msg.holdout_length,
                   unit_seconds=msg.unit_seconds,
                   purchase_covariates=columns(list(msg.purchase_covariate_names),
                                               msg.purchase_covariates),
                   dropout_covariates=columns(list(msg.dropout_covariate_names),
                                              msg.dropout_covariates), **arrays)

    @classmethod
    def from_bytes(cls, data):
        """From a serialized mitra.v1.CustomerSummaries."""
        return cls.from_message(_pb.CustomerSummaries.FromString(bytes(data)))

    def to_message(self):
        """As a mitra.v1.CustomerSummaries message."""
        msg = _pb.CustomerSummaries(customer_id=self.customer_id,
                                    holdout_length=self.holdout_length,
                                    unit_seconds=self.unit_seconds)
        for name in self._ARRAYS:
            if getattr(self, name) is not None:
                getattr(msg, name).extend(getattr(self, name).tolist())
        pn, pv = _covariate_columns(self.purchase_covariates, "purchase_covariates")
        dn, dv = _covariate_columns(self.dropout_covariates, "dropout_covariates")
        msg.purchase_covariate_names.extend(pn)
        msg.purchase_covariates.extend(pv.tolist())
        msg.dropout_covariate_names.extend(dn)
        msg.dropout_covariates.extend(dv.tolist())
        return msg

    def to_bytes(self):
        return self.to_message().SerializeToString()

    def to_dict(self):
        """{name: value} of every field (arrays not copied)."""
        d = {"customer_id": self.customer_id}
        d.update((name, getattr(self, name)) for name in self._ARRAYS)
        d["holdout_length"] = self.holdout_length
        d["unit_seconds"] = self.unit_seconds
        d["purchase_covariates"] = self.purchase_covariates
        d["dropout_covariates"] = self.dropout_covariates
        return d

    @property
    def recency_age(self):
        """T - t_x: time since the last purchase, in units (RFM's recency)."""
        return self.T - self.recency

    def __len__(self):
        return self.frequency.shape[0]

    def __repr__(self):
        return "<mitra.value.Summaries customers=%d unit_seconds=%d holdout_length=%g>" % (
            len(self), self.unit_seconds, self.holdout_length)


def _customer_keys(customer):
    """(uint32 keys, labels or None): integer keys in [0, 2^32) pass as they
    are; any other labels (strings, ...) are numbered in sorted order."""
    c = np.asarray(customer)
    if c.size == 0:
        return np.zeros(c.shape, dtype=np.uint32), None
    if c.dtype.kind in "iu":
        if c.size and (c.min() < 0 or c.max() > np.iinfo(np.uint32).max):
            raise InvalidArgument("customer: integer keys must be in [0, 2^32), got %d..%d"
                                  % (c.min(), c.max()))
        return np.ascontiguousarray(c, dtype=np.uint32), None
    if c.dtype.kind in "OUS":
        labels, codes = np.unique(c, return_inverse=True)
        return np.ascontiguousarray(codes, dtype=np.uint32), labels
    raise TypeError("customer: integer keys or labels (str) expected, not dtype %s" % c.dtype)


def _source_arrays(source):
    if isinstance(source, Mapping) or (hasattr(source, "keys") and hasattr(source, "__getitem__")
                                       and not isinstance(source, (tuple, list))):
        try:
            return source["customer"], source["time"], source["amount"]
        except KeyError as e:
            raise InvalidArgument("source: a mapping needs the keys 'customer', 'time' and "
                                  "'amount' (missing %s)" % e) from None
    if isinstance(source, (tuple, list)) and len(source) == 3:
        return source
    raise TypeError("source must be a mitra.Workspace, a (customer, time, amount) tuple or a "
                    "mapping with those keys, not %s" % type(source).__name__)


def summarize(source, calibration_end, holdout_end=None, period="day", unit="week", origin=0,
              as_dict=False, *, covariate_attributes=None, purchase_covariate_attributes=None,
              dropout_covariate_attributes=None):
    """Per-customer summaries (x, t_x, T, monetary value, holdout) of
    transactions.

    source           a mitra.Workspace (its transactions; customer_id = the
                     workspace's ids), or (customer, time, amount) arrays as
                     a tuple or a mapping with those keys: customer = uint32
                     keys (customer_id = their decimal strings) or other
                     labels such as str (customer_id = str(label)); time =
                     unix seconds (int64), datetime64, or dates / datetimes /
                     ISO strings; amount = float64.
    calibration_end  the calibration period ends with the period holding this
                     time (unix seconds, date, datetime, ISO string; naive
                     datetimes are UTC).
    holdout_end      optional: the holdout runs from the next period to the
                     one holding this time.
    period           purchases within one period count once ("day" for
                     CDNOW): a UNITS name or whole seconds.
    unit             the unit of recency, T and holdout_length ("week" for
                     CDNOW), hence of every model fitted on them.
    origin           period boundaries are origin + k * period (0: UTC
                     midnights for days).

    covariate_attributes
                     workspace only: customer attribute keys whose numeric
                     values become covariates of both processes;
                     purchase_covariate_attributes / dropout_covariate_attributes
                     give each its own (docs/VALUE.md, "Covariates from
                     customer attributes"). A summarised customer without
                     the attribute, or with a value that is not a number,
                     raises InvalidArgument naming her id and the key
                     (nothing is imputed).

    Returns a Summaries (a dict of its fields with as_dict=True).
    """
    request = _pb.SummaryRequest(
        calibration_end_unix_seconds=_unix_seconds(calibration_end, "calibration_end"),
        period_seconds=unit_seconds(period, "period"),
        unit_seconds=unit_seconds(unit, "unit"),
        origin_unix_seconds=_unix_seconds(origin, "origin"))
    if holdout_end is not None:
        request.holdout_end_unix_seconds = _unix_seconds(holdout_end, "holdout_end")
    if covariate_attributes is not None:
        if purchase_covariate_attributes is not None or dropout_covariate_attributes is not None:
            raise InvalidArgument("covariate_attributes: give either covariate_attributes or "
                                  "purchase_/dropout_covariate_attributes, not both")
        purchase_covariate_attributes = dropout_covariate_attributes = covariate_attributes
    for keys, field in ((purchase_covariate_attributes, request.purchase_covariate_attributes),
                        (dropout_covariate_attributes, request.dropout_covariate_attributes)):
        if keys is not None:
            field.extend([keys] if isinstance(keys, str) else [str(k) for k in keys])
    req = request.SerializeToString()

    if isinstance(source, Workspace):
        with source._use() as h:
            data = call_bytes(_lib.mitra_workspace_value_summary, h, req, len(req))
        labels = None
    else:
        customer, time, amount = _source_arrays(source)
        keys, labels = _customer_keys(customer)
        times = _time_array(time)
        amounts = _f64(amount)
        n = keys.size
        for name, a in (("customer", keys), ("time", times), ("amount", amounts)):
            if a.ndim != 1:
                raise InvalidArgument("%s: expected one value per transaction (1-d), got shape %s"
                                      % (name, a.shape))
        for name, a in (("time", times), ("amount", amounts)):
            if a.size != n:
                raise InvalidArgument("%s: %d values, but customer has %d" % (name, a.size, n))
        data = call_bytes(_lib.mitra_value_summarize, _ptr(keys, _native.u32_p),
                          _ptr(times, _native.i64_p), _ptr(amounts), n, req, len(req))
    msg = _pb.CustomerSummaries.FromString(data)
    if labels is not None:
        ids = [str(labels[int(k)]) for k in msg.customer_id]
        del msg.customer_id[:]
        msg.customer_id.extend(ids)
    s = Summaries.from_message(msg, has_holdout=holdout_end is not None)
    return s.to_dict() if as_dict else s


# ---- models ---------------------------------------------------------------------


def _model_bytes(model, what="model"):
    if isinstance(model, _Model):
        return model._bytes
    if isinstance(model, _pb.FittedModel):
        return model.SerializeToString()
    if isinstance(model, (bytes, bytearray, memoryview)):
        return bytes(model)
    raise TypeError("%s must be a mitra.value model (BGNBD, ..., GammaGamma), a "
                    "mitra.v1.FittedModel or its bytes, not %s" % (what, type(model).__name__))


def _fit_options(penalizer, initial, max_iterations, threads, grouping, gradient_tolerance,
                 standard_errors):
    o = _pb.FitOptions(penalizer=float(penalizer),
                       max_iterations=0 if max_iterations is None else int(max_iterations),
                       gradient_tolerance=0.0 if gradient_tolerance is None
                       else float(gradient_tolerance),
                       threads=0 if threads is None else int(threads),
                       no_grouping=not grouping,
                       skip_standard_errors=not standard_errors)
    if initial:
        for name, v in dict(initial).items():
            o.initial[name] = float(v)
    return o


class _Model:
    """A model: its parameters by the papers' names, and the fit report when
    it was fitted. Immutable; picklable (as its serialized FittedModel)."""

    _KIND = _pb.VALUE_MODEL_UNSPECIFIED
    _NAMES = ()
    _LABEL = ""

    def __init__(self, *args, **params):
        if len(args) > len(self._NAMES):
            raise TypeError("%s takes %d parameters (%s)"
                            % (type(self).__name__, len(self._NAMES), ", ".join(self._NAMES)))
        values = dict(zip(self._NAMES, args))
        for name, v in params.items():
            if name not in self._NAMES:
                raise TypeError("%s has no parameter %r (its parameters: %s)"
                                % (type(self).__name__, name, ", ".join(self._NAMES)))
            if name in values:
                raise TypeError("%s: parameter %r given twice" % (type(self).__name__, name))
            values[name] = v
        missing = [n for n in self._NAMES if n not in values]
        if missing:
            raise TypeError("%s needs %s" % (type(self).__name__, ", ".join(missing)))
        msg = _pb.FittedModel(model=self._KIND)
        for name in self._NAMES:
            msg.params[name] = float(values[name])
        self._set(msg)

    def _set(self, msg):
        self._message = msg
        self._bytes = msg.SerializeToString()

    @classmethod
    def _from_message(cls, msg):
        self = cls.__new__(cls)
        self._set(msg)
        return self

    @classmethod
    def _block_log_likelihood(cls, params, columns, weights):
        """(ll, gradient) of mitra_value_log_likelihood over the block's
        [(name, array)] columns (frequency first), as the model reads them."""
        arrays, shape, _ = _same_shape(columns)
        n = arrays[0].size
        by_name = dict(zip((c[0] for c in columns), arrays))
        p = _f64(params).reshape(-1)
        if p.size != len(cls._NAMES):
            raise InvalidArgument("params: %s has %d parameters (%s), got %d values"
                                  % (cls._LABEL, len(cls._NAMES), ", ".join(cls._NAMES), p.size))
        w = None if weights is None else _column(weights, "weights")
        if w is not None and w.size != n:
            raise InvalidArgument("weights: %d values for %d customers" % (w.size, n))
        ll = ctypes.c_double(0.0)
        grad = np.empty(p.size)
        arg = [None if by_name.get(k) is None else _ptr(by_name[k])
               for k in ("frequency", "recency", "T", "monetary_value")]
        call(_lib.mitra_value_log_likelihood, int(cls._KIND), _ptr(p), p.size, *arg,
             None if w is None else _ptr(w), n, ctypes.byref(ll), _ptr(grad))
        return ll.value, grad

    @classmethod
    def fit_likelihood(cls, log_likelihood, count, *, penalizer=0.0, initial=None,
                       max_iterations=None, gradient_tolerance=None, standard_errors=True):
        """fit() of customers held elsewhere (several processes or machines;
        docs/VALUE.md, "Fits across machines"): mitra's optimiser, the sum over
        customers computed by the caller, no rows here. For summaries that
        do not merge into few weighted rows (continuous time; mean spend).

        log_likelihood(params) -> (ll, gradient)
                         the sum over every customer of block_log_likelihood
                         at params (a numpy array in the model's order),
                         called at each step; an exception stops the fit and
                         is raised from here.
        count            the total weight the sum covers: customers
                         (Gamma-Gamma: those with frequency > 0).
        Other options as fit(); the start is initial or the model's default,
        as fit()'s. Returns the model fit() returns, with report rows =
        count (Gamma-Gamma: without spend_independence, which needs rows)."""
        req = _pb.FitRequest(model=cls._KIND, options=_fit_options(
            penalizer, initial, max_iterations, None, True, gradient_tolerance,
            standard_errors))
        k = len(cls._NAMES)
        data = req.SerializeToString()
        out = _host_fit(_lib.mitra_value_fit_callback, _native.likelihood,
                        lambda params: log_likelihood(_values(params, k)), k,
                        data, len(data), float(count))
        return cls._from_message(_fitted(out, stacklevel=3))

    @classmethod
    def from_bytes(cls, data):
        """A model from a serialized mitra.v1.FittedModel (see to_bytes()).
        On a model class, the model must be of that class."""
        msg = _pb.FittedModel.FromString(bytes(data))
        target = _CLASSES.get(msg.model)
        if target is None:
            raise InvalidArgument("FittedModel.model: unknown or unspecified model %d" % msg.model)
        if cls is not _Model and target is not cls:
            raise InvalidArgument("FittedModel.model: a %s model, not %s"
                                  % (target._LABEL, cls._LABEL))
        return target._from_message(msg)

    def to_bytes(self):
        """The serialized mitra.v1.FittedModel (what the C functions take)."""
        return self._bytes

    def to_message(self):
        """A copy of the mitra.v1.FittedModel message."""
        m = _pb.FittedModel()
        m.CopyFrom(self._message)
        return m

    @property
    def params(self):
        """{name: value} in the papers' names and order."""
        p = self._message.params
        return {name: p[name] for name in self._NAMES if name in p}

    @property
    def fitted(self):
        """True when the model came from fit() (and so has a report)."""
        return self._message.HasField("report")

    @property
    def log_likelihood(self):
        """Sum of weight * ln L at the optimum, without the penalty; None if
        not fitted."""
        return self._message.report.log_likelihood if self.fitted else None

    @property
    def report(self):
        """The fit report as a dict (None if not fitted): log_likelihood,
        iterations, evaluations, gradient_norm (max |d objective / d ln
        theta|), total_weight (customers seen), rows (after grouping),
        standard_errors ({name: se}; empty when the Hessian is not positive
        definite), at_boundary and boundary_reason (the fit ran to a
        boundary and is not a fit to read; fit() also warns with
        FitBoundaryWarning), spend_independence (Gamma-Gamma only:
        repeat_buyers, correlation of mean spend and frequency, p_value)."""
        if not self.fitted:
            return None
        r = self._message.report
        return {
            "log_likelihood": r.log_likelihood,
            "iterations": r.iterations,
            "evaluations": r.evaluations,
            "gradient_norm": r.gradient_norm,
            "total_weight": r.total_weight,
            "rows": r.rows,
            "standard_errors": self.standard_errors,
            "at_boundary": r.at_boundary,
            "boundary_reason": r.boundary_reason,
            "spend_independence": ({
                "repeat_buyers": r.spend_independence.repeat_buyers,
                "correlation": r.spend_independence.correlation,
                "p_value": r.spend_independence.p_value,
            } if r.HasField("spend_independence") else None),
        }

    @property
    def standard_errors(self):
        """{name: standard error} ({} if not fitted or not available)."""
        se = self._message.report.standard_errors
        return {name: se[name] for name in self._NAMES if name in se}

    @property
    def log_covariance(self):
        """(names, matrix): the fit's asymptotic covariance of the
        log-parameters ln r, ln alpha, ... (its diagonal is (standard error /
        value)^2), what predict_intervals draws from; None if not fitted or
        not available (standard errors skipped, flat optimum)."""
        r = self._message.report
        names = list(r.covariance_parameters)
        if not names:
            return None
        k = len(names)
        return names, _from_repeated(r.log_covariance, np.float64).reshape(k, k)

    def __reduce__(self):
        return (load_model, (self._bytes,))

    def __eq__(self, other):
        return type(other) is type(self) and other._message == self._message

    def __hash__(self):
        return hash(self._bytes)

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__,
                           ", ".join("%s=%r" % kv for kv in self.params.items()))


class _PurchaseModel(_Model):
    """Purchase models: frequency = x (repeat purchases), recency = t_x and
    T = age, all times in the unit the model was fitted in."""

    @classmethod
    def fit(cls, frequency, recency, T, weights=None, penalizer=0.0, initial=None,
            max_iterations=None, threads=None, grouping=True, gradient_tolerance=None,
            standard_errors=True, *, covariates=None, purchase_covariates=None,
            dropout_covariates=None, covariate_penalty=0.0):
        """Maximum-likelihood fit on per-customer (x, t_x, T).

        weights          optional customers per row (a row with weight 3 counts
                         as three identical customers).
        penalizer        L2 penalty on the parameters, lifetimes' penalizer_coef.
        initial          {name: starting value}; absent names start at 1.
        max_iterations   None: 500. gradient_tolerance None: 1e-9.
        threads          likelihood threads (None: 1; used above ~65,000 rows).
        grouping         merge identical (x, t_x, T) rows first (exact, faster).
        standard_errors  compute them (from the Hessian) into report.
        covariates       {name: column} (or a DataFrame) of time-invariant
                         covariates, one value per customer, on both the
                         purchase and the dropout process; purchase_covariates
                         and dropout_covariates give each its own (docs/VALUE.md,
                         "Covariates"). The fit then reports coefficients,
                         their standard errors and the likelihood-ratio test;
                         identical rows are not grouped.
        covariate_penalty  L2 penalty on the coefficients (0: none).

        A fit that fails raises FailedPrecondition (never NaN parameters).
        """
        req = _pb.FitRequest(model=cls._KIND, options=_fit_options(
            penalizer, initial, max_iterations, threads, grouping, gradient_tolerance,
            standard_errors))
        columns = [("frequency", _column(frequency, "frequency")),
                   ("recency", _column(recency, "recency")), ("T", _column(T, "T"))]
        if weights is not None:
            columns.append(("weight", _column(weights, "weight")))
        columns += _add_covariates(req, covariates, purchase_covariates, dropout_covariates,
                                   covariate_penalty)
        return cls._from_message(_fit(req, columns))

    @classmethod
    def block_log_likelihood(cls, params, frequency, recency, T, weights=None):
        """(log-likelihood, gradient) of a block of customers: the sum of
        weight * ln L over the rows at params (the model's parameters in its
        order: r, alpha, a, b or r, alpha, s, beta) and its derivatives by
        them. Sums over blocks add up to the sum over all their customers,
        what fit_likelihood's log_likelihood returns."""
        return cls._block_log_likelihood(
            params, [("frequency", frequency), ("recency", recency), ("T", T)], weights)

    @classmethod
    def covariate_log_likelihood(cls, params, coefficients, frequency, recency, T,
                                 purchase=None, dropout=None, *, weights=None, center=None,
                                 scale=None):
        """(log-likelihood, gradient) of a block of customers under the model
        with covariates: the sum of weight * ln L over the rows and its
        derivatives by params (4, in the model's order) and coefficients (the
        purchase ones, then the dropout ones). purchase and dropout: 2-d
        arrays, one row per customer, one column per coefficient (None: no
        column). center and scale (one per coefficient, both or neither):
        each column is used as (z - center) / scale, the coordinates
        fit_covariate_likelihood's log_likelihood is called in. The sum over
        blocks is the sum over all their customers (docs/VALUE.md,
        "Covariates across machines")."""
        (x, tx, age), shape, _ = _same_shape([("frequency", frequency),
                                              ("recency", recency), ("T", T)])
        n = x.size
        pv, pk = _block(purchase, n, "purchase")
        dv, dk = _block(dropout, n, "dropout")
        p = _f64(params).reshape(-1)
        c = _f64(coefficients).reshape(-1)
        if p.size != 4 or c.size != pk + dk:
            raise InvalidArgument("params, coefficients: expected 4 and %d values, got %d and %d"
                                  % (pk + dk, p.size, c.size))
        w = None if weights is None else _column(weights, "weights")
        if w is not None and w.size != n:
            raise InvalidArgument("weights: %d values for %d customers" % (w.size, n))
        if (center is None) != (scale is None):
            raise InvalidArgument("center, scale: give both or neither")
        cs = [None if v is None else _f64(v).reshape(-1) for v in (center, scale)]
        for name, v in zip(("center", "scale"), cs):
            if v is not None and v.size != pk + dk:
                raise InvalidArgument("%s: %d values for %d columns" % (name, v.size, pk + dk))
        ll = ctypes.c_double(0.0)
        grad = np.empty(4 + pk + dk)
        call(_lib.mitra_value_covariate_log_likelihood, int(cls._KIND), _ptr(p), _ptr(c),
             None if cs[0] is None else _ptr(cs[0]), None if cs[1] is None else _ptr(cs[1]),
             _ptr(x), _ptr(tx), _ptr(age), None if w is None else _ptr(w), n, _ptr(pv), pv.size,
             pk, _ptr(dv), dv.size, dk, ctypes.byref(ll), _ptr(grad))
        return ll.value, grad

    @classmethod
    def fit_covariate_likelihood(cls, log_likelihood, frequency, recency, T, weights=None, *,
                                 count, purchase_covariates=None, dropout_covariates=None,
                                 covariate_penalty=0.0, penalizer=0.0, initial=None,
                                 max_iterations=None, threads=None, grouping=True,
                                 gradient_tolerance=None, standard_errors=True):
        """fit() with covariates whose customers are held elsewhere (several
        processes or machines; docs/VALUE.md, "Covariates across machines"):
        mitra's optimiser, the sum over customers computed by the caller.

        log_likelihood(params, coefficients, center, scale) -> (ll, gradient)
                         the sum over every customer of covariate_log_likelihood
                         at these arguments (numpy arrays; the coordinates the
                         fit works in), called at each step; an exception
                         stops the fit and is raised from here.
        frequency, recency, T, weights
                         the same customers without covariates (merged into
                         weighted rows or not): the fit without covariates
                         (the start and the likelihood-ratio test) and the
                         total weight come from them.
        count            the number of customers.
        purchase_covariates, dropout_covariates
                         (names, sum, cross): the columns' names and their
                         moments summed over every block (covariate_moments).
        Other options as fit(). Returns the model fit() returns."""
        req = _pb.FitRequest(model=cls._KIND, options=_fit_options(
            penalizer, initial, max_iterations, threads, grouping, gradient_tolerance,
            standard_errors), covariate_penalty=float(covariate_penalty))
        columns = [("frequency", _column(frequency, "frequency")),
                   ("recency", _column(recency, "recency")), ("T", _column(T, "T"))]
        if weights is not None:
            columns.append(("weight", _column(weights, "weight")))
        moments = []
        for what, given, names in (("purchase_covariates", purchase_covariates,
                                    req.purchase_covariate_names),
                                   ("dropout_covariates", dropout_covariates,
                                    req.dropout_covariate_names)):
            cols, total, cross = given if given is not None else ((), (), ())
            names.extend(str(k) for k in cols)
            k = len(cols)
            total, cross = _f64(total).reshape(-1), _f64(cross).reshape(-1)
            if total.size != k or cross.size != k * k:
                raise InvalidArgument("%s: %d names need %d sums and %d cross-products, got %d "
                                      "and %d" % (what, k, k, k * k, total.size, cross.size))
            moments += [total, cross]
        k = len(req.purchase_covariate_names) + len(req.dropout_covariate_names)

        def evaluate(params, coefficients, center, scale):
            return log_likelihood(_values(params, 4), _values(coefficients, k),
                                  _values(center, k), _values(scale, k))

        data = _request_bytes(req, columns)
        out = _host_fit(_lib.mitra_value_fit_covariates_callback, _native.covariate_likelihood,
                        evaluate, 4 + k, data.ctypes.data_as(ctypes.c_char_p), data.size,
                        float(count), *[_ptr(m) if m.size else None for m in moments])
        return cls._from_message(_fitted(out, stacklevel=3))

    @property
    def coefficients(self):
        """{"purchase": {name: gamma1}, "dropout": {name: gamma2}} of a fit
        with covariates (empty dicts without): customer i's alpha is
        alpha exp(-gamma1 . z1_i); her a and b (BG/NBD, MBG/NBD) are
        multiplied by exp(gamma2 . z2_i), her beta (Pareto/NBD) by
        exp(-gamma2 . z2_i)."""
        m = self._message
        return {"purchase": dict(m.purchase_coefficients),
                "dropout": dict(m.dropout_coefficients)}

    @property
    def coefficient_errors(self):
        """Standard errors of the coefficients, same layout."""
        r = self._message.report
        return {"purchase": dict(r.purchase_coefficient_errors),
                "dropout": dict(r.dropout_coefficient_errors)}

    @property
    def likelihood_ratio(self):
        """Test of the covariates against the model without them: dict of
        statistic, degrees_of_freedom, p_value, restricted_log_likelihood;
        None for a fit without covariates."""
        r = self._message.report
        if not r.HasField("likelihood_ratio"):
            return None
        t = r.likelihood_ratio
        return {"statistic": t.statistic, "degrees_of_freedom": t.degrees_of_freedom,
                "p_value": t.p_value, "restricted_log_likelihood": t.restricted_log_likelihood}

    def _predict(self, quantity, t, frequency, recency, T, cov=None):
        (x, tx, age), shape, scalar = _same_shape(
            [("frequency", frequency), ("recency", recency), ("T", T)])
        out = np.empty(shape if not scalar else (1,), dtype=np.float64)
        m = self._message
        if cov is None and not self._has_covariates():
            call(_lib.mitra_value_predict, self._bytes, len(self._bytes), quantity, t,
                 _ptr(x), _ptr(tx), _ptr(age), x.size, _ptr(out))
            return _result(out, scalar)
        # A fit with covariates: each customer's own parameters from her
        # covariates (docs/VALUE.md, "Covariates").
        params, coef, (pn, pv), (dn, dv) = self._covariate_call(cov)
        call(_lib.mitra_value_predict_covariates, int(self._KIND), _ptr(params), _ptr(coef),
             quantity, t, _ptr(x), _ptr(tx), _ptr(age), x.size, _ptr(pv), pv.size, len(pn),
             _ptr(dv), dv.size, len(dn), _ptr(out))
        return _result(out, scalar)

    def _has_covariates(self):
        return bool(self._message.purchase_coefficients or self._message.dropout_coefficients)

    def _covariate_call(self, cov):
        """(params, coefficients in the columns' order, (purchase names,
        values), (dropout names, values)) for the C functions with
        covariates; each column must have a coefficient and each
        coefficient a column."""
        m = self._message
        (pn, pv), (dn, dv) = _prediction_covariates(cov)
        coef = []
        for names, fitted, what in ((pn, m.purchase_coefficients, "purchase"),
                                    (dn, m.dropout_coefficients, "dropout")):
            for k in names:
                if k not in fitted:
                    raise InvalidArgument("%s_covariates[%r]: the model has no %s coefficient of "
                                          "this name (it has: %s)"
                                          % (what, k, what, ", ".join(sorted(fitted)) or "none"))
                coef.append(fitted[k])
            for k in sorted(fitted):
                if k not in names:
                    raise InvalidArgument("%s_covariates: missing %r, a covariate of the fit"
                                          % (what, k))
        params = _f64([m.params[k] for k in self._NAMES])
        return params, _f64(coef), (pn, pv), (dn, dv)

    def expected_purchases(self, t, frequency, recency, T, *, interval=None, covariates=None,
                           purchase_covariates=None, dropout_covariates=None, **options):
        """E[purchases in (T, T + t] | x, t_x, T] per customer: lifetimes'
        conditional_expected_number_of_purchases_up_to_time. t is one
        horizon (a number) in the model's time unit. interval=L (e.g. 0.9):
        an Estimate (estimate, low, high) with the confidence interval of
        the expectation at level L (options: draws, seed, method; see
        predict_intervals). A fit with covariates needs the customers'
        covariates, as fit() took them (covariates=, or purchase_covariates=
        and dropout_covariates=, {name: column}): each customer's prediction
        is then at her own parameters, and an interval's draws include the
        coefficients."""
        cov = _covariate_args(covariates, purchase_covariates, dropout_covariates)
        if interval is not None:
            return _estimate(predict_intervals(
                self, frequency, recency, T, predictions=["expected_purchases"], horizon=t,
                level=interval, realised=False, covariates=cov,
                **options)["expected_purchases"])
        return self._predict(_native.VALUE_EXPECTED_PURCHASES, _horizon(t), frequency,
                             recency, T, cov)

    def probability_alive(self, frequency, recency, T, *, interval=None, covariates=None,
                          purchase_covariates=None, dropout_covariates=None, **options):
        """P(still alive at T | x, t_x, T) per customer; interval=L: an
        Estimate with its confidence interval at level L (as
        expected_purchases). Covariates as expected_purchases."""
        cov = _covariate_args(covariates, purchase_covariates, dropout_covariates)
        if interval is not None:
            return _estimate(predict_intervals(
                self, frequency, recency, T, predictions=["probability_alive"], level=interval,
                covariates=cov, **options)["probability_alive"])
        return self._predict(_native.VALUE_PROBABILITY_ALIVE, 0.0, frequency, recency, T, cov)

    def probability_alive_at(self, t, frequency, recency, T, *, covariates=None,
                             purchase_covariates=None, dropout_covariates=None):
        """P(still alive at T + t | x, t_x, T) per customer; t (a number) in
        the model's time unit. Covariates as expected_purchases."""
        cov = _covariate_args(covariates, purchase_covariates, dropout_covariates)
        return self._predict(_native.VALUE_PROBABILITY_ALIVE_AT, _horizon(t), frequency,
                             recency, T, cov)

    def expected_purchases_new(self, t):
        """E[X(t)]: purchases of a new customer in its first t time units
        (t a number or an array; the result matches)."""
        ts = _f64(t)
        scalar = ts.ndim == 0
        if scalar:
            ts = ts.reshape(1)
        out = np.empty(ts.shape, dtype=np.float64)
        call(_lib.mitra_value_expected_purchases_new, self._bytes, len(self._bytes),
             _ptr(ts), ts.size, _ptr(out))
        return _result(out, scalar)

    def validate_holdout(self, summaries):
        """holdout() on a Summaries made with a holdout_end."""
        _with_holdout(summaries)
        return holdout(self, summaries.frequency, summaries.recency, summaries.T,
                       summaries.holdout_frequency, summaries.holdout_length)

    def probability_alive_path(self, purchase_times, times):
        """P(alive) of one customer at each of `times`, given her purchases up
        to each time (lifetimes' plot_history_alive): purchase_times in model
        time units, non-decreasing, the first her birth (equal times are one
        purchase); every time >= the first purchase. Returns an array like
        times (a float for a number)."""
        p = _f64(purchase_times)
        if p.ndim != 1:
            raise InvalidArgument("purchase_times: expected a 1-d array, got shape %s" % (p.shape,))
        ts = _f64(times)
        scalar = ts.ndim == 0
        if scalar:
            ts = ts.reshape(1)
        flat = np.ascontiguousarray(ts.reshape(-1))
        out = np.empty(flat.shape, dtype=np.float64)
        call(_lib.mitra_value_probability_alive_path, self._bytes, len(self._bytes), _ptr(p), p.size,
             _ptr(flat), flat.size, _ptr(out))
        return _result(out, scalar) if scalar else out.reshape(ts.shape)

    def conditional_probability_of_purchases(self, t, n, frequency, recency, T):
        """P(n purchases in (T, T + t] | x, t_x, T) per customer (lifetimes'
        conditional_probability_of_n_purchases_up_to_time): n whole numbers
        broadcast with the customers' arrays; t one number in model units."""
        counts, cscalar = _counts(n)
        (x, tx, age), shape, scalar = _same_shape(
            [("frequency", frequency), ("recency", recency), ("T", T)])
        if not cscalar:
            if scalar:
                x, tx, age = (np.full(counts.shape, float(v[0])) for v in (x, tx, age))
                shape, scalar = counts.shape, False
            elif counts.shape != shape:
                raise InvalidArgument("n: shape %s, but frequency has shape %s" % (counts.shape, shape))
        c = np.ascontiguousarray(np.broadcast_to(counts.reshape(()) if cscalar else counts,
                                                 shape if not scalar else (1,)), dtype=np.int32)
        out = np.empty(c.shape, dtype=np.float64)
        call(_lib.mitra_value_purchase_count_probability, self._bytes, len(self._bytes), _horizon(t),
             _ptr(c, _native.i32_p), _ptr(x), _ptr(tx), _ptr(age), c.size, _ptr(out))
        return _result(out, scalar)


def _with_holdout(summaries):
    """Refuses anything but a Summaries made with a holdout_end."""
    if not isinstance(summaries, Summaries):
        raise TypeError("validate_holdout() takes a mitra.value.Summaries, not %s"
                        % type(summaries).__name__)
    if not summaries.has_holdout:
        raise InvalidArgument("summaries.holdout_frequency: no holdout (summarize() was "
                              "given no holdout_end)")


def _counts(n):
    """(int32 counts, scalar) from whole numbers n (a number or an array)."""
    a = np.asarray(n)
    if a.dtype.kind == "f":
        if a.size and (~np.isfinite(a) | (a != np.floor(a))).any():
            raise InvalidArgument("n: must be whole numbers")
    elif a.dtype.kind not in "iu":
        raise TypeError("n must be whole numbers, not dtype %s" % a.dtype)
    if a.size and (a.min() < 0 or a.max() > _INT32_MAX):
        raise InvalidArgument("n: must be in [0, 2^31)")
    scalar = a.ndim == 0
    return np.ascontiguousarray(a.reshape(1) if scalar else a, dtype=np.int32), scalar


class _BetaGeometric(_PurchaseModel):
    def probability_of_purchases(self, t, n):
        """P(X(t) = n): a new customer makes exactly n purchases in its first
        t time units (t a number; n a whole number or an array of them)."""
        counts, scalar = _counts(n)
        out = np.empty(counts.shape, dtype=np.float64)
        call(_lib.mitra_value_probability_of_purchases, self._bytes, len(self._bytes),
             _horizon(t), _ptr(counts, _native.i32_p), counts.size, _ptr(out))
        return _result(out, scalar)


class BGNBD(_BetaGeometric):
    """BG/NBD (Fader, Hardie & Lee 2005): purchase rate ~ Gamma(r, alpha),
    drop-out after each repeat purchase with p ~ Beta(a, b). alpha is a rate
    in the model's time unit (mean purchase rate r/alpha per unit).

    BGNBD(r=..., alpha=..., a=..., b=...) scores with known parameters;
    BGNBD.fit(frequency, recency, T) estimates them.
    """

    _KIND = _pb.VALUE_MODEL_BG_NBD
    _NAMES = ("r", "alpha", "a", "b")
    _LABEL = "BG/NBD"


class MBGNBD(_BetaGeometric):
    """MBG/NBD (Batislam, Denizel & Filiztekin 2007): as BG/NBD (r, alpha,
    a, b), but a customer may also drop out right after the first purchase."""

    _KIND = _pb.VALUE_MODEL_MBG_NBD
    _NAMES = ("r", "alpha", "a", "b")
    _LABEL = "MBG/NBD"


class ParetoNBD(_PurchaseModel):
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchase rate ~
    Gamma(r, alpha), lifetime rate ~ Gamma(s, beta); alpha and beta are rates
    in the model's time unit."""

    _KIND = _pb.VALUE_MODEL_PARETO_NBD
    _NAMES = ("r", "alpha", "s", "beta")
    _LABEL = "Pareto/NBD"

    def probability_of_purchases(self, t, n):
        """P(X(t) = n): a new customer makes exactly n purchases in its first
        t time units (lifetimes' probability_of_n_purchases_up_to_time; t a
        number, n a whole number or an array of them)."""
        counts, scalar = _counts(n)
        out = np.empty(counts.shape, dtype=np.float64)
        call(_lib.mitra_value_purchase_count_probability, self._bytes, len(self._bytes),
             _horizon(t), _ptr(counts, _native.i32_p), None, None, None, counts.size, _ptr(out))
        return _result(out, scalar)


class GammaGamma(_Model):
    """Gamma-Gamma spend model (Fader & Hardie 2013): each transaction's
    value ~ Gamma(p, nu), nu ~ Gamma(q, gamma). Money in the data's currency;
    monetary_value is the mean spend per repeat purchase."""

    _KIND = _pb.VALUE_MODEL_GAMMA_GAMMA
    _NAMES = ("p", "q", "gamma")
    _LABEL = "Gamma-Gamma"

    @classmethod
    def fit(cls, frequency, monetary_value, weights=None, penalizer=0.0, initial=None,
            max_iterations=None, gradient_tolerance=None, standard_errors=True):
        """Maximum-likelihood fit on (x, mean repeat spend); rows with x = 0
        are skipped (they say nothing about repeat spend), x > 0 needs
        monetary_value > 0. Options as for BGNBD.fit()."""
        req = _pb.FitRequest(model=cls._KIND, options=_fit_options(
            penalizer, initial, max_iterations, None, True, gradient_tolerance,
            standard_errors))
        columns = [("frequency", _column(frequency, "frequency")),
                   ("monetary_value", _column(monetary_value, "monetary_value"))]
        if weights is not None:
            columns.append(("weight", _column(weights, "weight")))
        return cls._from_message(_fit(req, columns))

    @classmethod
    def block_log_likelihood(cls, params, frequency, monetary_value, weights=None):
        """(log-likelihood, gradient) of a block of customers at params (p,
        q, gamma), as the purchase models' block_log_likelihood; rows with
        frequency 0 add nothing."""
        return cls._block_log_likelihood(
            params, [("frequency", frequency), ("monetary_value", monetary_value)], weights)

    def expected_spend(self, frequency, monetary_value):
        """E[spend per transaction | x, mean repeat spend]: p(gamma + x zbar)
        / (p x + q - 1), the population mean p gamma / (q - 1) for x = 0.
        lifetimes' conditional_expected_average_profit. Needs q > 1."""
        (x, z), shape, scalar = _same_shape([("frequency", frequency),
                                             ("monetary_value", monetary_value)])
        out = np.empty(shape if not scalar else (1,), dtype=np.float64)
        call(_lib.mitra_value_expected_spend, self._bytes, len(self._bytes), _ptr(x), _ptr(z),
             x.size, _ptr(out))
        return _result(out, scalar)

    def clv(self, purchase_model, frequency, recency, T, monetary_value, *, period_length,
            discount_rate, periods=12, interval=None, **options):
        """clv(purchase_model, self, ...): see mitra.value.clv."""
        return clv(purchase_model, self, frequency, recency, T, monetary_value,
                   period_length=period_length, discount_rate=discount_rate, periods=periods,
                   interval=interval, **options)

    def validate_holdout(self, summaries):
        """spend_holdout() on a Summaries made with a holdout_end."""
        _with_holdout(summaries)
        return spend_holdout(self, summaries.frequency, summaries.monetary_value,
                             summaries.holdout_frequency, summaries.holdout_spend)


_CLASSES = {c._KIND: c for c in (BGNBD, MBGNBD, ParetoNBD, GammaGamma)}


class FitBoundaryWarning(UserWarning):
    """A fit ran to a boundary (a parameter towards 0 or infinity, or a flat
    optimum): its parameters are not a fit to read. The model's
    report["boundary_reason"] says why."""


def _covariate_columns(cols, what):
    """{name: column} (a DataFrame works too) -> (names, row-major values)."""
    if cols is None or len(cols) == 0:
        return [], np.empty(0)
    names = [str(k) for k in cols.keys()]
    arrays = [_column(cols[k], "%s[%r]" % (what, k)) for k in cols.keys()]
    for k, a in zip(names, arrays):
        if a.size != arrays[0].size:
            raise InvalidArgument("%s[%r]: has %d values, but %r has %d"
                                  % (what, k, a.size, names[0], arrays[0].size))
    return names, np.column_stack(arrays).reshape(-1)


def _covariate_pair(both, purchase, dropout):
    """(purchase, dropout) covariates from covariates= or the two per-process ones."""
    if both is not None and (purchase is not None or dropout is not None):
        raise InvalidArgument("covariates: give either covariates or purchase_covariates/"
                              "dropout_covariates, not both")
    return (both, both) if both is not None else (purchase, dropout)


def _add_covariates(req, both, purchase, dropout, penalty):
    purchase, dropout = _covariate_pair(both, purchase, dropout)
    pn, pv = _covariate_columns(purchase, "purchase_covariates")
    dn, dv = _covariate_columns(dropout, "dropout_covariates")
    req.purchase_covariate_names.extend(pn)
    req.dropout_covariate_names.extend(dn)
    req.covariate_penalty = float(penalty)
    return [("purchase_covariates", pv), ("dropout_covariates", dv)]


def _covariate_args(both, purchase, dropout):
    """The prediction's covariates as (purchase, dropout), or None."""
    if both is None and purchase is None and dropout is None:
        return None
    return _covariate_pair(both, purchase, dropout)


def _prediction_covariates(cov):
    """((names, row-major values), (names, values)) for the C call."""
    purchase, dropout = cov if cov is not None else (None, None)
    pn, pv = _covariate_columns(purchase, "purchase_covariates")
    dn, dv = _covariate_columns(dropout, "dropout_covariates")
    return (pn, _f64(pv)), (dn, _f64(dv))


def _varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def _request_bytes(req, columns=()):
    """The wire form of FitRequest `req` with the [(field, float64 array)]
    `columns` as its repeated double fields, as a uint8 array.

    The columns are millions of values: rather than through Python lists and
    the message object, each is copied once, as bytes, into the request's
    wire form after the other fields (a message's fields may come in any
    order; a packed repeated double is its tag, its byte length and the
    little-endian doubles)."""
    head = req.SerializeToString()
    parts = []
    for field, values in columns:
        if values.size:
            number = _pb.FitRequest.DESCRIPTOR.fields_by_name[field].number
            raw = np.ascontiguousarray(values, dtype="<f8").reshape(-1).view(np.uint8)
            parts.append((_varint(number << 3 | 2) + _varint(raw.size), raw))
    size = len(head) + sum(len(key) + raw.size for key, raw in parts)
    data = np.empty(size, dtype=np.uint8)
    data[:len(head)] = np.frombuffer(head, dtype=np.uint8)
    pos = len(head)
    for key, raw in parts:
        data[pos:pos + len(key)] = np.frombuffer(key, dtype=np.uint8)
        pos += len(key)
        data[pos:pos + raw.size] = raw
        pos += raw.size
    return data


def _values(pointer, k):
    """A copy of the k doubles a callback's argument points at."""
    return np.ctypeslib.as_array(pointer, (k,)).copy() if k else np.empty(0)


def _host_fit(function, callback_type, evaluate, size, *args):
    """The bytes of function(*args, callback, None), a fit whose optimiser
    calls the host back: callback(*inputs, out_ll, out_grad, user) writes
    evaluate(*inputs) = (ll, gradient of `size` entries). An exception in
    evaluate never crosses C: the callback returns 1, which stops the fit,
    and the exception is raised from here instead of the fit's ABORTED."""
    failure = []

    def host(*arguments):
        *inputs, out_ll, out_grad, _user = arguments
        try:
            ll, grad = evaluate(*inputs)
            grad = _f64(grad).reshape(-1)
            if grad.size != size:
                raise InvalidArgument("log_likelihood: returned %d gradient entries, "
                                      "expected %d" % (grad.size, size))
            out_ll[0] = float(ll)
            np.ctypeslib.as_array(out_grad, (size,))[:] = grad
            return 0
        except BaseException as e:  # noqa: B902 - re-raised below, never across C
            failure.append(e)
            return 1

    try:
        return call_bytes(function, *args, callback_type(host), None)
    except Exception:
        if failure:
            raise failure[0] from None
        raise


def _fitted(out, stacklevel):
    """The FittedModel message of a fit's output bytes, warning when the fit
    ran to a boundary."""
    m = _pb.FittedModel.FromString(out)
    if m.report.at_boundary:
        warnings.warn(m.report.boundary_reason, FitBoundaryWarning, stacklevel=stacklevel + 1)
    return m


def _fit(req, columns=()):
    """The FittedModel of FitRequest `req` with the [(field, float64 array)]
    `columns` as its repeated double fields (_request_bytes)."""
    data = _request_bytes(req, columns)
    return _fitted(call_bytes(_lib.mitra_value_fit, data.ctypes.data_as(ctypes.c_char_p),
                              data.size), stacklevel=3)


def covariate_moments(values, sum=None, count=None):
    """The moments of one block of customers' covariate columns (values: a
    2-d array, one row per customer, one column per covariate), which add up
    over blocks: the column sums (sum None), or, given the sums over every
    block and the number of customers `count`, the k x k cross-products
    sum of (z - c)(z - c)' about c = sum / count. What
    fit_covariate_likelihood needs to centre and scale the columns as fit()
    does."""
    v, k = _block(values, None, "values")
    n = v.size // k if k else 0
    if sum is None:
        out = np.empty(k)
        call(_lib.mitra_value_covariate_moments, _ptr(v), n, k, None, 0.0, _ptr(out))
        return out
    if count is None:
        raise InvalidArgument("count: required with sum (the customers of every block)")
    total = _f64(sum).reshape(-1)
    if total.size != k:
        raise InvalidArgument("sum: %d values for %d columns" % (total.size, k))
    out = np.empty(k * k)
    call(_lib.mitra_value_covariate_moments, _ptr(v), n, k, _ptr(total), float(count), _ptr(out))
    return out.reshape(k, k)


def _block(values, n, what):
    """(row-major float64 values, columns) of a 2-d covariate block (None:
    no column); n, when given, the customers it must have."""
    if values is None:
        return np.empty(0), 0
    a = _f64(values)
    if a.ndim != 2:
        raise InvalidArgument("%s: expected a 2-d array (customers x columns), got shape %s"
                              % (what, a.shape))
    if n is not None and a.shape[0] != n:
        raise InvalidArgument("%s: %d rows for %d customers" % (what, a.shape[0], n))
    return np.ascontiguousarray(a).reshape(-1), a.shape[1]


def load_model(data):
    """The model (BGNBD, MBGNBD, ParetoNBD or GammaGamma) serialized in
    ``data`` (a mitra.v1.FittedModel, as to_bytes() gives)."""
    if isinstance(data, _pb.FittedModel):
        data = data.SerializeToString()
    return _Model.from_bytes(data)


def clv(purchase_model, spend_model, frequency, recency, T, monetary_value, *, period_length,
        discount_rate, periods=12, interval=None, **options):
    """Customer lifetime value per customer:

        sum over k = 1..periods of
            spend * (E[Y(k L)] - E[Y((k-1) L)]) / (1 + discount_rate)^k

    with spend = spend_model.expected_spend(frequency, monetary_value) and
    E[Y(t)] = purchase_model.expected_purchases(t, ...).

    purchase_model  BGNBD, MBGNBD or ParetoNBD (frequency, recency, T in its
                    time unit); spend_model a GammaGamma.
    period_length   L: one period in the purchase model's time unit
                    (required; e.g. unit_ratio("month", "week") = 4.348 for
                    months on weekly summaries; lifetimes hides 4.345 here).
    discount_rate   per period (required; e.g. 0.01 a month).
    periods         how many periods (12: a year of months).
    Money is in monetary_value's currency.

    interval=L (e.g. 0.9): an Estimate (estimate, low, high, basis) with
    the confidence interval of each CLV at level L from the fits' parameter
    uncertainty (options: draws, seed, method; see predict_intervals).
    """
    if interval is not None:
        iv = predict_intervals(purchase_model, frequency, recency, T, monetary_value, spend_model,
                               predictions=["clv"], period_length=period_length,
                               discount_rate=discount_rate, periods=periods, level=interval,
                               **options)
        return _estimate(iv["clv"], iv.clv_basis)
    if isinstance(periods, bool) or not isinstance(periods, numbers.Integral):
        raise TypeError("periods must be an int, not %s" % type(periods).__name__)
    if not 1 <= periods <= _INT32_MAX:
        raise InvalidArgument("periods: must be in [1, 2^31), got %d" % periods)
    pm = _model_bytes(purchase_model, "purchase_model")
    sm = _model_bytes(spend_model, "spend_model")
    (x, tx, age, z), shape, scalar = _same_shape(
        [("frequency", frequency), ("recency", recency), ("T", T),
         ("monetary_value", monetary_value)])
    out = np.empty(shape if not scalar else (1,), dtype=np.float64)
    call(_lib.mitra_value_clv, pm, len(pm), sm, len(sm), int(periods),
         _horizon(period_length, "period_length"), _horizon(discount_rate, "discount_rate"),
         _ptr(x), _ptr(tx), _ptr(age), _ptr(z), x.size, _ptr(out))
    return _result(out, scalar)


#: The predictions predict_intervals covers, by name.
PREDICTIONS = {
    "clv": _pb.VALUE_PREDICTION_CLV,
    "expected_purchases": _pb.VALUE_PREDICTION_EXPECTED_PURCHASES,
    "probability_alive": _pb.VALUE_PREDICTION_PROBABILITY_ALIVE,
    "expected_spend": _pb.VALUE_PREDICTION_EXPECTED_SPEND,
}
_PREDICTION_NAMES = {v: k for k, v in PREDICTIONS.items()}


class Interval:
    """One prediction's intervals: per customer ``estimate`` (at the fitted
    parameters), ``low`` and ``high`` (numpy arrays), and the sum over the
    customers ``total`` with ``total_low``, ``total_high``."""

    __slots__ = ("estimate", "low", "high", "total", "total_low", "total_high", "kind")

    def __init__(self, msg):
        self.estimate = _from_repeated(msg.estimate, np.float64)
        self.low = _from_repeated(msg.low, np.float64)
        self.high = _from_repeated(msg.high, np.float64)
        self.total, self.total_low, self.total_high = msg.total, msg.total_low, msg.total_high
        #: "confidence": an interval of the expectation (parameter uncertainty).
        self.kind = "confidence"

    def __repr__(self):
        return "Interval(total=%.6g [%.6g, %.6g], %d customers)" % (
            self.total, self.total_low, self.total_high, len(self.estimate))


class Intervals(Mapping):
    """predict_intervals' result: a mapping from prediction name ("clv",
    "expected_purchases", "probability_alive", "expected_spend") to its
    Interval, with ``draws``, ``level``, ``redrawn`` (spend-model draws with
    q <= 1 drawn again) and ``clv_basis`` (a mitra.Basis: 'estimated', the
    interval of the total CLV; None without CLV)."""

    def __init__(self, msg):
        self._by_name = {_PREDICTION_NAMES[iv.prediction]: Interval(iv) for iv in msg.intervals}
        self.draws, self.level, self.redrawn = msg.draws, msg.level, msg.redrawn
        self.clv_basis = _basis(msg.clv_basis)
        self.method = _METHOD_NAMES.get(msg.method, "normal")
        #: Prediction intervals of realised figures over ``horizon``:
        #: {"purchases": RealisedInterval, "revenue": RealisedInterval}.
        self.realised = {_QUANTITY_NAMES[r.quantity]: RealisedInterval(r) for r in msg.realised}
        self.horizon = msg.horizon
        self.revenue_basis = _basis(msg.revenue_basis) if msg.HasField("revenue_basis") else None

    def __getitem__(self, name):
        return self._by_name[name]

    def __iter__(self):
        return iter(self._by_name)

    def __len__(self):
        return len(self._by_name)

    def __repr__(self):
        return "Intervals(%s, draws=%d, level=%g)" % (
            ", ".join("%s=%r" % kv for kv in self._by_name.items()), self.draws, self.level)


def predict_intervals(purchase_model, frequency, recency, T, monetary_value=None,
                      spend_model=None, *, predictions=None, horizon=0.0, period_length=None,
                      discount_rate=0.0, periods=12, draws=200, level=0.9, seed=0,
                      method="normal", realised=True, covariates=None):
    """Per-customer prediction intervals from the fitted models' parameter
    uncertainty (mitra_value_predict_intervals; docs/VALUE.md).

    ``draws`` parameter vectors are drawn (seeded by ``seed``) from the
    asymptotic normal of each fit's log-parameters (the models'
    log_covariance; purchase and spend model independently), every
    prediction is evaluated at each, and the interval is the equal-tailed
    ``level`` quantiles of the draws (default 0.9: the 5% and 95%
    quantiles), per customer and for the sum over customers. The estimate
    is the prediction at the fitted parameters. Parameter uncertainty only:
    not the randomness of the customers' future purchases nor a resampling
    of the customers.

    predictions     names of PREDICTIONS (default: all the given models
                    allow; CLV and expected_spend need spend_model, a fitted
                    GammaGamma, and monetary_value).
    horizon         expected purchases over this many model time units.
    period_length, discount_rate, periods   CLV, as in clv().
    method          "normal" (the asymptotic normal above) or "bootstrap":
                    ``draws`` refits on customers resampled with replacement
                    (CLVTools' "boots"; needs no covariance, costs a fit a
                    draw; RESOURCE_EXHAUSTED past its work or memory limit).
    realised        with expected purchases and horizon > 0, also the
                    prediction intervals of the realised purchases (and
                    revenue, given spend_model and monetary_value) in
                    ``.realised``: each customer's future simulated given
                    her history, so they hold the process noise too.
    covariates      a purchase model fitted with covariates: the customers'
                    covariates, {name: column} on both processes or a pair
                    (purchase, dropout) of them. Each draw then includes the
                    coefficients (drawn jointly with the parameters, or
                    refitted with the covariates by the bootstrap) and each
                    customer is evaluated at her own parameters.
    Returns an Intervals mapping.
    """
    req = _pb.PredictIntervalsRequest()
    req.purchase_model.CopyFrom(_pb.FittedModel.FromString(_model_bytes(purchase_model, "purchase_model")))
    if spend_model is not None:
        req.spend_model.CopyFrom(_pb.FittedModel.FromString(_model_bytes(spend_model, "spend_model")))
    named = [("frequency", frequency), ("recency", recency), ("T", T)]
    if monetary_value is not None:
        named.append(("monetary_value", monetary_value))
    columns = [_column(v, name) for name, v in named]
    for (name, _), a in zip(named[1:], columns[1:]):
        if len(a) != len(columns[0]):
            raise InvalidArgument("%s: %d values, but frequency has %d"
                                  % (name, len(a), len(columns[0])))
    req.frequency.extend(columns[0])
    req.recency.extend(columns[1])
    req.T.extend(columns[2])
    if monetary_value is not None:
        req.monetary_value.extend(columns[3])
    for name in predictions or ():
        if name not in PREDICTIONS:
            raise InvalidArgument("predictions: unknown prediction %r (one of %s)"
                                  % (name, ", ".join(PREDICTIONS)))
        req.predictions.append(PREDICTIONS[name])
    req.horizon = _horizon(horizon, "horizon")
    if isinstance(periods, bool) or not isinstance(periods, numbers.Integral):
        raise TypeError("periods must be an int, not %s" % type(periods).__name__)
    if not 1 <= periods <= _INT32_MAX:
        raise InvalidArgument("periods: must be in [1, 2^31), got %d" % periods)
    req.clv_periods = int(periods)
    if period_length is not None:
        req.clv_period_length = _horizon(period_length, "period_length")
    req.clv_discount_rate = _horizon(discount_rate, "discount_rate")
    if isinstance(draws, bool) or not isinstance(draws, numbers.Integral):
        raise TypeError("draws must be an int, not %s" % type(draws).__name__)
    if not -2**31 <= draws <= _INT32_MAX:
        raise InvalidArgument("draws: must be 2..100000, got %d" % draws)
    req.draws = int(draws)
    req.level = _horizon(level, "level")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**64:
        raise InvalidArgument("seed: must be a whole number in [0, 2^64), got %r" % (seed,))
    req.seed = int(seed)
    if method not in _METHODS:
        raise InvalidArgument("method: must be one of %s, got %r" % (", ".join(_METHODS), method))
    req.method = _METHODS[method]
    req.skip_realised = not realised
    if covariates is not None:
        purchase, dropout = covariates if isinstance(covariates, tuple) else (covariates,
                                                                              covariates)
        (pn, pv), (dn, dv) = _prediction_covariates((purchase, dropout))
        req.purchase_covariate_names.extend(pn)
        req.purchase_covariates.extend(pv.tolist())
        req.dropout_covariate_names.extend(dn)
        req.dropout_covariates.extend(dv.tolist())
    data = req.SerializeToString()
    return Intervals(_pb.PredictIntervalsResponse.FromString(
        call_bytes(_lib.mitra_value_predict_intervals, data, len(data))))


_METHODS = {"normal": _pb.INTERVAL_METHOD_ASYMPTOTIC_NORMAL,
            "bootstrap": _pb.INTERVAL_METHOD_BOOTSTRAP}
_METHOD_NAMES = {v: k for k, v in _METHODS.items()}
_QUANTITY_NAMES = {_pb.REALISED_QUANTITY_PURCHASES: "purchases",
                   _pb.REALISED_QUANTITY_REVENUE: "revenue"}


class RealisedInterval:
    """A prediction interval of a realised figure (kind "prediction"): per
    customer ``estimate`` (the expectation), ``low``, ``high`` and, for a
    count, ``low_share``/``high_share`` (the share of the probability at
    low/high inside the central band: a realised y counts as covered with
    weight 1 strictly inside, low_share at low, high_share at high); the
    total over customers ``total`` (expected), ``total_low``,
    ``total_high``."""

    __slots__ = ("estimate", "low", "high", "low_share", "high_share", "total", "total_low",
                 "total_high", "kind")

    def __init__(self, msg):
        for name in ("estimate", "low", "high", "low_share", "high_share"):
            setattr(self, name, _from_repeated(getattr(msg, name), np.float64))
        self.total, self.total_low, self.total_high = msg.total, msg.total_low, msg.total_high
        self.kind = "prediction"

    def __repr__(self):
        return "RealisedInterval(total=%.6g [%.6g, %.6g], %d customers)" % (
            self.total, self.total_low, self.total_high, len(self.estimate))


#: A prediction with its confidence interval (prediction functions'
#: ``interval=``); ``basis`` for money (CLV), else None.
Estimate = collections.namedtuple("Estimate", "estimate low high basis")


def _estimate(iv, basis=None):
    return Estimate(iv.estimate, iv.low, iv.high, basis)


def holdout(model, frequency, recency, T, holdout_frequency, holdout_length):
    """Holdout validation of a purchase model: the expected purchases over
    holdout_length (model time units) against the actual holdout_frequency,
    by calibration frequency x = 0..6 and "7 or more" (FHL 2005, Fig. 4).

    Returns a dict: by_frequency (list of {calibration_frequency, customers,
    actual_mean, predicted_mean}; the last row is "this or more"), mae and
    rmse (customer level), bias ((total predicted - total actual) / total
    actual), total_actual, total_predicted.
    """
    mb = _model_bytes(model)
    arrays = [("frequency", frequency), ("recency", recency), ("T", T),
              ("holdout_frequency", holdout_frequency)]
    for name, v in arrays:
        if np.ndim(v) != 1:
            raise InvalidArgument("%s: expected one value per customer (1-d)" % name)
    (x, tx, age, h), _, _ = _same_shape(arrays)
    data = call_bytes(_lib.mitra_value_holdout, mb, len(mb),
                      _horizon(holdout_length, "holdout_length"), _ptr(x), _ptr(tx),
                      _ptr(age), _ptr(h), x.size)
    return _holdout_dict(data)


def _holdout_dict(data):
    msg = _pb.HoldoutValidation.FromString(data)
    return {
        "by_frequency": [{"calibration_frequency": r.calibration_frequency,
                          "customers": r.customers, "actual_mean": r.actual_mean,
                          "predicted_mean": r.predicted_mean} for r in msg.by_frequency],
        "mae": msg.mae,
        "rmse": msg.rmse,
        "bias": msg.bias,
        "total_actual": msg.total_actual,
        "total_predicted": msg.total_predicted,
    }


def spend_holdout(spend_model, frequency, monetary_value, holdout_frequency, holdout_spend):
    """The spend check beside holdout(): for each customer with holdout
    purchases, the Gamma-Gamma expected spend per transaction given the
    calibration (frequency, monetary_value) against her actual mean holdout
    spend holdout_spend / holdout_frequency, by calibration frequency 0..6
    and "7 or more". Customers without holdout purchases are left out.

    Returns the dict of holdout(), its means and totals in money per
    transaction: mae and rmse per customer with holdout purchases, bias =
    (sum predicted - sum actual) / sum actual.
    """
    mb = _model_bytes(spend_model, "spend_model")
    arrays = [("frequency", frequency), ("monetary_value", monetary_value),
              ("holdout_frequency", holdout_frequency), ("holdout_spend", holdout_spend)]
    for name, v in arrays:
        if np.ndim(v) != 1:
            raise InvalidArgument("%s: expected one value per customer (1-d)" % name)
    (x, z, hx, hs), _, _ = _same_shape(arrays)
    return _holdout_dict(call_bytes(_lib.mitra_value_spend_holdout, mb, len(mb), _ptr(x), _ptr(z),
                                    _ptr(hx), _ptr(hs), x.size))


def expected_cumulative_transactions(model, source=None, *, births=None, periods, step=1.0,
                                     origin=0, period="day", unit="week", covariates=None,
                                     purchase_covariates=None, dropout_covariates=None):
    """The numbers of the calibration/holdout tracking plot (FHL 2005, Fig.
    2; lifetimes' expected_cumulative_transactions, BTYD's
    ExpectedCumulativeTransactions): each customer enters at her first
    purchase (birth) and by time t has made E[X(t - birth)] repeat purchases
    in expectation; summed over the base at the end of each of `periods`
    periods of `step` model time units after `origin`.

    source   a mitra.Workspace (its transactions) or (customer, time[,
             amount]) arrays: births and the actual repeat purchases come
             from them, with the purchase rule of summarize() (one purchase
             per `period`; a repeat purchase counts once its period has
             ended). `unit` must be the unit the model was fitted in.
    births   instead of a source: each customer's birth in model time units
             after the origin (expected series only).
    covariates, purchase_covariates, dropout_covariates
             a model fitted with covariates: with births, the customers'
             covariates as fit() took them (one value per birth); each
             customer's expectation is then at her own parameters.

    Returns a dict of numpy arrays over the periods: "time" (the period
    ends, in units after the origin), "expected" and "expected_incremental",
    and with a source "actual" and "actual_incremental".
    """
    if (source is None) == (births is None):
        raise InvalidArgument("source, births: give exactly one")
    if isinstance(periods, bool) or not isinstance(periods, numbers.Integral):
        raise TypeError("periods must be a whole number, not %s" % type(periods).__name__)
    if not 1 <= periods <= 1000000:
        raise InvalidArgument("periods: must be in [1, 1000000], got %d" % periods)
    mb = _model_bytes(model)
    step = _horizon(step, "step")
    expected = np.empty(periods, dtype=np.float64)
    actual = None
    cov = _covariate_args(covariates, purchase_covariates, dropout_covariates)
    with_covariates = cov is not None or (isinstance(model, _PurchaseModel)
                                          and model._has_covariates())
    if with_covariates and births is None:
        raise InvalidArgument("covariates: a model with covariates tracks from births (one "
                              "covariate row per birth), not from a source")
    if births is not None:
        b = _f64(births)
        if b.ndim != 1:
            raise InvalidArgument("births: expected one value per customer (1-d)")
        if with_covariates:
            if not isinstance(model, _PurchaseModel):
                model = _Model.from_bytes(mb)
            params, coef, (pn, pv), (dn, dv) = model._covariate_call(cov)
            call(_lib.mitra_value_expected_cumulative_transactions_covariates, int(model._KIND),
                 _ptr(params), _ptr(coef), _ptr(b), b.size, _ptr(pv), pv.size, len(pn),
                 _ptr(dv), dv.size, len(dn), step, periods, _ptr(expected))
        else:
            call(_lib.mitra_value_expected_cumulative_transactions, mb, len(mb), _ptr(b),
                 b.size, step, periods, _ptr(expected))
    else:
        actual = np.empty(periods, dtype=np.float64)
        clock = (_unix_seconds(origin, "origin"), unit_seconds(period, "period"),
                 unit_seconds(unit, "unit"))
        if isinstance(source, Workspace):
            with source._use() as h:
                call(_lib.mitra_workspace_value_tracking, h, mb, len(mb), *clock, step, periods,
                     _ptr(expected), _ptr(actual))
        else:
            if isinstance(source, (tuple, list)) and len(source) in (2, 3):
                customer, time = source[0], source[1]
            else:
                customer, time, _ = _source_arrays(source)
            keys, _ = _customer_keys(customer)
            times = _time_array(time)
            if keys.ndim != 1 or times.shape != keys.shape:
                raise InvalidArgument("time: %d values, but customer has %d"
                                      % (times.size, keys.size))
            call(_lib.mitra_value_tracking, mb, len(mb), _ptr(keys, _native.u32_p),
                 _ptr(times, _native.i64_p), keys.size, *clock, step, periods,
                 _ptr(expected), _ptr(actual))
    result = {"time": step * np.arange(1, periods + 1, dtype=np.float64),
              "expected": expected, "expected_incremental": np.diff(expected, prepend=0.0)}
    if actual is not None:
        result["actual"] = actual
        result["actual_incremental"] = np.diff(actual, prepend=0.0)
    return result


# ---- RFM ------------------------------------------------------------------------

#: The default segment table (5 bins), in match order: (name, r_min, r_max,
#: f_min, f_max); monetary unrestricted. rfm() returns the table it used.
DEFAULT_SEGMENTS = (
    ("lost", 1, 1, 1, 2), ("hibernating", 1, 2, 1, 2), ("at_risk", 1, 2, 3, 4),
    ("cannot_lose_them", 1, 2, 5, 5), ("about_to_sleep", 3, 3, 1, 2),
    ("need_attention", 3, 3, 3, 3), ("loyal", 3, 4, 4, 5), ("promising", 4, 4, 1, 1),
    ("new_customers", 5, 5, 1, 1), ("potential_loyalist", 4, 5, 2, 3),
    ("champions", 5, 5, 4, 5),
)

_RULE_FIELDS = ("name", "r_min", "r_max", "f_min", "f_max", "m_min", "m_max")


def _rule(rule, i):
    if isinstance(rule, _pb.RfmSegmentRule):
        return rule
    if isinstance(rule, Mapping):
        unknown = set(rule) - set(_RULE_FIELDS)
        if unknown:
            raise InvalidArgument("segments[%d]: unknown field(s) %s" % (i, sorted(unknown)))
        return _pb.RfmSegmentRule(**rule)
    if isinstance(rule, (tuple, list)) and len(rule) in (5, 7):
        return _pb.RfmSegmentRule(**dict(zip(_RULE_FIELDS, rule)))
    raise TypeError("segments[%d] must be (name, r_min, r_max, f_min, f_max[, m_min, m_max]), "
                    "a dict of those or a mitra.v1.RfmSegmentRule" % i)


#: The RFM dimensions, in the order of rfm()'s arguments and of a reference.
RFM_DIMENSIONS = ("recency_age", "frequency", "monetary_value")


def rfm_reference(recency_age, frequency, monetary_value):
    """A population's distributions for rfm(..., reference=): a dict with
    the keys RFM_DIMENSIONS, each (values, counts): the distinct values
    ascending (float64) and how many customers hold each (int64). Exact, so
    as long as the population has distinct values (monetary values are
    nearly all distinct: about one entry a customer)."""
    columns, _, _ = _same_shape(list(zip(RFM_DIMENSIONS, (recency_age, frequency,
                                                          monetary_value))))
    out = {}
    for name, a in zip(RFM_DIMENSIONS, columns):
        a = a.ravel()
        if not np.all(np.isfinite(a)):
            i = int(np.flatnonzero(~np.isfinite(a))[0])
            raise InvalidArgument("%s[%d]: %r is not finite" % (name, i, float(a[i])))
        values, counts = np.unique(a, return_counts=True)
        out[name] = (values, counts.astype(np.int64))
    return out


def merge_rfm_references(references):
    """One reference from several (rfm_reference's dicts): per dimension the
    union of the values with their counts added. Counts are whole numbers,
    so the merge is exact and does not depend on the order."""
    out = {}
    for name in RFM_DIMENSIONS:
        values = np.concatenate([np.asarray(r[name][0], np.float64) for r in references])
        counts = np.concatenate([np.asarray(r[name][1], np.int64) for r in references])
        distinct, inverse = np.unique(values, return_inverse=True)
        total = np.zeros(distinct.size, np.int64)
        np.add.at(total, inverse.reshape(-1), counts)
        out[name] = (distinct, total)
    return out


def _reference_message(reference, message):
    """reference (a dict of RFM_DIMENSIONS -> (values, counts)) into an
    RfmReference message; the library checks the values."""
    if not isinstance(reference, Mapping):
        raise TypeError("reference must be a dict of %s -> (values, counts), not %s"
                        % (", ".join(RFM_DIMENSIONS), type(reference).__name__))
    unknown = set(reference) - set(RFM_DIMENSIONS)
    if unknown:
        raise InvalidArgument("reference: unknown dimension(s) %s (%s)"
                              % (sorted(unknown), ", ".join(RFM_DIMENSIONS)))
    for name in RFM_DIMENSIONS:
        if name not in reference:
            raise InvalidArgument("reference.%s: missing (every dimension needs its "
                                  "distribution)" % name)
        try:
            values, counts = reference[name]
        except (TypeError, ValueError):
            raise TypeError("reference.%s must be a pair (values, counts)" % name) from None
        values = np.asarray(values, np.float64).ravel()
        counts = np.asarray(counts).ravel()
        if counts.dtype.kind not in "iuf" or (counts.dtype.kind == "f" and
                                               not np.all(counts == np.floor(counts))):
            raise InvalidArgument("reference.%s.counts: whole numbers expected" % name)
        if counts.size and counts.min() < 1:
            i = int(np.flatnonzero(counts < 1)[0])
            raise InvalidArgument("reference.%s.counts[%d]: must be > 0, got %r"
                                  % (name, i, counts[i].item()))
        field = getattr(message, name)
        field.values.extend(values.tolist())
        field.counts.extend(counts.astype(np.uint64).tolist())


def rfm(recency_age, frequency, monetary_value, bins=5, segments=None, reference=None):
    """RFM scores and segments.

    recency_age     time since the last purchase (T - t_x; smaller is better)
    frequency       x (larger is better)
    monetary_value  mean (or total) spend (larger is better)
    bins            scores run 1..bins (2..10; 5: quintiles)
    segments        rules (name, r_min, r_max, f_min, f_max[, m_min, m_max])
                    with inclusive score ranges (m 0, 0: any), first match
                    wins; None: DEFAULT_SEGMENTS (5 bins only).

    reference       None: the customers are ranked among themselves. Else
                    the population they are ranked against (rfm_reference,
                    merge_rfm_references: per dimension the distinct values
                    and their counts), e.g. every partition's customers: a
                    subset then gets the scores it has in the whole.

    Score: 1 + floor(bins * below / n), below = customers with a strictly
    worse value (equal values get equal scores; the worst gets 1); with a
    reference, below and n count the reference's customers (a value better
    than all of them gets bins).

    Returns a dict: r, f, m (int32 arrays), segment (list of names, None
    where no rule matches), segment_index (int32 array, -1 for none) and
    segments (the table used, a list of dicts).
    """
    (ra, fr, mv), _, _ = _same_shape([("recency_age", recency_age), ("frequency", frequency),
                                      ("monetary_value", monetary_value)])
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral):
        raise TypeError("bins must be an int, not %s" % type(bins).__name__)
    req = _pb.RfmRequest(bins=int(bins))
    req.recency_age.extend(ra.ravel().tolist())
    req.frequency.extend(fr.ravel().tolist())
    req.monetary_value.extend(mv.ravel().tolist())
    if segments is not None:
        if len(segments) == 0:
            raise InvalidArgument("segments: empty (None for the default table)")
        req.segments.extend(_rule(r, i) for i, r in enumerate(segments))
    if reference is not None:
        _reference_message(reference, req.reference)
    data = req.SerializeToString()
    res = _pb.RfmResult.FromString(call_bytes(_lib.mitra_value_rfm, data, len(data)))
    table = [{f: getattr(s, f) for f in _RULE_FIELDS} for s in res.segments]
    index = _from_repeated(res.segment, np.int32)
    return {
        "r": _from_repeated(res.r, np.int32),
        "f": _from_repeated(res.f, np.int32),
        "m": _from_repeated(res.m, np.int32),
        "segment": [table[k]["name"] if k >= 0 else None for k in index.tolist()],
        "segment_index": index,
        "segments": table,
    }


# ---- contract renewals (sBG) and discrete opportunities (BG/BB) -----------------


def _discrete_options(penalizer, initial, max_iterations, gradient_tolerance, standard_errors):
    return _fit_options(penalizer, initial, max_iterations, None, True, gradient_tolerance,
                        standard_errors)


def _periods(t, what="t"):
    """t as a C-contiguous int32 array of period counts (scalar: one)."""
    a = np.asarray(t)
    if a.dtype.kind == "b" or (a.dtype.kind not in "iu" and not (
            a.dtype.kind == "f" and np.all(np.isfinite(a)) and np.all(a == np.round(a)))):
        raise InvalidArgument("%s: whole numbers of periods expected, got %r" % (what, t))
    if a.size and (a.min() < -2**31 or a.max() > 2**31 - 1):
        raise InvalidArgument("%s: out of the int32 range" % what)
    return np.ascontiguousarray(a, dtype=np.int32), a.ndim == 0


class _DiscreteModel(_Model):
    """A discrete-time model: its parameters by the paper's names and, when
    fitted, the fit report (the purchase models' report, standard_errors
    and log_covariance). Immutable; picklable (as its serialized
    mitra.v1.SbgModel or mitra.v1.BgBbModel, whose parameters are fields)."""

    _MESSAGE = None

    def __init__(self, *args, **params):
        values = dict(zip(self._NAMES, args))
        if len(args) > len(self._NAMES) or set(params) - set(self._NAMES) or \
                set(values) & set(params):
            raise TypeError("%s takes the parameters %s"
                            % (type(self).__name__, ", ".join(self._NAMES)))
        values.update(params)
        missing = [n for n in self._NAMES if n not in values]
        if missing:
            raise TypeError("%s needs %s" % (type(self).__name__, ", ".join(missing)))
        self._set(self._MESSAGE(**{n: float(values[n]) for n in self._NAMES}))

    @classmethod
    def _from_message(cls, msg):
        if msg.report.at_boundary:
            warnings.warn(msg.report.boundary_reason, FitBoundaryWarning, stacklevel=3)
        return super()._from_message(msg)

    @classmethod
    def from_bytes(cls, data):
        """A model from its serialized message (see to_bytes())."""
        return cls._from_message(cls._MESSAGE.FromString(bytes(data)))

    def to_message(self):
        """A copy of the model's message."""
        m = self._MESSAGE()
        m.CopyFrom(self._message)
        return m

    @property
    def params(self):
        """{name: value} in the paper's names and order."""
        return {n: getattr(self._message, n) for n in self._NAMES}

    def __reduce__(self):
        return (type(self).from_bytes, (self._bytes,))


class SbgCohort:
    """One cohort's sBG fit and projection (ShiftedBetaGeo.fit_cohorts):
    name, model (a ShiftedBetaGeo), size, observed_periods, active (after
    the observed renewals), survival S(t) and survivors size * S(t) for t =
    0..horizon, retention r(t) for t = 1..horizon (numpy arrays); with a
    discount rate derl, retention_elasticity and residual_payments (active *
    DERL), else None; with a value per period residual_value (money) and
    residual_value_basis (a Basis: kind, low, high, confidence, source),
    else None."""

    def __init__(self, msg):
        self.name = msg.name
        self.model = ShiftedBetaGeo._from_message(msg.model)
        self.size = msg.size
        self.observed_periods = msg.observed_periods
        self.active = msg.active
        self.survival = _from_repeated(msg.survival, np.float64)
        self.survivors = _from_repeated(msg.survivors, np.float64)
        self.retention = _from_repeated(msg.retention, np.float64)
        discounted = msg.derl > 0
        self.derl = msg.derl if discounted else None
        self.retention_elasticity = msg.retention_elasticity if discounted else None
        self.residual_payments = msg.residual_payments if discounted else None
        self.residual_value = msg.residual_value if msg.HasField("residual_value") else None
        self.residual_value_basis = _basis(msg.residual_value_basis)

    def __repr__(self):
        return "SbgCohort(%r, alpha=%.4g, beta=%.4g, size=%g, active=%g)" % (
            self.name, self.model.params["alpha"], self.model.params["beta"], self.size,
            self.active)


def _cohort_message(name, cohort):
    c = _pb.SbgCohort(name=str(name))
    if isinstance(cohort, Mapping):
        unknown = set(cohort) - {"survivors", "size", "lost"}
        if unknown:
            raise InvalidArgument("cohorts[%r]: unknown keys %s (survivors, or size and lost)"
                                  % (name, sorted(unknown)))
        if "survivors" in cohort:
            c.survivors.extend(_column(cohort["survivors"], "survivors").tolist())
        if "size" in cohort:
            c.size = float(cohort["size"])
        if "lost" in cohort:
            c.lost.extend(_column(cohort["lost"], "lost").tolist())
    else:
        c.survivors.extend(_column(cohort, "survivors").tolist())
    return c


def _sbg_request(horizon, discount_rate, value_per_period, options):
    r = _pb.SbgFitRequest(horizon=int(horizon), options=options)
    if discount_rate is not None:
        r.discount_rate = float(discount_rate)
    if value_per_period is not None:
        r.value_per_period = float(value_per_period)
    return r


class ShiftedBetaGeo(_DiscreteModel):
    """The shifted-beta-geometric model of contract renewal (Fader & Hardie
    2007, 2010): each subscriber lapses at a renewal with her own
    probability theta ~ Beta(alpha, beta), so the cohort's retention rate
    r(t) = (beta + t - 1) / (alpha + beta + t - 1) rises as the likely
    leavers leave. Periods are counts (t renewals), in the cohort's period."""

    _MESSAGE = _pb.SbgModel
    _NAMES = ("alpha", "beta")
    _LABEL = "sBG"

    @classmethod
    def fit(cls, survivors=None, *, size=None, lost=None, penalizer=0.0, initial=None,
            max_iterations=None, gradient_tolerance=None, standard_errors=True):
        """Maximum-likelihood fit on one cohort: survivors[t] still active
        after t renewals (survivors[0] the cohort's size), or its size and
        lost[t - 1], those who left at renewal t."""
        cohort = {"survivors": survivors} if lost is None else {"size": size, "lost": lost}
        if (survivors is None) == (lost is None):
            raise InvalidArgument("survivors: give survivors, or size with lost")
        return cls.fit_cohorts({"cohort": cohort}, penalizer=penalizer, initial=initial,
                               max_iterations=max_iterations,
                               gradient_tolerance=gradient_tolerance,
                               standard_errors=standard_errors)[0].model

    @staticmethod
    def fit_cohorts(cohorts, *, horizon=0, discount_rate=None, value_per_period=None,
                    penalizer=0.0, initial=None, max_iterations=None, gradient_tolerance=None,
                    standard_errors=True):
        """One fit per cohort; a list of SbgCohort in the order given.

        cohorts           {name: survivors} or {name: {"size": n, "lost": [...]}}
                          (or a list of survivors arrays, named by position).
        horizon           periods to project over (0: each cohort's observed).
        discount_rate     per period (> 0) for DERL and its elasticity.
        value_per_period  money an active subscriber pays a period: each
                          cohort's residual_value, with its basis.
        """
        if not isinstance(cohorts, Mapping):
            cohorts = {"cohorts[%d]" % i: c for i, c in enumerate(cohorts)}
        r = _sbg_request(horizon, discount_rate, value_per_period, _discrete_options(
            penalizer, initial, max_iterations, gradient_tolerance, standard_errors))
        r.cohorts.extend(_cohort_message(name, c) for name, c in cohorts.items())
        data = r.SerializeToString()
        res = _pb.SbgFitResult.FromString(call_bytes(_lib.mitra_value_sbg_fit, data, len(data)))
        return [SbgCohort(c) for c in res.cohorts]

    @staticmethod
    def fit_workspace(workspace, *, period, end, origin=0, min_cohort_size=0, horizon=0,
                      discount_rate=None, value_per_period=None, penalizer=0.0, initial=None,
                      max_iterations=None, gradient_tolerance=None, standard_errors=True):
        """One fit per acquisition cohort of a workspace's transactions
        (docs/VALUE.md): a customer's cohort is the period of her first
        transaction, she is active after t renewals when she has a
        transaction in her cohort's period + t or later, up to the period
        holding ``end``. period: a unit name ("month") or seconds. Cohorts
        are named by their first period's start."""
        req = _pb.WorkspaceSbgRequest(
            periods=_pb.DiscretePeriods(period_seconds=unit_seconds(period, "period"),
                                        origin_unix_seconds=_unix_seconds(origin, "origin"),
                                        end_unix_seconds=_unix_seconds(end, "end")),
            fit=_sbg_request(horizon, discount_rate, value_per_period, _discrete_options(
                penalizer, initial, max_iterations, gradient_tolerance, standard_errors)),
            min_cohort_size=int(min_cohort_size))
        data = req.SerializeToString()
        with workspace._use() as h:
            out = call_bytes(_lib.mitra_workspace_value_sbg, h, data, len(data))
        return [SbgCohort(c) for c in _pb.SbgFitResult.FromString(out).cohorts]

    def _predict(self, quantity, t, discount_rate=0.0):
        ts, scalar = _periods(t)
        flat = ts.ravel()
        out = np.empty(flat.shape, dtype=np.float64)
        call(_lib.mitra_value_sbg_predict, self._bytes, len(self._bytes), quantity,
             float(discount_rate), _ptr(flat, _native.i32_p), flat.size, _ptr(out))
        return float(out[0]) if scalar else out.reshape(ts.shape)

    def survival(self, t):
        """S(t): the share of a cohort still active after t renewals."""
        return self._predict(_native.VALUE_SBG_SURVIVAL, t)

    def retention(self, t):
        """r(t) = S(t) / S(t - 1), t >= 1."""
        return self._predict(_native.VALUE_SBG_RETENTION, t)

    def derl(self, renewals, discount_rate):
        """Discounted expected residual lifetime of a subscriber who has made
        ``renewals`` renewals: her expected further payments, the next
        undiscounted, each later one by 1 / (1 + d) a period."""
        return self._predict(_native.VALUE_SBG_DERL, renewals, discount_rate)

    def retention_elasticity(self, renewals, discount_rate):
        """% change in DERL when every future retention rate rises by 1 %."""
        return self._predict(_native.VALUE_SBG_ELASTICITY, renewals, discount_rate)


class BetaGeoBetaBinom(_DiscreteModel):
    """The BG/BB model of transactions at discrete opportunities (Fader,
    Hardie & Shang 2010): while alive a customer transacts at each
    opportunity with probability p ~ Beta(alpha, beta), and before each
    opportunity she dies with probability theta ~ Beta(gamma, delta).
    A history is (x, t_x, n): x transactions in n opportunities, the last at
    opportunity t_x (0 when x = 0)."""

    _MESSAGE = _pb.BgBbModel
    _NAMES = ("alpha", "beta", "gamma", "delta")
    _LABEL = "BG/BB"

    @classmethod
    def fit(cls, frequency, recency, n, weights=None, penalizer=0.0, initial=None,
            max_iterations=None, gradient_tolerance=None, standard_errors=True):
        """Maximum-likelihood fit on histories: frequency = x, recency = t_x,
        n = opportunities, weights optional customers per row (a
        recency/frequency table)."""
        named = [("frequency", frequency), ("recency", recency), ("n", n)]
        if weights is not None:
            named.append(("weights", weights))
        arrays, _, _ = _same_shape(named)
        arrays = [a.ravel() for a in arrays]
        options = _discrete_options(penalizer, initial, max_iterations, gradient_tolerance,
                                    standard_errors).SerializeToString()
        w = _ptr(arrays[3]) if weights is not None else None
        data = call_bytes(_lib.mitra_value_bgbb_fit, _ptr(arrays[0]), _ptr(arrays[1]),
                          _ptr(arrays[2]), w, arrays[0].size, options, len(options))
        return cls._from_message(_pb.BgBbModel.FromString(data))

    @classmethod
    def fit_workspace(cls, workspace, *, period, end, origin=0, horizon=1, penalizer=0.0,
                      initial=None, max_iterations=None, gradient_tolerance=None,
                      standard_errors=True):
        """BG/BB on a workspace's customers (docs/VALUE.md): the periods
        after a customer's first transaction, up to the one holding ``end``,
        are her opportunities. Returns (model, table): table a dict of
        customer_id (list), frequency, recency, n, probability_alive (at the
        next opportunity) and expected_transactions (over the next
        ``horizon``), numpy arrays."""
        req = _pb.WorkspaceBgBbRequest(
            periods=_pb.DiscretePeriods(period_seconds=unit_seconds(period, "period"),
                                        origin_unix_seconds=_unix_seconds(origin, "origin"),
                                        end_unix_seconds=_unix_seconds(end, "end")),
            options=_discrete_options(penalizer, initial, max_iterations, gradient_tolerance,
                                      standard_errors),
            horizon=int(horizon))
        data = req.SerializeToString()
        with workspace._use() as h:
            out = call_bytes(_lib.mitra_workspace_value_bgbb, h, data, len(data))
        res = _pb.WorkspaceBgBbResult.FromString(out)
        table = {"customer_id": list(res.customer_id)}
        for key, field in (("frequency", res.x), ("recency", res.t_x), ("n", res.n),
                           ("probability_alive", res.probability_alive),
                           ("expected_transactions", res.expected_transactions)):
            table[key] = _from_repeated(field, np.float64)
        return cls._from_message(res.model), table

    def _predict(self, quantity, m, frequency, recency, n):
        (x, tx, nn), shape, scalar = _same_shape(
            [("frequency", frequency), ("recency", recency), ("n", n)])
        x, tx, nn = x.ravel(), tx.ravel(), nn.ravel()
        if isinstance(m, bool) or not isinstance(m, numbers.Integral):
            raise TypeError("m must be a whole number of opportunities, not %s"
                            % type(m).__name__)
        out = np.empty(x.shape, dtype=np.float64)
        call(_lib.mitra_value_bgbb_predict, self._bytes, len(self._bytes), quantity, int(m),
             _ptr(x), _ptr(tx), _ptr(nn), x.size, _ptr(out))
        return _result(out, scalar) if scalar else out.reshape(shape)

    def probability_alive(self, frequency, recency, n, m=1):
        """P(alive at opportunity n + m | x, t_x, n); m = 1: at the next one."""
        return self._predict(_native.VALUE_BGBB_PROBABILITY_ALIVE, m, frequency, recency, n)

    def expected_transactions(self, m, frequency, recency, n):
        """E[transactions in the next m opportunities | x, t_x, n]."""
        return self._predict(_native.VALUE_BGBB_EXPECTED_TRANSACTIONS, m, frequency, recency, n)

    def transaction_distribution(self, n):
        """P(X(n) = x), x = 0..n, for a new customer (n + 1 values)."""
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError("n must be a whole number of opportunities, not %s"
                            % type(n).__name__)
        if not 1 <= n <= 10000:
            raise InvalidArgument("n: must be 1..10000, got %d" % n)
        out = np.empty(int(n) + 1, dtype=np.float64)
        call(_lib.mitra_value_bgbb_distribution, self._bytes, len(self._bytes), int(n), _ptr(out))
        return out
