"""Writes the seed corpora of fuzz/corpus/ (checked in; rerun after a schema
change): valid and invalid inputs taken from the bad-input table, the
bundled sample data and real snapshots.

usage: PYTHONPATH=build/dev/python /usr/bin/python3 fuzz/make_corpus.py [TARGET...]

With TARGETs, only those corpora are rewritten (a new target's seeds without
touching the others'); without, all of them. Files named regress-* (inputs
that once failed) and found-* (new coverage from long fuzzing runs, merged
with -merge=1) are kept."""
import hashlib
import json
import pathlib
import sys
import tempfile

from google.protobuf import text_format

import mitra
from mitra import v1

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"
table = json.loads((root / "tests/bad_input/cases.json").read_text())
KINDS = ["customers", "products", "communities", "channels", "programs", "transactions",
         "interactions", "memberships", "feedback", "referrals", "campaigns", "campaign_members"]


only = set(sys.argv[1:])


def put(target, data):
    if only and target not in only:
        return
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def head(path, lines):
    with open(path, "rb") as f:
        return b"".join(f.readline() for _ in range(lines))


def clear(d):
    """Removes the seeds this script wrote, keeping what fuzzing taught:
    regress-* (inputs that once failed) and found-* (a long run's new
    coverage, merged in minimised form)."""
    if d.is_dir():
        for f in d.iterdir():
            if not f.name.startswith(("regress-", "found-")):
                f.unlink()


for d in ([corpus / t for t in only] if only else (corpus.iterdir() if corpus.is_dir() else [])):
    clear(d)
base = mitra.Workspace()
for kind in KINDS:
    if kind in table["base"]:
        base.ingest_csv_text(kind, table["base"][kind], name=kind)

# Batches: the base workspace, a slice of the sample brand, and every batch case.
put("ingest_batch", base.export().SerializeToString(deterministic=True))
sample = mitra.Workspace()
for kind in KINDS:
    if (root / "data/sample" / f"{kind}.csv").exists():
        sample.ingest_csv(kind, root / "data/sample" / f"{kind}.csv")
small = v1.Batch()
full = sample.export()
for field in small.DESCRIPTOR.fields:
    getattr(small, field.name).extend(getattr(full, field.name)[:40])
put("ingest_batch", small.SerializeToString(deterministic=True))
for case in table["cases"]:
    if "batch" in case:
        put("ingest_batch", text_format.Parse(case["batch"], v1.Batch()).SerializeToString())
    elif "bytes_hex" in case:
        put("ingest_batch", bytes.fromhex(case["bytes_hex"]))

# CSV per kind: the base file, the sample file's head, and the kind's cases.
for kind in KINDS:
    target = f"csv_{kind}"
    if kind in table["base"]:
        put(target, table["base"][kind].encode())
    if (root / "data/sample" / f"{kind}.csv").exists():
        put(target, head(root / "data/sample" / f"{kind}.csv", 25))
    for case in table["cases"]:
        if case.get("csv_kind") == kind:
            put(target, case["csv"].encode() if "csv" in case else bytes.fromhex(case["csv_hex"]))

# Snapshots: real ones of both length parities (the target recomputes the
# checksum for even lengths), an empty one, and a cut one.
with tempfile.TemporaryDirectory() as tmp:
    for ws in (base, mitra.Workspace()):
        path = pathlib.Path(tmp) / "s.mitra"
        ws.save(path)
        data = path.read_bytes()
        put("load_snapshot", data)
        put("load_snapshot", data + b"\0")
        put("load_snapshot", data[: len(data) // 2])

# Value requests: a selector byte (0 fit, 1 rfm, 2 summarize, 3 workspace
# summary) and then a real request.
fit = v1.FitRequest(model=v1.VALUE_MODEL_BG_NBD, frequency=[0, 1, 2, 0, 5], recency=[0, 3, 8, 0, 20],
                    T=[10, 12, 30, 4, 40])
put("value_request", b"\x00" + fit.SerializeToString())
gg = v1.FitRequest(model=v1.VALUE_MODEL_GAMMA_GAMMA, frequency=[1, 2, 3, 4], monetary_value=[10, 20, 15, 30])
put("value_request", b"\x00" + gg.SerializeToString())
pareto = v1.FitRequest(model=v1.VALUE_MODEL_PARETO_NBD, frequency=[0, 1, 2, 0, 5], recency=[0, 3, 8, 0, 20],
                       T=[10, 12, 30, 4, 40], options=v1.FitOptions(penalizer=0.1))
put("value_request", b"\x00" + pareto.SerializeToString())
rfm = v1.RfmRequest(recency_age=[1, 2, 3, 4, 5, 6], frequency=[0, 1, 2, 3, 4, 5], monetary_value=[5, 4, 3, 2, 1, 0])
put("value_request", b"\x01" + rfm.SerializeToString())
summary = v1.SummaryRequest(calibration_end_unix_seconds=858000000, holdout_end_unix_seconds=880000000,
                            period_seconds=86400, unit_seconds=604800)
put("value_request", b"\x02" + summary.SerializeToString())
put("value_request", b"\x03" + summary.SerializeToString())
# Covariates: a fit request with them, workspace summaries naming a numeric
# attribute, a non-numeric one and a missing one; the columnar covariate
# entries (selectors 4 predict, 5 fit) on n, the column counts and doubles.
cov_fit = v1.FitRequest(model=v1.VALUE_MODEL_BG_NBD, frequency=[0, 1, 2, 0, 5, 3], recency=[0, 3, 8, 0, 20, 9],
                        T=[10, 12, 30, 4, 40, 22], purchase_covariate_names=["z"],
                        purchase_covariates=[0.5, -1, 2, 0, 1.5, -0.3], covariate_penalty=0.1)
put("value_request", b"\x00" + cov_fit.SerializeToString())
for purchase, dropout in ((["income"], []), ([], ["city"]), (["income"], ["age"])):
    cov_summary = v1.SummaryRequest(calibration_end_unix_seconds=858000000, period_seconds=86400,
                                    unit_seconds=604800, purchase_covariate_attributes=purchase,
                                    dropout_covariate_attributes=dropout)
    put("value_request", b"\x03" + cov_summary.SerializeToString())
import struct  # noqa: E402
columnar = ([0, 1, 2, 5, 3, 0], [0, 3, 8, 20, 9, 0], [10, 12, 30, 40, 22, 6],
            [0.5, -1, 2, 1.5, -0.3, 0.1], [1, 0, 1, 1, 0, 0], [0.5, 4, 0.8, 2.4], [0.3, -0.2])
doubles = struct.pack("<%dd" % sum(map(len, columnar)), *[v for c in columnar for v in c])
for selector in (b"\x04", b"\x05"):
    put("value_request", selector + bytes([5, 1 + 3 * 1]) + doubles)

# Fitted models (fuzz/value_model_fuzzer.cc): a selector byte (0-2 predict
# E[X], P(alive), P(alive at T + t); 3 new-customer E[X(t)]; 4 P(X(t) = x);
# 5 expected spend; 6 clv, whose next byte splits purchase and spend model;
# 7 holdout), then the published CDNOW fits (data/reference/README.md).
bg = v1.FittedModel(model=v1.VALUE_MODEL_BG_NBD, params={"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426})
mbg = v1.FittedModel(model=v1.VALUE_MODEL_MBG_NBD, params={"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614})
pnbd = v1.FittedModel(model=v1.VALUE_MODEL_PARETO_NBD, params={"r": 0.553, "alpha": 10.58, "s": 0.606, "beta": 11.67})
spend = v1.FittedModel(model=v1.VALUE_MODEL_GAMMA_GAMMA, params={"p": 6.25, "q": 3.74, "gamma": 15.44})
for m in (bg, mbg, pnbd):
    for selector in (0, 1, 2, 3, 4, 7):
        put("value_model", bytes([selector]) + m.SerializeToString(deterministic=True))
    purchase = m.SerializeToString(deterministic=True)
    put("value_model", b"\x06" + bytes([len(purchase)]) + purchase + spend.SerializeToString(deterministic=True))
put("value_model", b"\x05" + spend.SerializeToString(deterministic=True))

# The discrete-time models (fuzz/value_discrete_fuzzer.cc): a selector byte
# (0 sBG fit request, 1 sBG model, 2 BG/BB fit options, 3 BG/BB model,
# 4 workspace sBG request, 5 workspace BG/BB request), then the papers' data
# and estimates (data/reference/README.md).
sbg_fit = v1.SbgFitRequest(cohorts=[
    v1.SbgCohort(name="regular", survivors=[1000, 631, 468, 382, 326, 289, 262, 241]),
    v1.SbgCohort(name="high end", size=1000, lost=[131, 126, 90, 60, 42, 34, 26])],
    horizon=12, discount_rate=0.1, value_per_period=50)
put("value_discrete", b"\x00" + sbg_fit.SerializeToString())
put("value_discrete", b"\x01" + v1.SbgModel(alpha=0.704, beta=1.182).SerializeToString())
put("value_discrete", b"\x02" + v1.FitOptions(initial={"alpha": 2, "delta": 3}).SerializeToString())
put("value_discrete", b"\x02")
put("value_discrete", b"\x03" + v1.BgBbModel(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    .SerializeToString())
month = v1.DiscretePeriods(period_seconds=2629800, end_unix_seconds=1712000000)
put("value_discrete", b"\x04" + v1.WorkspaceSbgRequest(
    periods=month, fit=v1.SbgFitRequest(horizon=6, discount_rate=0.01)).SerializeToString())
put("value_discrete", b"\x05" + v1.WorkspaceBgBbRequest(periods=month, horizon=3).SerializeToString())

# Tracking (fuzz/value_tracking_fuzzer.cc): a selector byte (0 expected
# cumulative transactions, 1 tracking from transactions, 2 P(alive) path,
# 3 P(X(t) = n) new, 4 given a history, 5 spend holdout), then a model.
for m in (bg, mbg, pnbd):
    for selector in range(5):
        put("value_tracking", bytes([selector]) + m.SerializeToString(deterministic=True))
put("value_tracking", b"\x05" + spend.SerializeToString(deterministic=True))

# Graph and leaders requests: a selector byte (0 centrality, 1 leiden,
# 2 interaction graph, 3 leaders, 4 trust, 5 health) and then a real request.
for c in (v1.CentralityRequest(pagerank=v1.PageRankOptions(damping=0.9, personalization=[1, 0, 0, 0, 0, 1])),
          v1.CentralityRequest(katz=v1.KatzOptions(alpha=0.1)),
          v1.CentralityRequest(eigenvector=v1.EigenvectorOptions(), directed=False),
          v1.CentralityRequest(betweenness=v1.BetweennessOptions(normalized=False)),
          v1.CentralityRequest(sampled_betweenness=v1.SampledBetweennessOptions(epsilon=0.2, delta=0.1, seed=3)),
          v1.CentralityRequest(kcore=v1.KCoreOptions())):
    put("graph_request", b"\x00" + c.SerializeToString())
put("graph_request", b"\x01" + v1.LeidenRequest(resolution=0.5, seed=2).SerializeToString())
put("graph_request", b"\x02" + v1.InteractionGraphRequest(half_life_days=30, community_id="k2").SerializeToString())
put("graph_request", b"\x03" + v1.LeadersRequest(top=2, weights=v1.ComponentWeights(trust=1)).SerializeToString())
put("graph_request", b"\x04" + v1.TrustRequest(pretrusted_customer_ids=["c1"]).SerializeToString())
put("graph_request", b"\x05" + v1.HealthRequest(period_days=30, periods=6).SerializeToString())
put("graph_request", b"\x06" + v1.PlanRequest(k=2, epsilon=0.5, check_runs=100, seed=3).SerializeToString())
put("graph_request", b"\x0e" + v1.PlanRequest(  # weighted, budget, LT, groups and quotas
    model=v1.DIFFUSION_MODEL_LT, budget=2.5, costs=[1, 2, 1, 1, 3, 1], epsilon=0.5,
    groups=[0, 0, 1, 1, 2, 2], group_quota=[1, 1, 1], check_runs=50).SerializeToString())
put("graph_request", b"\x06" + v1.PlanRequest(
    probabilities=v1.EDGE_PROBABILITIES_GIVEN, edge_values=[0.5, 0.2, 1, 0.1, 0.3, 0.9, 0.4],
    k=1, epsilon=0.3, must_include=[0], targets=[2, 3, 4], check_runs=50).SerializeToString())
put("graph_request", b"\x07" + v1.SimulateRequest(seeds=[0, 3], runs=200, seed=5,
                                                  groups=[0, 0, 1, 1, 2, 2]).SerializeToString())
put("graph_request", b"\x0f" + v1.SimulateRequest(
    seeds=[1], probabilities=v1.EDGE_PROBABILITIES_CONSTANT, p=0.3, directed=False,
    runs=100).SerializeToString())

# Ladder requests (fuzz/ladder_request_fuzzer.cc): 0 = ladder, 1 = contribution.
for req in (v1.LadderRequest(),
            v1.LadderRequest(history_periods=4, customer_ids=["c1"], involvement_window_days=90),
            v1.LadderRequest(history_periods=3, history_period_days=30, counts_only=True),
            v1.LadderRequest(rules=v1.LadderRules(stages=[
                v1.LadderStage(name="zero", phase=v1.LADDER_PHASE_TRANSACTIONAL),
                v1.LadderStage(name="buyer", phase=v1.LADDER_PHASE_RELATIONSHIP, requirements=[
                    v1.StageRequirement(indicator=v1.LADDER_INDICATOR_MARGIN, window_days=365, at_least=10),
                    v1.StageRequirement(indicator=v1.LADDER_INDICATOR_INTERACTIONS_RECEIVED,
                                        kind=v1.INTERACTION_KIND_FLAG, at_most=0)]),
                v1.LadderStage(name="co-creator", phase=v1.LADDER_PHASE_COLLABORATIVE, requirements=[
                    v1.StageRequirement(indicator=v1.LADDER_INDICATOR_ADOPTED_CONTRIBUTIONS,
                                        at_least=1)])]),
                changes=[v1.ChangeCredit(value=50, contributor_ids=["c1", "c2"], shares=[1, 3])])):
    put("ladder_request", b"\x00" + req.SerializeToString())
for req in (v1.ContributionRequest(),
            v1.ContributionRequest(top=2, influence_persistence=0.5, acquisition_cost=20,
                                   graph=v1.InteractionGraphRequest(half_life_days=0)),
            v1.ContributionRequest(changes=[v1.ChangeCredit(value=30, contributor_ids=["c2"])],
                                   decisions=[v1.AdoptionDecision(
                                       program_id="g1", outcome=v1.ADOPTION_OUTCOME_ADOPTED,
                                       decided_unix_seconds=1717200000, value=90,
                                       contributor_customer_ids=["c1", "c2"])])):
    put("ladder_request", b"\x01" + req.SerializeToString())

# Influence learning (fuzz/influence_request_fuzzer.cc, on the collaboration
# workspace): every action source and method, a holdout split, the
# interaction graph's options and the bounds of the iteration fields.
day = 86400
for req in (v1.LearnInfluenceRequest(),
            v1.LearnInfluenceRequest(method=v1.INFLUENCE_METHOD_BERNOULLI, window_seconds=60 * day, min_trials=0),
            v1.LearnInfluenceRequest(method=v1.INFLUENCE_METHOD_JACCARD, product_line="", interval=0.5),
            v1.LearnInfluenceRequest(method=v1.INFLUENCE_METHOD_CONTINUOUS_TIME, window_seconds=90 * day,
                                     decay_seconds=7 * day),
            v1.LearnInfluenceRequest(method=v1.INFLUENCE_METHOD_EM, em_max_iterations=3, em_tolerance=1e-3,
                                     window_seconds=120 * day, split_unix_seconds=1709251200),
            v1.LearnInfluenceRequest(action=v1.INFLUENCE_ACTION_SOURCE_PROGRAM_JOINS, window_seconds=30 * day,
                                     graph=v1.InteractionGraphRequest(half_life_days=30, community_id="k1")),
            v1.LearnInfluenceRequest(action=v1.INFLUENCE_ACTION_SOURCE_REFERRAL_CONVERSIONS,
                                     graph=v1.InteractionGraphRequest(as_of_unix_seconds=1717200000)),
            v1.LearnInfluenceRequest(window_seconds=0),
            v1.LearnInfluenceRequest(interval=1.5, em_max_iterations=0)):
    put("influence_request", req.SerializeToString())

# Co-creation, channel and workspace activation requests
# (fuzz/collaboration_request_fuzzer.cc, on the collaboration workspace of
# fuzz/fuzz_util.h): 0 = panel, 1 = feedback, 2 = adoption, 3 = channel
# economics, 4 = budget split, 5 = double marginalisation, 6 = workspace
# activation plan.
for req in (v1.PanelRequest(size=2, seed=3, fatigue_days=0, quotas=[
                v1.PanelQuota(dimension="attributes.segment", value="b", min=1),
                v1.PanelQuota(dimension="community", value="k1", min=1, max=1)]),
            v1.PanelRequest(size=3, as_of_unix_seconds=1720000000, fatigue_days=1,
                            stages=[v1.PanelLabel(customer_id="c1", label="collaborator")],
                            quotas=[v1.PanelQuota(dimension="stage", value="collaborator", min=1)],
                            invitations=[v1.FeedbackInvitation(customer_id="c2",
                                                               time_unix_seconds=1706000000)],
                            excluded_customer_ids=["c4"], recency_half_life_days=30, strict=True)):
    put("collaboration_request", b"\x00" + req.SerializeToString())
for req in (v1.FeedbackRequest(),
            v1.FeedbackRequest(program_id="g1", prior_weight=2, top_box=0.8, confidence=0.9, fdr=0.2,
                               margin=0.05, bias_shrinkage=1)):
    put("collaboration_request", b"\x01" + req.SerializeToString())
put("collaboration_request", b"\x02" + v1.AdoptionRequest(decisions=[
    v1.AdoptionDecision(id="d1", program_id="g1", attribute="price",
                        outcome=v1.ADOPTION_OUTCOME_ADOPTED, decided_unix_seconds=1706745600,
                        value=90, contributor_customer_ids=["c1", "c2"], contributor_weights=[2, 1]),
    v1.AdoptionDecision(id="d2", program_id="g1", outcome=v1.ADOPTION_OUTCOME_REJECTED,
                        decided_unix_seconds=1706745600, measure=v1.BeforeAfterMeasure(
                            before_mean=3, before_sd=1, before_n=10, after_mean=3.5, after_n=12))],
    confidence=0.9).SerializeToString())
for req in (v1.ChannelRequest(start_unix_seconds=1704067200, end_unix_seconds=1735689600,
                              rates=v1.ChannelActivityRates(per_order=2, per_delivery=3, per_return=5,
                                                            per_support_contact=1,
                                                            support_kinds=[v1.INTERACTION_KIND_REPLY]),
                              incentives=[v1.ChannelRouteIncentive(route=v1.CHANNEL_ROUTE_CHAIN,
                                                                   amount=30)],
                              per_customer=True, period_seconds=2629800, top=5,
                              demand=v1.LinearDemandRequest(a=100, b=2, c=10)),
            v1.ChannelRequest(product_id="p1", activation=v1.WorkspacePlanRequest(
                plan=v1.PlanRequest(k=1, epsilon=0.5, check_runs=50),
                candidates=v1.CANDIDATE_SOURCE_ALL, default_cost=100),
                conversion_rate=0.5, budget=500, chain_saturation=0.4)):
    put("collaboration_request", b"\x03" + req.SerializeToString())
put("collaboration_request", b"\x04" + v1.BudgetRequest(budget=180, routes=[
    v1.BudgetRoute(name="community", value_per_conversion=20, response=v1.BudgetResponse(
        points=v1.BudgetPiecewiseLinear(spend=[100, 200, 300], response=[10, 16, 19]))),
    v1.BudgetRoute(name="chain", value_per_conversion=40, max_spend=150, response=v1.BudgetResponse(
        exponential=v1.BudgetExponential(a=10, b=0.01))),
    v1.BudgetRoute(name="direct", value_per_conversion=5, response=v1.BudgetResponse(
        logarithmic=v1.BudgetLogarithmic(a=3, b=0.1)))]).SerializeToString())
put("collaboration_request", b"\x05" + v1.LinearDemandRequest(a=100, b=2, c=10, max_tiers=3)
    .SerializeToString())
put("collaboration_request", b"\x06" + v1.WorkspacePlanRequest(
    plan=v1.PlanRequest(k=2, epsilon=0.5, check_runs=50, seed=3), candidates=v1.CANDIDATE_SOURCE_ALL,
    costs={"c1": 2}, default_cost=1, target_community_ids=["k1"]).SerializeToString())

# Prediction intervals (fuzz/value_intervals_fuzzer.cc): requests on real
# fits (with their covariances) to the CDNOW summary (data/reference/cdnow),
# asking for its first 12 customers' intervals.
import csv  # noqa: E402
import numpy as np  # noqa: E402
from mitra import value as mvalue  # noqa: E402

with open(root / "data/reference/cdnow/cdnow_customers_summary_with_transactions.csv") as f:
    cdnow = np.array([[float(r["x"]), float(r["t_x"]), float(r["T"]), float(r["zbar"])]
                      for r in csv.DictReader(f)])
cd_x, cd_tx, cd_T, cd_m = cdnow.T
fits = [mvalue.BGNBD.fit(cd_x, cd_tx, cd_T), mvalue.ParetoNBD.fit(cd_x, cd_tx, cd_T)]
repeat = cd_x > 0
gg = mvalue.GammaGamma.fit(cd_x[repeat], cd_m[repeat])
for purchase in fits:
    for method, extra in ((v1.INTERVAL_METHOD_UNSPECIFIED, {}),
                          (v1.INTERVAL_METHOD_BOOTSTRAP, {"draws": 8})):
        req = v1.PredictIntervalsRequest(
            purchase_model=v1.FittedModel.FromString(purchase.to_bytes()),
            spend_model=v1.FittedModel.FromString(gg.to_bytes()),
            frequency=cd_x[:12], recency=cd_tx[:12], T=cd_T[:12], monetary_value=cd_m[:12],
            horizon=10, clv_periods=3, clv_period_length=4, clv_discount_rate=0.01,
            draws=extra.get("draws", 20), level=0.9, seed=5, method=method)
        put("value_intervals", req.SerializeToString(deterministic=True))
    put("value_intervals", v1.PredictIntervalsRequest(
        purchase_model=v1.FittedModel.FromString(purchase.to_bytes()), frequency=cd_x[:5],
        recency=cd_tx[:5], T=cd_T[:5], predictions=[v1.VALUE_PREDICTION_PROBABILITY_ALIVE],
        draws=10, skip_realised=True).SerializeToString(deterministic=True))

# The workspace requests (fuzz/workspace_request_fuzzer.cc): a selector byte
# (0 campaign effects, 1 workspace tracking with a model).
put("workspace_request", b"\x00" + v1.CampaignEffectsRequest(
    period_seconds=604800, baseline_periods=4, draws=100, seed=2).SerializeToString())
put("workspace_request", b"\x00" + v1.CampaignEffectsRequest(
    start_unix_seconds=1704067200, end_unix_seconds=1714521600, confidence=0.9, draws=50,
    compare_at_spends=[100, 400]).SerializeToString())
for m in (bg, mbg, pnbd):
    put("workspace_request", b"\x01" + m.SerializeToString(deterministic=True))

for d in sorted(corpus.iterdir()):
    if not only or d.name in only:
        print(f"{d.name}: {len(list(d.iterdir()))} inputs")
