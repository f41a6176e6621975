#include "mitra/core/field_path.h"

#include "gtest/gtest.h"

namespace mitra {
namespace {

TEST(FieldPath, WithoutPrefixAnOptionKeepsItsOwnName) {
  const FieldPath own;
  EXPECT_EQ(own("epsilon"), "epsilon");
  EXPECT_EQ(own.Sub("graph")("half_life_days"), "graph.half_life_days");
  EXPECT_EQ(own.prefix(), "");
}

TEST(FieldPath, APrefixPutsEveryOptionUnderTheRequestField) {
  const FieldPath plan("request.plan");
  EXPECT_EQ(plan("epsilon"), "request.plan.epsilon");
  EXPECT_EQ(FieldPath("request").Sub("leaders")("damping"), "request.leaders.damping");
}

TEST(FieldPath, ARenamedOptionIsCalledByItsFullPathAndOnlyThere) {
  FieldPath p("request.plan");
  p.Rename("must_include", "request.must_include_ids").Rename("costs", "request.costs");
  EXPECT_EQ(p("must_include"), "request.must_include_ids");
  EXPECT_EQ(p("costs"), "request.costs");
  EXPECT_EQ(p("k"), "request.plan.k");
  // A nested struct's fields are not the parent's renamed options.
  EXPECT_EQ(p.Sub("groups")("must_include"), "request.plan.groups.must_include");
}

}  // namespace
}  // namespace mitra
