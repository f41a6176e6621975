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
    "holdout", "rfm", "DEFAULT_SEGMENTS",
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

    Arrays are float64 numpy arrays.
    """

    _ARRAYS = ("frequency", "recency", "T", "monetary_value", "holdout_frequency",
               "holdout_spend")

    def __init__(self, customer_id, frequency, recency, T, monetary_value,
                 holdout_frequency=None, holdout_spend=None, holdout_length=0.0,
                 unit_seconds=0):
        self.customer_id = list(customer_id)
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
        return cls(list(msg.customer_id), holdout_length=msg.holdout_length,
                   unit_seconds=msg.unit_seconds, **arrays)

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
        return msg

    def to_bytes(self):
        return self.to_message().SerializeToString()

    def to_dict(self):
        """{name: value} of every field (arrays not copied)."""
        d = {"customer_id": self.customer_id}
        d.update((name, getattr(self, name)) for name in self._ARRAYS)
        d["holdout_length"] = self.holdout_length
        d["unit_seconds"] = self.unit_seconds
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
              as_dict=False):
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

    Returns a Summaries (a dict of its fields with as_dict=True).
    """
    request = _pb.SummaryRequest(
        calibration_end_unix_seconds=_unix_seconds(calibration_end, "calibration_end"),
        period_seconds=unit_seconds(period, "period"),
        unit_seconds=unit_seconds(unit, "unit"),
        origin_unix_seconds=_unix_seconds(origin, "origin"))
    if holdout_end is not None:
        request.holdout_end_unix_seconds = _unix_seconds(holdout_end, "holdout_end")
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
        req.frequency.extend(_column(frequency, "frequency").tolist())
        req.recency.extend(_column(recency, "recency").tolist())
        req.T.extend(_column(T, "T").tolist())
        if weights is not None:
            req.weight.extend(_column(weights, "weight").tolist())
        _add_covariates(req, covariates, purchase_covariates, dropout_covariates,
                        covariate_penalty)
        return cls._from_message(_fit(req))

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

    def _predict(self, quantity, t, frequency, recency, T):
        (x, tx, age), shape, scalar = _same_shape(
            [("frequency", frequency), ("recency", recency), ("T", T)])
        out = np.empty(shape if not scalar else (1,), dtype=np.float64)
        call(_lib.mitra_value_predict, self._bytes, len(self._bytes), quantity, t,
             _ptr(x), _ptr(tx), _ptr(age), x.size, _ptr(out))
        return _result(out, scalar)

    def expected_purchases(self, t, frequency, recency, T):
        """E[purchases in (T, T + t] | x, t_x, T] per customer: lifetimes'
        conditional_expected_number_of_purchases_up_to_time. t is one
        horizon (a number) in the model's time unit."""
        return self._predict(_native.VALUE_EXPECTED_PURCHASES, _horizon(t), frequency,
                             recency, T)

    def probability_alive(self, frequency, recency, T):
        """P(still alive at T | x, t_x, T) per customer."""
        return self._predict(_native.VALUE_PROBABILITY_ALIVE, 0.0, frequency, recency, T)

    def probability_alive_at(self, t, frequency, recency, T):
        """P(still alive at T + t | x, t_x, T) per customer; t (a number) in
        the model's time unit."""
        return self._predict(_native.VALUE_PROBABILITY_ALIVE_AT, _horizon(t), frequency,
                             recency, T)

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
        if not isinstance(summaries, Summaries):
            raise TypeError("validate_holdout() takes a mitra.value.Summaries, not %s"
                            % type(summaries).__name__)
        if not summaries.has_holdout:
            raise InvalidArgument("summaries.holdout_frequency: no holdout (summarize() was "
                                  "given no holdout_end)")
        return holdout(self, summaries.frequency, summaries.recency, summaries.T,
                       summaries.holdout_frequency, summaries.holdout_length)


class _BetaGeometric(_PurchaseModel):
    def probability_of_purchases(self, t, n):
        """P(X(t) = n): a new customer makes exactly n purchases in its first
        t time units (t a number; n a whole number or an array of them)."""
        a = np.asarray(n)
        if a.dtype.kind == "f":
            if a.size and (~np.isfinite(a) | (a != np.floor(a))).any():
                raise InvalidArgument("n: must be whole numbers")
        elif a.dtype.kind not in "iu":
            raise TypeError("n must be whole numbers, not dtype %s" % a.dtype)
        if a.size and (a.min() < 0 or a.max() > _INT32_MAX):
            raise InvalidArgument("n: must be in [0, 2^31)")
        scalar = a.ndim == 0
        counts = np.ascontiguousarray(a.reshape(1) if scalar else a, dtype=np.int32)
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
    in the model's time unit. No probability_of_purchases()."""

    _KIND = _pb.VALUE_MODEL_PARETO_NBD
    _NAMES = ("r", "alpha", "s", "beta")
    _LABEL = "Pareto/NBD"


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
        req.frequency.extend(_column(frequency, "frequency").tolist())
        req.monetary_value.extend(_column(monetary_value, "monetary_value").tolist())
        if weights is not None:
            req.weight.extend(_column(weights, "weight").tolist())
        return cls._from_message(_fit(req))

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
            discount_rate, periods=12):
        """clv(purchase_model, self, ...): see mitra.value.clv."""
        return clv(purchase_model, self, frequency, recency, T, monetary_value,
                   period_length=period_length, discount_rate=discount_rate, periods=periods)


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


def _add_covariates(req, both, purchase, dropout, penalty):
    if both is not None and (purchase is not None or dropout is not None):
        raise InvalidArgument("covariates: give either covariates or purchase_covariates/"
                              "dropout_covariates, not both")
    if both is not None:
        purchase = dropout = both
    pn, pv = _covariate_columns(purchase, "purchase_covariates")
    dn, dv = _covariate_columns(dropout, "dropout_covariates")
    req.purchase_covariate_names.extend(pn)
    req.purchase_covariates.extend(pv.tolist())
    req.dropout_covariate_names.extend(dn)
    req.dropout_covariates.extend(dv.tolist())
    req.covariate_penalty = float(penalty)


def _fit(req):
    data = req.SerializeToString()
    m = _pb.FittedModel.FromString(call_bytes(_lib.mitra_value_fit, data, len(data)))
    if m.report.at_boundary:
        warnings.warn(m.report.boundary_reason, FitBoundaryWarning, stacklevel=3)
    return m


def load_model(data):
    """The model (BGNBD, MBGNBD, ParetoNBD or GammaGamma) serialized in
    ``data`` (a mitra.v1.FittedModel, as to_bytes() gives)."""
    if isinstance(data, _pb.FittedModel):
        data = data.SerializeToString()
    return _Model.from_bytes(data)


def clv(purchase_model, spend_model, frequency, recency, T, monetary_value, *, period_length,
        discount_rate, periods=12):
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
    """
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

    __slots__ = ("estimate", "low", "high", "total", "total_low", "total_high")

    def __init__(self, msg):
        self.estimate = _from_repeated(msg.estimate, np.float64)
        self.low = _from_repeated(msg.low, np.float64)
        self.high = _from_repeated(msg.high, np.float64)
        self.total, self.total_low, self.total_high = msg.total, msg.total_low, msg.total_high

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
                      discount_rate=0.0, periods=12, draws=200, level=0.9, seed=0):
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
    data = req.SerializeToString()
    return Intervals(_pb.PredictIntervalsResponse.FromString(
        call_bytes(_lib.mitra_value_predict_intervals, data, len(data))))


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


def rfm(recency_age, frequency, monetary_value, bins=5, segments=None):
    """RFM scores and segments.

    recency_age     time since the last purchase (T - t_x; smaller is better)
    frequency       x (larger is better)
    monetary_value  mean (or total) spend (larger is better)
    bins            scores run 1..bins (2..10; 5: quintiles)
    segments        rules (name, r_min, r_max, f_min, f_max[, m_min, m_max])
                    with inclusive score ranges (m 0, 0: any), first match
                    wins; None: DEFAULT_SEGMENTS (5 bins only).

    Score: 1 + floor(bins * below / n), below = customers with a strictly
    worse value (equal values get equal scores; the worst gets 1).

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
