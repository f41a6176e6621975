// A few huge purchase counts: the likelihoods sum their x-only terms over the
// distinct counts (LogRising; Gamma-Gamma's own terms) rather than over every
// count up to the largest. Reference: the same customers plus thousands of
// weight-0 rows that fill the range, which sends the evaluation down the
// running-sum path (the one the published-value tests check) and adds
// nothing to the sum. Values and gradients must agree.
#include <cmath>
#include <vector>

#include "gtest/gtest.h"
#include "mitra/value/bgnbd.h"
#include "mitra/value/customer_data.h"
#include "mitra/value/gamma_gamma.h"
#include "mitra/value/mbgnbd.h"
#include "mitra/value/pareto_nbd.h"

namespace mitra::value {
namespace {

struct Columns {
  std::vector<double> x, t_x, T, weight;
  CustomerData view() const { return CustomerData{x, t_x, T, weight}; }
  void Add(double xi, double txi, double Ti, double w) {
    x.push_back(xi), t_x.push_back(txi), T.push_back(Ti), weight.push_back(w);
  }
};

// Customers with counts 0..3 and two far beyond, weighted.
Columns Sparse() {
  Columns c;
  c.Add(0, 0, 38, 2);
  c.Add(1, 10, 38, 1);
  c.Add(2, 30.5, 38, 3);
  c.Add(3, 12, 20, 1);
  c.Add(40000, 37, 38, 1);
  c.Add(150000, 38, 38, 0.5);
  return c;
}

// The same plus weight-0 rows at every tenth count: dense.
Columns Dense() {
  Columns c = Sparse();
  for (int x = 10; x < 150000; x += 10) c.Add(x, 20, 38, 0);
  return c;
}

TEST(SparseCounts, TheCountsAreWeighedSparselyOnlyWhereTheyAreFew) {
  const Columns s = Sparse(), d = Dense();
  EXPECT_TRUE(WeighCounts(s.view(), 150000).is_sparse());
  EXPECT_FALSE(WeighCounts(d.view(), 150000).is_sparse());
  const CountWeights w = WeighCounts(s.view(), 150000);
  ASSERT_EQ(w.sparse.size(), 6u);
  EXPECT_EQ(w.sparse[5].x, 150000);
  EXPECT_EQ(w.sparse[5].weight, 0.5);
  EXPECT_EQ(w.slot[4], 4u);
  EXPECT_EQ(w.total, 8.5);
}

template <typename Params, typename LogLikelihood>
void ExpectSameAsDense(const Params& p, LogLikelihood ll) {
  const Columns s = Sparse(), d = Dense();
  double gs[4], gd[4];
  absl::StatusOr<double> vs = ll(p, s.view(), gs), vd = ll(p, d.view(), gd);
  ASSERT_TRUE(vs.ok()) << vs.status();
  ASSERT_TRUE(vd.ok()) << vd.status();
  EXPECT_NEAR(*vs, *vd, 1e-9 * std::fabs(*vd));
  for (int j = 0; j < 4; ++j) EXPECT_NEAR(gs[j], gd[j], 1e-8 * std::fabs(gd[j]) + 1e-9) << j;
}

TEST(SparseCounts, BgNbdMatchesTheRunningSums) {
  for (BgNbdParams p : {BgNbdParams{0.24, 4.4, 0.79, 2.4}, BgNbdParams{3, 0.5, 20, 1e6}})
    ExpectSameAsDense(p, [](const BgNbdParams& q, const CustomerData& c, double* g) {
      return BgNbdLogLikelihood(q, c, g);
    });
}

TEST(SparseCounts, MbgNbdMatchesTheRunningSums) {
  for (MbgNbdParams p : {MbgNbdParams{0.52, 6.2, 0.89, 1.6}, MbgNbdParams{3, 0.5, 20, 1e6}})
    ExpectSameAsDense(p, [](const MbgNbdParams& q, const CustomerData& c, double* g) {
      return MbgNbdLogLikelihood(q, c, g);
    });
}

TEST(SparseCounts, ParetoNbdMatchesTheRunningSums) {
  for (ParetoNbdParams p : {ParetoNbdParams{0.55, 10.6, 0.61, 11.7}, ParetoNbdParams{3, 0.5, 2, 40}})
    ExpectSameAsDense(p, [](const ParetoNbdParams& q, const CustomerData& c, double* g) {
      return ParetoNbdLogLikelihood(q, c, g);
    });
}

TEST(SparseCounts, GammaGammaMatchesTheDenseTable) {
  // Spend per count: x and mean spend zbar, weighted; then the same with
  // weight-0 rows filling the range.
  std::vector<double> x = {1, 2, 7, 60000, 200000}, zbar = {35, 20.5, 12, 3.25, 7},
                      weight = {1, 2, 1, 1, 0.5};
  std::vector<double> dx = x, dz = zbar, dw = weight;
  for (int k = 3; k < 200000; k += 10) dx.push_back(k), dz.push_back(10), dw.push_back(0);
  const SpendData sparse{x, zbar, weight}, dense{dx, dz, dw};
  EXPECT_TRUE(WeighCounts(CustomerData{sparse.x, {}, {}, sparse.weight}, 200000).is_sparse());
  EXPECT_FALSE(WeighCounts(CustomerData{dense.x, {}, {}, dense.weight}, 200000).is_sparse());
  for (GammaGammaParams p : {GammaGammaParams{6.25, 3.74, 15.44}, GammaGammaParams{0.5, 20, 2}}) {
    double gs[3], gd[3];
    absl::StatusOr<double> vs = GammaGammaLogLikelihood(p, sparse, gs),
                           vd = GammaGammaLogLikelihood(p, dense, gd);
    ASSERT_TRUE(vs.ok()) << vs.status();
    ASSERT_TRUE(vd.ok()) << vd.status();
    EXPECT_NEAR(*vs, *vd, 1e-9 * std::fabs(*vd));
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(gs[j], gd[j], 1e-8 * std::fabs(gd[j]) + 1e-9) << j;
  }
}

}  // namespace
}  // namespace mitra::value
