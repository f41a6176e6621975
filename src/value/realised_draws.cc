#include "mitra/value/realised_draws.h"

#include <cmath>
#include <limits>

#include "common/random.h"
#include "mitra/value/clv.h"
#include "mitra/value/messages.h"

namespace mitra::value {
namespace {

// Purchases until (and including) the one after which she drops out, p in
// (0, 1]: Geometric on 1, 2, ... by inversion.
double GeometricDraw(Rng& rng, double p) {
  if (p >= 1) return 1;
  const double u = 1.0 - rng.Uniform();  // (0, 1]
  const double g = std::ceil(std::log(u) / std::log1p(-p));
  return std::max(1.0, g);
}

}  // namespace

absl::Status SimulateFutures(v1::ValueModel model, absl::Span<const double> th,
                             const CustomerData& data, absl::Span<const double> monetary,
                             double horizon, Rng& rng, absl::Span<double> purchases,
                             absl::Span<double> revenue) {
  const size_t n = data.x.size();
  // P(alive) first, into the output it is then replaced in.
  if (absl::Status s = ProbabilityAlive(PurchaseModelAt(model, th), data, purchases); !s.ok())
    return s;
  const double r = th[0], alpha = th[1];
  const bool mbg = model == v1::VALUE_MODEL_MBG_NBD, pareto = model == v1::VALUE_MODEL_PARETO_NBD;
  for (size_t i = 0; i < n; ++i) {
    const double x = data.x[i], T = data.T[i];
    double count = 0;
    if (rng.Uniform() < purchases[i]) {
      const double lambda = GammaDraw(rng, r + x) / (alpha + T);
      if (pareto) {
        const double mu = GammaDraw(rng, th[2]) / (th[3] + T);
        const double life = -std::log(1.0 - rng.Uniform()) / mu;
        count = PoissonDraw(rng, lambda * std::min(life, horizon));
      } else {
        const double p = BetaDraw(rng, th[2], th[3] + x + (mbg ? 1 : 0));
        const double k = PoissonDraw(rng, lambda * horizon);
        // Only needed when she buys at all: keeps the stream short.
        count = k > 0 && p > 0 ? std::min(k, GeometricDraw(rng, p)) : k;
      }
    }
    purchases[i] = count;
    if (!revenue.empty()) {
      double value = 0;
      if (count > 0) {
        const double p = th[4], q = th[5], gamma = th[6];
        const double nu = GammaDraw(rng, q + p * x) / (gamma + x * monetary[i]);
        value = GammaDraw(rng, count * p) / nu;
      }
      revenue[i] = value;
    }
  }
  return absl::OkStatus();
}

}  // namespace mitra::value
