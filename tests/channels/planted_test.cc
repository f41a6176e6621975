// The planted channel conflict of the bundled sample data
// (scripts/generate_sample_data.py, ground truth in data/sample/planted.json):
// retailers R-BDG-1 and R-BDG-2 share the territory Bandung/Dago and 270
// customers (customers of that district buy from either at random) and run
// the thinnest retail margins. The conflict signals must single them out.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/sample_data.h"
#include "gtest/gtest.h"
#include "mitra/channels/chain.h"
#include "mitra/channels/conflict.h"
#include "mitra/channels/economics.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/workspace.h"

namespace mitra::channels {
namespace {

const std::string kSampleDir = mitra::testing::SampleDir();

// The "conflict_retailers" object of planted.json: ids, territory,
// shared_customers.
struct Planted {
  std::vector<std::string> ids;
  std::string territory;
  uint64_t shared = 0;
};

Planted ReadPlanted() {
  Planted p;
  auto text = ReadFile(kSampleDir + "/planted.json");
  EXPECT_TRUE(text.ok()) << text.status();
  if (!text.ok()) return p;
  const std::string_view all = *text;
  const size_t at = all.find("\"conflict_retailers\"");
  if (at == std::string_view::npos) return p;
  const std::string_view obj = all.substr(at, all.find('}', at) - at);
  auto quoted_after = [&](std::string_view from) {
    const size_t i = from.find('"'), j = from.find('"', i + 1);
    return std::string(from.substr(i + 1, j - i - 1));
  };
  const size_t ids = obj.find('['), ids_end = obj.find(']');
  for (std::string_view rest = obj.substr(ids, ids_end - ids);
       rest.find('"') != std::string_view::npos;) {
    p.ids.push_back(quoted_after(rest));
    rest = rest.substr(rest.find('"', rest.find('"') + 1) + 1);
  }
  const size_t terr = obj.find("\"territory\":");
  p.territory = quoted_after(obj.substr(terr + 12));
  const size_t shared = obj.find("\"shared_customers\":");
  std::string_view num = obj.substr(shared + 19);
  num = num.substr(num.find_first_not_of(' '));
  num = num.substr(0, num.find_first_not_of("0123456789"));
  EXPECT_FALSE(num.empty());
  if (!num.empty()) p.shared = std::stoull(std::string(num));
  return p;
}

class PlantedConflictTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ws_ = &mitra::testing::SampleWorkspace();
    planted_ = new Planted(ReadPlanted());
    auto chain = Chain::Build(ws_->tables().channels);
    ASSERT_TRUE(chain.ok()) << chain.status();
    chain_ = new Chain(*std::move(chain));
    auto c = FindConflicts(ws_->tables(), *chain_, ConflictOptions{});
    ASSERT_TRUE(c.ok()) << c.status();
    conflicts_ = new Conflicts(*std::move(c));
  }
  static void TearDownTestSuite() {
    delete conflicts_;
    delete chain_;
    delete planted_;
  }
  static Index Member(const std::string& id) {
    auto i = ws_->tables().channels.ids.Find(id);
    EXPECT_TRUE(i.has_value()) << id;
    return i.value_or(kNoIndex);
  }
  static std::string_view Id(Index m) { return ws_->tables().channels.ids.Id(m); }

  static const Workspace* ws_;
  static Planted* planted_;
  static Chain* chain_;
  static Conflicts* conflicts_;
};

const Workspace* PlantedConflictTest::ws_ = nullptr;
Planted* PlantedConflictTest::planted_ = nullptr;
Chain* PlantedConflictTest::chain_ = nullptr;
Conflicts* PlantedConflictTest::conflicts_ = nullptr;

TEST_F(PlantedConflictTest, ReadsTheGroundTruth) {
  ASSERT_EQ(planted_->ids.size(), 2u);
  EXPECT_EQ(planted_->ids[0], "R-BDG-1");
  EXPECT_EQ(planted_->ids[1], "R-BDG-2");
  EXPECT_EQ(planted_->territory, "Bandung/Dago");
  EXPECT_EQ(planted_->shared, 270u);
}

// The only territory two non-vertical members share is theirs.
TEST_F(PlantedConflictTest, SharedTerritory) {
  ASSERT_EQ(conflicts_->territories.size(), 1u);
  const TerritoryOverlap& t = conflicts_->territories[0];
  EXPECT_EQ(t.territory, planted_->territory);
  ASSERT_EQ(t.members.size(), 2u);
  EXPECT_EQ(Id(t.members[0]), planted_->ids[0]);
  EXPECT_EQ(Id(t.members[1]), planted_->ids[1]);
}

// Over the whole data they share exactly the planted number of customers,
// and no other pair of members overlaps as much (Jaccard).
TEST_F(PlantedConflictTest, SharedCustomers) {
  const Index a = Member(planted_->ids[0]), b = Member(planted_->ids[1]);
  const SharedCustomers* pair = nullptr;
  const SharedCustomers* best = nullptr;
  for (const SharedCustomers& s : conflicts_->shared) {
    if (s.a == std::min(a, b) && s.b == std::max(a, b)) pair = &s;
    if (best == nullptr || s.jaccard > best->jaccard) best = &s;
  }
  ASSERT_NE(pair, nullptr);
  EXPECT_EQ(pair->shared, planted_->shared);
  EXPECT_EQ(pair->relation, Relation::kSiblings);
  EXPECT_TRUE(pair->same_territory);
  EXPECT_EQ(best, pair) << "best Jaccard: " << Id(best->a) << " + " << Id(best->b) << " "
                        << best->jaccard << " (planted pair " << pair->jaccard << ")";
  // Elsewhere customers stick to a home retailer: the next pair of
  // retailers overlaps far less.
  double next = 0;
  for (const SharedCustomers& s : conflicts_->shared) {
    if (&s == pair) continue;
    if (chain_->kind(s.a) == kRetailer && chain_->kind(s.b) == kRetailer)
      next = std::max(next, s.jaccard);
  }
  EXPECT_LT(next, pair->jaccard / 4) << "planted " << pair->jaccard;
}

// Their customers move between them from month to month: the two largest
// switching flows between two members are R-BDG-1 -> R-BDG-2 and back.
TEST_F(PlantedConflictTest, Switching) {
  const Index a = Member(planted_->ids[0]), b = Member(planted_->ids[1]);
  std::vector<Transition> switches;
  for (const Transition& t : conflicts_->transitions)
    if (t.from != t.to) switches.push_back(t);
  ASSERT_GE(switches.size(), 2u);
  std::sort(switches.begin(), switches.end(),
            [](const Transition& x, const Transition& y) { return x.customers > y.customers; });
  for (int k = 0; k < 2; ++k) {
    const Transition& t = switches[k];
    EXPECT_TRUE((t.from == a && t.to == b) || (t.from == b && t.to == a))
        << "#" << k + 1 << ": " << Id(t.from) << " -> " << Id(t.to) << " " << t.customers;
  }
  // Each lost more customers to switching than any other retailer.
  uint64_t other = 0;
  for (Index m = 0; m < chain_->size(); ++m)
    if (m != a && m != b && chain_->kind(m) == kRetailer)
      other = std::max(other, conflicts_->members[m].lost);
  EXPECT_GT(conflicts_->members[a].lost, other);
  EXPECT_GT(conflicts_->members[b].lost, other);
}

// And they run the thinnest retail margins: per unit of their sales they
// keep the least.
TEST_F(PlantedConflictTest, ThinnestMargins) {
  EconomicsOptions o;
  o.per_customer = false;
  auto e = ComputeEconomics(ws_->tables(), *chain_, o);
  ASSERT_TRUE(e.ok()) << e.status();
  std::vector<std::pair<double, std::string>> kept;  // margin money / revenue
  for (Index m = 0; m < chain_->size(); ++m) {
    if (chain_->kind(m) != kRetailer || e->members[m].revenue <= 0) continue;
    kept.emplace_back(e->members[m].margin_money / e->members[m].revenue, Id(m));
  }
  std::sort(kept.begin(), kept.end());
  ASSERT_GE(kept.size(), 3u);
  EXPECT_EQ(kept[0].second, planted_->ids[0]);
  EXPECT_DOUBLE_EQ(kept[0].first, 0.10);
  EXPECT_EQ(kept[1].second, planted_->ids[1]);
  EXPECT_DOUBLE_EQ(kept[1].first, 0.11);
  EXPECT_GT(kept[2].first, 0.11);
}

}  // namespace
}  // namespace mitra::channels
