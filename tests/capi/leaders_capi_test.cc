// The leaders C ABI (mitra.h, "Leaders") against the C++ drivers and
// functions on a small workspace: reports through the ABI equal the C++
// results, errors carry their codes and name the field, failures return no
// buffer.
#include <cmath>
#include <string>
#include <vector>

#include "common/capi_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mitra/core/workspace.h"
#include "mitra/leaders/community_health.h"
#include "mitra/leaders/leader_score.h"
#include "mitra/leaders/messages.h"
#include "mitra/mitra.h"
#include "mitra/v1/batch.pb.h"
#include "mitra/v1/leaders.pb.h"

namespace {

namespace v1 = mitra::v1;
using ::testing::HasSubstr;

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1710000000;

v1::Batch SmallBatch() {
  v1::Batch b;
  for (const char* id : {"a", "b", "c", "d", "x"}) b.add_customers()->set_id(id);
  b.add_communities()->set_id("k");
  b.add_communities()->set_id("m");
  for (const char* id : {"a", "b", "c", "d", "x"}) {
    auto* m = b.add_memberships();
    m->set_customer_id(id);
    m->set_community_id("k");
    m->set_joined_unix_seconds(kT0 - 200 * kDay);
  }
  auto* m = b.add_memberships();
  m->set_customer_id("d");
  m->set_community_id("m");
  m->set_joined_unix_seconds(kT0 - 100 * kDay);
  int64_t t = kT0 - 50 * kDay;
  auto add = [&](const char* from, const char* to, v1::InteractionKind kind, const char* community) {
    auto* i = b.add_interactions();
    i->set_from_customer_id(from);
    i->set_to_customer_id(to);
    i->set_kind(kind);
    i->set_time_unix_seconds(t += 3600);
    i->set_community_id(community);
  };
  for (const char* f : {"b", "c", "d", "x"}) {
    add(f, "a", v1::INTERACTION_KIND_ENDORSEMENT, "k");
    add(f, "a", v1::INTERACTION_KIND_REPLY, "k");
  }
  for (const char* f : {"a", "b", "c"}) add(f, "x", v1::INTERACTION_KIND_FLAG, "k");
  add("d", "a", v1::INTERACTION_KIND_MESSAGE, "m");
  add("a", "d", v1::INTERACTION_KIND_REPLY, "m");
  return b;
}

using LeadersCApi = mitra::testing::CApiTestOn<SmallBatch>;

TEST_F(LeadersCApi, LeadersEqualTheCppResult) {
  v1::LeadersRequest req;
  req.set_top(0);
  req.set_top_bridges(0);
  v1::LeadersReport got;
  ASSERT_EQ(Call(mitra_workspace_leaders, req, &got), MITRA_OK);
  // The driver through C++ gives the same message.
  v1::LeadersReport want;
  ASSERT_TRUE(mitra::leaders::FindLeadersMessage(cpp_, req, &want).ok());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  // ... and the same numbers as FindLeaders itself.
  mitra::leaders::LeaderOptions o;
  o.top = 0;
  o.top_bridges = 0;
  auto r = mitra::leaders::FindLeaders(cpp_.tables(), o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(got.communities_size(), static_cast<int>(r->communities.size()));
  for (int c = 0; c < got.communities_size(); ++c) {
    const auto& gc = got.communities(c);
    const auto& wc = r->communities[c];
    EXPECT_EQ(gc.community_id(), cpp_.tables().communities.ids.Id(wc.community));
    EXPECT_EQ(gc.members(), wc.members);
    ASSERT_EQ(gc.leaders_size(), static_cast<int>(wc.leaders.size()));
    for (int i = 0; i < gc.leaders_size(); ++i) {
      EXPECT_EQ(gc.leaders(i).customer_id(), cpp_.tables().customers.ids.Id(wc.leaders[i].customer));
      EXPECT_EQ(gc.leaders(i).rank(), wc.leaders[i].rank);
      EXPECT_EQ(gc.leaders(i).score(), wc.leaders[i].score);
      ASSERT_EQ(gc.leaders(i).components_size(), mitra::leaders::kNumComponents);
      for (int k = 0; k < mitra::leaders::kNumComponents; ++k) {
        EXPECT_EQ(gc.leaders(i).components(k).name(),
                  mitra::leaders::ComponentName(static_cast<mitra::leaders::Component>(k)));
        EXPECT_EQ(gc.leaders(i).components(k).raw(), wc.leaders[i].raw[k]);
        EXPECT_EQ(gc.leaders(i).components(k).scaled(), wc.leaders[i].scaled[k]);
      }
    }
  }
  ASSERT_EQ(got.bridges_size(), static_cast<int>(r->bridges.size()));
  for (int i = 0; i < got.bridges_size(); ++i) {
    EXPECT_EQ(got.bridges(i).participation(), r->bridges[i].participation);
    EXPECT_EQ(got.bridges(i).community_ids_size(), static_cast<int>(r->bridges[i].communities.size()));
  }
  ASSERT_GE(got.communities_size(), 1);
  EXPECT_EQ(got.communities(0).leaders(0).customer_id(), "a");
}

TEST_F(LeadersCApi, TrustReportsReputationEigenTrustAndLevels) {
  v1::TrustRequest req;
  v1::TrustReport got;
  ASSERT_EQ(Call(mitra_workspace_trust, req, &got), MITRA_OK);
  v1::TrustReport want;
  ASSERT_TRUE(mitra::leaders::TrustMessage(cpp_, req, &want).ok());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
  ASSERT_EQ(got.customers_size(), 5);
  double sum = 0;
  for (const auto& c : got.customers()) {
    sum += c.eigentrust();
    EXPECT_NEAR(c.reputation(), (c.r() + 1) / (c.r() + c.s() + 2), 1e-12);
    EXPECT_EQ(c.level_name(), got.ladder().levels(c.level()).name());
  }
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_GT(got.customers(0).reputation(), 0.5);  // a: endorsed
  EXPECT_LT(got.customers(4).reputation(), 0.5);  // x: flagged
  EXPECT_EQ(got.ladder().levels(0).name(), "new");  // the default ladder
  // One community's members.
  req.set_community_id("m");
  ASSERT_EQ(Call(mitra_workspace_trust, req, &got), MITRA_OK);
  ASSERT_EQ(got.customers_size(), 2);  // d (member), a (tagged interaction)
}

TEST_F(LeadersCApi, HealthEqualsComputeHealth) {
  v1::HealthRequest req;
  req.set_periods(4);
  req.set_as_of_unix_seconds(kT0);
  v1::HealthReport got;
  ASSERT_EQ(Call(mitra_workspace_community_health, req, &got), MITRA_OK);
  mitra::leaders::HealthOptions o;
  o.periods = 4;
  o.as_of = kT0;
  auto want = mitra::leaders::ComputeHealth(cpp_.tables(), o);
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_EQ(got.communities_size(), static_cast<int>(want->size()));
  for (int c = 0; c < got.communities_size(); ++c) {
    ASSERT_EQ(got.communities(c).periods_size(), static_cast<int>((*want)[c].periods.size()));
    for (int p = 0; p < got.communities(c).periods_size(); ++p) {
      const auto& g = got.communities(c).periods(p);
      const auto& w = (*want)[c].periods[p];
      EXPECT_EQ(g.start_unix_seconds(), w.start);
      EXPECT_EQ(g.end_unix_seconds(), w.end);
      EXPECT_EQ(g.members(), w.members);
      EXPECT_EQ(g.active(), w.active);
      EXPECT_EQ(g.joined(), w.joined);
      EXPECT_EQ(g.left(), w.left);
      EXPECT_TRUE(g.growth() == w.growth || (std::isnan(g.growth()) && std::isnan(w.growth)));
      EXPECT_TRUE(g.top_share() == w.top_share || (std::isnan(g.top_share()) && std::isnan(w.top_share)));
    }
    EXPECT_EQ(got.communities(c).cohorts_size(), static_cast<int>((*want)[c].cohorts.size()));
  }
  EXPECT_EQ(got.communities(0).periods(3).end_unix_seconds(), kT0);
  EXPECT_EQ(got.communities(0).periods(3).members(), 5u);
}

TEST_F(LeadersCApi, ErrorsHaveTheirCodesAndNameTheField) {
  std::string message;
  v1::LeadersReport leaders;
  v1::LeadersRequest lr;
  lr.set_community_id("nope");
  EXPECT_EQ(Call(mitra_workspace_leaders, lr, &leaders, &message), MITRA_NOT_FOUND);
  EXPECT_THAT(message, HasSubstr("request.community_id: unknown community id \"nope\""));
  lr.clear_community_id();
  lr.set_damping(1.5);
  EXPECT_EQ(Call(mitra_workspace_leaders, lr, &leaders, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.damping: must be in [0, 1), got 1.5"));
  v1::TrustReport trust;
  v1::TrustRequest tr;
  tr.add_pretrusted_customer_ids("ghost");
  EXPECT_EQ(Call(mitra_workspace_trust, tr, &trust, &message), MITRA_NOT_FOUND);
  EXPECT_THAT(message, HasSubstr("request.pretrusted_customer_ids[0]: unknown customer id \"ghost\""));
  v1::HealthReport health;
  v1::HealthRequest hr;
  hr.set_period_days(-1);
  EXPECT_EQ(Call(mitra_workspace_community_health, hr, &health, &message), MITRA_INVALID_ARGUMENT);
  EXPECT_THAT(message, HasSubstr("request.period_days: must be finite and > 0, got -1"));
  // NULL workspace, malformed bytes, NULL out.
  ExpectBadArgumentsRefused<v1::LeadersRequest>(mitra_workspace_leaders);
  ExpectBadArgumentsRefused<v1::TrustRequest>(mitra_workspace_trust);
  ExpectBadArgumentsRefused<v1::HealthRequest>(mitra_workspace_community_health);
}

}  // namespace
