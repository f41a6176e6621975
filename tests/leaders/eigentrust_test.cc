// EigenTrust against hand-solved linear systems and an independent dense
// implementation of the paper's iteration.
#include "mitra/leaders/eigentrust.h"

#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace mitra::leaders {
namespace {

// Kamvar et al.'s iteration, written directly on a dense matrix:
// t <- (1 - a) C^T t + a p, a row with no positive trust replaced by p.
std::vector<double> DenseEigenTrust(uint32_t n, const std::vector<uint32_t>& src,
                                    const std::vector<uint32_t>& dst,
                                    const std::vector<double>& s, double a,
                                    const std::vector<double>& p) {
  std::vector<std::vector<double>> S(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < src.size(); ++i) S[src[i]][dst[i]] += s[i];
  std::vector<std::vector<double>> C(n, std::vector<double>(n, 0.0));
  for (uint32_t i = 0; i < n; ++i) {
    double row = 0;
    for (uint32_t j = 0; j < n; ++j) {
      if (i != j) row += std::max(S[i][j], 0.0);
    }
    for (uint32_t j = 0; j < n; ++j) {
      C[i][j] = row > 0 ? (i != j ? std::max(S[i][j], 0.0) / row : 0.0) : p[j];
    }
  }
  std::vector<double> t = p;
  for (int it = 0; it < 5000; ++it) {
    std::vector<double> next(n, 0.0);
    for (uint32_t i = 0; i < n; ++i) {
      for (uint32_t j = 0; j < n; ++j) next[j] += (1 - a) * C[i][j] * t[i];
    }
    for (uint32_t j = 0; j < n; ++j) next[j] += a * p[j];
    t = next;
  }
  return t;
}

TEST(EigenTrustTest, HandSolvedPretrusted) {
  // 0 -> 1 (2), 0 -> 2 (+2 - 1 = 1), 1 -> 2 (1), 2 -> 0 (-1: clipped, so 2
  // trusts nobody and follows p). a = 1/2, p = e_0:
  //   t0 = t2/2 + 1/2, t1 = (2/3) t0 / 2, t2 = (t0/3 + t1) / 2
  // => t = (3/5, 1/5, 1/5).
  const std::vector<uint32_t> src = {0, 0, 0, 1, 2};
  const std::vector<uint32_t> dst = {1, 2, 2, 2, 0};
  const std::vector<double> s = {2, 2, -1, 1, -1};
  EigenTrustOptions o;
  o.a = 0.5;
  o.pretrusted = {0};
  auto r = EigenTrust(3, src, dst, s, o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->trust.size(), 3u);
  EXPECT_NEAR(r->trust[0], 0.6, 1e-9);
  EXPECT_NEAR(r->trust[1], 0.2, 1e-9);
  EXPECT_NEAR(r->trust[2], 0.2, 1e-9);
  EXPECT_TRUE(r->converged);
  EXPECT_GE(r->iterations, 1);
}

TEST(EigenTrustTest, HandSolvedUniform) {
  // 0 -> 1 only, a = 0.15, p = (1/2, 1/2); node 1 follows p:
  //   t0 = 0.85 t1 / 2 + 0.075, t0 + t1 = 1  =>  t1 = 0.925 / 1.425.
  const std::vector<uint32_t> src = {0}, dst = {1};
  const std::vector<double> s = {5};
  auto r = EigenTrust(2, src, dst, s, {});
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->trust[1], 0.925 / 1.425, 1e-9);
  EXPECT_NEAR(r->trust[0], 0.5 / 1.425, 1e-9);
}

TEST(EigenTrustTest, MatchesTheDenseIteration) {
  const uint32_t n = 6;
  const std::vector<uint32_t> src = {0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 5, 2, 1};
  const std::vector<uint32_t> dst = {1, 2, 2, 3, 0, 4, 0, 5, 1, 0, 3, 2, 1};
  const std::vector<double> s = {1, 3, 2, -1, 4, 1, 0.5, 2, -3, 1, 1, 7, 9};  // last two: self
  EigenTrustOptions o;
  o.a = 0.2;
  o.pretrusted = {1, 4, 4};  // a set: 4 counts once
  auto r = EigenTrust(n, src, dst, s, o);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<double> p(n, 0.0);
  p[1] = p[4] = 0.5;
  const std::vector<double> want = DenseEigenTrust(n, src, dst, s, 0.2, p);
  double sum = 0;
  for (uint32_t i = 0; i < n; ++i) {
    EXPECT_NEAR(r->trust[i], want[i], 1e-9) << i;
    sum += r->trust[i];
  }
  EXPECT_NEAR(sum, 1.0, 1e-12);
}

TEST(EigenTrustTest, AOneIsThePretrustedVector) {
  const std::vector<uint32_t> src = {0, 1}, dst = {1, 2};
  const std::vector<double> s = {1, 1};
  EigenTrustOptions o;
  o.a = 1;
  o.pretrusted = {2};
  auto r = EigenTrust(3, src, dst, s, o);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->trust[0], 0, 1e-12);
  EXPECT_NEAR(r->trust[2], 1, 1e-12);
  auto empty = EigenTrust(0, {}, {}, {}, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->trust.empty());
}

TEST(EigenTrustTest, BadInput) {
  const std::vector<uint32_t> src = {0}, dst = {1};
  const std::vector<double> s = {1};
  auto expect = [](const absl::StatusOr<EigenTrustResult>& r, const std::string& what) {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << what;
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status();
  };
  EigenTrustOptions o;
  o.a = 0;
  expect(EigenTrust(2, src, dst, s, o), "a: must be in (0, 1], got 0");
  o.a = 1.5;
  expect(EigenTrust(2, src, dst, s, o), "a: must be in (0, 1], got 1.5");
  o = {};
  expect(EigenTrust(1, src, dst, s, o), "edge 0");
  const std::vector<double> nan = {NAN};
  expect(EigenTrust(2, src, dst, nan, o), "local[0]");
  const std::vector<double> two = {1, 2};
  expect(EigenTrust(2, src, dst, two, o), "same length");
  o.pretrusted = {0, 7};
  expect(EigenTrust(2, src, dst, s, o), "pretrusted[1]: node 7 out of range (2 nodes)");
  o = {};
  o.max_iterations = 0;
  expect(EigenTrust(2, src, dst, s, o), "max_iterations: must be >= 1, got 0");
}

}  // namespace
}  // namespace mitra::leaders
