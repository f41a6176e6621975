"""mitra.leaders: informal leaders and bridges of communities, trust and
community health, over libmitra's C ABI (``mitra.h``, "Leaders"; docs in
docs/LEADERS.md)::

    import mitra

    report = mitra.leaders.find(ws, community="JKT", top=5)
    for c in report.communities:
        print(c.community_id, [l.customer_id for l in c.leaders])
    report.bridges[0].customer_id

    trust = mitra.leaders.trust(ws)          # per customer: reputation, EigenTrust, level
    health = mitra.leaders.health(ws, periods=6)

Each function returns the generated report message (mitra.v1.LeadersReport,
TrustReport, HealthReport); ``request=`` takes a whole request message
instead of the keyword arguments. Errors raise mitra.Error subclasses naming
the field ("request.damping: must be in [0, 1), got 1.5"); an unknown
community or customer id raises mitra.NotFound.
"""

from . import _native
from ._workspace import run_request
from .graph import _kind_weights
from .value import _unix_seconds as _unix
from .v1 import leaders_pb2 as _pb

_lib = _native.lib

__all__ = ["find", "find_request", "trust", "health", "COMPONENTS"]

#: The leader-score components, in report order.
COMPONENTS = ("influence", "reach", "trust", "activity", "tenure", "embeddedness")


def _evidence(evidence, field):
    """evidence: {"positive": {kind: w}, "negative": {kind: w}}."""
    if evidence is None:
        return
    if isinstance(evidence, _pb.EvidenceWeights):
        field.CopyFrom(evidence)
        return
    unknown = set(evidence) - {"positive", "negative"}
    if unknown:
        raise TypeError("evidence: unknown keys %s (positive, negative)" % sorted(unknown))
    _kind_weights(evidence.get("positive"), field.positive)
    _kind_weights(evidence.get("negative"), field.negative)


def _reputation(forgetting, period_days, field):
    if forgetting is not None:
        field.forgetting = float(forgetting)
    if period_days is not None:
        field.period_days = float(period_days)


def find(ws, community=None, top=10, weights=None, *, top_bridges=10, damping=None,
         current_members_only=True, kind_weights=None, half_life_days=None, as_of=None,
         forgetting=None, period_days=None, evidence=None, request=None):
    """The informal leaders of each community (or of ``community``, an id)
    and the bridge leaders between communities: a mitra.v1.LeadersReport
    with ``.communities`` (each: community_id, members, leaders[] with
    customer_id, rank, score and components[] {name, raw, scaled}) and
    ``.bridges`` (customer_id, rank, score, participation, brokerage,
    community_ids).

    ``weights``: component weights by name ({"trust": 0.5, ...}; the others
    keep their defaults); ``top``/``top_bridges``: how many to keep (0 =
    all); ``kind_weights``, ``half_life_days``, ``as_of``: the interaction
    graph (mitra.graph.interaction_graph); ``forgetting``, ``period_days``:
    the Beta reputation; ``evidence``: {"positive": {kind: w}, "negative":
    {...}}; ``damping``: PageRank's and EigenTrust's (0.85).
    """
    if request is None:
        request = find_request(community, top, weights, top_bridges=top_bridges,
                               damping=damping, current_members_only=current_members_only,
                               kind_weights=kind_weights, half_life_days=half_life_days,
                               as_of=as_of, forgetting=forgetting, period_days=period_days,
                               evidence=evidence)
    return run_request(_lib.mitra_workspace_leaders, ws, request, _pb.LeadersReport)


def find_request(community=None, top=10, weights=None, *, top_bridges=10, damping=None,
                 current_members_only=True, kind_weights=None, half_life_days=None, as_of=None,
                 forgetting=None, period_days=None, evidence=None):
    """The mitra.v1.LeadersRequest find() makes of its keyword arguments."""
    request = _pb.LeadersRequest(top=int(top), top_bridges=int(top_bridges),
                                 current_members_only=bool(current_members_only))
    if community is not None:
        request.community_id = community
    if weights is not None:
        if isinstance(weights, _pb.ComponentWeights):
            request.weights.CopyFrom(weights)
        else:
            unknown = set(weights) - set(COMPONENTS)
            if unknown:
                raise TypeError("weights: unknown components %s (%s)"
                                % (sorted(unknown), ", ".join(COMPONENTS)))
            for name, value in weights.items():
                setattr(request.weights, name, float(value))
            request.weights.SetInParent()
    if damping is not None:
        request.damping = float(damping)
    _kind_weights(kind_weights, request.graph.kind_weights)
    if half_life_days is not None:
        request.graph.half_life_days = float(half_life_days)
    if as_of is not None:
        request.graph.as_of_unix_seconds = _unix(as_of, "as_of")
    _reputation(forgetting, period_days, request.reputation)
    _evidence(evidence, request.evidence)
    return request


def trust(ws, community=None, *, ladder=None, pretrusted=None, eigentrust_a=None, as_of=None,
          forgetting=None, period_days=None, evidence=None, request=None):
    """Trust per customer (or per member of ``community``): a
    mitra.v1.TrustReport whose ``.customers`` hold the Beta reputation
    (reputation, stddev, rating, r, s), the EigenTrust global trust and the
    rank-ladder level (level, level_name). ``ladder``: a mitra.v1.RankLadder
    (default: new, basic, member, regular, leader); ``pretrusted``: customer
    ids EigenTrust starts from; ``eigentrust_a``: its weight (0.15)."""
    if request is None:
        request = _pb.TrustRequest()
        if community is not None:
            request.community_id = community
        if ladder is not None:
            request.ladder.CopyFrom(ladder)
        request.pretrusted_customer_ids.extend(pretrusted or [])
        if eigentrust_a is not None:
            request.eigentrust_a = float(eigentrust_a)
        if as_of is not None:
            request.as_of_unix_seconds = _unix(as_of, "as_of")
        _reputation(forgetting, period_days, request.reputation)
        _evidence(evidence, request.evidence)
    return run_request(_lib.mitra_workspace_trust, ws, request, _pb.TrustReport)


def health(ws, community=None, *, period_days=None, periods=None, as_of=None, top_fraction=None,
           request=None):
    """Community health per period (members, active, joined, left, growth,
    top_share) and retention by joining cohort: a mitra.v1.HealthReport.
    Defaults: 12 periods of 30 days ending at the latest event."""
    if request is None:
        request = _pb.HealthRequest()
        if community is not None:
            request.community_id = community
        if period_days is not None:
            request.period_days = float(period_days)
        if periods is not None:
            request.periods = int(periods)
        if as_of is not None:
            request.as_of_unix_seconds = _unix(as_of, "as_of")
        if top_fraction is not None:
            request.top_fraction = float(top_fraction)
    return run_request(_lib.mitra_workspace_community_health, ws, request, _pb.HealthReport)
