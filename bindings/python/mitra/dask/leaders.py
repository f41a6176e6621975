"""mitra.dask.leaders: informal leaders of every community from partitioned
interactions and memberships (docs/SCALE.md, docs/LEADERS.md)::

    scores = md.leaders(dd.read_csv("interactions-*.csv"),
                        dd.read_csv("memberships-*.csv"))

A community's leader scores need its own interactions and memberships and,
for embeddedness, every interaction its members took part in inside any
community. The communities are cut into groups by a hash of their id; each
interaction goes to the group of its community and to the groups of the
communities its two ends belong to, each membership to its community's
group, in their order; each group is then one workspace on a worker and
mitra.leaders.find scores its communities there.
"""

import dask
import numpy as np
import pandas as pd

from .. import leaders as _leaders
from .. import value as _value
from .._errors import InvalidArgument
from .graph import (INTERACTION_COLUMNS, _gather, _id_array, _ids, _interaction_frame, _scan,
                    _to_id_array, _tree, _union, interactions_workspace)
from .value import _concat, _dask_frame, _npartitions, partition_of

__all__ = ["MEMBERSHIP_COLUMNS", "leaders"]

#: The membership columns read (docs/CSV.md); "role" and "left" when present.
MEMBERSHIP_COLUMNS = ("customer_id", "community_id", "joined")

_MAX_GROUPS = 64


def _text(values):
    a = np.asarray(values, dtype=object)
    return np.array(["" if pd.isna(v) else str(v) for v in a], dtype=object)


def _pairs(frame, kind):
    """The (customer_id, community_id) pairs a partition makes nodes of a
    community's subgraph: memberships, and both ends of tagged interactions."""
    if kind == "memberships":
        ids = [frame["customer_id"].to_numpy()]
        comms = [_text(frame["community_id"].to_numpy())]
    else:
        comm = _text(frame["community_id"].to_numpy())
        ids = [frame[c].to_numpy() for c in INTERACTION_COLUMNS[:2]]
        comms = [comm, comm]
    out = []
    for i, c in zip(ids, comms):
        keep = ~pd.isna(i) & (c != "")
        out.append(pd.DataFrame({"customer_id": i[keep], "community_id": c[keep]}))
    return pd.concat(out).drop_duplicates() if out else pd.DataFrame()


def _union_pairs(tables):
    tables = [t for t in tables if len(t)]
    if not tables:
        return pd.DataFrame({"customer_id": [], "community_id": []})
    return pd.concat(tables).drop_duplicates().reset_index(drop=True)


def _groups_of(pairs, group_of):
    """{customer id: the groups of the communities whose subgraph she is a
    node of}."""
    by_customer = pairs.assign(group=pairs["community_id"].map(group_of))
    return by_customer.groupby("customer_id")["group"].agg(lambda g: sorted(set(g))).to_dict()


def _route(frame, kind, pairs, group_of, ngroups):
    """The partition's rows as ngroups frames, each keeping the rows' order."""
    comm = _text(frame["community_id"].to_numpy())
    dest = [set() for _ in range(len(frame))]
    for i, c in enumerate(comm):
        if c:
            dest[i].add(group_of[c])
    if kind == "interactions":
        for col in INTERACTION_COLUMNS[:2]:
            for i, v in enumerate(frame[col].to_numpy()):
                if comm[i] and not pd.isna(v):
                    dest[i].update(pairs.get(_key(v), ()))
    rows = [[] for _ in range(ngroups)]
    for i, gs in enumerate(dest):
        for g in gs:
            rows[g].append(i)
    return tuple(frame.iloc[r] for r in rows)


def _key(v):
    return v.item() if isinstance(v, np.generic) else v


def _score_group(interactions, memberships, own, node_ids, request):
    """The leader scores of the communities `own`, from one workspace
    holding the group's rows."""
    ids = [_scan(interactions, False)[0]] if len(interactions) else []
    if len(memberships):
        ids.append(_id_array(_ids(memberships["customer_id"].to_numpy(), "customer_id"),
                             "customer_id"))
    customers = _id_array(np.concatenate(ids), "customer ids") if ids else np.zeros(0, np.int64)
    communities = sorted(set(own) | {c for c in _text(interactions["community_id"].to_numpy())
                                     if c})
    memberships = memberships.assign(
        customer_id=[str(_key(v)) for v in memberships["customer_id"].to_numpy()])
    with interactions_workspace(interactions, customers, memberships, communities,
                                with_community=True) as ws:
        report = _leaders.find(ws, request=request)
    rows = []
    for c in report.communities:
        if c.community_id not in own:
            continue
        for leader in c.leaders:
            row = {"community_id": c.community_id, "customer_id": leader.customer_id,
                   "rank": leader.rank, "score": leader.score}
            for comp in leader.components:
                row[comp.name] = comp.raw
                row[comp.name + "_scaled"] = comp.scaled
            rows.append(row)
    columns = ["community_id", "customer_id", "rank", "score"]
    for name in _leaders.COMPONENTS:
        columns += [name, name + "_scaled"]
    out = pd.DataFrame(rows, columns=columns)
    out["customer_id"] = _to_id_array(out["customer_id"].tolist(), node_ids)
    return out


def leaders(interactions, memberships, *, weights=None, damping=None, current_members_only=True,
            kind_weights=None, half_life_days=None, as_of=None, forgetting=None,
            period_days=None, evidence=None, groups=None, npartitions=None, split_every=8,
            timeout=None):
    """The leader score of every ranked member of every community, as a
    pandas DataFrame on the client: community_id, customer_id, rank, score
    and each component's raw value and scaled value (influence,
    influence_scaled, reach, ...), communities in id order, members by rank.

    interactions   INTERACTION_COLUMNS and community_id (empty: none), as
                   mitra.dask.interaction_graph takes them.
    memberships    customer_id, community_id, joined, and optionally role
                   and left, as docs/CSV.md (times as the CSV reader reads
                   them).
    weights, damping, current_members_only, kind_weights, half_life_days,
    forgetting, period_days, evidence
                   as mitra.leaders.find.
    as_of          default: the latest interaction over all partitions.
    groups         workspaces the communities are spread over (default:
                   one per community, at most 64).

    The scores are mitra.leaders.find's on one workspace holding all the
    data whose customers were created in ascending id order (the order
    ties and the subgraphs' node order follow)."""
    ix = _interaction_frame(interactions, npartitions)
    if "community_id" not in ix._meta.columns:
        raise InvalidArgument("interactions: no column 'community_id' (leaders are per "
                              "community)")
    ms = _dask_frame(memberships, "memberships", MEMBERSHIP_COLUMNS, npartitions)
    split_every = _npartitions(split_every, "split_every")
    ix_parts = ix.to_delayed()
    ms_parts = ms.to_delayed()
    pair_tables = [dask.delayed(_pairs, pure=True)(p, "interactions") for p in ix_parts]
    pair_tables += [dask.delayed(_pairs, pure=True)(p, "memberships") for p in ms_parts]
    scans = [dask.delayed(_scan, pure=True)(p, as_of is None) for p in ix_parts]
    (node_ids, latest), pairs = _gather(
        [_tree(_union, scans, split_every), _tree(_union_pairs, pair_tables, split_every)],
        timeout)
    communities = sorted(set(pairs["community_id"]))
    if not communities:
        return _score_group(ix._meta.iloc[:0], ms._meta.iloc[:0], set(), node_ids,
                            _request(None, weights, damping, current_members_only,
                                     kind_weights, half_life_days, forgetting, period_days,
                                     evidence))
    ngroups = _npartitions(groups if groups is not None
                           else min(len(communities), _MAX_GROUPS), "groups")
    group_of = dict(zip(communities, partition_of(np.array(communities, dtype=object),
                                                  ngroups).tolist()))
    when = _value._unix_seconds(as_of, "as_of") if as_of is not None else latest
    request = _request(when, weights, damping, current_members_only, kind_weights,
                       half_life_days, forgetting, period_days, evidence)
    member = _groups_of(pairs, group_of)
    member_d = dask.delayed(member, pure=True)
    nout = ngroups if ngroups > 1 else None
    ix_pieces = [dask.delayed(_route, pure=True, nout=nout)(p, "interactions", member_d,
                                                            group_of, ngroups)
                 for p in ix_parts]
    ms_pieces = [dask.delayed(_route, pure=True, nout=nout)(p, "memberships", None, group_of,
                                                            ngroups)
                 for p in ms_parts]
    if ngroups == 1:
        ix_pieces = [(p,) for p in ix_pieces]
        ms_pieces = [(p,) for p in ms_pieces]
    ids_d = dask.delayed(node_ids, pure=True)
    scored = []
    for g in range(ngroups):
        own = {c for c in communities if group_of[c] == g}
        if not own:
            continue
        rows = dask.delayed(_concat, pure=True)([p[g] for p in ix_pieces], ix._meta)
        mrows = dask.delayed(_concat, pure=True)([p[g] for p in ms_pieces], ms._meta)
        scored.append(dask.delayed(_score_group, pure=True)(rows, mrows, own, ids_d, request))
    out = pd.concat(_gather(scored, timeout), ignore_index=True)
    return out.sort_values(["community_id", "rank"], kind="stable").reset_index(drop=True)


def _request(as_of, weights, damping, current_members_only, kind_weights, half_life_days,
             forgetting, period_days, evidence):
    """mitra.leaders.find's request for every member's score, checked on
    the client (on an empty workspace) before any task runs."""
    import mitra
    request = _leaders.find_request(
        None, 0, weights, top_bridges=1, damping=damping,
        current_members_only=current_members_only, kind_weights=kind_weights,
        half_life_days=half_life_days, as_of=as_of, forgetting=forgetting,
        period_days=period_days, evidence=evidence)
    with mitra.Workspace() as ws:
        _leaders.find(ws, request=request)
    return request
