"""mitra.cocreation: co-creation programs over libmitra's C ABI (``mitra.h``,
"Co-creation"; docs in docs/COCREATION.md): choose a trial panel, read what
the feedback says, and track what came of it::

    import mitra

    panel = mitra.cocreation.panel(ws, 40, seed=7,
                                   quotas=[("segment", "student", 10), ("community", "JKT", 5, 20)])
    [m.customer_id for m in panel.members], panel.all_quotas_met

    report = mitra.cocreation.feedback(ws, program="ADV-2025")
    for a in report.programs[0].attributes:
        print(a.attribute, a.mean, a.bayesian_average, a.wilson_lower, a.significantly_worse)
    report.programs[0].nps.nps, report.programs[0].nps.low

    outcome = mitra.cocreation.adoption(ws, [
        {"id": "D1", "program_id": "ADV-2025", "attribute": "charging", "outcome": "adopted",
         "decided": "2025-06-01", "value": 60000, "contributors": ["C0462", "C0591"]}])
    outcome.contributors[0].customer_id, outcome.contributors[0].value

Each function returns the generated report message (mitra.v1.PanelReport,
FeedbackReport, AdoptionReport); ``request=`` takes a whole request message
instead of the keyword arguments. Errors raise mitra.Error subclasses naming
the field ("request.quotas[0].max: must be >= min (3), got 2"); an unknown id
raises mitra.NotFound; an unmet quota with ``strict=True`` raises
mitra.FailedPrecondition naming it.
"""

import csv
import io
import os
import stat

from . import _native
from ._errors import InvalidArgument
from ._workspace import run_request
from .value import _unix_seconds as _unix
from .v1 import cocreation_analysis_pb2 as _pb

_lib = _native.lib

__all__ = ["panel", "feedback", "adoption", "decisions_from_csv", "credit"]


def _quota(q, field):
    """(dimension, value, min[, max]), a dict with those keys, or a PanelQuota."""
    if isinstance(q, _pb.PanelQuota):
        field.CopyFrom(q)
        return
    if isinstance(q, dict):
        unknown = set(q) - {"dimension", "value", "min", "max"}
        if unknown:
            raise TypeError("quota: unknown keys %s (dimension, value, min, max)" % sorted(unknown))
        dimension, value, lo, hi = q.get("dimension"), q.get("value"), q.get("min", 0), q.get("max")
    else:
        q = tuple(q)
        if len(q) not in (3, 4):
            raise TypeError("quota: (dimension, value, min) or (dimension, value, min, max), got %r"
                            % (q,))
        dimension, value, lo = q[:3]
        hi = q[3] if len(q) == 4 else None
    field.dimension = str(dimension)
    field.value = str(value)
    field.min = int(lo)
    if hi is not None:
        field.max = int(hi)


def panel(ws, size, *, seed=None, quotas=(), candidates=None, excluded=None, fatigue_days=None,
          as_of=None, stages=None, invitations=None, prior_responses=None,
          prior_non_responses=None, recency_half_life_days=None, recency_floor=None, strict=False,
          request=None):
    """A trial panel of ``size`` customers: a mitra.v1.PanelReport with
    ``.members`` (customer_id, rank, weight, response_rate, responses,
    opportunities, recency, for_quota, quotas) in the order chosen, and
    ``.quotas`` (quota, eligible, selected, met, shortfall, problem).

    ``quotas``: (dimension, value, min[, max]) with dimension "community",
    "stage" or a customer attribute ("segment", "city"); ``stages``: a dict
    customer id -> label (e.g. the relationship-ladder stage) for the
    "stage" dimension; ``invitations``: (customer id, time) pairs;
    ``fatigue_days``: skip anyone who answered or was invited that recently
    (90; 0: no rule); ``seed``: the same seed gives the same panel.
    """
    if request is None:
        request = _pb.PanelRequest(size=int(size), strict=bool(strict))
        if seed is not None:
            request.seed = int(seed)
        for q in quotas:
            _quota(q, request.quotas.add())
        request.candidate_customer_ids.extend(candidates or [])
        request.excluded_customer_ids.extend(excluded or [])
        if fatigue_days is not None:
            request.fatigue_days = float(fatigue_days)
        if as_of is not None:
            request.as_of_unix_seconds = _unix(as_of, "as_of")
        for customer, label in (stages or {}).items():
            request.stages.add(customer_id=customer, label=str(label))
        for customer, time in invitations or []:
            request.invitations.add(customer_id=customer, time_unix_seconds=_unix(time, "invitations"))
        for name, value in (("prior_responses", prior_responses),
                            ("prior_non_responses", prior_non_responses),
                            ("recency_half_life_days", recency_half_life_days),
                            ("recency_floor", recency_floor)):
            if value is not None:
                setattr(request, name, float(value))
    return run_request(_lib.mitra_workspace_cocreation_panel, ws, request, _pb.PanelReport)


def feedback(ws, program=None, product=None, *, prior_weight=None, prior_mean=None, top_box=None,
             confidence=None, baseline_program=None, baseline_product=None, fdr=None, margin=None,
             bias_shrinkage=None, request=None):
    """Feedback per program and product: a mitra.v1.FeedbackReport whose
    ``.programs`` hold per attribute n, mean, sd, bayesian_average,
    positive_share with wilson_lower/upper, corrected_mean (reviewer bias)
    and the shortfall test (difference, p_value, q_value,
    significantly_worse), and the NPS with its interval (``.nps``).

    Defaults: prior weight 10 at the group's grand mean; top box 0.75 of the
    scale (4-5 on 1..5); 95% intervals; baseline the other attributes of the
    same answers (paired), or ``baseline_program``/``baseline_product``;
    Benjamini-Hochberg at ``fdr`` 0.05; ``margin`` 0.1 of the scale.
    """
    if request is None:
        request = _pb.FeedbackRequest()
        if program is not None:
            request.program_id = program
        if product is not None:
            request.product_id = product
        if baseline_program is not None:
            request.baseline_program_id = baseline_program
        if baseline_product is not None:
            request.baseline_product_id = baseline_product
        for name, value in (("prior_weight", prior_weight), ("prior_mean", prior_mean),
                            ("top_box", top_box), ("confidence", confidence), ("fdr", fdr),
                            ("margin", margin), ("bias_shrinkage", bias_shrinkage)):
            if value is not None:
                setattr(request, name, float(value))
    return run_request(_lib.mitra_workspace_cocreation_feedback, ws, request, _pb.FeedbackReport)


_OUTCOMES = {"adopted": _pb.ADOPTION_OUTCOME_ADOPTED, "rejected": _pb.ADOPTION_OUTCOME_REJECTED}
_MEASURE = ("before_mean", "before_sd", "before_n", "after_mean", "after_sd", "after_n")


def _decision(d, field):
    """A dict (id, program_id, attribute, product_id, title, outcome
    "adopted"/"rejected", decided, effective, value, contributors, weights,
    measure: dict of before_/after_ mean, sd, n) or an AdoptionDecision."""
    if isinstance(d, _pb.AdoptionDecision):
        field.CopyFrom(d)
        return
    known = {"id", "program_id", "attribute", "product_id", "title", "outcome", "decided",
             "effective", "value", "contributors", "weights", "measure"}
    unknown = set(d) - known
    if unknown:
        raise TypeError("decision: unknown keys %s (%s)" % (sorted(unknown), ", ".join(sorted(known))))
    for key in ("id", "program_id", "attribute", "product_id", "title"):
        if d.get(key) is not None:
            setattr(field, key, str(d[key]))
    outcome = d.get("outcome")
    if outcome is not None:
        field.outcome = _OUTCOMES[outcome] if isinstance(outcome, str) else int(outcome)
    if d.get("decided") is not None:
        field.decided_unix_seconds = _unix(d["decided"], "decided")
    if d.get("effective") is not None:
        field.effective_unix_seconds = _unix(d["effective"], "effective")
    if d.get("value") is not None:
        field.value = float(d["value"])
    field.contributor_customer_ids.extend(d.get("contributors") or [])
    field.contributor_weights.extend(float(w) for w in d.get("weights") or [])
    measure = d.get("measure")
    if measure is not None:
        unknown = set(measure) - set(_MEASURE)
        if unknown:
            raise TypeError("measure: unknown keys %s (%s)" % (sorted(unknown), ", ".join(_MEASURE)))
        field.measure.SetInParent()
        for key, value in measure.items():
            setattr(field.measure, key, int(value) if key.endswith("_n") else float(value))


def adoption(ws, decisions=(), *, confidence=None, request=None):
    """What came of the decisions taken on feedback: a
    mitra.v1.AdoptionReport with ``.decisions`` (source, measure before and
    after, difference with its interval, improved), ``.programs`` (adoption
    rate, value adopted) and ``.contributors`` (each contributor's share of
    the value of adopted changes, best first). ``decisions``: dicts (see
    _decision) or AdoptionDecision messages; without a ``measure`` the
    before/after is computed from the workspace's feedback."""
    if request is None:
        request = _pb.AdoptionRequest()
        for d in decisions:
            _decision(d, request.decisions.add())
        if confidence is not None:
            request.confidence = float(confidence)
    return run_request(_lib.mitra_workspace_cocreation_adoption, ws, request, _pb.AdoptionReport)


def credit(report):
    """{customer id: credited value} from an AdoptionReport."""
    return {c.customer_id: c.value for c in report.contributors}


def _read_regular_file(path):
    """The text of a regular file, as the C library's reader would allow: a
    FIFO or device is refused (InvalidArgument) before anything can block."""
    fd = os.open(_native.c_string(path, "path", path=True),
                 os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY)
    with os.fdopen(fd, "r", encoding="utf-8", newline="") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InvalidArgument("cannot read %r: not a regular file" % os.fspath(path))
        return f.read()


def decisions_from_csv(path_or_text):
    """AdoptionDecision messages from a decisions CSV (the format of
    ``mitra cocreation --decisions``; docs/COCREATION.md): a path, or the
    text itself when it holds a line break."""
    if "\n" in path_or_text:
        text = path_or_text
    else:
        text = _read_regular_file(path_or_text)
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        d = {k: v for k, v in row.items() if v not in (None, "")}
        decision = {k: d[k] for k in ("id", "program_id", "attribute", "product_id", "title",
                                      "outcome", "decided", "effective") if k in d}
        if "value" in d:
            decision["value"] = float(d["value"])
        if "contributors" in d:
            decision["contributors"] = d["contributors"].split(";")
        if "weights" in d:
            decision["weights"] = [float(w) for w in d["weights"].split(";")]
        measure = {k: d[k] for k in _MEASURE if k in d}
        if measure:
            decision["measure"] = measure
        msg = _pb.AdoptionDecision()
        _decision(decision, msg)
        out.append(msg)
    return out
