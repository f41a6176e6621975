"""mitra.channels: the distribution chain's economics beside community
activation, over libmitra's C ABI (``mitra.h``, "Channels"; docs in
docs/CHANNELS.md)::

    import mitra

    report = mitra.channels.economics(ws, rates={"per_order": 2, "per_delivery": 5})
    report.members          # sales (own, rolled up), margin money, profit, cost to serve
    report.routes           # chain, direct, community: acquisition cost and value
    report.conflicts        # shared customers, territories, undercutting, switching

    plan = mitra.activation.leader_plan(ws, k=24, default_cost=500)
    report = mitra.channels.economics(ws, plan=plan, budget=20000)
    report.comparison       # the routes side by side; report.budget_split

    mitra.channels.budget_split(1000, [
        {"name": "chain", "value_per_conversion": 300, "exponential": (40, 0.002)},
        {"name": "community", "value_per_conversion": 350,
         "points": ([500, 1000, 1500], [9, 15, 18])}])
    mitra.channels.double_marginalisation(a=100, b=2, c=10)   # closed forms

    effects = mitra.channels.campaign_effects(ws, period="week", baseline_periods=8)
    effects.campaigns       # per campaign: effect per unit and period, total, return per spend
    effects.curves          # per route: a(1 - e^(-b spend)) fitted to its campaigns
    effects.odds            # P(community returns more than chain) at given spends

Results are the messages of proto/mitra/v1/channel_economics.proto
(mitra.v1.ChannelReport, BudgetSplit, DoubleMarginalisation) and
proto/mitra/v1/campaign_effects.proto (CampaignEffectsReport);
``request=`` takes a whole request message instead of the keyword
arguments. Errors raise mitra.Error subclasses naming the field
("request.rates.per_order: must be finite and >= 0, got -1"); an unknown
product id raises mitra.NotFound.
"""

import numbers

from ._errors import InvalidArgument, call_bytes
from ._native import lib as _lib
from ._workspace import run_request
from .value import _unix_seconds as _unix
from .v1 import activation_pb2 as _apb
from .v1 import campaign_effects_pb2 as _epb
from .v1 import channel_economics_pb2 as _pb
from .v1 import community_pb2 as _cpb

__all__ = ["economics", "campaign_effects", "budget_split", "double_marginalisation", "ROUTES"]

#: Route names, as in ChannelRouteIncentive and the report's routes.
ROUTES = {"chain": _pb.CHANNEL_ROUTE_CHAIN, "direct": _pb.CHANNEL_ROUTE_DIRECT,
          "community": _pb.CHANNEL_ROUTE_COMMUNITY}

_RATES = ("per_order", "per_delivery", "per_return", "per_support_contact")


def _seconds(value, what):
    from .value import unit_seconds
    return unit_seconds(value, what)


def _rates(rates, field):
    """rates: {"per_order": x, ..., "support_kinds": ["message"], "include_handling": bool}."""
    if rates is None:
        return
    if isinstance(rates, _pb.ChannelActivityRates):
        field.CopyFrom(rates)
        return
    unknown = set(rates) - set(_RATES) - {"support_kinds", "include_handling"}
    if unknown:
        raise TypeError("rates: unknown keys %s (%s, support_kinds, include_handling)"
                        % (sorted(unknown), ", ".join(_RATES)))
    for name in _RATES:
        if name in rates:
            setattr(field, name, float(rates[name]))
    for kind in rates.get("support_kinds", ()):
        if isinstance(kind, str):
            key = "INTERACTION_KIND_" + kind.upper()
            if key not in _cpb.InteractionKind.keys():
                raise InvalidArgument("rates.support_kinds: unknown interaction kind %r" % kind)
            kind = _cpb.InteractionKind.Value(key)
        field.support_kinds.append(int(kind))
    if "include_handling" in rates:
        field.include_handling = bool(rates["include_handling"])
    field.SetInParent()


def _response(spec, field, what):
    """A response curve from a dict with one of "points": (spend, response),
    "exponential": (a, b), "logarithmic": (a, b); or a BudgetResponse."""
    if isinstance(spec, _pb.BudgetResponse):
        field.CopyFrom(spec)
        return
    shapes = [k for k in ("points", "exponential", "logarithmic") if k in spec]
    if len(shapes) != 1:
        raise TypeError("%s: give one of points=(spend, response), exponential=(a, b), "
                        "logarithmic=(a, b)" % what)
    shape = shapes[0]
    if shape == "points":
        spend, response = spec["points"]
        field.points.spend.extend(float(x) for x in spend)
        field.points.response.extend(float(y) for y in response)
        field.points.SetInParent()
    else:
        a, b = spec[shape]
        getattr(field, shape).a = float(a)
        getattr(field, shape).b = float(b)


def economics(ws, start=None, end=None, *, rates=None, incentives=None, per_customer=False,
              product=None, min_shared_customers=None, undercut_threshold=None, min_units=None,
              period=None, top=None, demand=None, plan=None, activation=None,
              conversion_rate=None, value_per_conversion=None, include_seeds=False, budget=None,
              chain_response=None, chain_saturation=None, chain_value_per_conversion=None,
              campaign_curves=None, request=None):
    """The channel report of a workspace over the window [start, end)
    (times: unix seconds, ISO 8601, date/datetime; default the data's
    span): a mitra.v1.ChannelReport.

    ``rates``: activity-based cost-to-serve rates ({"per_order",
    "per_delivery", "per_return", "per_support_contact": money,
    "support_kinds": ["message", ...], "include_handling": bool});
    ``incentives``: {"chain"|"direct"|"community": money spent in the
    window}; ``per_customer``: list each buyer's cost to serve; ``product``:
    the product id of the margin stacks (default: the best seller).
    Conflicts: ``min_shared_customers`` (1), ``undercut_threshold`` (0.02),
    ``min_units`` (5), ``period`` of the switching matrix ("month", "week",
    ... or seconds), ``top`` rows per list (20; 0 = all). ``demand``: (a, b,
    c) or (a, b, c, max_tiers) of q = a - b p for the closed forms.

    The community route: ``plan`` a mitra.v1.WorkspacePlan made on this
    workspace (mitra.activation.leader_plan) or ``activation`` a
    mitra.v1.WorkspacePlanRequest to make one; ``conversion_rate`` per
    reached customer (default: the referrals' converted share),
    ``value_per_conversion`` (default: observed), ``include_seeds``.
    ``budget``: split it between chain incentives (``chain_response``: a
    dict as in budget_split, default calibrated; ``chain_saturation``,
    ``chain_value_per_conversion``) and activation; ``campaign_curves``
    (True, or a mitra.v1.CampaignEffectsRequest) splits it on the curves
    fitted to the workspace's campaigns instead when both routes have one
    (report.campaign_effects; budget_split.ranking_probability and each
    route's basis say how sure).

    Where each money figure comes from (mitra.v1.MoneyBasis: kind GIVEN,
    ASSUMED or ESTIMATED, low, high, confidence, source; mitra.Basis reads
    the same): ``report.bases`` (a mitra.v1.ChannelFigureBases) has one per
    kind of observed figure, shared by the totals', members', routes' and
    customers' figures of that name (sales, producer_revenue,
    margins_conceded, goods_cost, handling_cost, fixed_cost, incentives,
    cost_to_serve, profit, contribution, acquisition_cost,
    value_per_acquired, contribution_per_acquired, net); each
    ``report.comparison`` column has cost_basis, cost_per_acquired_basis,
    value_per_acquired_basis and profit_per_acquired_basis;
    ``report.community`` has cost_basis, conversion_basis,
    value_per_conversion_basis, cost_per_acquired_basis and
    expected_profit_basis (docs/CHANNELS.md, "Where each figure comes
    from")."""
    if request is None:
        request = _pb.ChannelRequest(per_customer=bool(per_customer),
                                     include_seeds=bool(include_seeds))
        if start is not None:
            request.start_unix_seconds = _unix(start, "start")
        if end is not None:
            request.end_unix_seconds = _unix(end, "end")
        _rates(rates, request.rates)
        for route, amount in (incentives or {}).items():
            if route not in ROUTES:
                raise InvalidArgument("incentives: unknown route %r (%s)"
                                      % (route, ", ".join(ROUTES)))
            request.incentives.add(route=ROUTES[route], amount=float(amount))
        if product is not None:
            request.product_id = str(product)
        if min_shared_customers is not None:
            request.min_shared_customers = int(min_shared_customers)
        if undercut_threshold is not None:
            request.undercut_threshold = float(undercut_threshold)
        if min_units is not None:
            request.min_units = float(min_units)
        if period is not None:
            request.period_seconds = _seconds(period, "period")
        if top is not None:
            request.top = int(top)
        if demand is not None:
            if isinstance(demand, _pb.LinearDemandRequest):
                request.demand.CopyFrom(demand)
            else:
                values = tuple(demand)
                if len(values) not in (3, 4):
                    raise TypeError("demand: (a, b, c) or (a, b, c, max_tiers)")
                request.demand.a, request.demand.b, request.demand.c = map(float, values[:3])
                if len(values) == 4:
                    request.demand.max_tiers = int(values[3])
        if plan is not None:
            if not isinstance(plan, _apb.WorkspacePlan):
                raise TypeError("plan must be a mitra.v1.WorkspacePlan "
                                "(mitra.activation.leader_plan)")
            request.plan.CopyFrom(plan)
        if activation is not None:
            if not isinstance(activation, _apb.WorkspacePlanRequest):
                raise TypeError("activation must be a mitra.v1.WorkspacePlanRequest")
            request.activation.CopyFrom(activation)
        if conversion_rate is not None:
            request.conversion_rate = float(conversion_rate)
        if value_per_conversion is not None:
            request.value_per_conversion = float(value_per_conversion)
        if budget is not None:
            request.budget = float(budget)
        if chain_response is not None:
            _response(chain_response, request.chain_response, "chain_response")
        if chain_saturation is not None:
            request.chain_saturation = float(chain_saturation)
        if chain_value_per_conversion is not None:
            request.chain_value_per_conversion = float(chain_value_per_conversion)
        if isinstance(campaign_curves, _epb.CampaignEffectsRequest):
            request.campaign_effects.CopyFrom(campaign_curves)
        elif campaign_curves:
            request.campaign_effects.SetInParent()
    return run_request(_lib.mitra_workspace_channel_economics, ws, request, _pb.ChannelReport)


def campaign_effects(ws, start=None, end=None, *, period=None, baseline_periods=None,
                     confidence=None, draws=None, seed=None, compare_at=None, request=None):
    """What the workspace's campaigns did (docs/CHANNELS.md, "Campaign
    effects"): a mitra.v1.CampaignEffectsReport.

    Each campaign's extra outcome per treated unit and period, by difference
    in differences against the units no campaign of its route treated
    (chain: retailers, agents and wholesalers, their sales; community:
    addressed customers, their audiences' purchases), with its total and
    return per unit spent, each with an interval and a MoneyBasis; each
    route's response a(1 - e^(-b spend)); with both, the probability that
    community returns more than the chain at the spends ``compare_at``
    (default: the mean spend of the measured campaigns).

    start, end: the window (times as for economics; default from the
    campaigns); period: a unit name ("week") or seconds (default a week);
    baseline_periods: periods before each campaign (default 8; 0 every
    one); confidence
    (0.95), draws (2000) and seed (1) of the bootstrap. Campaigns or routes
    that cannot be measured are notes in the report, not errors."""
    if request is None:
        request = _epb.CampaignEffectsRequest()
        if start is not None:
            request.start_unix_seconds = _unix(start, "start")
        if end is not None:
            request.end_unix_seconds = _unix(end, "end")
        if period is not None:
            request.period_seconds = _seconds(period, "period")
        if baseline_periods is not None:
            request.baseline_periods = int(baseline_periods)
        if confidence is not None:
            request.confidence = float(confidence)
        if draws is not None:
            request.draws = int(draws)
        if seed is not None:
            request.seed = int(seed)
        if compare_at is not None:
            spends = [compare_at] if isinstance(compare_at, numbers.Real) else compare_at
            request.compare_at_spends.extend(float(x) for x in spends)
    return run_request(_lib.mitra_workspace_campaign_effects, ws, request,
                       _epb.CampaignEffectsReport)


def budget_split(budget=None, routes=None, *, request=None):
    """The split of ``budget`` between ``routes`` that maximises expected
    profit sum(value x conversions(spend) - spend): a mitra.v1.BudgetSplit
    with each route's spend, conversions, profit and marginal return (left
    and right) at the optimum, and the multiplier (the marginal return of
    money; 1 when the budget does not bind).

    Each route is a dict: ``name``, ``value_per_conversion``, optional
    ``max_spend``, and one response: ``points=(spend, response)``
    (piecewise linear from (0, 0), concave majorant taken),
    ``exponential=(a, b)`` (a (1 - e^(-b x))) or ``logarithmic=(a, b)``
    (a log(1 + b x)); or a mitra.v1.BudgetRoute."""
    if request is None:
        if budget is None or routes is None:
            raise TypeError("budget_split needs budget and routes (or request=)")
        if isinstance(budget, bool) or not isinstance(budget, numbers.Real):
            raise TypeError("budget must be a number, not %s" % type(budget).__name__)
        request = _pb.BudgetRequest(budget=float(budget))
        for i, route in enumerate(routes):
            if isinstance(route, _pb.BudgetRoute):
                request.routes.add().CopyFrom(route)
                continue
            unknown = set(route) - {"name", "value_per_conversion", "max_spend", "points",
                                    "exponential", "logarithmic"}
            if unknown:
                raise TypeError("routes[%d]: unknown keys %s" % (i, sorted(unknown)))
            r = request.routes.add(name=str(route.get("name", "")),
                                   value_per_conversion=float(route.get("value_per_conversion", 0)))
            if route.get("max_spend") is not None:
                r.max_spend = float(route["max_spend"])
            _response(route, r.response, "routes[%d]" % i)
    data = request.SerializeToString()
    return _pb.BudgetSplit.FromString(call_bytes(_lib.mitra_channels_budget_split, data, len(data)))


def double_marginalisation(a=None, b=None, c=0.0, max_tiers=4, *, request=None):
    """Linear demand q = a - b p with producer unit cost c: the integrated
    channel and chains of 1..max_tiers independent tiers in closed form (a
    mitra.v1.DoubleMarginalisation: prices, margins, profits per tier, the
    shelf price, quantity, profit and its share of the integrated one)."""
    if request is None:
        if a is None or b is None:
            raise TypeError("double_marginalisation needs a and b (or request=)")
        request = _pb.LinearDemandRequest(a=float(a), b=float(b), c=float(c),
                                          max_tiers=int(max_tiers))
    data = request.SerializeToString()
    return _pb.DoubleMarginalisation.FromString(
        call_bytes(_lib.mitra_channels_double_marginalisation, data, len(data)))
