"""mitra.dask.value: customer value on partitioned transactions.

Every model computation runs in mitra (mitra.value over the C ABI); this
module only arranges where it runs (docs/SCALE.md)::

    import dask.dataframe as dd
    import mitra.dask as md

    tx = dd.read_csv("transactions-*.csv")      # customer_id, time, amount
    tx = md.partition_by_customer(tx, 64)       # each customer in one partition
    bg = md.fit(tx, "bgnbd", calibration_end="1997-09-30", period="day",
                unit="week", partitioned=True)  # a mitra.value.BGNBD
    gg = md.fit(tx, "gammagamma", calibration_end="1997-09-30", partitioned=True)
    scores = md.score(tx, bg, calibration_end="1997-09-30", horizon=52,
                      spend_model=gg, period_length=4.348, discount_rate=0.01,
                      partitioned=True)         # a Dask DataFrame, one row a customer

Transactions are a Dask (or pandas) DataFrame with the columns COLUMNS:
customer_id (whole numbers or strings), time (what mitra.value.summarize
takes: unix seconds, datetime64, dates or ISO strings) and amount (a
number). A customer's summary needs all her transactions, so every function
first gathers each customer into one partition (partition_by_customer)
unless told partitioned=True.

Fits: each partition's summaries are merged into weighted rows of identical
(x, t_x, T) (Gamma-Gamma: (x, mean spend)), the partitions' rows are merged
the same way in a tree (the weights are customer counts, so every merge is
exact), and the client makes one weighted fit of the merged rows, sorted:
the fit sees the same request whatever the partitioning. Rows that do not
merge (continuous time; mean spend) would all reach the client: above
MAX_CLIENT_ROWS distinct rows (or with method="distributed") mitra's
optimiser runs on the client and each step's log-likelihood is summed over
the partitions on the workers (mitra.dask.likelihood). With covariates
(fit(..., covariates=frame)) rows cannot merge, and the fit is always so
(mitra.dask.covariates).

Functions that compute (fit) take timeout= seconds when a distributed
Client is the scheduler. Errors are mitra.Error subclasses naming the field.
"""

import hashlib
import numbers
import re

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from .. import value as _value
from .._errors import Error, InvalidArgument

__all__ = ["COLUMNS", "MODELS", "partition_of", "partition_by_customer", "summarize", "fit",
           "score"]

#: The transaction columns every function reads.
COLUMNS = ("customer_id", "time", "amount")

#: Model names fit() takes, with their classes.
MODELS = {
    "bgnbd": _value.BGNBD,
    "mbgnbd": _value.MBGNBD,
    "pareto": _value.ParetoNBD,
    "paretonbd": _value.ParetoNBD,
    "gammagamma": _value.GammaGamma,
}

# Summary columns, in order, and the ones each model's weighted rows group on.
_SUMMARY_COLUMNS = ("frequency", "recency", "T", "monetary_value")
_PURCHASE_KEYS = ("frequency", "recency", "T")
_SPEND_KEYS = ("frequency", "monetary_value")

#: fit() without covariates, method="auto": the weighted rows are merged and
#: fitted on the client up to this many distinct rows over all partitions
#: (24 bytes a row, 32 with its weight: 160 MB), and the log-likelihood is
#: summed on the workers above (mitra.dask.likelihood).
MAX_CLIENT_ROWS = 5_000_000
_METHODS = ("auto", "merged", "distributed")

# fit() options passed on to the model's fit(); weights, grouping and
# covariates are the module's own business (or not supported).
_FIT_OPTIONS = {"penalizer", "initial", "max_iterations", "gradient_tolerance",
                "standard_errors", "threads"}


# ---- partitioning ---------------------------------------------------------------


def _id_text(v):
    """The id as the text that is hashed: a string as it is, a whole number
    in decimal (so 7, np.int32(7) and "7" are one customer)."""
    if isinstance(v, str):
        return v
    if isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)):
        return str(int(v))
    raise InvalidArgument("customer_id: ids must be whole numbers or strings, got %r (%s)"
                          % (v, type(v).__name__))


def _hash64(text):
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(),
                          "little")


def _npartitions(n, what="npartitions"):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError("%s must be an int, not %s" % (what, type(n).__name__))
    if not 1 <= n <= 1 << 20:
        raise InvalidArgument("%s: must be in [1, 2^20], got %d" % (what, n))
    return int(n)


def _factorize(ids, frame=None, where=""):
    """(codes, uniques) of a customer_id column; a missing id is refused,
    naming the transaction by its time and amount when frame is given."""
    codes, uniques = pd.factorize(np.asarray(ids), use_na_sentinel=True)
    if codes.size and codes.min() < 0:
        i = int(np.flatnonzero(codes < 0)[0])
        row = ("row %d" % i if frame is None else "the transaction at time %r of amount %r"
               % (frame[COLUMNS[1]].iloc[i], frame[COLUMNS[2]].iloc[i]))
        raise InvalidArgument("customer_id: missing in %s%s" % (row, where))
    return codes, uniques


def partition_of(customer_ids, npartitions):
    """The partition (int64 array, 0..npartitions-1) of each customer id.

    The hash is the id's text (a string as it is, a whole number in
    decimal) in UTF-8, hashed by BLAKE2b with an 8-byte digest
    (hashlib.blake2b(text, digest_size=8)) read as a little-endian unsigned
    64-bit number, modulo npartitions. It does not depend on the process,
    PYTHONHASHSEED, the platform or the library version: a customer lands in
    the same partition on every worker and every run."""
    return _partition_of(customer_ids, _npartitions(npartitions))


def _partition_of(customer_ids, n, frame=None):
    """partition_of; frame: the rows the ids come from (to name the
    transaction of a missing id)."""
    codes, uniques = _factorize(customer_ids, frame)
    h = np.fromiter((_hash64(_id_text(u)) for u in uniques), dtype=np.uint64,
                    count=len(uniques))
    return (h % np.uint64(n)).astype(np.int64)[codes]


def _split(frame, n, column=COLUMNS[0]):
    """frame's rows as n frames by partition_of(frame[column]), each keeping
    frame's order."""
    ids = frame[column].to_numpy()
    if column != COLUMNS[0] and len(ids) and pd.isna(ids).any():
        raise InvalidArgument("%s: missing in row %d of a partition"
                              % (column, int(np.flatnonzero(pd.isna(ids))[0])))
    named = column == COLUMNS[0] and set(COLUMNS) <= set(frame.columns)
    part = _partition_of(ids, n, frame if named else None)
    order = np.argsort(part, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(part, minlength=n))))
    rows = frame.take(order)
    return tuple(rows.iloc[bounds[k]:bounds[k + 1]] for k in range(n))


def _concat(pieces, meta):
    pieces = [p for p in pieces if len(p)]
    return pd.concat(pieces) if pieces else meta


def _dask_frame(frame, what, columns, npartitions):
    """frame (Dask, or pandas split into npartitions) as a Dask DataFrame
    holding `columns`, checked on its meta; `what` names it in errors."""
    if isinstance(frame, pd.DataFrame):
        frame = dd.from_pandas(frame, npartitions=npartitions or 1, sort=False)
    if not isinstance(frame, dd.DataFrame):
        raise TypeError("%s must be a Dask or pandas DataFrame, not %s"
                        % (what, type(frame).__name__))
    for name in columns:
        if name not in frame._meta.columns:
            raise InvalidArgument("%s: no column %r (columns: %s)"
                                  % (what, name, ", ".join(map(str, frame._meta.columns))))
    return frame


def _frame(transactions, npartitions=None):
    """transactions as a Dask DataFrame holding COLUMNS, checked on its meta."""
    transactions = _dask_frame(transactions, "transactions", COLUMNS, npartitions)
    meta = transactions._meta
    kind = meta[COLUMNS[0]].dtype.kind
    if kind not in "iuOS" and str(meta[COLUMNS[0]].dtype) != "string":
        raise InvalidArgument("customer_id: whole numbers or strings expected, not dtype %s "
                              "(a missing id makes pandas read integer ids as float)"
                              % meta[COLUMNS[0]].dtype)
    if meta[COLUMNS[2]].dtype.kind not in "iuf":
        raise InvalidArgument("amount: numbers expected, not dtype %s" % meta[COLUMNS[2]].dtype)
    return transactions


def partition_by_customer(transactions, npartitions=None):
    """transactions (a Dask or pandas DataFrame with COLUMNS) rearranged into
    npartitions partitions (default: as many as it has) so that partition k
    holds exactly the rows of the customers with partition_of(id) == k.

    Rows keep their relative order (a customer's rows stay in the order they
    came). Every input partition is split into npartitions pieces and output
    partition k concatenates the k-th pieces: an all-to-all of
    inputs x outputs small tasks, fine for hundreds of partitions each way
    (docs/SCALE.md)."""
    frame = _frame(transactions, npartitions)
    return _rearrange(frame, npartitions, COLUMNS[0])


def _rearrange(frame, npartitions, column):
    """frame (a Dask DataFrame) in npartitions partitions (default: as many
    as it has), partition k holding the rows whose partition_of(column) is
    k, in their order: every input partition split into npartitions pieces,
    output partition k the k-th pieces in input order."""
    n = _npartitions(frame.npartitions if npartitions is None else npartitions)
    meta = frame._meta
    splits = [dask.delayed(_split, pure=True, nout=n)(p, n, column) for p in frame.to_delayed()]
    outputs = [dask.delayed(_concat, pure=True)([s[k] for s in splits], meta)
               for k in range(n)]
    return dd.from_delayed(outputs, meta=meta, verify_meta=False)


# ---- summaries ------------------------------------------------------------------


def _summary_meta(id_dtype):
    columns = {COLUMNS[0]: pd.Series([], dtype=id_dtype)}
    columns.update((name, pd.Series([], dtype=np.float64)) for name in _SUMMARY_COLUMNS)
    return pd.DataFrame(columns)


def _summarize_frame(frame, options, partition_info=None):
    """The summaries (mitra.value.summarize) of one partition's customers,
    with their ids as given."""
    where = "" if not partition_info else " (transactions partition %d)" % partition_info["number"]
    codes, uniques = _factorize(frame[COLUMNS[0]].to_numpy(), frame, where)
    amount = frame[COLUMNS[2]].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(amount)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidArgument("amount: %r in a transaction of customer_id %r at time %r is not "
                              "a finite number%s" % (amount[i], uniques[codes[i]],
                                                     frame[COLUMNS[1]].iloc[i], where))
    try:
        time = _value._time_array(frame[COLUMNS[1]].to_numpy(), COLUMNS[1])
        s = _value.summarize((codes.astype(np.uint32), time, amount), **options)
    except Error as e:
        # "time[i]: ..." names a row of this partition: name its customer too.
        row = re.match(r"time\[(\d+)\]", str(e))
        who = "" if not row else " (customer_id %r)" % (uniques[codes[int(row.group(1))]],)
        raise type(e)(str(e) + who + where) from None
    index = np.array(s.customer_id, dtype=np.int64)
    out = {COLUMNS[0]: pd.Series(uniques[index], dtype=frame[COLUMNS[0]].dtype)}
    out.update((name, getattr(s, name)) for name in _SUMMARY_COLUMNS)
    return pd.DataFrame(out)


def _summary_options(calibration_end, period, unit, origin):
    """summarize()'s options, checked on the client (a bad one fails here,
    not on every worker)."""
    options = {"calibration_end": calibration_end, "period": period, "unit": unit,
               "origin": origin}
    empty = np.zeros(0)
    _value.summarize((np.zeros(0, np.uint32), np.zeros(0, np.int64), empty), **options)
    return options


def summarize(transactions, *, calibration_end, period="day", unit="week", origin=0,
              npartitions=None, partitioned=False):
    """Per-customer summaries of transactions as a Dask DataFrame: columns
    customer_id (as given), frequency (x), recency (t_x), T and
    monetary_value, one row per customer with a calibration purchase;
    mitra.value.summarize on each partition, with its options.

    partitioned=True: transactions already hold each customer in one
    partition (partition_by_customer's output); otherwise they are
    partitioned first into npartitions (default: as many as they have)."""
    options = _summary_options(calibration_end, period, unit, origin)
    frame = _frame(transactions, npartitions)
    if not partitioned:
        frame = partition_by_customer(frame, npartitions)
    return frame.map_partitions(_summarize_frame, options,
                                meta=_summary_meta(frame._meta[COLUMNS[0]].dtype),
                                enforce_metadata=False)


# ---- fits -----------------------------------------------------------------------


def _weighted_rows(summaries, keys):
    """(rows, weights): the distinct rows of summaries' `keys` columns,
    sorted, with how many customers hold each."""
    rows = np.column_stack([summaries[k].to_numpy(dtype=np.float64) for k in keys])
    return _merge([(rows, np.ones(rows.shape[0]))])


def _merge(tables):
    """One (rows, weights) table from several: identical rows merged, their
    weights added (whole customer counts, so the sums are exact), rows in
    lexicographic order."""
    rows = np.concatenate([t[0] for t in tables])
    weights = np.concatenate([t[1] for t in tables])
    if rows.shape[0] == 0:
        return rows, weights
    # A lexsort of the columns and a scan for row changes: np.unique's order
    # and rows, three times faster than np.unique(axis=0) on tables of 10^6
    # rows (which sorts the rows as records).
    order = np.lexsort(rows.T[::-1])
    rows, weights = rows[order], weights[order]
    first = np.empty(rows.shape[0], bool)
    first[0] = True
    np.any(rows[1:] != rows[:-1], axis=1, out=first[1:])
    starts = np.flatnonzero(first)
    return rows[starts], np.add.reduceat(weights, starts)


def _tree_merge(tables, split_every):
    """A Delayed of the merge of `tables` (Delayed), merged split_every at a
    time level by level."""
    level = list(tables)
    while len(level) > 1:
        level = [dask.delayed(_merge, pure=True)(level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    return dask.delayed(_merge, pure=True)(level)


def _client():
    """The current distributed Client, or None."""
    try:
        from distributed import default_client
        return default_client()
    except (ImportError, ValueError):
        return None


def _compute(obj, timeout):
    """obj computed: through the current distributed Client (waiting at most
    timeout seconds) when there is one, else dask.compute."""
    client = _client()
    if client is None:
        if timeout is not None:
            raise InvalidArgument("timeout: needs a distributed Client as the scheduler")
        return dask.compute(obj)[0]
    return client.compute(obj).result(timeout=timeout)


def _model_class(model):
    if isinstance(model, str):
        key = "".join(ch for ch in model.lower() if ch.isalnum())
        if key in MODELS:
            return MODELS[key]
    raise InvalidArgument("model: unknown model %r (one of %s)" % (model, ", ".join(MODELS)))


def fit(transactions, model, *, calibration_end, period="day", unit="week", origin=0,
        npartitions=None, partitioned=False, split_every=8, timeout=None, method="auto",
        max_client_rows=MAX_CLIENT_ROWS, covariates=None, purchase_covariates=None,
        dropout_covariates=None, covariate_penalty=0.0, **options):
    """The model fitted to transactions' summaries: the object
    mitra.value's fit returns (BGNBD, MBGNBD, ParetoNBD or GammaGamma).

    model          "bgnbd", "mbgnbd", "pareto" (or "paretonbd"), "gammagamma"
                   (case and punctuation ignored: "BG/NBD" works).
    calibration_end, period, unit, origin
                   as mitra.value.summarize; the model's times are in unit.
    options        penalizer, initial, max_iterations, gradient_tolerance,
                   standard_errors, threads (not for Gamma-Gamma): as the
                   model's fit().
    split_every    tables merged per task of the reduction tree.
    timeout        seconds to wait for the cluster (a distributed Client).
    method         without covariates, where the fit's sums are made:
                   "merged": every partition's weighted rows merged in a
                   tree and one weighted fit on the client; "distributed":
                   mitra's optimiser on the client and each step's
                   log-likelihood summed over the partitions' rows on the
                   workers (for rows that do not merge: continuous time,
                   mean spend); "auto" (default): "merged" while the
                   partitions hold at most max_client_rows distinct rows in
                   all, "distributed" above (docs/SCALE.md, "A distributed
                   likelihood without covariates"). threads applies to the
                   client's fit only.
    covariates     BG/NBD, MBG/NBD, Pareto/NBD: a Dask (or pandas) frame of
                   time-invariant covariates, one row per customer keyed by
                   customer_id; purchase_covariates and dropout_covariates
                   name its columns on each process (neither: every column
                   on both), covariate_penalty as the model's fit(). The fit
                   is then mitra's optimiser on the client with the
                   log-likelihood summed over the partitions on the workers
                   (docs/SCALE.md, "Covariates: a distributed likelihood").

    Merged, the fit is of the merged weighted rows (see the module's doc),
    so the parameters do not depend on npartitions or the data's order;
    distributed (and with covariates) the partitions change the order of
    the sums, so the parameters agree across partitionings and with the
    single-process fit to rounding: 1e-14 to 1e-12 relative, 4e-10 for
    Gamma-Gamma's flat optimum at 10^6 customers (tested to 1e-9)."""
    cls = _model_class(model)
    given = (purchase_covariates, dropout_covariates)
    if covariates is None and (any(v is not None for v in given) or covariate_penalty):
        raise InvalidArgument("covariates: purchase_covariates, dropout_covariates and "
                              "covariate_penalty need a covariates frame")
    if covariates is not None and method == "merged":
        raise InvalidArgument("method: rows with covariates do not merge; a fit with "
                              "covariates sums its log-likelihood on the workers")
    if covariates is not None and cls is _value.GammaGamma:
        raise InvalidArgument("covariates: apply to BG/NBD, MBG/NBD and Pareto/NBD only")
    allowed = _FIT_OPTIONS - {"threads"} if cls is _value.GammaGamma else _FIT_OPTIONS
    unknown = set(options) - allowed
    if unknown:
        raise TypeError("fit() got unexpected options %s (%s takes %s; weights are not "
                        "supported on partitioned data)"
                        % (", ".join(sorted(unknown)), cls._LABEL, ", ".join(sorted(allowed))))
    if method not in _METHODS:
        raise InvalidArgument("method: one of %s, got %r" % (", ".join(_METHODS), method))
    if isinstance(max_client_rows, bool) or not isinstance(max_client_rows, numbers.Integral) \
            or max_client_rows < 0:
        raise InvalidArgument("max_client_rows: a whole number >= 0, got %r" % (max_client_rows,))
    split_every = _npartitions(split_every, "split_every")
    if split_every < 2:
        raise InvalidArgument("split_every: must be >= 2, got %d" % split_every)
    keys = _SPEND_KEYS if cls is _value.GammaGamma else _PURCHASE_KEYS
    summaries = summarize(transactions, calibration_end=calibration_end, period=period,
                          unit=unit, origin=origin, npartitions=npartitions,
                          partitioned=partitioned)
    if covariates is not None:
        from . import covariates as _covariates
        return _covariates.fit(cls, summaries, covariates, purchase_covariates,
                               dropout_covariates, covariate_penalty, timeout, options)
    if method != "merged":
        from . import likelihood as _likelihood
        return _likelihood.fit(cls, summaries, keys, method, max_client_rows, split_every,
                               timeout, options)
    tables = [dask.delayed(_weighted_rows, pure=True)(p, keys) for p in summaries.to_delayed()]
    rows, weights = _compute(_tree_merge(tables, split_every), timeout)
    return cls.fit(*rows.T, weights=weights, **options)


# ---- scores ---------------------------------------------------------------------


def _score_frame(summaries, model, spend_model, horizon, clv_options):
    """summaries with the scores of model (and spend_model) added."""
    x, tx, age, z = (summaries[k].to_numpy(dtype=np.float64) for k in _SUMMARY_COLUMNS)
    model = _value.load_model(model)
    out = summaries.copy()
    out["expected_purchases"] = model.expected_purchases(horizon, x, tx, age)
    out["probability_alive"] = model.probability_alive(x, tx, age)
    if spend_model is not None:
        spend_model = _value.load_model(spend_model)
        out["expected_spend"] = spend_model.expected_spend(x, z)
        out["clv"] = _value.clv(model, spend_model, x, tx, age, z, **clv_options)
    return out


def score(transactions, model, *, calibration_end, horizon, period="day", unit="week",
          origin=0, spend_model=None, period_length=None, discount_rate=None, periods=12,
          npartitions=None, partitioned=False, covariates=None):
    """Per-customer scores as a Dask DataFrame: the summaries' columns
    (customer_id, frequency, recency, T, monetary_value) and

    expected_purchases  model.expected_purchases(horizon, ...)
    probability_alive   model.probability_alive(...)
    expected_spend, clv with spend_model (a GammaGamma): its
                        expected_spend and mitra.value.clv over periods
                        periods of period_length (model time units) at
                        discount_rate a period, both required.

    model is a purchase model (BGNBD, MBGNBD, ParetoNBD, fitted or built
    from parameters); it travels to the workers as its serialized bytes. A
    model with covariates needs covariates= (a frame keyed by customer_id
    holding its covariate columns, as fit() takes it): each customer is
    scored at her own covariates (no spend_model). Summary options and
    partitioning as summarize(); the scores are computed when the frame
    is."""
    if not isinstance(model, _value._PurchaseModel):
        raise TypeError("model must be a mitra.value purchase model (BGNBD, MBGNBD, "
                        "ParetoNBD), not %s" % type(model).__name__)
    horizon = _value._horizon(horizon, "horizon")
    if model._has_covariates():
        if covariates is None:
            raise InvalidArgument("covariates: required for a model with covariates (each "
                                  "customer is scored at her own)")
        if spend_model is not None:
            raise InvalidArgument("spend_model: the CLV of a model with covariates is not "
                                  "available (mitra.value.clv takes models without)")
        from . import covariates as _covariates
        summaries = summarize(transactions, calibration_end=calibration_end, period=period,
                              unit=unit, origin=origin, npartitions=npartitions,
                              partitioned=partitioned)
        return _covariates.score(summaries, model, covariates, horizon)
    if covariates is not None:
        raise InvalidArgument("covariates: the model has no covariates")
    clv_options = None
    spend_bytes = None
    if spend_model is not None:
        if not isinstance(spend_model, _value.GammaGamma):
            raise TypeError("spend_model must be a mitra.value.GammaGamma, not %s"
                            % type(spend_model).__name__)
        for name, v in (("period_length", period_length), ("discount_rate", discount_rate)):
            if v is None:
                raise InvalidArgument("%s: required with a spend_model (for the CLV)" % name)
        clv_options = {"period_length": period_length, "discount_rate": discount_rate,
                       "periods": periods}
        spend_bytes = spend_model.to_bytes()
    summaries = summarize(transactions, calibration_end=calibration_end, period=period,
                          unit=unit, origin=origin, npartitions=npartitions,
                          partitioned=partitioned)
    # Scoring no customer on the client checks the arguments here and gives the meta.
    meta = _score_frame(summaries._meta, model.to_bytes(), spend_bytes, horizon, clv_options)
    return summaries.map_partitions(_score_frame, model.to_bytes(), spend_bytes, horizon,
                                    clv_options, meta=meta, enforce_metadata=False)
