// mitra_workspace_learn_influence on the small collaboration workspace of
// fuzz_util.h (purchases, program feedback, converted referrals and
// interactions between them): the request bytes as they come. Never a
// crash; the error contract holds; a successful report's arcs are
// probabilities with ordered interval ends (the central interval surrounds
// the median, not always the mean: a narrow one of a skewed posterior
// misses it), no arc has more successes than trials, and each held-out AUC
// is a proportion.
#include <cmath>
#include <cstdlib>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/graph.pb.h"

namespace {

bool Probability(double p) { return std::isfinite(p) && p >= 0 && p <= 1; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const mitra_workspace* ws = mitra::fuzz::CollaborationWorkspace();
  mitra::v1::LearnInfluenceReport report;
  if (!mitra::fuzz::Call(mitra_workspace_learn_influence, ws, data, size, report)) return 0;
  constexpr double kSlack = 1e-9;
  for (const auto& arc : report.arcs()) {
    if (!Probability(arc.posterior_mean()) || !Probability(arc.low()) || !Probability(arc.high()) ||
        arc.low() > arc.high() + kSlack ||
        !(arc.successes() >= 0) || arc.successes() > arc.trials() + kSlack ||
        !(arc.alpha() > 0) || !(arc.beta() > 0))
      std::abort();
  }
  for (const auto& score : report.holdout().scores())
    if (!std::isnan(score.auc()) && !Probability(score.auc())) std::abort();
  return 0;
}
