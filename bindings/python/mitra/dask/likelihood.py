"""mitra.dask.likelihood: fits without covariates whose customers' rows do
not merge (docs/SCALE.md, "A distributed likelihood without covariates").
mitra.dask.fit calls in here unless told method="merged":

- each partition's summaries become weighted rows of identical (x, t_x, T)
  (Gamma-Gamma: (x, mean spend)), kept on its worker;
- method="auto" counts the rows: up to max_client_rows they are merged
  across partitions in a tree and fitted on the client, as "merged" does;
- above, or with method="distributed", mitra's optimiser runs on the client
  (fit_likelihood) and each step's log-likelihood and gradient are computed
  per block on its worker (block_log_likelihood) and added up in partition
  order. No row reaches the client.
"""

import dask

from .. import value as _value
from .._errors import InvalidArgument
from . import value as _dv
from ._blocks import Blocks, add


def _size(table, spend):
    """(rows, customers the likelihood covers) of one weighted table."""
    rows, weights = table
    covered = weights[rows[:, 0] > 0].sum() if spend else weights.sum()
    return rows.shape[0], float(covered)


def _block_likelihood(table, cls, spend, params):
    rows, weights = table
    if spend:
        return cls.block_log_likelihood(params, rows[:, 0], rows[:, 1], weights)
    return cls.block_log_likelihood(params, rows[:, 0], rows[:, 1], rows[:, 2], weights)


def fit(cls, summaries, keys, method, max_client_rows, split_every, timeout, options):
    """cls fitted to the summaries (a Dask DataFrame) by method "auto" or
    "distributed"."""
    spend = cls is _value.GammaGamma
    tables = [dask.delayed(_dv._weighted_rows, pure=True)(p, keys)
              for p in summaries.to_delayed()]
    blocks = Blocks(tables, timeout)
    try:
        sizes = blocks.map(_size, spend)
        rows_total = sum(s[0] for s in sizes)
        if method == "auto" and rows_total <= max_client_rows:
            rows, weights = _dv._compute(_dv._tree_merge(blocks.blocks, split_every), timeout)
            return cls.fit(*rows.T, weights=weights, **options)
        count = sum(s[1] for s in sizes)
        if count == 0:
            raise InvalidArgument("transactions: no customer with a %s before calibration_end"
                                  % ("repeat purchase" if spend else "purchase"))

        def log_likelihood(params):
            parts = blocks.map(_block_likelihood, cls, spend, params)
            return sum(p[0] for p in parts), add([p[1] for p in parts])

        given = {k: v for k, v in options.items() if k != "threads"}
        return cls.fit_likelihood(log_likelihood, count, **given)
    finally:
        blocks.release()

