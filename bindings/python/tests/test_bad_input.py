"""The bad-input table (tests/bad_input/cases.json) through the Python API:
each case raises the mitra.Error subclass named after its status, with the
message, and leaves the workspace exactly as it was."""
import json
import os
import sys

import numpy as np
import pytest
from google.protobuf import text_format

import mitra
from mitra import _native, v1
from mitra._errors import call, call_bytes

from conftest import REPO_ROOT

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "bad_input"))
from mutations import mutated_snapshot  # noqa: E402

TABLE = json.load(open(os.path.join(REPO_ROOT, "tests", "bad_input", "cases.json"), encoding="utf-8"))
KIND_ORDER = ["customers", "products", "communities", "channels", "programs", "transactions",
              "interactions", "memberships", "feedback", "referrals"]


def exception_for(status):
    return getattr(mitra, "".join(w.capitalize() for w in status.split("_")))


def base_workspace():
    ws = mitra.Workspace()
    for kind in KIND_ORDER:
        ws.ingest_csv_text(kind, TABLE["base"][kind], name=kind)
    return ws


def value_call(ws, api, text):
    """A customer-value C entry point with its request given in text form
    (the raw call, so that the request's own fields are what is tested)."""
    lib = _native.lib
    if api == "value_predict":
        model = text_format.Parse(text, v1.FittedModel()).SerializeToString()
        one, two, out = np.array([1.0]), np.array([2.0]), np.empty(1)
        p = lambda a: a.ctypes.data_as(_native.f64_p)
        call(lib.mitra_value_predict, model, len(model), _native.VALUE_PROBABILITY_ALIVE, 0.0,
             p(one), p(one), p(two), 1, p(out))
        return
    if api in DISCRETE_APIS:
        discrete_call(ws, api, text)
        return
    message = {"value_fit": v1.FitRequest, "value_summary": v1.SummaryRequest,
               "value_rfm": v1.RfmRequest,
               "value_predict_intervals": v1.PredictIntervalsRequest}[api]
    data = text_format.Parse(text, message()).SerializeToString()
    if api == "value_summary":
        with ws._use() as handle:
            call_bytes(lib.mitra_workspace_value_summary, handle, data, len(data))
    else:
        call_bytes(getattr(lib, "mitra_" + api), data, len(data))


DISCRETE_APIS = {"value_sbg_fit": v1.SbgFitRequest, "value_bgbb_fit": v1.BgBbFitRequest,
                 "value_workspace_sbg": v1.WorkspaceSbgRequest,
                 "value_workspace_bgbb": v1.WorkspaceBgBbRequest}


def discrete_call(ws, api, text):
    """The sBG and BG/BB entry points; value_bgbb_fit takes the request's
    columns as arrays and its options as bytes."""
    lib = _native.lib
    request = text_format.Parse(text, DISCRETE_APIS[api]())
    data = request.SerializeToString()
    if api == "value_sbg_fit":
        call_bytes(lib.mitra_value_sbg_fit, data, len(data))
    elif api == "value_bgbb_fit":
        cols = [np.array(c, np.float64) for c in (request.x, request.t_x, request.n, request.weight)]
        p = lambda a: a.ctypes.data_as(_native.f64_p)
        options = request.options.SerializeToString()
        call_bytes(lib.mitra_value_bgbb_fit, p(cols[0]), p(cols[1]), p(cols[2]),
                   p(cols[3]) if len(cols[3]) else None, len(cols[0]), options, len(options))
    else:
        with ws._use() as handle:
            call_bytes(getattr(lib, "mitra_workspace_value_" + api[len("value_workspace_"):]),
                       handle, data, len(data))


GRAPH_APIS = {"interaction_graph": ("mitra_workspace_interaction_graph", v1.InteractionGraphRequest),
              "learn_influence": ("mitra_workspace_learn_influence", v1.LearnInfluenceRequest),
              "leaders": ("mitra_workspace_leaders", v1.LeadersRequest),
              "trust": ("mitra_workspace_trust", v1.TrustRequest),
              "health": ("mitra_workspace_community_health", v1.HealthRequest),
              "graph_centrality": ("mitra_graph_centrality", v1.CentralityRequest),
              "graph_edge_values": ("mitra_graph_edge_values", v1.EdgeValuesRequest),
              "graph_leiden": ("mitra_graph_leiden", v1.LeidenRequest),
              "activation_plan": ("mitra_activation_plan", v1.PlanRequest),
              "activation_simulate": ("mitra_activation_simulate", v1.SimulateRequest),
              "workspace_activation_plan": ("mitra_workspace_activation_plan",
                                            v1.WorkspacePlanRequest),
              "cocreation_panel": ("mitra_workspace_cocreation_panel", v1.PanelRequest),
              "cocreation_feedback": ("mitra_workspace_cocreation_feedback", v1.FeedbackRequest),
              "cocreation_adoption": ("mitra_workspace_cocreation_adoption", v1.AdoptionRequest),
              "ladder": ("mitra_workspace_ladder", v1.LadderRequest),
              "contribution": ("mitra_workspace_contribution", v1.ContributionRequest),
              "channel_economics": ("mitra_workspace_channel_economics", v1.ChannelRequest),
              "campaign_effects": ("mitra_workspace_campaign_effects", v1.CampaignEffectsRequest),
              "channels_budget_split": ("mitra_channels_budget_split", v1.BudgetRequest),
              "channels_double_marginalisation": ("mitra_channels_double_marginalisation",
                                                  v1.LinearDemandRequest)}


def graph_call(ws, case):
    """A graph or leaders C entry point with its request in text form (or
    bytes) and, for graph_* calls, the edges as a mitra.v1.Graph in text
    form; a failed call must write nothing to the caller's arrays."""
    lib = _native.lib
    name, message = GRAPH_APIS[case["api"]]
    if "arg_hex" in case:
        data = bytes.fromhex(case["arg_hex"])
    else:
        data = text_format.Parse(case["arg"], message()).SerializeToString()
    fn = getattr(lib, name)
    if case["api"].startswith("channels_"):  # no workspace
        call_bytes(fn, data, len(data))
        return
    if not case["api"].startswith(("graph_", "activation_")):
        with ws._use() as handle:
            call_bytes(fn, handle, data, len(data))
        return
    g = text_format.Parse(case["graph"], v1.Graph())
    assert len(g.src) == len(g.dst), "the C ABI takes one edge count"
    src, dst = np.array(g.src, np.uint32), np.array(g.dst, np.uint32)
    weights = np.array(g.weight, np.float64) if len(g.weight) else None
    if case["api"].startswith("activation_"):  # bytes out only
        call_bytes(fn, g.num_nodes, src.ctypes.data_as(_native.u32_p),
                   dst.ctypes.data_as(_native.u32_p),
                   weights.ctypes.data_as(_native.f64_p) if weights is not None else None,
                   len(g.src), data, len(data))
        return
    sentinel = 77 if case["api"] == "graph_leiden" else -7.0
    size = len(g.src) if case["api"] == "graph_edge_values" else g.num_nodes
    out = np.full(size, sentinel, np.float64 if sentinel == -7.0 else np.uint32)
    out_p = out.ctypes.data_as(_native.f64_p if sentinel == -7.0 else _native.u32_p)
    try:
        call_bytes(fn, g.num_nodes, src.ctypes.data_as(_native.u32_p),
                   dst.ctypes.data_as(_native.u32_p),
                   weights.ctypes.data_as(_native.f64_p) if weights is not None else None,
                   len(g.src), data, len(data), out_p)
    finally:
        assert (out == sentinel).all(), "a failed call wrote its output array"


@pytest.mark.parametrize("case", TABLE["cases"], ids=[c["name"] for c in TABLE["cases"]])
def test_bad_input(case, tmp_path):
    ws = base_workspace()
    before = ws.export().SerializeToString(deterministic=True)
    with pytest.raises(exception_for(case["status"])) as raised:
        if "batch" in case:
            ws.ingest(text_format.Parse(case["batch"], v1.Batch()))
        elif "bytes_hex" in case:
            ws.ingest(bytes.fromhex(case["bytes_hex"]))
        elif "csv" in case:
            ws.ingest_csv_text(case["csv_kind"], case["csv"], name="case.csv")
        elif "csv_hex" in case:
            ws.ingest_csv_text(case["csv_kind"], bytes.fromhex(case["csv_hex"]), name="case.csv")
        elif "snapshot" in case:
            ws.save(tmp_path / "base.mitra")
            mitra.Workspace.load(mutated_snapshot(tmp_path / "base.mitra", case["snapshot"], tmp_path))
        elif case["api"] == "column":
            ws.column(case["arg"])
        elif case["api"] == "ids":
            ws.ids(case["arg"])
        elif case["api"] == "csv_file":
            ws.ingest_csv("customers", case["arg"])
        elif case["api"].startswith("value_"):
            value_call(ws, case["api"], case["arg"])
        elif case["api"] in GRAPH_APIS:
            graph_call(ws, case)
    assert raised.value.status == case["status"]
    assert case["message"] in str(raised.value)
    assert ws.export().SerializeToString(deterministic=True) == before
