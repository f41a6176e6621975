// Panel selection: quotas met when feasible and named when not, the
// fatigue window, the response propensity worked by hand, the weighted
// sampling's inclusion frequency, and reproducibility by seed.
#include "mitra/cocreation/panel.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/core/workspace.h"
#include "mitra/v1/batch.pb.h"

namespace mitra::cocreation {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kDay = 86400;
constexpr int64_t kAsOf = 1751328000;  // 2025-07-01

// c0..c9: segment a (c0..c4) or b (c5..c9); city X for even, Y for odd.
// Community K: c0, c1, c5 current members, c2 left. One program P that ran
// a year before as_of; c0 and c1 answered it.
void Load(Workspace& ws) {
  v1::Batch b;
  for (int i = 0; i < 10; ++i) {
    auto* c = b.add_customers();
    c->set_id("c" + std::to_string(i));
    (*c->mutable_attributes())["segment"] = i < 5 ? "a" : "b";
    (*c->mutable_attributes())["city"] = i % 2 == 0 ? "X" : "Y";
  }
  b.add_communities()->set_id("K");
  for (int i : {0, 1, 2, 5}) {
    auto* m = b.add_memberships();
    m->set_customer_id("c" + std::to_string(i));
    m->set_community_id("K");
    m->set_joined_unix_seconds(kAsOf - 300 * kDay);
    if (i == 2) m->set_left_unix_seconds(kAsOf - 10 * kDay);
  }
  auto* p = b.add_programs();
  p->set_id("P");
  p->set_start_unix_seconds(kAsOf - 400 * kDay);
  p->set_end_unix_seconds(kAsOf - 300 * kDay);
  for (int i : {0, 1}) {
    auto* f = b.add_feedback();
    f->set_program_id("P");
    f->set_customer_id("c" + std::to_string(i));
    f->set_time_unix_seconds(kAsOf - 350 * kDay);
  }
  // Everyone bought 180 days before as_of (recency 1/2 at the default half-life).
  for (int i = 0; i < 10; ++i) {
    auto* x = b.add_transactions();
    x->set_customer_id("c" + std::to_string(i));
    x->set_time_unix_seconds(kAsOf - 180 * kDay);
    x->set_amount(10);
  }
  ASSERT_TRUE(ws.Ingest(b).ok());
}

Quota Attr(const std::string& key, const std::string& value, uint32_t min, uint32_t max = UINT32_MAX) {
  return Quota{QuotaDimension::kAttribute, key, value, min, max};
}

std::vector<std::string> Ids(const Workspace& ws, const Panel& p) {
  std::vector<std::string> out;
  for (const PanelMember& m : p.members) out.emplace_back(ws.tables().customers.ids.Id(m.customer));
  return out;
}

TEST(SelectPanel, PropensityAndRecencyByHand) {
  Workspace ws;
  Load(ws);
  PanelOptions o;
  o.size = 10;
  o.as_of = kAsOf;
  absl::StatusOr<Panel> p = SelectPanel(ws.tables(), o);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->members.size(), 10u);
  EXPECT_EQ(p->candidates, 10u);
  EXPECT_EQ(p->eligible, 10u);
  for (const PanelMember& m : p->members) {
    const std::string id(ws.tables().customers.ids.Id(m.customer));
    // One opportunity (program P); c0, c1 answered: (1 + 1) / (1 + 2) = 2/3,
    // the others (0 + 1) / (1 + 2) = 1/3 (Beta(1, 1) prior).
    const bool answered = id == "c0" || id == "c1";
    EXPECT_EQ(m.opportunities, 1u);
    EXPECT_EQ(m.responses, answered ? 1u : 0u);
    EXPECT_NEAR(m.response_rate, answered ? 2.0 / 3 : 1.0 / 3, 1e-15) << id;
    // Last activity: the purchase 180 days ago (the answers are older):
    // recency 2^(-180/180) = 1/2, factor 0.5 + 0.5 * 0.5 = 0.75.
    EXPECT_NEAR(m.recency, 0.5, 1e-15);
    EXPECT_NEAR(m.weight, m.response_rate * 0.75, 1e-15);
    EXPECT_FALSE(m.for_quota);
  }
}

TEST(SelectPanel, SameSeedSamePanelOtherSeedsDiffer) {
  Workspace ws;
  Load(ws);
  PanelOptions o;
  o.size = 4;
  o.as_of = kAsOf;
  o.quotas = {Attr("segment", "b", 2)};
  o.seed = 42;
  const std::vector<std::string> first = Ids(ws, *SelectPanel(ws.tables(), o));
  EXPECT_EQ(Ids(ws, *SelectPanel(ws.tables(), o)), first);
  std::set<std::vector<std::string>> panels;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    o.seed = seed;
    panels.insert(Ids(ws, *SelectPanel(ws.tables(), o)));
  }
  EXPECT_GT(panels.size(), 5u);
  // A customer's key depends on the seed and the customer only: restricting
  // the candidates to the chosen four gives the same four.
  o.seed = 42;
  o.candidates.clear();
  for (const std::string& id : first) o.candidates.push_back(*ws.tables().customers.ids.Find(id));
  EXPECT_EQ(Ids(ws, *SelectPanel(ws.tables(), o)), first);
}

TEST(SelectPanel, MeetsEveryFeasibleQuota) {
  Workspace ws;
  Load(ws);
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    PanelOptions o;
    o.size = 5;
    o.as_of = kAsOf;
    o.seed = seed;
    // 3 of segment b, 2 of city X, 2 current members of K, at most 1 of segment a in city Y.
    o.quotas = {Attr("segment", "b", 3), Attr("city", "X", 2),
                Quota{QuotaDimension::kCommunity, "", "K", 2, UINT32_MAX},
                Attr("segment", "a", 0, 2)};
    absl::StatusOr<Panel> p = SelectPanel(ws.tables(), o);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_TRUE(p->all_quotas_met) << seed;
    ASSERT_EQ(p->members.size(), 5u);
    int b = 0, x = 0, k = 0, a = 0;
    for (const std::string& id : Ids(ws, *p)) {
      const int i = std::stoi(id.substr(1));
      b += i >= 5;
      a += i < 5;
      x += i % 2 == 0;
      k += i == 0 || i == 1 || i == 5;  // c2 left K: not a current member
    }
    EXPECT_GE(b, 3) << seed;
    EXPECT_GE(x, 2) << seed;
    EXPECT_GE(k, 2) << seed;
    EXPECT_LE(a, 2) << seed;
    EXPECT_EQ(p->quotas[0].selected, static_cast<uint32_t>(b));
    EXPECT_EQ(p->quotas[2].eligible, 3u);  // c0, c1, c5
    EXPECT_EQ(p->quotas[3].eligible, 5u);
  }
}

TEST(SelectPanel, NamesTheQuotaThatCannotBeMet) {
  Workspace ws;
  Load(ws);
  PanelOptions o;
  o.size = 8;
  o.as_of = kAsOf;
  o.quotas = {Attr("segment", "a", 2), Attr("segment", "b", 6)};  // only 5 of b exist
  absl::StatusOr<Panel> p = SelectPanel(ws.tables(), o);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->all_quotas_met);
  EXPECT_TRUE(p->quotas[0].met);
  EXPECT_FALSE(p->quotas[1].met);
  EXPECT_EQ(p->quotas[1].eligible, 5u);
  EXPECT_EQ(p->quotas[1].selected, 5u);
  EXPECT_EQ(p->quotas[1].shortfall, 1u);
  EXPECT_EQ(p->quotas[1].problem, "only 5 eligible customers have segment=b");
  EXPECT_EQ(p->members.size(), 8u);  // the rest filled from segment a
  // strict: FAILED_PRECONDITION naming the quota and the shortfall.
  o.strict = true;
  p = SelectPanel(ws.tables(), o);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("quotas[1] (segment=b, min 6) cannot be met, short by 1: only 5 eligible"));
  // The same refusal in a request's terms, named where it is made.
  o.names = FieldPath("request");
  p = SelectPanel(ws.tables(), o);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(p.status().message(),
            "request.quotas[1] (segment=b, min 6) cannot be met, short by 1: only 5 eligible "
            "customers have segment=b");
  o.names = FieldPath();
  // Exclusive values asking for more than the panel: both quotas say so.
  o.strict = false;
  o.size = 4;
  o.quotas = {Attr("segment", "a", 3), Attr("segment", "b", 3)};
  p = SelectPanel(ws.tables(), o);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->all_quotas_met);
  int unmet = 0;  // 3 + 1 or 2 + 2, as the keys fall
  for (const QuotaResult& r : p->quotas) {
    if (r.met) continue;
    ++unmet;
    EXPECT_EQ(r.problem, "the quotas on segment ask for 6 members in all, more than the panel size 4");
  }
  EXPECT_GE(unmet, 1);
  // min above the panel size.
  o.quotas = {Attr("city", "X", 5)};
  p = SelectPanel(ws.tables(), o);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->quotas[0].problem, "min 5 exceeds the panel size 4");
}

// Overlapping quotas (set cover): flags f1..f6 as attributes; x has f1-f3,
// y has f4-f6, z has f2-f5, u and v have none, and z has the best key
// (most recent purchase, equal response rates). Panel of 2 needing every
// flag: the greedy takes z (4 unmet flags) and then covers only f1 or f6;
// the exact search finds {x, y}.
void LoadFlags(Workspace& ws, bool with_x_and_y) {
  v1::Batch b;
  const std::vector<std::pair<std::string, std::string>> who = {
      {"x", "123"}, {"y", "456"}, {"z", "2345"}, {"u", ""}, {"v", ""}, {"a", "1"}, {"w", "6"}};
  for (const auto& [id, flags] : who) {
    if (!with_x_and_y && (id == "x" || id == "y")) continue;
    auto* c = b.add_customers();
    c->set_id(id);
    for (char f : flags) (*c->mutable_attributes())[std::string("f") + f] = "y";
    auto* t = b.add_transactions();
    t->set_customer_id(id);
    t->set_time_unix_seconds(kAsOf - (id == "z" ? 1 : 300) * kDay);
    t->set_amount(10);
  }
  ASSERT_TRUE(ws.Ingest(b).ok());
}

// A panel of 2 needing every flag f1..f6.
PanelOptions FlagOptions() {
  PanelOptions o;
  o.size = 2;
  o.as_of = kAsOf;
  for (char f = '1'; f <= '6'; ++f) o.quotas.push_back(Attr(std::string("f") + f, "y", 1));
  return o;
}

TEST(SelectPanel, OverlappingQuotasTheGreedyMissesAreMetBySearch) {
  for (bool with_x_and_y : {true, false}) {
    Workspace ws;
    LoadFlags(ws, with_x_and_y);
    PanelOptions o = FlagOptions();
    absl::StatusOr<Panel> p = SelectPanel(ws.tables(), o);
    ASSERT_TRUE(p.ok()) << p.status();
    if (with_x_and_y) {
      EXPECT_TRUE(p->all_quotas_met);
      std::vector<std::string> ids = Ids(ws, *p);
      std::sort(ids.begin(), ids.end());
      EXPECT_EQ(ids, (std::vector<std::string>{"x", "y"}));
      for (const QuotaResult& r : p->quotas) EXPECT_EQ(r.selected, 1u);
      continue;
    }
    // Without x and y every flag alone is possible (a has f1, w has f6, z
    // the middle four) but no two customers cover all six: the search proves
    // it, and the panel keeps the greedy's choice (z, then a or w).
    EXPECT_FALSE(p->all_quotas_met);
    int unmet = 0;
    for (const QuotaResult& r : p->quotas) {
      if (r.met) continue;
      ++unmet;
      EXPECT_EQ(r.shortfall, 1u);
      EXPECT_EQ(r.problem,
                "cannot be met together with the other quotas within the panel size and maximums "
                "(exhaustive search)");
    }
    EXPECT_EQ(unmet, 1);
    EXPECT_EQ(Ids(ws, *p)[0], "z");
  }
}

// The exact search reserves its tables from the memory budget before it
// builds them: here 5 groups (x, y, z, a, w touch a minimum) and 6 quotas,
// (5 + 1) x (16 + 8 x 6 + 48) = 672 bytes. With that limit it runs; with one
// byte less it is refused naming the quotas.
TEST(SelectPanel, ExactSearchIsBudgeted) {
  Workspace ws;
  LoadFlags(ws, true);
  PanelOptions o = FlagOptions();
  MemoryBudget exact;
  exact.set_limit(672);
  o.memory = &exact;
  absl::StatusOr<Panel> p = SelectPanel(ws.tables(), o);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->all_quotas_met);
  EXPECT_EQ(exact.peak(), 672u);
  MemoryBudget short_by_one;
  short_by_one.set_limit(671);
  o.memory = &short_by_one;
  p = SelectPanel(ws.tables(), o);
  ASSERT_EQ(p.status().code(), absl::StatusCode::kResourceExhausted) << p.status();
  EXPECT_THAT(p.status().message(), HasSubstr("quotas: the exact quota search over 5 groups"));
  EXPECT_THAT(p.status().message(), HasSubstr("needs an estimated 672 bytes"));
  // The reservation names its parameter in the caller's terms.
  o.names = FieldPath("request");
  p = SelectPanel(ws.tables(), o);
  ASSERT_TRUE(IsMemoryBudgetError(p.status())) << p.status();
  EXPECT_THAT(std::string(p.status().message()),
              testing::StartsWith("request.quotas: the exact quota search over 5 groups"));
}

TEST(SelectPanel, FatigueWindowSkipsRecentRespondents) {
  Workspace ws;
  Load(ws);
  // c0 and c1 answered 350 days before as_of: within a 400-day window, not a 90-day one.
  PanelOptions o;
  o.size = 10;
  o.as_of = kAsOf;
  o.fatigue_days = 400;
  absl::StatusOr<Panel> p = SelectPanel(ws.tables(), o);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->fatigued, 2u);
  EXPECT_EQ(p->eligible, 8u);
  EXPECT_EQ(p->members.size(), 8u);
  EXPECT_THAT(p->problem, HasSubstr("the panel has 8 of 10 members: 8 customers are eligible"));
  for (const std::string& id : Ids(ws, *p)) EXPECT_TRUE(id != "c0" && id != "c1") << id;
  o.fatigue_days = 90;
  EXPECT_EQ(SelectPanel(ws.tables(), o)->fatigued, 0u);
  // An invitation 10 days ago counts as being surveyed.
  o.invitations = {{7, kAsOf - 10 * kDay}};
  p = SelectPanel(ws.tables(), o);
  EXPECT_EQ(p->fatigued, 1u);
  // With invitations given they are the denominator: c7 has 1 invitation, 0 answers.
  o.fatigue_days = 0;
  p = SelectPanel(ws.tables(), o);
  for (const PanelMember& m : p->members) {
    if (m.customer == 7) {
      EXPECT_EQ(m.opportunities, 1u);
    } else if (m.customer == 0) {
      EXPECT_EQ(m.opportunities, 1u);  // max(0 invitations, 1 answer)
    } else if (m.customer == 3) {
      EXPECT_EQ(m.opportunities, 0u);
      EXPECT_DOUBLE_EQ(m.response_rate, 0.5);  // (0 + 1) / (0 + 2)
    }
  }
}

TEST(SelectPanel, FavoursLikelyRespondersInProportionToWeight) {
  // Efraimidis-Spirakis: the first of two is chosen with probability
  // w1 / (w1 + w2). c0 (weight 2/3 * .75) against c2 (1/3 * .75): 2/3.
  // Over 4000 seeds the share lies within 4 binomial standard deviations
  // (sqrt(2/3 * 1/3 / 4000) = 0.00745).
  Workspace ws;
  Load(ws);
  PanelOptions o;
  o.size = 1;
  o.as_of = kAsOf;
  o.candidates = {0, 2};
  int c0 = 0;
  const int runs = 4000;
  for (int s = 0; s < runs; ++s) {
    o.seed = 1000 + s;
    c0 += SelectPanel(ws.tables(), o)->members[0].customer == 0;
  }
  EXPECT_NEAR(static_cast<double>(c0) / runs, 2.0 / 3, 4 * 0.00745);
}

TEST(SelectPanel, StageLabelsAsAQuotaDimension) {
  Workspace ws;
  Load(ws);
  PanelOptions o;
  o.size = 3;
  o.as_of = kAsOf;
  o.stage.assign(10, "customer");
  o.stage[3] = o.stage[8] = "advocate";
  o.quotas = {Quota{QuotaDimension::kStage, "", "advocate", 2, UINT32_MAX}};
  absl::StatusOr<Panel> p = SelectPanel(ws.tables(), o);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->all_quotas_met);
  EXPECT_TRUE(p->members[0].for_quota);
  EXPECT_TRUE(p->members[1].for_quota);
  EXPECT_FALSE(p->members[2].for_quota);
  std::set<Index> first_two = {p->members[0].customer, p->members[1].customer};
  EXPECT_EQ(first_two, (std::set<Index>{3, 8}));
}

TEST(SelectPanel, RejectsBadOptions) {
  Workspace ws;
  Load(ws);
  auto expect = [&](PanelOptions o, absl::StatusCode code, const char* text) {
    absl::StatusOr<Panel> p = SelectPanel(ws.tables(), o);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), code);
    EXPECT_THAT(std::string(p.status().message()), HasSubstr(text));
  };
  PanelOptions o;
  expect(o, absl::StatusCode::kInvalidArgument, "size: must be at least 1");
  o.size = 2;
  o.quotas = {Attr("segment", "a", 3, 2)};
  expect(o, absl::StatusCode::kInvalidArgument, "quotas[0].max: must be >= min (3), got 2");
  o.quotas = {Quota{QuotaDimension::kCommunity, "", "NOPE", 1, UINT32_MAX}};
  expect(o, absl::StatusCode::kNotFound, "quotas[0].value: unknown community id \"NOPE\"");
  o.quotas = {Attr("segment", "a", 1), Attr("segment", "a", 2)};
  expect(o, absl::StatusCode::kInvalidArgument, "quotas[1]: repeats quotas[0] (segment=a)");
  o.quotas.clear();
  o.fatigue_days = -1;
  expect(o, absl::StatusCode::kInvalidArgument, "fatigue_days");
  o.fatigue_days = 0;
  o.recency_floor = 2;
  expect(o, absl::StatusCode::kInvalidArgument, "recency_floor");
  o.recency_floor = 0;
  o.candidates = {99};
  expect(o, absl::StatusCode::kInvalidArgument, "candidates[0]: customer index 99 out of range");
  // One validation, named as the caller says: bare for C++, the request's
  // path through the message layer.
  o = PanelOptions();
  o.size = 2;
  o.prior_responses = -1;
  EXPECT_EQ(SelectPanel(ws.tables(), o).status().message(),
            "prior_responses: must be finite and > 0, got -1");
  o.names = FieldPath("request");
  EXPECT_EQ(SelectPanel(ws.tables(), o).status().message(),
            "request.prior_responses: must be finite and > 0, got -1");
  o.prior_responses = 1;
  o.quotas = {Quota{QuotaDimension::kCommunity, "", "NOPE", 1, UINT32_MAX}};
  expect(o, absl::StatusCode::kNotFound, "request.quotas[0].value: unknown community id \"NOPE\"");
}

}  // namespace
}  // namespace mitra::cocreation
