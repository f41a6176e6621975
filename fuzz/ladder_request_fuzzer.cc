// The ladder entries that take request bytes, selected by the first byte
// (% 2): mitra_workspace_ladder (0) and mitra_workspace_contribution (1) on
// the small collaboration workspace of fuzz_util.h (purchases,
// interactions, memberships, feedback, referrals). Never a crash; the error
// contract holds; a successful contribution's components add up to its
// total and a ladder report's counts cover every listed customer.
#include <cmath>
#include <cstdlib>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/ladder.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 2;
  ++data;
  --size;
  const mitra_workspace* ws = mitra::fuzz::CollaborationWorkspace();
  if (which == 0) {
    // Valid but slow: a long history refits the value model at every end.
    mitra::v1::LadderRequest r;
    if (r.ParseFromArray(data, static_cast<int>(size)) && r.history_periods() > 100) return 0;
    mitra::v1::LadderReport report;
    if (mitra::fuzz::Call(mitra_workspace_ladder, ws, data, size, report)) {
      uint64_t counted = 0;
      for (uint32_t c : report.stage_counts()) counted += c;
      if (counted > mitra::fuzz::kCollaborationCustomers ||
          report.stage_counts_size() != report.rules().stages_size())
        std::abort();
    }
  } else {
    mitra::v1::ContributionReport report;
    if (mitra::fuzz::Call(mitra_workspace_contribution, ws, data, size, report)) {
      for (const auto& c : report.customers()) {
        const double sum = c.referral_value() + c.influence_value() + c.cocreation_credit();
        if (!std::isfinite(c.total()) || std::fabs(sum - c.total()) > 1e-9 * (1 + std::fabs(sum)))
          std::abort();
      }
    }
  }
  return 0;
}
