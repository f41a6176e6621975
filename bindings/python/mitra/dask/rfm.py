"""mitra.dask.rfm: RFM scores of partitioned transactions, every customer
ranked against every customer of every partition (docs/SCALE.md, "RFM and
ladder stages")::

    scores = md.rfm(tx, calibration_end="1997-09-30", partitioned=True)
    scores.compute()     # customer_id, recency_age, frequency, monetary_value, r, f, m, segment

Each partition's summaries give its distributions of recency age (T - t_x),
frequency and monetary value: the distinct values with how many customers
hold each (mitra.value.rfm_reference). A tree of tasks merges them
(mitra.value.merge_rfm_references: the counts are whole numbers, so the
merge is exact in any order) into the population's distributions, and each
partition's customers are scored against them by mitra.value.rfm(...,
reference=), the library's RfmRequest.reference: a customer's scores are
those a single process gives her among all the customers.
"""

import numpy as np
import pandas as pd

import dask

from .. import value as _value
from .._errors import InvalidArgument
from .graph import _tree
from .value import COLUMNS, _npartitions, summarize

__all__ = ["RFM_COLUMNS", "rfm"]

#: The columns rfm() adds to each customer's summary dimensions.
RFM_COLUMNS = ("r", "f", "m", "segment")


def _dimensions(summaries):
    """recency_age (T - t_x, as mitra.value.CustomerSummaries.recency_age),
    frequency and monetary value of a partition's summaries."""
    T = summaries["T"].to_numpy(dtype=np.float64)
    return (T - summaries["recency"].to_numpy(dtype=np.float64),
            summaries["frequency"].to_numpy(dtype=np.float64),
            summaries["monetary_value"].to_numpy(dtype=np.float64))


def _partition_reference(summaries):
    return _value.rfm_reference(*_dimensions(summaries))


def _merge(references):
    return _value.merge_rfm_references(references)


def _rfm_frame(summaries, reference, bins, segments):
    """A partition's customers with their RFM scores against `reference`
    (None: among themselves, which only the client's check of the options
    on no customers uses)."""
    dims = _dimensions(summaries)
    out = pd.DataFrame({COLUMNS[0]: summaries[COLUMNS[0]].to_numpy()})
    for name, column in zip(_value.RFM_DIMENSIONS, dims):
        out[name] = column
    if len(summaries) == 0:
        reference = None  # no customer to score (the population may have none either)
    scores = _value.rfm(*dims, bins=bins, segments=segments, reference=reference)
    for name in RFM_COLUMNS[:3]:
        out[name] = scores[name]
    out["segment"] = pd.Series(scores["segment"], dtype=object)
    out.index = summaries.index
    return out


def rfm(transactions, *, calibration_end, bins=5, segments=None, period="day", unit="week",
        origin=0, npartitions=None, partitioned=False, split_every=8):
    """RFM scores and segments of every customer with a calibration purchase,
    as a Dask DataFrame: customer_id, recency_age (T - t_x), frequency,
    monetary_value (the summaries' columns, in the model unit), r, f, m
    (1..bins, int32) and segment (the name of the first matching rule, None
    for none).

    bins, segments  as mitra.value.rfm (segments None: DEFAULT_SEGMENTS,
                    5 bins only).
    calibration_end, period, unit, origin, npartitions, partitioned
                    as summarize().
    split_every     distributions merged per task of the reduction tree.

    The scores equal mitra.value.rfm of the single process's summaries of
    all the customers, whatever the partitioning: every partition is scored
    against the merged distributions of all of them (exact value counts,
    one entry per distinct value: up to one a customer for the monetary
    value; docs/SCALE.md). They are computed when the frame is."""
    split_every = _npartitions(split_every, "split_every")
    if split_every < 2:
        raise InvalidArgument("split_every: must be >= 2, got %d" % split_every)
    summaries = summarize(transactions, calibration_end=calibration_end, period=period,
                          unit=unit, origin=origin, npartitions=npartitions,
                          partitioned=partitioned)
    # Scoring no customer on the client checks bins and segments and gives the meta.
    meta = _rfm_frame(summaries._meta, None, bins, segments)
    references = [dask.delayed(_partition_reference, pure=True)(p)
                  for p in summaries.to_delayed()]
    reference = _tree(_merge, references, split_every)
    return summaries.map_partitions(_rfm_frame, reference, bins, segments, meta=meta,
                                    enforce_metadata=False)
