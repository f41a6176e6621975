"""mitra.ladder: the relationship ladder and external-employee contribution,
over libmitra's C ABI (``mitra.h``, "Ladder"; docs in docs/LADDER.md)::

    import mitra

    st = mitra.ladder.stages(ws, history=12)       # the default ladder, 12 months of history
    st.counts                # {"prospect": 0, "customer": 2251, ..., "collaborator": 13}
    st.funnel()              # [(name, phase, count, share), ...]
    c = st["C0354"]          # c.stage_name, c.phase, c.evidence, c.next, c.involvement
    st.at("collaborator")    # the customer ids at that stage
    st.history[-1].transitions   # numpy S x S: previous period's stage -> this one's

    my = mitra.ladder.rules(
        mitra.ladder.stage("prospect", "transactional"),
        mitra.ladder.stage("buyer", "transactional", mitra.ladder.requirement("purchases", 1)),
        mitra.ladder.stage("fan", "relationship",
                           mitra.ladder.requirement("days_active", 6, window_days=90)))
    mitra.ladder.stages(ws, rules=my)

    money = mitra.ladder.contribution(ws, top=10)
    for e in money.customers:   # largest total first
        print(e.customer_id, e.referral_value, e.influence_value, e.cocreation_credit, e.total)

``stages`` returns a Stages object and ``contribution`` a Contributions
object; both keep the report message as ``.message``. ``request=`` takes a
whole mitra.v1.LadderRequest / ContributionRequest instead of the keyword
arguments. Errors raise mitra.Error subclasses naming the field
("request.rules.stages[1].requirements[0].window_days: ..."); an unknown
customer id raises mitra.NotFound.
"""

import collections

import numpy as np

from . import _native
from ._basis import basis
from ._workspace import run_request
from .graph import _kind_weights, kind_number
from .value import _unix_seconds as _unix
from .v1 import ladder_pb2 as _pb

_lib = _native.lib

__all__ = ["stages", "stages_request", "contribution", "rules", "stage", "requirement",
           "default_rules", "Stages", "Contributions", "INDICATORS", "PHASES"]

#: The indicators a requirement can count, by name (ladder.proto's LadderIndicator).
INDICATORS = tuple(v.name[len("LADDER_INDICATOR_"):].lower()
                   for v in _pb.LadderIndicator.DESCRIPTOR.values if v.number != 0)
#: The three phases, lowest first.
PHASES = ("transactional", "relationship", "collaborative")
#: The involvement fields, passive first.
INVOLVEMENT = ("purchases", "spend", "visits", "feedback", "trials", "referrals", "posts",
               "interactions")


def _enum(enum, prefix, value, what):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    name = str(value).strip().upper().replace(" ", "_")
    if not name.startswith(prefix):
        name = prefix + name
    try:
        return enum.Value(name)
    except ValueError:
        raise ValueError("%s: unknown %r" % (what, value)) from None


# ---- Rules ---------------------------------------------------------------------

def requirement(indicator, at_least=0, at_most=None, *, window_days=0, kind=None):
    """A StageRequirement: ``indicator`` (a name of INDICATORS or its number)
    >= at_least (and <= at_most) within the last ``window_days`` (0: all
    time); ``kind`` ("reply", ...) for interactions_given/received."""
    r = _pb.StageRequirement(
        indicator=_enum(_pb.LadderIndicator, "LADDER_INDICATOR_", indicator, "indicator"),
        window_days=float(window_days), at_least=float(at_least))
    if at_most is not None:
        r.at_most = float(at_most)
    if kind is not None:
        r.kind = kind_number(kind)
    return r


def stage(name, phase, *requirements):
    """A LadderStage: its name, phase (one of PHASES) and requirements (all
    must hold)."""
    return _pb.LadderStage(name=name,
                           phase=_enum(_pb.LadderPhase, "LADDER_PHASE_", phase, "phase"),
                           requirements=list(requirements))


def rules(*stages_):
    """LadderRules from stages, lowest first (stage 0 takes no requirements)."""
    return _pb.LadderRules(stages=list(stages_))


def default_rules():
    """The default ladder (prospect, customer, repeat customer, engaged member,
    advocate, collaborator) as the library defines it."""
    from ._workspace import Workspace
    with Workspace() as ws:
        return run_request(_lib.mitra_workspace_ladder, ws,
                    _pb.LadderRequest(as_of_unix_seconds=0, counts_only=True),
                    _pb.LadderReport).rules


def _changes(changes, field):
    """Adopted changes: ChangeCredit messages or dicts with value,
    contributors (ids), and optionally time, shares, id."""
    for ch in changes or ():
        if isinstance(ch, _pb.ChangeCredit):
            field.add().CopyFrom(ch)
            continue
        unknown = set(ch) - {"value", "contributors", "time", "shares", "id"}
        if unknown:
            raise TypeError("changes: unknown keys %s (value, contributors, time, shares, id)"
                            % sorted(unknown))
        m = field.add(value=float(ch["value"]), contributor_ids=list(ch["contributors"]),
                      shares=[float(s) for s in ch.get("shares", ())], change_id=ch.get("id", ""))
        if ch.get("time") is not None:
            m.time_unix_seconds = _unix(ch["time"], "changes.time")


def _decisions(decisions, field):
    """Co-creation adoption decisions: mitra.v1.AdoptionDecision messages (as
    mitra.cocreation.decisions_from_csv returns them) or an AdoptionRequest."""
    if decisions is None:
        return
    from .v1 import cocreation_analysis_pb2 as _co
    if isinstance(decisions, _co.AdoptionRequest):
        decisions = decisions.decisions
    for d in decisions:
        if not isinstance(d, _co.AdoptionDecision):
            raise TypeError("decisions: mitra.v1.AdoptionDecision messages, not %s"
                            % type(d).__name__)
        field.add().CopyFrom(d)


# ---- Stages --------------------------------------------------------------------

Evidence = collections.namedtuple("Evidence", "stage requirement label value")
Evidence.__doc__ = "A requirement's value for a customer (stage and requirement are indices)."


class _ById:
    """Lookup by customer id over ``.customers`` (built on first use)."""

    _by_id = None

    def __getitem__(self, customer_id):
        if self._by_id is None:
            self._by_id = {c.customer_id: c for c in self.customers}
        return self._by_id[customer_id]

    def __len__(self):
        return len(self.customers)


class CustomerStage:
    """One customer's stage: ``stage`` (index), ``stage_name``, ``phase``
    (a name of PHASES), ``evidence`` (the values that met each requirement of
    the stages held), ``next`` (the first unmet requirement of the next stage,
    None at the top) and ``involvement`` (a dict of INVOLVEMENT)."""

    __slots__ = ("customer_id", "stage", "stage_name", "phase", "evidence", "next", "involvement")

    def __init__(self, m):
        self.customer_id = m.customer_id
        self.stage = m.stage
        self.stage_name = m.stage_name
        self.phase = PHASES[m.phase - 1] if 1 <= m.phase <= 3 else None
        self.evidence = [Evidence(e.stage, e.requirement, e.label, e.value) for e in m.evidence]
        self.next = (Evidence(m.next.stage, m.next.requirement, m.next.label, m.next.value)
                     if m.HasField("next") else None)
        self.involvement = {f: getattr(m.involvement, f) for f in INVOLVEMENT}

    def __repr__(self):
        return "CustomerStage(%r, %r)" % (self.customer_id, self.stage_name)


class Period:
    """The stages at the end of one period: ``end`` (unix seconds), ``counts``
    and ``entered`` (dicts by stage name) and ``transitions`` (a numpy S x S
    array: [a, b] customers at stage a at the previous end and b at this one;
    None for the first period)."""

    __slots__ = ("end", "counts", "entered", "transitions")

    def __init__(self, m, names):
        s = len(names)
        self.end = m.end_unix_seconds
        self.counts = dict(zip(names, m.counts))
        self.entered = dict(zip(names, m.entered)) if len(m.entered) else None
        self.transitions = (np.array(m.transitions, np.int64).reshape(s, s)
                            if len(m.transitions) else None)

    def __repr__(self):
        return "Period(end=%d, counts=%r)" % (self.end, self.counts)


class Stages(_ById):
    """The relationship ladder of a workspace at ``as_of``: ``stage_names``,
    ``phases`` (per stage), ``counts`` (known customers per stage name),
    ``customers`` (CustomerStage, in customer order), ``history`` (Period,
    oldest first), ``rules`` (the LadderRules used) and ``message`` (the
    mitra.v1.LadderReport)."""

    def __init__(self, report):
        self.message = report
        self.as_of = report.as_of_unix_seconds
        self.rules = report.rules
        self.stage_names = [s.name for s in report.rules.stages]
        self.phases = [PHASES[s.phase - 1] for s in report.rules.stages]
        self.counts = dict(zip(self.stage_names, report.stage_counts))
        self.customers = [CustomerStage(c) for c in report.customers]
        self.history = [Period(p, self.stage_names) for p in report.history]

    def at(self, stage_name):
        """The ids of the listed customers at a stage."""
        if stage_name not in self.stage_names:
            raise KeyError("no stage %r (%s)" % (stage_name, ", ".join(self.stage_names)))
        return [c.customer_id for c in self.customers if c.stage_name == stage_name]

    def funnel(self):
        """(stage name, phase, customers, share of the known customers) per stage."""
        total = sum(self.counts.values()) or 1
        return [(n, p, self.counts[n], self.counts[n] / total)
                for n, p in zip(self.stage_names, self.phases)]

    def __repr__(self):
        return "Stages(as_of=%d, counts=%r)" % (self.as_of, self.counts)


def stages(ws, *, rules=None, as_of=None, history=None, period_days=None, customers=None,
           counts_only=False, involvement_window_days=None, default_margin_rate=None,
           changes=None, decisions=None, value_scoring=None, request=None):
    """Each customer's stage on the relationship ladder (Stages).

    ``rules``: a mitra.v1.LadderRules (see ``rules``, ``stage``,
    ``requirement``; default: the default ladder); ``as_of``: the reference
    time (default: the midnight after the latest event); ``history``: that
    many periods of stage history ending at as_of (calendar months, or
    ``period_days`` days each); ``customers``: only these ids in
    ``.customers``; ``counts_only``: no per-customer entries;
    ``involvement_window_days``: the involvement window (365);
    ``changes``: adopted changes for the adopted_contributions indicator
    (dicts {"value", "contributors", "time", "shares"}) and ``decisions``
    (co-creation adoption decisions, mitra.cocreation.decisions_from_csv:
    the adopted ones with a value count); ``value_scoring``: a
    mitra.v1.ValueScoring for p_alive and clv rules.
    """
    if request is None:
        request = stages_request(rules=rules, as_of=as_of, history=history,
                                 period_days=period_days, customers=customers,
                                 counts_only=counts_only,
                                 involvement_window_days=involvement_window_days,
                                 default_margin_rate=default_margin_rate, changes=changes,
                                 decisions=decisions, value_scoring=value_scoring)
    return Stages(run_request(_lib.mitra_workspace_ladder, ws, request, _pb.LadderReport))


def stages_request(*, rules=None, as_of=None, history=None, period_days=None, customers=None,
                   counts_only=False, involvement_window_days=None, default_margin_rate=None,
                   changes=None, decisions=None, value_scoring=None):
    """The mitra.v1.LadderRequest stages() makes of its keyword arguments."""
    request = _pb.LadderRequest(counts_only=bool(counts_only))
    if rules is not None:
        request.rules.CopyFrom(rules)
    if as_of is not None:
        request.as_of_unix_seconds = _unix(as_of, "as_of")
    if history is not None:
        request.history_periods = int(history)
    if period_days is not None:
        request.history_period_days = float(period_days)
    if customers is not None:
        request.customer_ids.extend(customers)
    if involvement_window_days is not None:
        request.involvement_window_days = float(involvement_window_days)
    if default_margin_rate is not None:
        request.default_margin_rate = float(default_margin_rate)
    if value_scoring is not None:
        request.value_scoring.CopyFrom(value_scoring)
    _changes(changes, request.changes)
    _decisions(decisions, request.decisions)
    return request


# ---- Contribution --------------------------------------------------------------

_FORWARD_FIELDS = ("forward_referral_value", "forward_referral_low", "forward_referral_high",
                   "expected_referrals", "forward_influence_value", "forward_influence_low",
                   "forward_influence_high", "clv")
Contribution = collections.namedtuple(
    "Contribution", "customer_id rank referral_value influence_value cocreation_credit total "
                    "own_margin converted_referrals " + " ".join(_FORWARD_FIELDS),
    defaults=(None,) * len(_FORWARD_FIELDS))
Contribution.__doc__ = ("One customer's contribution in money: referral value + influence value "
                        "+ co-creation credit = total; own_margin beside it (not in the total); "
                        "with forward=..., the forward referral and influence values over the "
                        "horizon with their intervals, expected referrals and CLV (else None).")


class Contributions(_ById):
    """External-employee contribution per customer: ``customers``
    (Contribution, largest total first when ``top`` was given, else in
    customer order), ``totals`` (sums over every customer by component),
    ``as_of``, ``influence_steps`` and ``message`` (the
    mitra.v1.ContributionReport)."""

    def __init__(self, report):
        self.message = report
        self.as_of = report.as_of_unix_seconds
        self.influence_steps = report.influence_steps
        has_forward = report.HasField("forward")
        self.customers = [Contribution(c.customer_id, c.rank, c.referral_value, c.influence_value,
                                       c.cocreation_credit, c.total, c.own_margin,
                                       c.converted_referrals,
                                       *([getattr(c, f) for f in _FORWARD_FIELDS]
                                         if has_forward else ()))
                          for c in report.customers]
        self.totals = {"referral_value": report.referral_value,
                       "influence_value": report.influence_value,
                       "cocreation_credit": report.cocreation_credit, "total": report.total}
        self.basis = {"referral_value": basis(report.referral_basis),
                      "influence_value": basis(report.influence_basis),
                      "cocreation_credit": basis(report.cocreation_basis)}
        self.forward = None
        if has_forward:
            f = report.forward
            self.forward = {
                "horizon_days": f.horizon_days, "confidence": f.confidence,
                "margin_share": f.margin_share, "value_model": f.value_model,
                "referral_value": f.referral_value, "referral_basis": basis(f.referral_basis),
                "referral_model": dict(f.referral_model), "customers_fitted": f.customers_fitted,
                "joined_anyway_share": f.joined_anyway_share,
                "joined_anyway_interval": (f.joined_anyway_low, f.joined_anyway_high),
                "referees_seen": f.referees_seen,
                "referees_already_active": f.referees_already_active,
                "referee_value": f.referee_value,
                "referee_value_basis": basis(f.referee_value_basis),
                "influence_value": f.influence_value, "influence_basis": basis(f.influence_basis),
                "actions": f.actions, "episodes": f.episodes, "arcs": f.arcs,
                "arcs_with_trials": f.arcs_with_trials}

    def top(self, n=10):
        """The n largest totals, largest first."""
        return sorted(self.customers, key=lambda c: c.rank)[:n]

    def __repr__(self):
        return "Contributions(as_of=%d, totals=%r)" % (self.as_of, self.totals)


def _forward(options, out):
    out.SetInParent()
    if options is True:
        return
    if not isinstance(options, dict):
        raise TypeError("forward: expected True or a dict, got %s" % type(options).__name__)
    for name, value in options.items():
        if name == "value_scoring":
            out.value_scoring.CopyFrom(value)
        elif name in ("horizon_days", "confidence"):
            setattr(out, name, float(value))
        elif name in ("referral_draws", "rr_sets", "worlds", "seed", "threads"):
            setattr(out, name, int(value))
        else:
            raise TypeError("forward: unknown option %r" % name)


def contribution(ws, *, top=None, as_of=None, referral_horizon_days=None, discount_rate=None,
                 joined_anyway_share=None, acquisition_cost=None, influence_share=None,
                 influence_window_days=None, influence_persistence=None, kind_weights=None,
                 half_life_days=None, changes=None, decisions=None, default_margin_rate=None,
                 forward=None, request=None):
    """The money each customer made the company as an "external employee"
    (Contributions): referral value (referees' margins over
    ``referral_horizon_days`` (365), discounted at ``discount_rate`` a year
    (0.12), times 1 - ``joined_anyway_share`` (0.5), plus that share of
    ``acquisition_cost``), influence value (``influence_share`` (0.1) of each
    customer's margin over ``influence_window_days`` (365), split among those
    they attend to in the interaction graph (``kind_weights``,
    ``half_life_days``), passed on with ``influence_persistence`` (0)) and
    co-creation credit (``changes``: dicts {"value", "contributors", "time",
    "shares"}; ``decisions``: co-creation adoption decisions, whose adopted
    ones with a value count). ``top``: only the N largest totals.

    ``forward``: also the account looking forward, estimated from the data
    (``True`` for the defaults, or a dict of ``horizon_days`` (365),
    ``value_scoring`` (a mitra.v1.ValueScoring), ``referral_draws`` (200),
    ``rr_sets`` (20000), ``worlds`` (20), ``seed`` (1), ``confidence`` (0.9),
    ``threads`` (1)); then the backward referral value too uses the
    joined-anyway share estimated from the data unless
    ``joined_anyway_share`` is given. ``basis`` says, per sum, whether it is
    estimated, assumed or given."""
    if request is None:
        request = _pb.ContributionRequest()
        if top is not None:
            request.top = int(top)
        if as_of is not None:
            request.as_of_unix_seconds = _unix(as_of, "as_of")
        for name, value in (("referral_horizon_days", referral_horizon_days),
                            ("discount_rate", discount_rate),
                            ("joined_anyway_share", joined_anyway_share),
                            ("acquisition_cost", acquisition_cost),
                            ("influence_share", influence_share),
                            ("influence_window_days", influence_window_days),
                            ("influence_persistence", influence_persistence),
                            ("default_margin_rate", default_margin_rate)):
            if value is not None:
                setattr(request, name, float(value))
        _kind_weights(kind_weights, request.graph.kind_weights)
        if half_life_days is not None:
            request.graph.half_life_days = float(half_life_days)
        _changes(changes, request.changes)
        _decisions(decisions, request.decisions)
        if forward is not None and forward is not False:
            _forward(forward, request.forward)
    return Contributions(run_request(_lib.mitra_workspace_contribution, ws, request,
                              _pb.ContributionReport))
