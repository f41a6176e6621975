// The ladder entries that take request bytes, selected by the first byte
// (% 2): mitra_workspace_ladder (0) and mitra_workspace_contribution (1) on
// a small workspace with purchases, interactions, memberships, feedback and
// referrals. Never a crash; the error contract holds; a successful
// contribution's components add up to its total and a ladder report's
// counts cover every listed customer.
#include <cmath>
#include <cstdlib>

#include "fuzz_util.h"
#include "mitra/mitra.h"
#include "mitra/v1/ladder.pb.h"

namespace {

mitra_workspace* SmallWorkspace() {
  static mitra_workspace* ws = [] {
    mitra_workspace* w = nullptr;
    struct { const char* kind; const char* csv; } files[] = {
        {"customers", "id,created\nc1,2024-01-01\nc2,2024-01-05\nc3,\nc4,2024-03-01\n"},
        {"products", "id,unit_price,unit_cost\np1,100,60\np2,10,\n"},
        {"communities", "id,name\nk1,One\n"},
        {"programs", "id,start\ng1,2024-01-01\ng2,2024-06-01\n"},
        {"transactions", "customer_id,time,amount,product_id\nc1,2024-01-02,100,p1\n"
                         "c1,2024-05-02,10,p2\nc2,2024-02-01,100,p1\nc2,2024-02-02,20,\n"
                         "c4,2024-04-01,100,p1\n"},
        {"memberships", "customer_id,community_id,joined\nc1,k1,2024-01-10\nc2,k1,2024-02-10\n"},
        {"interactions", "from_customer_id,to_customer_id,kind,time,community_id\n"
                         "c2,c1,REPLY,2024-05-01,k1\nc2,c1,ENDORSEMENT,2024-05-02,k1\n"
                         "c1,c2,LIKE,2024-05-03,k1\nc1,,POST,2024-05-04,k1\n"
                         "c1,c4,REFERRAL,2024-03-20,\n"},
        {"feedback", "program_id,customer_id,time,would_recommend\ng1,c1,2024-02-01,9\n"
                     "g2,c1,2024-07-01,10\ng1,c2,2024-02-03,6\n"},
        {"referrals", "referrer_id,referee_id,time,converted\nc1,c4,2024-03-20,true\n"
                      "c2,,2024-04-01,false\n"},
    };
    if (mitra_workspace_create(&w, nullptr) != MITRA_OK) std::abort();
    for (const auto& f : files) {
      size_t n = 0;
      while (f.csv[n] != '\0') ++n;
      if (mitra_workspace_ingest_csv_bytes(w, f.kind, f.kind, reinterpret_cast<const uint8_t*>(f.csv), n,
                                           nullptr) != MITRA_OK)
        std::abort();
    }
    return w;
  }();
  return ws;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t which = data[0] % 2;
  ++data;
  --size;
  uint8_t* out = nullptr;
  size_t n = 0;
  mitra_error* err = nullptr;
  mitra_status s;
  if (which == 0) {
    // Valid but slow: a long history refits the value model at every end.
    mitra::v1::LadderRequest r;
    if (r.ParseFromArray(data, static_cast<int>(size)) && r.history_periods() > 100) return 0;
    s = mitra_workspace_ladder(SmallWorkspace(), data, size, &out, &n, &err);
    mitra::v1::LadderReport report;
    if (s == MITRA_OK) {
      if (!report.ParseFromArray(out, static_cast<int>(n))) std::abort();
      uint64_t counted = 0;
      for (uint32_t c : report.stage_counts()) counted += c;
      if (counted > 4 || report.stage_counts_size() != report.rules().stages_size()) std::abort();
    }
  } else {
    s = mitra_workspace_contribution(SmallWorkspace(), data, size, &out, &n, &err);
    mitra::v1::ContributionReport report;
    if (s == MITRA_OK) {
      if (!report.ParseFromArray(out, static_cast<int>(n))) std::abort();
      for (const auto& c : report.customers()) {
        const double sum = c.referral_value() + c.influence_value() + c.cocreation_credit();
        if (!std::isfinite(c.total()) || std::fabs(sum - c.total()) > 1e-9 * (1 + std::fabs(sum)))
          std::abort();
      }
    }
  }
  mitra::fuzz::CheckCall(s, err, out);
  mitra_free(out);
  return 0;
}
