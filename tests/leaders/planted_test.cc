// The planted leaders of the bundled sample data (scripts/generate_sample_data.py,
// ground truth in data/sample/planted.json) must come out of FindLeaders with
// its default options: each community's informal leaders on top, the bridge
// leaders as the top bridges, and the decoys (loud but untrusted) not among
// the leaders.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/sample_data.h"
#include "gtest/gtest.h"
#include "mitra/core/csv_import.h"
#include "mitra/core/workspace.h"
#include "mitra/leaders/leader_score.h"

namespace mitra::leaders {
namespace {

const std::string kSampleDir = mitra::testing::SampleDir();

// --- A tiny reader for the parts of planted.json the test needs. ---

// The text between the bracket that follows "key": and its matching closer.
std::string_view Section(std::string_view text, std::string_view key) {
  const std::string quoted = absl::StrCat("\"", std::string(key), "\":");
  size_t at = text.find(quoted);
  if (at == std::string_view::npos) return {};
  at = text.find_first_of("[{", at + quoted.size());
  if (at == std::string_view::npos) return {};
  int depth = 0;
  for (size_t i = at; i < text.size(); ++i) {
    if (text[i] == '[' || text[i] == '{') ++depth;
    if (text[i] == ']' || text[i] == '}') {
      if (--depth == 0) return text.substr(at + 1, i - at - 1);
    }
  }
  return {};
}

// The quoted strings of a flat section, in order.
std::vector<std::string> Strings(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = text.find('"', i)) != std::string_view::npos) {
    const size_t j = text.find('"', i + 1);
    if (j == std::string_view::npos) break;
    out.emplace_back(text.substr(i + 1, j - i - 1));
    i = j + 1;
  }
  return out;
}

// The top-level {...} items of an array section.
std::vector<std::string_view> Objects(std::string_view text) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && depth++ == 0) start = i;
    if (text[i] == '}' && --depth == 0) out.push_back(text.substr(start, i - start + 1));
  }
  return out;
}

std::string StringField(std::string_view object, std::string_view key) {
  const std::string quoted = absl::StrCat("\"", std::string(key), "\":");
  size_t at = object.find(quoted);
  if (at == std::string_view::npos) return {};
  const size_t i = object.find('"', at + quoted.size());
  const size_t j = object.find('"', i + 1);
  return std::string(object.substr(i + 1, j - i - 1));
}

struct Planted {
  std::map<std::string, std::vector<std::string>> leaders;  // community -> customers
  std::vector<std::pair<std::string, std::vector<std::string>>> bridges;
  std::vector<std::pair<std::string, std::string>> decoys;  // (customer, community)
};

Planted ReadPlanted() {
  auto text = ReadFile(kSampleDir + "/planted.json");
  EXPECT_TRUE(text.ok()) << text.status();
  Planted p;
  if (!text.ok()) return p;
  const std::string_view leaders = Section(*text, "leaders");
  // "JKT": ["C0088", ...], ...: keys alternate with their arrays.
  size_t i = 0;
  while (true) {
    const size_t q = leaders.find('"', i);
    if (q == std::string_view::npos) break;
    const size_t e = leaders.find('"', q + 1);
    const std::string key(leaders.substr(q + 1, e - q - 1));
    const size_t open = leaders.find('[', e), close = leaders.find(']', open);
    p.leaders[key] = Strings(leaders.substr(open + 1, close - open - 1));
    i = close + 1;
  }
  for (std::string_view o : Objects(Section(*text, "bridge_leaders"))) {
    p.bridges.emplace_back(StringField(o, "customer_id"), Strings(Section(o, "communities")));
  }
  for (std::string_view o : Objects(Section(*text, "decoys"))) {
    p.decoys.emplace_back(StringField(o, "customer_id"), StringField(o, "community_id"));
  }
  return p;
}

class PlantedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ws_ = &mitra::testing::SampleWorkspace();
    planted_ = new Planted(ReadPlanted());
    LeaderOptions options;
    options.top = 0;  // every member, to report ranks
    options.top_bridges = 0;
    auto r = FindLeaders(ws_->tables(), options);
    ASSERT_TRUE(r.ok()) << r.status();
    result_ = new LeadersResult(*std::move(r));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete planted_;
  }

  static Index Customer(const std::string& id) {
    auto i = ws_->tables().customers.ids.Find(id);
    EXPECT_TRUE(i.has_value()) << id;
    return i.value_or(kNoIndex);
  }
  static Index Community(const std::string& id) {
    auto i = ws_->tables().communities.ids.Find(id);
    EXPECT_TRUE(i.has_value()) << id;
    return i.value_or(kNoIndex);
  }
  static const CommunityLeaders& Of(Index c) { return result_->communities[c]; }
  // 1-based rank of a customer in a community (0 = not ranked).
  static uint32_t RankIn(Index c, Index customer) {
    for (const LeaderEntry& e : Of(c).leaders) {
      if (e.customer == customer) return e.rank;
    }
    return 0;
  }
  static std::string Describe(Index c, size_t top) {
    std::string s;
    const auto& ids = ws_->tables().customers.ids;
    for (size_t i = 0; i < std::min(top, Of(c).leaders.size()); ++i) {
      const LeaderEntry& e = Of(c).leaders[i];
      absl::StrAppend(&s, "  #", e.rank, " ", std::string(ids.Id(e.customer)), " score ", e.score,
                      " [");
      for (int k = 0; k < kNumComponents; ++k) {
        absl::StrAppend(&s, k ? " " : "", ComponentName(static_cast<Component>(k)), "=",
                        e.raw[k], "/", e.scaled[k]);
      }
      absl::StrAppend(&s, "]\n");
    }
    return s;
  }

  static const Workspace* ws_;
  static Planted* planted_;
  static LeadersResult* result_;
};

const Workspace* PlantedTest::ws_ = nullptr;
Planted* PlantedTest::planted_ = nullptr;
LeadersResult* PlantedTest::result_ = nullptr;

TEST_F(PlantedTest, ReadsTheGroundTruth) {
  EXPECT_EQ(planted_->leaders.size(), 8u);
  size_t leaders = 0;
  for (const auto& [c, ids] : planted_->leaders) leaders += ids.size();
  EXPECT_EQ(leaders, 20u);
  EXPECT_EQ(planted_->bridges.size(), 4u);
  EXPECT_EQ(planted_->decoys.size(), 3u);
  ASSERT_EQ(result_->communities.size(), ws_->tables().communities.ids.size());
}

// Each community's planted leaders fill its top k, k = the number planted
// (the bridge leaders of the community, leaders too, come after them: see
// the next test).
TEST_F(PlantedTest, PlantedLeadersTopTheirCommunity) {
  for (const auto& [cid, ids] : planted_->leaders) {
    const Index c = Community(cid);
    const size_t k = ids.size();
    for (const std::string& id : ids) {
      const uint32_t rank = RankIn(c, Customer(id));
      EXPECT_GE(rank, 1u) << id << " is not ranked in " << cid;
      EXPECT_LE(rank, k) << id << " ranks " << rank << " in " << cid << " (k = " << k
                         << "); top:\n"
                         << Describe(c, k + 3);
    }
  }
}

// Each bridge leader ranks high in both its communities, though not within
// the planted k: embeddedness (the share of a member's tagged interaction
// weight inside the community) is about 1/2 for a member split evenly
// between two communities, the bottom of a community where almost everyone
// acts in one community only, by design ("speaks its language"). The bridge
// leaders are found by the bridge ranking instead (next test); here they
// must still be in the top 10 % of both communities' members.
TEST_F(PlantedTest, BridgeLeadersRankHighInBothCommunities) {
  for (const auto& [id, comms] : planted_->bridges) {
    for (const std::string& cid : comms) {
      const Index c = Community(cid);
      const uint32_t bound = (Of(c).members + 9) / 10;
      const uint32_t rank = RankIn(c, Customer(id));
      EXPECT_GE(rank, 1u) << id << " in " << cid;
      EXPECT_LE(rank, bound) << id << " ranks " << rank << " in " << cid << "; top:\n"
                             << Describe(c, 8);
    }
  }
}

// The planted bridge leaders are the top bridges, and each one's two
// heaviest communities are its planted ones.
TEST_F(PlantedTest, BridgeLeadersAreTheTopBridges) {
  const size_t k = planted_->bridges.size();
  ASSERT_GE(result_->bridges.size(), k);
  std::set<Index> top;
  std::string listing;
  for (size_t i = 0; i < result_->bridges.size() && i < k + 4; ++i) {
    const BridgeEntry& b = result_->bridges[i];
    if (i < k) top.insert(b.customer);
    absl::StrAppend(&listing, "  #", b.rank, " ",
                    std::string(ws_->tables().customers.ids.Id(b.customer)), " score ", b.score,
                    " P ", b.participation, " brokerage ", b.brokerage, "\n");
  }
  for (const auto& [id, comms] : planted_->bridges) {
    const Index u = Customer(id);
    EXPECT_TRUE(top.count(u)) << id << " is not among the top " << k << " bridges:\n" << listing;
    for (const BridgeEntry& b : result_->bridges) {
      if (b.customer != u) continue;
      ASSERT_GE(b.communities.size(), 2u);
      std::set<Index> two = {b.communities[0], b.communities[1]};
      std::set<Index> want = {Community(comms[0]), Community(comms[1])};
      EXPECT_EQ(two, want) << id;
      EXPECT_GT(b.participation, 0.3) << id;
      EXPECT_GT(b.brokerage, 0) << id;
    }
  }
}

// The decoys are loud (top volume) but untrusted: they must not be among the
// top leaders (the planted leaders + bridges of their community), and their
// activity is at the top while their trust is far below every leader's.
TEST_F(PlantedTest, DecoysAreNotLeaders) {
  for (const auto& [id, cid] : planted_->decoys) {
    const Index c = Community(cid);
    size_t k = planted_->leaders[cid].size();
    for (const auto& [b, cs] : planted_->bridges) k += std::count(cs.begin(), cs.end(), cid);
    const Index u = Customer(id);
    const uint32_t rank = RankIn(c, u);
    ASSERT_GE(rank, 1u) << id;
    EXPECT_GT(rank, k) << id << " (decoy) ranks " << rank << " in " << cid << "; top:\n"
                       << Describe(c, k + 3);
    const LeaderEntry& e = Of(c).leaders[rank - 1];
    EXPECT_GT(e.scaled[kActivity], 0.95) << id << ": the decoys are the loudest";
    EXPECT_LT(e.scaled[kTrust], e.scaled[kActivity] - 0.2) << id << ": trust separates them";
    for (const std::string& leader : planted_->leaders[cid]) {
      const LeaderEntry& l = Of(c).leaders[RankIn(c, Customer(leader)) - 1];
      EXPECT_LT(e.raw[kTrust], l.raw[kTrust] / 10) << id << " vs " << leader;
    }
  }
}

// Print the outcome for the report.
TEST_F(PlantedTest, Report) {
  const auto& ids = ws_->tables().communities.ids;
  for (Index c = 0; c < ids.size(); ++c) {
    std::cout << ids.Id(c) << " (" << Of(c).members << " members)\n" << Describe(c, 5);
  }
  for (size_t i = 0; i < 6 && i < result_->bridges.size(); ++i) {
    const BridgeEntry& b = result_->bridges[i];
    std::cout << "bridge #" << b.rank << " " << ws_->tables().customers.ids.Id(b.customer)
              << " score " << b.score << " P " << b.participation << " brokerage "
              << b.brokerage << "\n";
  }
  for (const auto& [id, cid] : planted_->decoys) {
    const Index c = Community(cid);
    const uint32_t rank = RankIn(c, Customer(id));
    const LeaderEntry& e = Of(c).leaders[rank - 1];
    std::cout << "decoy " << id << " in " << cid << " rank " << rank << " score " << e.score;
    for (int k = 0; k < kNumComponents; ++k) std::cout << " " << e.raw[k] << "/" << e.scaled[k];
    std::cout << "\n";
  }
}

}  // namespace
}  // namespace mitra::leaders
