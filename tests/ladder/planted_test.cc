// The relationship ladder on the bundled sample (scripts/generate_sample_data.py,
// ground truth in data/sample/planted.json): with the default rules the
// planted collaborators reach the top stage, and the few others there are
// planted informal leaders who also answered both co-creation programs.
// The stage counts are those of tests/ladder/sample_reference.py, an
// independent reading of the CSV files in plain Python.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/sample_data.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/core/workspace.h"
#include "mitra/ladder/contribution.h"
#include "mitra/ladder/stage_history.h"
#include "mitra/ladder/stage_rules.h"

namespace mitra::ladder {
namespace {

using ::testing::ElementsAre;

const std::string kSampleDir = mitra::testing::SampleDir();

// The quoted strings of planted.json's array `key` (a flat array of ids),
// or of every array inside the object `key` (the leaders per community).
std::vector<std::string> PlantedIds(const std::string& key) {
  std::ifstream in(kSampleDir + "/planted.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  size_t at = text.find("\"" + key + "\":");
  EXPECT_NE(at, std::string::npos) << key;
  if (at == std::string::npos) return {};
  at = text.find_first_of("[{", at);
  int depth = 0;
  size_t end = at;
  for (; end < text.size(); ++end) {
    if (text[end] == '[' || text[end] == '{') ++depth;
    if ((text[end] == ']' || text[end] == '}') && --depth == 0) break;
  }
  std::vector<std::string> out;
  for (size_t i = at; (i = text.find('"', i)) < end;) {
    const size_t j = text.find('"', i + 1);
    const std::string s = text.substr(i + 1, j - i - 1);
    if (s.size() == 5 && s[0] == 'C') out.push_back(s);  // customer ids, not keys
    i = j + 1;
  }
  return out;
}

class PlantedLadderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ws_ = &mitra::testing::SampleWorkspace(); }
  static Index Customer(const std::string& id) {
    auto i = ws_->tables().customers.ids.Find(id);
    EXPECT_TRUE(i.has_value()) << id;
    return i.value_or(0);
  }
  static IndicatorInputs Inputs() {
    IndicatorInputs in;
    in.as_of = DefaultLadderAsOf(ws_->tables());
    return in;
  }
  static const Workspace* ws_;
};

const Workspace* PlantedLadderTest::ws_ = nullptr;

TEST_F(PlantedLadderTest, CollaboratorsReachTheTopStage) {
  const IndicatorInputs in = Inputs();
  EXPECT_EQ(in.as_of, 1767225600);  // 2026-01-01: the midnight after the last event
  const LadderRules rules = DefaultLadderRules();
  auto a = AssignStages(ws_->tables(), rules, in);
  ASSERT_TRUE(a.ok()) << a.status();
  const uint8_t top = static_cast<uint8_t>(rules.stages.size() - 1);
  const std::vector<std::string> collaborators = PlantedIds("collaborators");
  ASSERT_EQ(collaborators.size(), 10u);
  for (const std::string& id : collaborators) {
    const Index c = Customer(id);
    std::string evidence;
    for (size_t s = 1; s < rules.stages.size(); ++s)
      for (size_t j = 0; j < rules.stages[s].requirements.size(); ++j)
        absl::StrAppend(&evidence, " ", RequirementLabel(rules.stages[s].requirements[j]), ": ",
                        a->Value(s, j, c), ";");
    EXPECT_EQ(a->stage[c], top) << id << " is at stage " << int(a->stage[c]) << ";" << evidence;
  }
  // The others at the top: planted leaders (informal leaders answer the
  // Advisor panel too, and refer most); nobody unplanted.
  std::set<std::string> leaders;
  for (const std::string& id : PlantedIds("leaders")) leaders.insert(id);
  for (const std::string& id : PlantedIds("bridge_leaders")) leaders.insert(id);
  const std::set<std::string> planted(collaborators.begin(), collaborators.end());
  std::vector<std::string> others;
  for (size_t c = 0; c < a->stage.size(); ++c) {
    const std::string id(ws_->tables().customers.ids.Id(static_cast<Index>(c)));
    if (a->stage[c] == top && !planted.count(id)) others.push_back(id);
  }
  EXPECT_THAT(others, ElementsAre("C0010", "C0048", "C0088", "C0110"));
  for (const std::string& id : others) EXPECT_TRUE(leaders.count(id)) << id;
  // Customers per stage: prospect, customer, repeat customer, engaged member,
  // advocate, collaborator (sample_reference.py prints the same).
  EXPECT_THAT(a->counts, ElementsAre(0, 1510, 3044, 385, 47, 14));
}

TEST_F(PlantedLadderTest, MonthlyHistoryEndsAtTheCurrentFunnel) {
  const IndicatorInputs in = Inputs();
  HistoryOptions ho;
  ho.periods = 24;
  auto ends = PeriodEnds(in.as_of, ho);
  ASSERT_TRUE(ends.ok());
  EXPECT_EQ(ends->front(), 1706745600);  // 2024-02-01
  auto h = ComputeStageHistory(ws_->tables(), DefaultLadderRules(), in, *ends);
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_THAT(h->back().counts, ElementsAre(0, 1510, 3044, 385, 47, 14));
  // Every known customer is counted once: last period's counts are the
  // previous counts moved by the transitions, plus the entries.
  for (size_t k = 1; k < h->size(); ++k) {
    const StagePeriod& p = (*h)[k];
    const size_t S = p.counts.size();
    for (size_t b = 0; b < S; ++b) {
      uint32_t in_b = p.entered[b];
      for (size_t a = 0; a < S; ++a) in_b += p.transitions[a * S + b];
      EXPECT_EQ(in_b, p.counts[b]) << k << " " << b;
    }
    for (size_t a = 0; a < S; ++a) {
      uint32_t out_a = 0;
      for (size_t b = 0; b < S; ++b) out_a += p.transitions[a * S + b];
      EXPECT_EQ(out_a, (*h)[k - 1].counts[a]) << k << " " << a;
    }
  }
  // Nobody is a collaborator before the second program (ADV-2025) opened on
  // 2025-03-01: the stage needs two programs.
  for (const StagePeriod& p : *h) {
    if (p.end <= 1740787200) {
      EXPECT_EQ(p.counts.back(), 0u) << p.end;
    }
  }
}

TEST_F(PlantedLadderTest, ContributionsAddUpAndFavourThePlanted) {
  ContributionOptions o;
  o.as_of = Inputs().as_of;
  auto c = ComputeContributions(ws_->tables(), o);
  ASSERT_TRUE(c.ok()) << c.status();
  double referral = 0, influence = 0, cocreation = 0, total = 0;
  for (size_t i = 0; i < c->total.size(); ++i) {
    EXPECT_DOUBLE_EQ(c->total[i], c->referral[i] + c->influence[i] + c->cocreation[i]);
    referral += c->referral[i];
    influence += c->influence[i];
    cocreation += c->cocreation[i];
    total += c->total[i];
  }
  EXPECT_NEAR(total, referral + influence + cocreation, 1e-6 * total);
  EXPECT_EQ(cocreation, 0);  // no adopted changes given
  // The ten largest contributions belong to planted customers: informal
  // leaders and bridges (who refer most and are attended to most) and
  // collaborators.
  std::set<std::string> planted;
  for (const char* key : {"leaders", "bridge_leaders", "collaborators"})
    for (const std::string& id : PlantedIds(key)) planted.insert(id);
  std::vector<size_t> order(c->total.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::partial_sort(order.begin(), order.begin() + 10, order.end(),
                    [&](size_t x, size_t y) { return c->total[x] > c->total[y]; });
  for (size_t k = 0; k < 10; ++k) {
    const std::string id(ws_->tables().customers.ids.Id(static_cast<Index>(order[k])));
    EXPECT_TRUE(planted.count(id)) << "#" << k + 1 << " " << id << " total " << c->total[order[k]];
  }
}

}  // namespace
}  // namespace mitra::ladder
