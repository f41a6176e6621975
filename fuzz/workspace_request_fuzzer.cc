// The workspace entries that take bytes and have no target of their own,
// on a small workspace with campaigns, selected by the first byte:
// 0 mitra_workspace_campaign_effects (the request bytes as they come),
// 1 mitra_workspace_value_tracking (arbitrary model bytes on the
// workspace's transactions). Never a crash; the error contract holds; a
// successful campaign report has finite figures, ordered intervals and odds
// that are probabilities; tracking gives finite, non-negative,
// non-decreasing cumulative series.
//
// A campaign request that parses and asks for more than kMostDraws
// bootstrap draws (or for the default 2,000) is run with kMostDraws: their
// memory is budgeted (unit tests show it), their time would only slow the
// fuzzing.
#include <cmath>
#include <cstdlib>
#include <string>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/campaign_effects.pb.h"
#include "value_fuzz_inputs.h"

namespace {

constexpr uint32_t kMostDraws = 20;
constexpr int64_t kJan1 = 1704067200;  // 2024-01-01T00:00:00Z
constexpr int32_t kPeriods = 8;

// Twelve customers buying weekly from January to May 2024 through six
// retailers (two customers each), with every effect the campaign report
// measures: chain campaigns push (r1, r2 in March, spend 500) and push2
// (r3, r4 in April, 900) lift their retailers' sales; community campaigns
// lead (c1, c2 in March, 300) and lead2 (c3, c4 in April, 700) lift the
// spending of their audiences (c7..c10, who addressed replies to them in
// February); r5, r6 and c5, c6 are the comparison units. Both routes get
// measured campaigns, a curve and the odds.
const mitra_workspace* CampaignWorkspace() {
  static const mitra_workspace* ws = [] {
    auto uplift = [](int c, int week) {
      const bool march = week >= 8 && week < 13, april = week >= 13 && week < 17;
      return (march && c <= 4 ? 5 : 0) + (april && c >= 5 && c <= 8 ? 8 : 0) +
             (march && (c == 7 || c == 8) ? 3 : 0) + (april && (c == 9 || c == 10) ? 6 : 0);
    };
    static std::string customers = "id\n", memberships = "customer_id,community_id,joined\n",
                       channels = "id,kind,parent_id,margin\nm,producer,,0.3\n",
                       interactions = "from_customer_id,to_customer_id,kind,time,community_id\n",
                       transactions = "customer_id,time,amount,channel_id\n";
    for (int c = 1; c <= 12; ++c) {
      const std::string id = "c" + std::to_string(c);
      customers += id + "\n";
      memberships += id + ",k1,2023-12-01\n";
      for (int week = 0; week < 22; ++week) {
        if ((week + c) % 3 == 0) continue;  // not every customer every week
        transactions += id + "," + std::to_string(kJan1 + week * 604800 + c * 3600) + "," +
                        std::to_string(10 + c + uplift(c, week)) + ",r" +
                        std::to_string((c + 1) / 2) + "\n";
      }
    }
    for (int r = 1; r <= 6; ++r) channels += "r" + std::to_string(r) + ",retailer,m,0.2\n";
    for (int k = 1; k <= 6; ++k)
      interactions += "c" + std::to_string(k + 6) + ",c" + std::to_string(k) + ",reply,2024-02-0" +
                      std::to_string(3 + k) + ",k1\n";
    return mitra::fuzz::WorkspaceFromCsv({
        {"customers", customers},
        {"communities", "id,name\nk1,One\n"},
        {"channels", channels},
        {"transactions", transactions},
        {"memberships", memberships},
        {"interactions", interactions},
        {"campaigns", "id,route,start,end,spend,community_id\n"
                      "push,chain,2024-02-26,2024-04-01,500,\npush2,chain,2024-04-01,2024-04-29,900,\n"
                      "lead,community,2024-02-26,2024-04-01,300,k1\n"
                      "lead2,community,2024-04-01,2024-04-29,700,k1\n"},
        {"campaign_members", "campaign_id,customer_id,channel_id\npush,,r1\npush,,r2\npush2,,r3\n"
                             "push2,,r4\nlead,c1,\nlead,c2,\nlead2,c3,\nlead2,c4,\n"},
    });
  }();
  return ws;
}

bool Finite(double v) { return std::isfinite(v); }

void CheckCampaigns(const mitra::v1::CampaignEffectsReport& r) {
  for (const auto& c : r.campaigns()) {
    for (double v : {c.effect(), c.std_error(), c.effect_low(), c.effect_high(), c.total(),
                     c.total_low(), c.total_high(), c.return_per_spend(), c.return_low(),
                     c.return_high()})
      if (!Finite(v)) std::abort();
    if (c.effect_low() > c.effect_high() || c.total_low() > c.total_high() ||
        c.return_low() > c.return_high() || c.std_error() < 0)
      std::abort();
  }
  for (const auto& k : r.curves())
    for (double v : {k.a(), k.a_low(), k.a_high(), k.b(), k.b_low(), k.b_high()})
      if (!Finite(v)) std::abort();
  for (const auto& o : r.odds()) {
    const double p = o.probability_community_returns_more();
    if (!(p >= 0 && p <= 1)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 2;
  ++data;
  --size;
  const mitra_workspace* ws = CampaignWorkspace();
  if (which == 0) {
    mitra::v1::CampaignEffectsRequest request;
    std::string fewer;
    if (request.ParseFromArray(data, static_cast<int>(size)) &&
        (!request.has_draws() || request.draws() > kMostDraws)) {
      request.set_draws(kMostDraws);
      fewer = request.SerializeAsString();
      data = reinterpret_cast<const uint8_t*>(fewer.data());
      size = fewer.size();
    }
    mitra::v1::CampaignEffectsReport report;
    if (mitra::fuzz::Call(mitra_workspace_campaign_effects, ws, data, size, report))
      CheckCampaigns(report);
    return 0;
  }
  double expected[kPeriods] = {0}, actual[kPeriods] = {0};
  mitra_error* err = nullptr;
  const mitra_status s = mitra_workspace_value_tracking(ws, data, size, kJan1, 86400, 604800, 2,
                                                        kPeriods, expected, actual, &err);
  mitra::fuzz::CheckNumbers(s, expected, kPeriods, false, true);
  mitra::fuzz::CheckNumbers(s, actual, kPeriods, false, true);
  mitra::fuzz::CheckCall(s, err, nullptr);
  return 0;
}
