// The graph, leaders and activation entries that take request bytes,
// selected by the first byte (% 8; byte / 8 % 2 says whether the graph is
// weighted): mitra_graph_centrality (byte / 16 % 2: mitra_graph_edge_values
// instead) and mitra_graph_leiden (with
// mitra_graph_modularity of a partition the input gives) on a fixed small
// graph, mitra_workspace_interaction_graph, _leaders, _trust and
// _community_health on a small workspace, and mitra_activation_plan (6) and
// mitra_activation_simulate (7) on the small graph. Never a crash; the error contract
// holds; successful centralities are finite.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/activation.pb.h"
#include "mitra/v1/graph.pb.h"

namespace {

// A directed graph with a cycle, a dangling node (4), a self-loop and an
// isolated node (5).
constexpr uint32_t kNodes = 6;
constexpr uint32_t kSrc[] = {0, 1, 2, 2, 3, 1, 3};
constexpr uint32_t kDst[] = {1, 2, 0, 3, 4, 1, 3};
constexpr double kWeights[] = {1, 2, 1, 0.5, 3, 1, 1};

const mitra_workspace* SmallWorkspace() {
  static const mitra_workspace* ws = mitra::fuzz::WorkspaceFromCsv({
      {"customers", "id\nc1\nc2\nc3\nc4\n"},
      {"communities", "id,name\nk1,One\nk2,Two\n"},
      {"memberships", "customer_id,community_id,joined\nc1,k1,2024-01-01\nc2,k1,2024-02-01\n"
                      "c3,k2,2024-01-15\nc4,k2,2024-03-01\nc1,k2,2024-04-01\n"},
      {"interactions", "from_customer_id,to_customer_id,kind,time,community_id\n"
                       "c2,c1,REPLY,2024-05-01,k1\nc2,c1,ENDORSEMENT,2024-05-02,k1\n"
                       "c3,c1,LIKE,2024-05-03,k2\nc4,c3,FLAG,2024-05-04,k2\n"
                       "c1,c4,MENTION,2024-06-01,k2\nc3,,VISIT,2024-06-02,k2\n"},
  });
  return ws;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t first = data[0];
  const uint8_t which = first % 8;
  const bool weighted = first / 8 % 2 == 1;
  ++data;
  --size;
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  mitra_status s;
  constexpr size_t kEdges = sizeof kSrc / sizeof kSrc[0];
  if (which == 0 && first / 16 % 2 == 1) {
    double values[kEdges];
    s = mitra_graph_edge_values(kNodes, kSrc, kDst, weighted ? kWeights : nullptr, kEdges, data,
                                size, values, &out, &n, &err);
    if (s == MITRA_OK)
      for (double v : values)
        if (!std::isfinite(v) || v < 0) std::abort();
  } else if (which == 0) {
    // A valid tiny epsilon asks for billions of samples: slow, not wrong.
    mitra::v1::CentralityRequest r;
    if (r.ParseFromArray(data, static_cast<int>(size)) && r.has_sampled_betweenness() &&
        r.sampled_betweenness().epsilon() > 0 && r.sampled_betweenness().epsilon() < 0.01)
      return 0;
    double values[kNodes];
    s = mitra_graph_centrality(kNodes, kSrc, kDst, weighted ? kWeights : nullptr, kEdges, data, size,
                               values, &out, &n, &err);
    if (s == MITRA_OK)
      for (double v : values)
        if (!std::isfinite(v)) std::abort();
  } else if (which == 1) {
    uint32_t membership[kNodes];
    s = mitra_graph_leiden(kNodes, kSrc, kDst, kWeights, kEdges, data, size, membership, &out, &n, &err);
    if (s == MITRA_OK)
      for (uint32_t m : membership)
        if (m >= kNodes) std::abort();
    // mitra_graph_modularity of a partition and resolution read from the
    // input's last bytes (any ids, NaN and infinite resolutions included).
    if (size >= sizeof membership + sizeof(double)) {
      uint32_t given[kNodes];
      double resolution;
      std::memcpy(given, data + size - sizeof given - sizeof resolution, sizeof given);
      std::memcpy(&resolution, data + size - sizeof resolution, sizeof resolution);
      double q = NAN;
      mitra_error* merr = nullptr;
      const mitra_status ms = mitra_graph_modularity(kNodes, kSrc, kDst, weighted ? kWeights : nullptr,
                                                     kEdges, static_cast<int32_t>(size % 2), given,
                                                     resolution, &q, &merr);
      if (ms == MITRA_OK && !std::isfinite(q)) std::abort();
      mitra::fuzz::CheckCall(ms, merr, nullptr);
    }
  } else if (which == 2) {
    s = mitra_workspace_interaction_graph(SmallWorkspace(), data, size, &out, &n, &err);
  } else if (which == 3) {
    s = mitra_workspace_leaders(SmallWorkspace(), data, size, &out, &n, &err);
  } else if (which == 4) {
    s = mitra_workspace_trust(SmallWorkspace(), data, size, &out, &n, &err);
  } else if (which == 5) {
    s = mitra_workspace_community_health(SmallWorkspace(), data, size, &out, &n, &err);
  } else if (which == 6) {
    // Valid but slow: a tiny epsilon or huge ell asks for billions of RR
    // sets, huge check_runs for billions of simulations.
    mitra::v1::PlanRequest r;
    if (r.ParseFromArray(data, static_cast<int>(size)) &&
        ((r.has_epsilon() && r.epsilon() > 0 && r.epsilon() < 0.05) ||
         (r.has_ell() && r.ell() > 10) || r.check_runs() > 20000 || r.threads() > 4))
      return 0;
    s = mitra_activation_plan(kNodes, kSrc, kDst, weighted ? kWeights : nullptr, kEdges, data, size,
                              &out, &n, &err);
    mitra::v1::Plan plan;
    if (s == MITRA_OK && (!plan.ParseFromArray(out, static_cast<int>(n)) ||
                          !(plan.check().mean() >= 0) || plan.check().mean() > kNodes))
      std::abort();
  } else {
    mitra::v1::SimulateRequest r;
    if (r.ParseFromArray(data, static_cast<int>(size)) && (r.runs() > 20000 || r.threads() > 4))
      return 0;
    s = mitra_activation_simulate(kNodes, kSrc, kDst, weighted ? kWeights : nullptr, kEdges, data,
                                  size, &out, &n, &err);
    mitra::v1::SpreadEstimate e;
    if (s == MITRA_OK && (!e.ParseFromArray(out, static_cast<int>(n)) || !(e.mean() >= 0) ||
                          e.mean() > kNodes))
      std::abort();
  }
  mitra::fuzz::CheckCall(s, err, out);
  mitra_free(out);
  return 0;
}
