#include "mitra/ladder/involvement.h"

#include <utility>

namespace mitra::ladder {
namespace {

// InteractionKind numbers (proto/mitra/v1/community.proto).
constexpr int kReply = 1, kVisit = 6, kPost = 7;

}  // namespace

const char* InvolvementFieldName(InvolvementField f) {
  switch (f) {
    case kInvPurchases: return "purchases";
    case kInvSpend: return "spend";
    case kInvVisits: return "visits";
    case kInvFeedback: return "feedback";
    case kInvTrials: return "trials";
    case kInvReferrals: return "referrals";
    case kInvPosts: return "posts";
    case kInvInteractions: return "interactions";
    case kNumInvolvementFields: break;
  }
  return "unknown";
}

bool IsPassive(InvolvementField f) { return f <= kInvVisits; }

absl::StatusOr<Involvement> ComputeInvolvement(const Tables& tables, const IndicatorInputs& inputs,
                                               double window_days) {
  using I = Indicator;
  auto key = [&](I indicator, int kind = 0) { return IndicatorKey{indicator, kind, window_days}; };
  // The columns, then the two derived ones: posts = POST + REPLY, and
  // interactions = every kind made - VISIT.
  const IndicatorKey keys[] = {key(I::kPurchases),
                               key(I::kSpend),
                               key(I::kInteractionsGiven, kVisit),
                               key(I::kFeedback),
                               key(I::kPrograms),
                               key(I::kReferrals),
                               key(I::kInteractionsGiven, kPost),
                               key(I::kInteractionsGiven, kReply),
                               key(I::kInteractionsGiven, 0)};
  absl::StatusOr<std::vector<std::vector<double>>> cols = ComputeIndicators(tables, keys, inputs);
  if (!cols.ok()) return cols.status();
  std::vector<std::vector<double>>& c = *cols;
  Involvement out;
  out.window_days = window_days;
  for (int f = kInvPurchases; f <= kInvPosts; ++f) out.column[f] = std::move(c[f]);
  std::vector<double>& posts = out.column[kInvPosts];
  std::vector<double>& all = c[8];
  const std::vector<double>& visits = out.column[kInvVisits];
  for (size_t i = 0; i < posts.size(); ++i) {
    posts[i] += c[7][i];
    all[i] -= visits[i];
  }
  out.column[kInvInteractions] = std::move(all);
  return out;
}

}  // namespace mitra::ladder
