"""mitra.dask.ladder: relationship-ladder stages of customers partitioned
across a Dask cluster (docs/SCALE.md, "RFM and ladder stages";
docs/LADDER.md)::

    st = md.stages(customers=dd.read_csv("customers-*.csv", dtype=str),
                   transactions=..., interactions=..., memberships=...,
                   feedback=..., referrals=..., products=pd.read_csv(...),
                   communities=..., programs=..., history=12)
    st.counts            # the funnel, summed over the partitions
    st.history[-1].transitions
    st.customers         # a Dask DataFrame: customer_id, stage, stage_name, ...

A customer's stage reads her own records only, but some of them are other
customers' rows too: the interactions she received and those she made
(interactions_received, distinct_peers, and when she was first seen) and
the referrals naming her as referee (first seen). So each customer is owned
by the partition partition_of(id) names, and every row goes to the
partitions of all the customers it names: transactions, memberships and
feedback to their customer's, interactions to those of both ends,
referrals to those of referrer and referee. Each partition is one
workspace on a worker holding its customers, the other customers its rows
name (as bare ids: context, not counted), the shared tables (products,
communities, channels, programs) whole, and its rows, all through the CSV
reader; mitra.ladder.stages runs there with counted_customer_ids = its own
customers (LadderRequest.counted_customer_ids), so its funnel, entries and
transition matrices count them alone and add up over the partitions to
the single workspace's.
"""

import operator

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd

from .. import ladder as _ladder
from .._errors import InvalidArgument, NotFound
from ..v1 import ladder_pb2 as _pb
from .graph import _csv_ids, _gather, _persist, _tree
from .value import _compute, _concat, _dask_frame, _npartitions, _partition_of

__all__ = ["CUSTOMER_COLUMNS", "SHARED_TABLES", "Stages", "stages"]

#: The partitioned tables and the columns of each that name customers
#: (docs/CSV.md), the first required: a row goes to the partition of every
#: customer it names.
CUSTOMER_COLUMNS = {
    "customers": ("id",),
    "transactions": ("customer_id",),
    "interactions": ("from_customer_id", "to_customer_id"),
    "memberships": ("customer_id",),
    "feedback": ("customer_id",),
    "referrals": ("referrer_id", "referee_id"),
}
#: Tables every partition's workspace holds whole (they name no customer).
SHARED_TABLES = ("products", "communities", "channels", "programs")

# The workspace's ingest order (mitra.KINDS: a table's references first).
_ORDER = ("customers", "products", "communities", "channels", "programs", "transactions",
          "interactions", "memberships", "feedback", "referrals")

# Indicators that read a value model fitted on every customer: a partition
# would fit its own.
_GLOBAL_INDICATORS = {_pb.LADDER_INDICATOR_P_ALIVE: "p_alive", _pb.LADDER_INDICATOR_CLV: "clv"}


# ---- routing ---------------------------------------------------------------------


def _owners(values, n, what):
    """partition_of of each id of a column, -1 where it is missing."""
    a = np.asarray(values)
    missing = pd.isna(a) if a.dtype.kind in "fOSU" else np.zeros(len(a), bool)
    out = np.full(len(a), -1, np.int64)
    if len(a) and not missing.all():
        v = a[~missing]
        if v.dtype.kind == "f":
            if np.any(v != np.floor(v)):
                raise InvalidArgument("%s: ids must be whole numbers or strings, got %r"
                                      % (what, float(v[v != np.floor(v)][0])))
            v = v.astype(np.int64)
        out[~missing] = _partition_of(v, n)
    return out


def _route(frame, kind, n):
    """A partition of table `kind` as n frames: frame k holds, in their
    order, the rows naming a customer of partition k."""
    columns = [c for c in CUSTOMER_COLUMNS[kind] if c in frame.columns]
    dest = np.stack([_owners(frame[c].to_numpy(), n, "%s.%s" % (kind, c)) for c in columns])
    if len(frame) and dest[0].min() < 0:
        raise InvalidArgument("%s.%s: missing in row %d of a partition"
                              % (kind, columns[0], int(np.flatnonzero(dest[0] < 0)[0])))
    keep = dest >= 0
    keep[1:] &= dest[1:] != dest[0]  # a row both of whose ends are in one partition goes once
    rows = np.broadcast_to(np.arange(len(frame)), dest.shape)[keep]
    dest = dest[keep]
    order = np.lexsort((rows, dest))
    rows, dest = rows[order], dest[order]
    bounds = np.searchsorted(dest, np.arange(n + 1))
    return tuple(frame.iloc[rows[bounds[k]:bounds[k + 1]]] for k in range(n))


# ---- one partition's workspace ---------------------------------------------------


def _csv_text(frame):
    """frame as CSV text for the reader: booleans as true/false (pandas
    writes True/False), missing cells empty."""
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if col.dtype.kind == "b":
            out[name] = np.where(col.to_numpy(), "true", "false")
        elif col.dtype.kind == "O":
            out[name] = [("true" if v else "false") if isinstance(v, (bool, np.bool_)) else v
                         for v in col.to_numpy()]
    return out.to_csv(index=False)


def _named(request):
    """The customer ids the request's changes and decisions name."""
    ids = set()
    for ch in request.changes:
        ids.update(ch.contributor_ids)
    for d in request.decisions:
        ids.update(d.contributor_customer_ids)
    return ids


def _workspace(k, n, tables, shared, request):
    """Partition k's workspace and its own customers' ids (texts): its
    customers first, in their order, then the other customers its rows and
    the request name; NOT_FOUND for an id of this partition that no
    customer row defines (as the single workspace would refuse it)."""
    import mitra
    tables = {kind: frame.copy() for kind, frame in tables.items()}
    for kind, frame in tables.items():
        for c in CUSTOMER_COLUMNS[kind]:
            if c in frame.columns:
                frame[c] = _csv_ids(frame[c].to_numpy())
    own = list(tables["customers"]["id"])
    own_set = set(own)
    named = {(kind, c): set(tables[kind][c]) - {""} for kind in tables if kind != "customers"
             for c in CUSTOMER_COLUMNS[kind] if c in tables[kind].columns}
    named[("request", "contributors")] = _named(request)
    context = set()
    for (kind, c), ids in named.items():
        others = np.array(sorted(ids - own_set), dtype=object)
        if not len(others):
            continue
        # An id of this partition that no customer row defines is unknown.
        mine = others[_partition_of(others, n) == k]
        if len(mine):
            where = "%s.%s" % (kind, c) if kind != "request" else "changes/decisions contributor"
            raise NotFound("%s: unknown customer id %r (not in customers)" % (where, mine[0]))
        context.update(others)
    customers = pd.concat([tables["customers"],
                           pd.DataFrame({"id": sorted(context)}, dtype=object)],
                          ignore_index=True)
    ws = mitra.Workspace()
    try:
        for kind in _ORDER:
            frame = customers if kind == "customers" else \
                tables.get(kind, shared.get(kind))
            if frame is not None and len(frame):
                ws.ingest_csv_text(kind, _csv_text(frame), name="%s (partition %d)" % (kind, k))
    except BaseException:
        ws.close()
        raise
    return ws, own


def _default_as_of(k, n, tables, shared, request):
    """The midnight after partition k's latest event (the library's default
    as_of of its workspace); the largest over the partitions is the single
    workspace's."""
    if not any(len(f) for f in tables.values()):
        return None
    ws, _ = _workspace(k, n, tables, shared, _pb.LadderRequest.FromString(request))
    with ws:
        probe = _pb.LadderRequest(counts_only=True)
        probe.rules.stages.add(name="all", phase=_pb.LADDER_PHASE_TRANSACTIONAL)
        return _ladder.stages(ws, request=probe).as_of


_INVOLVEMENT = tuple("involvement_" + f for f in _ladder.INVOLVEMENT)


def _customer_meta(id_dtype):
    columns = {"customer_id": pd.Series([], dtype=id_dtype),
               "stage": pd.Series([], dtype=np.int32),
               "stage_name": pd.Series([], dtype=object),
               "phase": pd.Series([], dtype=object),
               "next": pd.Series([], dtype=object),
               "next_value": pd.Series([], dtype=np.float64),
               "evidence": pd.Series([], dtype=object)}
    columns.update((name, pd.Series([], dtype=np.float64)) for name in _INVOLVEMENT)
    return pd.DataFrame(columns)


def _partition_stages(k, n, tables, shared, request, as_of, id_dtype):
    """Partition k's customers' stages (a pandas frame) and its report
    without them (counts and history: serialized bytes)."""
    meta = _customer_meta(id_dtype)
    if not any(len(f) for f in tables.values()):
        return meta, None
    request = _pb.LadderRequest.FromString(request)
    ws, own = _workspace(k, n, tables, shared, request)
    request.as_of_unix_seconds = as_of
    request.counted_customer_ids.extend(own)
    with ws:
        st = _ladder.stages(ws, request=request)
    rows = st.message.customers
    ids = [c.customer_id for c in rows]
    out = pd.DataFrame({
        "customer_id": (np.array([int(i) for i in ids], np.int64) if id_dtype.kind in "iu"
                        else np.array(ids, dtype=object)),
        "stage": np.array([c.stage for c in rows], np.int32),
        "stage_name": np.array([c.stage_name for c in rows], dtype=object),
        "phase": np.array([c.phase for c in st.customers], dtype=object),
        "next": np.array([c.next.label if c.next else None for c in st.customers], dtype=object),
        "next_value": np.array([c.next.value if c.next else np.nan for c in st.customers]),
        "evidence": pd.Series([[(e.label, e.value) for e in c.evidence] for c in st.customers],
                              dtype=object),
    })
    for name, field in zip(_INVOLVEMENT, _ladder.INVOLVEMENT):
        out[name] = np.array([c.involvement[field] for c in st.customers], np.float64)
    report = _pb.LadderReport()
    report.CopyFrom(st.message)
    del report.customers[:]
    return out, report.SerializeToString()


def _add_reports(reports):
    """One report from the partitions' (their counts, entries and
    transition matrices added; None: a partition without customers)."""
    reports = [_pb.LadderReport.FromString(r) for r in reports if r is not None]
    if not reports:
        return None
    out = reports[0]
    for r in reports[1:]:
        out.stage_counts[:] = np.add(out.stage_counts, r.stage_counts).tolist()
        for p, q in zip(out.history, r.history):
            for field in ("counts", "entered", "transitions"):
                getattr(p, field)[:] = np.add(getattr(p, field), getattr(q, field)).tolist()
    return out.SerializeToString()


# ---- the call ----------------------------------------------------------------------


class Stages(_ladder.Stages):
    """The ladder over every partition: what mitra.ladder.Stages holds, with
    counts and history summed over the partitions, and ``customers`` a Dask
    DataFrame (customer_id, stage, stage_name, phase, next (the next step's
    label), next_value, evidence (a list of (label, value) per requirement
    met) and involvement_* per INVOLVEMENT) instead of a list; ``at`` and ``[id]``
    are not offered (filter the frame)."""

    def __init__(self, report, customers):
        super().__init__(report)
        self.customers = customers

    def at(self, stage_name):
        raise TypeError("filter .customers (a Dask DataFrame) by stage_name")

    def __getitem__(self, customer_id):
        raise TypeError("filter .customers (a Dask DataFrame) by customer_id")

    def __len__(self):
        return sum(self.counts.values())


def _check_rules(rules):
    for s, stage in enumerate(rules.stages if rules is not None else ()):
        for j, req in enumerate(stage.requirements):
            if req.indicator in _GLOBAL_INDICATORS:
                raise InvalidArgument(
                    "rules.stages[%d].requirements[%d].indicator: %s needs a value model fitted "
                    "on every customer; mitra.dask.stages does not offer it (each partition "
                    "would fit its own)" % (s, j, _GLOBAL_INDICATORS[req.indicator]))


def stages(*, customers, transactions=None, interactions=None, memberships=None, feedback=None,
           referrals=None, products=None, communities=None, channels=None, programs=None,
           rules=None, as_of=None, history=None, period_days=None,
           involvement_window_days=None, default_margin_rate=None, changes=None,
           decisions=None, npartitions=None, split_every=8, timeout=None):
    """Every customer's stage on the relationship ladder, from tables held
    as Dask (or pandas) DataFrames in the CSV layout (docs/CSV.md: the
    columns of each file, read e.g. by dd.read_csv(..., dtype=str)).

    customers, transactions, interactions, memberships, feedback, referrals
                   partitioned tables (CUSTOMER_COLUMNS); only customers is
                   required.
    products, communities, channels, programs
                   shared tables (pandas or Dask), given whole to every
                   partition's workspace.
    rules, as_of, history, period_days, involvement_window_days,
    default_margin_rate, changes, decisions
                   as mitra.ladder.stages (rules reading p_alive or clv are
                   refused); as_of defaults to the midnight after the
                   latest event of all the tables (a first pass over the
                   partitions: give as_of to skip it).
    npartitions    partitions of the customers (default: as many as
                   customers has).
    split_every    reports summed per task of the reduction tree.
    timeout        seconds to wait for the cluster (a distributed Client).

    Returns a Stages: counts, funnel(), history (transition matrices and
    entries summed over the partitions), rules, as_of, and customers, a
    Dask DataFrame of every known customer's stage (persisted), equal to
    mitra.ladder.stages of one workspace holding all the tables."""
    _check_rules(rules)
    split_every = _npartitions(split_every, "split_every")
    if split_every < 2:
        raise InvalidArgument("split_every: must be >= 2, got %d" % split_every)
    request = _ladder.stages_request(rules=rules, history=history, period_days=period_days,
                                     involvement_window_days=involvement_window_days,
                                     default_margin_rate=default_margin_rate, changes=changes,
                                     decisions=decisions)
    # The rules and options checked on the client, on an empty workspace.
    import mitra
    probe = _pb.LadderRequest()
    probe.CopyFrom(request)
    probe.ClearField("changes")
    probe.ClearField("decisions")
    probe.counts_only = True
    with mitra.Workspace() as ws:
        _ladder.stages(ws, request=probe)
    when = None if as_of is None else _ladder._unix(as_of, "as_of")

    frames = {"customers": _dask_frame(customers, "customers", ("id",), npartitions)}
    for kind, frame in (("transactions", transactions), ("interactions", interactions),
                        ("memberships", memberships), ("feedback", feedback),
                        ("referrals", referrals)):
        if frame is not None:
            frames[kind] = _dask_frame(frame, kind, CUSTOMER_COLUMNS[kind][:1], npartitions)
    shared = {}
    for kind, frame in (("products", products), ("communities", communities),
                        ("channels", channels), ("programs", programs)):
        if frame is not None:
            shared[kind] = frame.compute() if isinstance(frame, dd.DataFrame) else frame
            if not isinstance(shared[kind], pd.DataFrame):
                raise TypeError("%s must be a Dask or pandas DataFrame, not %s"
                                % (kind, type(frame).__name__))
    n = _npartitions(frames["customers"].npartitions if npartitions is None else npartitions)
    id_dtype = frames["customers"]._meta["id"].dtype

    # Each output partition's rows of every table, persisted: both passes read them.
    # (nout cannot be 1; indexing a Delayed is lazy either way.)
    nout = n if n > 1 else None
    pieces = {kind: [dask.delayed(_route, pure=True, nout=nout)(p, kind, n)
                     for p in frame.to_delayed()]
              for kind, frame in frames.items()}
    parts = _persist([dask.delayed(dict, pure=True)(
        [(kind, dask.delayed(_concat, pure=True)([p[k] for p in ps], frames[kind]._meta))
         for kind, ps in pieces.items()]) for k in range(n)])
    shared_d = dask.delayed(shared, pure=True)
    request_bytes = request.SerializeToString()
    if when is None:
        ends = [dask.delayed(_default_as_of, pure=True)(k, n, parts[k], shared_d,
                                                             request_bytes)
                for k in range(n)]
        found = [t for t in _gather(ends, timeout) if t is not None]
        when = max(found) if found else 0
    results = _persist([dask.delayed(_partition_stages, pure=True)(
        k, n, parts[k], shared_d, request_bytes, when, id_dtype) for k in range(n)])
    frames_out = [dask.delayed(operator.getitem, pure=True)(r, 0) for r in results]
    reports = [dask.delayed(operator.getitem, pure=True)(r, 1) for r in results]
    report = _compute(_tree(_add_reports, reports, split_every), timeout)
    if report is None:  # no customer at all: the library's report of an empty workspace
        with mitra.Workspace() as ws:
            empty = _pb.LadderRequest()
            empty.CopyFrom(probe)
            empty.as_of_unix_seconds = when
            report = _ladder.stages(ws, request=empty).message.SerializeToString()
    customers_frame = dd.from_delayed(frames_out, meta=_customer_meta(id_dtype),
                                      verify_meta=False)
    return Stages(_pb.LadderReport.FromString(report), customers_frame)
