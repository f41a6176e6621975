// An activation plan on a workspace, the whole request through the C ABI
// (mitra_workspace_activation_plan): the interaction graph, the diffusion
// graph, the leaders, IMM and the Monte-Carlo check. Argument: workspace
// (0 the bundled sample, 1 R-MAT). The sample is the CLI's `mitra activate`
// request (leaders top 10, k 10) with 1,000 check runs. R-MAT is the
// Graph500-style generator of the graph benchmarks (2^20 customer ids, 10M
// generated edges, self-loops left out) ingested as REPLY interactions
// spread over one year, planned with every customer a candidate (it has no
// communities), k 50, epsilon 0.5 and 100 check runs. Workspace 2 is the
// same R-MAT workspace with the lightest plan (k 1, epsilon 0.9, 2 check
// runs), so that the graph path (interaction graph, diffusion graph)
// dominates its time. One thread.
//
// Counters: peak_MB is the process's peak resident memory during the
// iterations (reset before them through /proc/self/clear_refs, Linux),
// base_MB the resident memory before them (the workspace, after
// malloc_trim returned what loading it freed), extra_MB their difference:
// what the request itself needed at its peak. Fixed iteration counts, so
// that each configuration is set up and measured once per process.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "mitra/core/workspace.h"
#include "mitra/graph/rmat.h"
#include "mitra/mitra.h"
#include "mitra/v1/activation.pb.h"
#include "mitra/v1/batch.pb.h"

namespace mitra::activation {
namespace {

void Check(mitra_status s, mitra_error* e, const char* what) {
  if (s == MITRA_OK) return;
  std::fprintf(stderr, "%s: %s\n", what, mitra_error_message(e));
  std::exit(1);
}

// VmRSS or VmHWM of this process, in MiB.
double StatusMb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field, 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  return 0;
}

void ResetPeak() { std::ofstream("/proc/self/clear_refs") << "5"; }

void Ingest(mitra_workspace* ws, const v1::Batch& batch) {
  const std::string bytes = batch.SerializeAsString();
  mitra_error* e = nullptr;
  Check(mitra_workspace_ingest(ws, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                               &e),
        e, "ingest");
}

mitra_workspace* SampleWorkspace() {
  mitra_workspace* ws = nullptr;
  mitra_error* e = nullptr;
  Check(mitra_workspace_create(&ws, &e), e, "create");
  for (const std::string& kind : KindNames()) {
    const std::string path = testing::SampleDir() + "/" + kind + ".csv";
    if (!std::ifstream(path)) continue;
    Check(mitra_workspace_ingest_csv(ws, kind.c_str(), path.c_str(), &e), e, path.c_str());
  }
  return ws;
}

mitra_workspace* RmatWorkspace() {
  mitra_workspace* ws = nullptr;
  mitra_error* e = nullptr;
  Check(mitra_workspace_create(&ws, &e), e, "create");
  auto edges = graph::GenerateRmat();
  if (!edges.ok()) {
    std::fprintf(stderr, "R-MAT: %s\n", std::string(edges.status().message()).c_str());
    std::exit(1);
  }
  auto id = [](uint32_t v) { return "C" + std::to_string(v); };
  v1::Batch batch;
  for (uint32_t v = 0; v < edges->num_nodes; ++v) batch.add_customers()->set_id(id(v));
  Ingest(ws, batch);
  constexpr size_t kChunk = 1 << 20;
  constexpr int64_t kStart = 1704067200, kYear = 365 * 86400LL;
  mitra::bench::Rng rng{20261206};
  for (size_t b = 0; b < edges->src.size(); b += kChunk) {
    batch.Clear();
    for (size_t i = b; i < std::min(edges->src.size(), b + kChunk); ++i) {
      if (edges->src[i] == edges->dst[i]) continue;
      v1::Interaction* x = batch.add_interactions();
      x->set_from_customer_id(id(edges->src[i]));
      x->set_to_customer_id(id(edges->dst[i]));
      x->set_kind(v1::INTERACTION_KIND_REPLY);
      x->set_time_unix_seconds(kStart + rng.Below(kYear));
    }
    Ingest(ws, batch);
  }
  return ws;
}

void BM_WorkspacePlan(benchmark::State& state) {
  static mitra_workspace* workspaces[2] = {nullptr, nullptr};
  const int which = static_cast<int>(state.range(0));
  const int w = which == 0 ? 0 : 1;
  if (!workspaces[w]) workspaces[w] = w == 0 ? SampleWorkspace() : RmatWorkspace();
  v1::WorkspacePlanRequest request;
  v1::PlanRequest* plan = request.mutable_plan();
  plan->set_seed(1);
  plan->set_threads(1);
  if (which == 0) {
    request.mutable_leaders()->set_top(10);
    plan->set_k(10);
    plan->set_check_runs(1000);
  } else if (which == 1) {
    request.set_candidates(v1::CANDIDATE_SOURCE_ALL);
    plan->set_k(50);
    plan->set_epsilon(0.5);
    plan->set_check_runs(100);
  } else {
    request.set_candidates(v1::CANDIDATE_SOURCE_ALL);
    plan->set_k(1);
    plan->set_epsilon(0.9);
    plan->set_check_runs(2);
  }
  const std::string bytes = request.SerializeAsString();
  malloc_trim(0);
  const double base = StatusMb("VmRSS:");
  ResetPeak();
  v1::WorkspacePlan last;
  for (auto _ : state) {
    uint8_t* out = nullptr;
    size_t out_len = 0;
    mitra_error* e = nullptr;
    if (mitra_workspace_activation_plan(workspaces[w],
                                        reinterpret_cast<const uint8_t*>(bytes.data()),
                                        bytes.size(), &out, &out_len, &e) != MITRA_OK) {
      state.SkipWithError(mitra_error_message(e));
      mitra_error_free(e);
      return;
    }
    last.ParseFromArray(out, static_cast<int>(out_len));
    mitra_free(out);
  }
  const double peak = StatusMb("VmHWM:");
  state.counters["nodes"] = last.plan().num_nodes();
  state.counters["arcs"] = static_cast<double>(last.plan().num_arcs());
  state.counters["reach"] = last.plan().check().mean();
  state.counters["base_MB"] = base;
  state.counters["peak_MB"] = peak;
  state.counters["extra_MB"] = peak - base;
}
BENCHMARK(BM_WorkspacePlan)
    ->ArgName("workspace")
    ->Arg(0)
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WorkspacePlan)
    ->ArgName("workspace")
    ->Arg(1)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WorkspacePlan)
    ->ArgName("workspace")
    ->Arg(2)
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mitra::activation
