"""mitra.dask.covariates: fits and scores with time-invariant covariates on
partitioned transactions (docs/SCALE.md, "Covariates: a distributed
likelihood"). mitra.dask.fit and mitra.dask.score call in here when given
covariates; this module only arranges calls:

- the covariates (a frame keyed by customer_id) are partitioned as the
  transactions are (partition_of, always: one row per customer is cheap to
  move), each partition's summaries joined with their covariate rows, and
  the joined blocks kept on the workers;
- the columns' moments (sums, then cross-products about the centre) are
  computed per block by mitra and added up on the client;
- mitra's optimiser runs on the client (fit_covariate_likelihood); at each
  step it asks for the log-likelihood and gradient, which every block
  computes on its worker (covariate_log_likelihood) and the client adds up
  in partition order.
"""

import numbers

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from .. import value as _value
from .._errors import InvalidArgument
from . import value as _dv
from ._blocks import Blocks, add

_ID = _dv.COLUMNS[0]


def _names(covariates, purchase, dropout):
    """(purchase names, dropout names): the lists given, or every column of
    covariates but customer_id on both processes."""
    if purchase is None and dropout is None:
        every = [str(c) for c in covariates._meta.columns if c != _ID]
        return every, every
    out = []
    for what, names in (("purchase_covariates", purchase), ("dropout_covariates", dropout)):
        if names is None:
            out.append([])
            continue
        if isinstance(names, str) or not all(isinstance(k, str) for k in names):
            raise TypeError("%s must be a list of column names" % what)
        out.append(list(names))
    return out[0], out[1]


def _frame(covariates, columns, npartitions):
    """covariates as a Dask DataFrame holding customer_id and `columns`,
    numeric, checked on its meta."""
    frame = _dv._dask_frame(covariates, "covariates", [_ID] + list(columns), npartitions)
    for name in columns:
        dtype = frame._meta[name].dtype
        if dtype.kind not in "iufb":
            raise InvalidArgument("covariates[%r]: numbers expected, not dtype %s" % (name, dtype))
    kind = frame._meta[_ID].dtype.kind
    if kind not in "iuOS" and str(frame._meta[_ID].dtype) != "string":
        raise InvalidArgument("covariates[%r]: whole numbers or strings expected, not dtype %s"
                              % (_ID, frame._meta[_ID].dtype))
    return frame[[_ID] + sorted(set(columns), key=list(columns).index)]


def _partitioned(covariates, n):
    """covariates in n partitions by partition_of(customer_id), as the
    transactions are. Always rearranged: a frame with the right number of
    partitions need not be split by the hash, and one row per customer is
    cheap to move."""
    return _dv._rearrange(covariates, n, _ID)


def _join(summaries, covariates, purchase, dropout, partition_info=None):
    """One partition's summaries with their customers' covariates: a dict of
    customer_id, frequency, recency, T (numpy) and the purchase and dropout
    matrices (customers x columns). Every customer needs exactly one
    covariate row with finite values."""
    where = "" if partition_info is None else " (covariates partition %d)" % partition_info
    ids = covariates[_ID]
    if ids.isna().any():
        raise InvalidArgument("covariates[%r]: missing in a row%s" % (_ID, where))
    repeated = ids[ids.duplicated()]
    if len(repeated):
        raise InvalidArgument("covariates: customer_id %r has more than one row%s"
                              % (repeated.iloc[0], where))
    rows = pd.Index(ids).get_indexer(summaries[_ID])
    if (rows < 0).any():
        raise InvalidArgument("covariates: no row for customer_id %r, a customer with "
                              "transactions%s" % (summaries[_ID].iloc[int(np.flatnonzero(rows < 0)[0])],
                                                 where))
    out = {_ID: summaries[_ID].to_numpy()}
    for k in _dv._PURCHASE_KEYS:
        out[k] = summaries[k].to_numpy(dtype=np.float64)
    for what, names in (("purchase", purchase), ("dropout", dropout)):
        m = np.empty((len(rows), len(names)))
        for j, name in enumerate(names):
            column = covariates[name].to_numpy(dtype=np.float64)[rows]
            bad = ~np.isfinite(column)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise InvalidArgument("covariates[%r]: %r for customer_id %r is not a finite "
                                      "number%s" % (name, column[i], out[_ID][i], where))
            m[:, j] = column
        out[what] = m
    return out


def _blocks(summaries, covariates, purchase, dropout):
    """Delayed joined blocks, one per partition."""
    return [dask.delayed(_join, pure=True)(s, c, purchase, dropout, k)
            for k, (s, c) in enumerate(zip(summaries.to_delayed(), covariates.to_delayed()))]


# ---- on the workers ----------------------------------------------------------------


def _block_rows(block):
    rows = np.column_stack([block[k] for k in _dv._PURCHASE_KEYS])
    return _dv._merge([(rows, np.ones(rows.shape[0]))])


def _block_sums(block):
    return (len(block[_ID]), _value.covariate_moments(block["purchase"]),
            _value.covariate_moments(block["dropout"]))


def _block_cross(block, purchase_sum, dropout_sum, count):
    return (_value.covariate_moments(block["purchase"], purchase_sum, count),
            _value.covariate_moments(block["dropout"], dropout_sum, count))


def _block_likelihood(block, cls, params, coefficients, center, scale):
    return cls.covariate_log_likelihood(
        params, coefficients, block["frequency"], block["recency"], block["T"],
        block["purchase"], block["dropout"], center=center, scale=scale)


def fit(cls, summaries, covariates, purchase, dropout, covariate_penalty, timeout, options):
    """cls fitted with covariates to the summaries (a Dask DataFrame)."""
    if isinstance(covariate_penalty, bool) or not isinstance(covariate_penalty, numbers.Real):
        raise TypeError("covariate_penalty must be a number")
    purchase, dropout = _names(_dv._dask_frame(covariates, "covariates", [_ID], None), purchase,
                               dropout)
    if not purchase and not dropout:
        raise InvalidArgument("covariates: no covariate column (the frame has only %s)" % _ID)
    frame = _frame(covariates, purchase + dropout, summaries.npartitions)
    frame = _partitioned(frame, summaries.npartitions)
    cluster = Blocks(_blocks(summaries, frame, purchase, dropout), timeout)
    try:
        tables = cluster.map(_block_rows)
        rows, weights = _dv._merge(tables)
        sums = cluster.map(_block_sums)
        count = sum(s[0] for s in sums)
        if count == 0:
            raise InvalidArgument("transactions: no customer with a purchase before "
                                  "calibration_end")
        purchase_sum, dropout_sum = (add([s[j] for s in sums]) for j in (1, 2))
        cross = cluster.map(_block_cross, purchase_sum, dropout_sum, float(count))
        purchase_cross, dropout_cross = (add([c[j] for c in cross]) for j in (0, 1))

        def log_likelihood(params, coefficients, center, scale):
            parts = cluster.map(_block_likelihood, cls, params, coefficients, center, scale)
            return sum(p[0] for p in parts), add([p[1] for p in parts])

        return cls.fit_covariate_likelihood(
            log_likelihood, *rows.T, weights=weights, count=count,
            purchase_covariates=(purchase, purchase_sum, purchase_cross),
            dropout_covariates=(dropout, dropout_sum, dropout_cross),
            covariate_penalty=covariate_penalty, **options)
    finally:
        cluster.release()


def _score_frame(summaries, covariates, model, horizon, purchase, dropout, number):
    """Partition `number`'s summaries with the scores of a model with
    covariates added, each customer at her own covariates."""
    block = _join(summaries, covariates, purchase, dropout, number)
    model = _value.load_model(model)
    cov = {"purchase_covariates": dict(zip(purchase, block["purchase"].T)),
           "dropout_covariates": dict(zip(dropout, block["dropout"].T))}
    x, tx, age = (block[k] for k in _dv._PURCHASE_KEYS)
    out = summaries.copy()
    out["expected_purchases"] = model.expected_purchases(horizon, x, tx, age, **cov)
    out["probability_alive"] = model.probability_alive(x, tx, age, **cov)
    return out


def score(summaries, model, covariates, horizon):
    """The scores of a model with covariates (a Dask DataFrame)."""
    purchase = sorted(model.coefficients["purchase"])
    dropout = sorted(model.coefficients["dropout"])
    frame = _frame(covariates, purchase + dropout, summaries.npartitions)
    frame = _partitioned(frame, summaries.npartitions)
    meta = summaries._meta.assign(expected_purchases=np.float64(0),
                                  probability_alive=np.float64(0)).iloc[:0]
    parts = [dask.delayed(_score_frame, pure=True)(s, c, model.to_bytes(), horizon, purchase,
                                                   dropout, k)
             for k, (s, c) in enumerate(zip(summaries.to_delayed(), frame.to_delayed()))]
    return dd.from_delayed(parts, meta=meta, verify_meta=False)
