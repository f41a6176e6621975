// The planted weak attribute of the bundled sample (scripts/generate_sample_data.py,
// data/sample/planted.json "weak_attribute"): in program ADV-2025 (1..5)
// `charging` has true mean 2.2 and the other attributes 3.3..4.1. With the
// default options (paired test against the other attributes, margin 10% of
// the scale, Benjamini-Hochberg at q = 0.05) charging must be the one
// attribute flagged in ADV-2025.
//
// The generator's true means (TRUE_MEANS in scripts/generate_sample_data.py)
// also decide SEAT-2024 (1..10): an attribute's true shortfall against the
// mean of the others, as a share of the scale range, is
//   ADV-2025  charging 2.2 vs 3.75: 0.39   price 3.3 vs 3.475: 0.04   others gain
//   SEAT-2024 price 5.6 vs 7.4: 0.20       design 7.0 vs 6.93: none   others gain
// so exactly charging and SEAT-2024's price lie beyond the 0.1 margin, and
// those two must be flagged, nothing else.
#include <map>
#include <string>
#include <utility>

#include "common/sample_data.h"
#include "gtest/gtest.h"
#include "mitra/cocreation/feedback.h"
#include "mitra/core/workspace.h"

namespace mitra::cocreation {
namespace {

const Workspace& Sample() {
  static const Workspace* ws = [] {
    auto* w = new Workspace();
    const absl::Status s =
        mitra::testing::IngestSample(*w, {"customers", "products", "programs", "feedback"});
    if (!s.ok()) ADD_FAILURE() << s;
    return w;
  }();
  return *ws;
}

TEST(PlantedWeakAttribute, ChargingIsFlaggedInAdv2025AndOnlyTrueShortfallsElsewhere) {
  const Tables& t = Sample().tables();
  absl::StatusOr<FeedbackSummary> s = AggregateFeedback(t, FeedbackOptions{});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->groups.size(), 2u);  // one product per program in the sample
  bool seen_adv = false;
  for (const GroupFeedback& g : s->groups) {
    const std::string program(t.programs.ids.Id(g.program));
    for (const AttributeFeedback& a : g.attributes) {
      const bool weak = (program == "ADV-2025" && a.attribute == "charging") ||
                        (program == "SEAT-2024" && a.attribute == "price");
      EXPECT_TRUE(a.tested) << program << " " << a.attribute;
      EXPECT_EQ(a.significantly_worse, weak)
          << program << " " << a.attribute << " mean " << a.mean << " p " << a.p_value << " q "
          << a.q_value;
      if (weak && program == "ADV-2025") {
        seen_adv = true;
        // Near the planted 2.2 (sampling noise and clipping to 1..5 allowed).
        EXPECT_NEAR(a.mean, 2.2, 0.25);
        EXPECT_LT(a.q_value, 1e-6);
        EXPECT_LT(a.wilson.high, 0.2);  // few 4s and 5s
      }
    }
  }
  EXPECT_TRUE(seen_adv);
}

}  // namespace
}  // namespace mitra::cocreation
