#include "mitra/ladder/referral_forecast.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/percentile.h"
#include "common/random.h"
#include "common/request_errors.h"
#include "mitra/cocreation/stats.h"

namespace mitra::ladder {
namespace {

constexpr double kSecondsPerWeek = 7 * 86400.0;
constexpr uint32_t kMaxDraws = 10000;
// Customers whose draws are held at once when the intervals are read.
constexpr size_t kChunk = 2048;

absl::Status CheckOptions(const ReferralForecastOptions& o) {
  const FieldPath& at = o.names;
  if (o.as_of != kNoTime)
    if (absl::Status s = CheckTime(o.as_of, at("as_of")); !s.ok()) return s;
  if (absl::Status s = CheckRange(o.horizon_days, at("horizon_days"),
                                  o.horizon_days > 0 && o.horizon_days <= 36500, "in (0, 36500]");
      !s.ok())
    return s;
  if (o.acquisition_cost != 0)
    if (absl::Status s = CheckMoney(o.acquisition_cost, at("acquisition_cost")); !s.ok()) return s;
  if (!(o.acquisition_cost >= 0))
    return Invalid(at("acquisition_cost"), absl::StrCat("must be >= 0, got ", o.acquisition_cost));
  for (size_t i = 0; i < o.referee_value.size(); ++i)
    if (std::isinf(o.referee_value[i]))
      return Invalid(absl::StrCat(at("referee_value"), "[", i, "]"),
                     "must be finite or NaN (unknown)");
  if (absl::Status s = CheckCount(o.draws, 2, kMaxDraws, at("draws")); !s.ok()) return s;
  return CheckConfidence(o.confidence, at("confidence"));
}

int64_t LatestTime(const Tables& t) {
  int64_t latest = kNoTime;
  for (int64_t x : t.referrals.time) latest = std::max(latest, x);
  for (int64_t x : t.transactions.time) latest = std::max(latest, x);
  return latest;
}

void Earliest(int64_t& slot, int64_t time) {
  if (slot == kNoTime || time < slot) slot = time;
}

// Each customer's first purchase (kNoTime when none).
std::vector<int64_t> FirstPurchases(const Tables& t) {
  std::vector<int64_t> first(t.customers.ids.size(), kNoTime);
  for (size_t r = 0; r < t.transactions.customer.size(); ++r)
    Earliest(first[t.transactions.customer[r]], t.transactions.time[r]);
  return first;
}

// Each customer's start: created, else first purchase, else first
// interaction made (kNoTime when none).
std::vector<int64_t> Starts(const Tables& t, const std::vector<int64_t>& first_tx) {
  const size_t n = t.customers.ids.size();
  std::vector<int64_t> first_ix(n, kNoTime);
  for (size_t r = 0; r < t.interactions.from.size(); ++r)
    Earliest(first_ix[t.interactions.from[r]], t.interactions.time[r]);
  std::vector<int64_t> start(n);
  for (size_t c = 0; c < n; ++c)
    start[c] = t.customers.created[c] != kNoTime ? t.customers.created[c]
               : first_tx[c] != kNoTime        ? first_tx[c]
                                               : first_ix[c];
  return start;
}

// The converted referrals before as_of that name their referee: whether
// the referee was already active before it, and the referee's value.
struct RefereeEvidence {
  std::vector<uint8_t> active;
  std::vector<double> value;  // NaN: unknown
};

RefereeEvidence Referees(const Tables& t, int64_t as_of, const std::vector<double>& values,
                         std::vector<int64_t> first) {
  // The referee's first purchase (given), or an earlier membership.
  for (size_t r = 0; r < t.memberships.customer.size(); ++r)
    Earliest(first[t.memberships.customer[r]], t.memberships.joined[r]);
  RefereeEvidence e;
  const ReferralTable& rt = t.referrals;
  for (size_t r = 0; r < rt.referrer.size(); ++r) {
    if (!rt.converted[r] || rt.time[r] > as_of || rt.referee[r] == kNoIndex) continue;
    const Index j = rt.referee[r];
    e.active.push_back(first[j] != kNoTime && first[j] < rt.time[r]);
    e.value.push_back(j < values.size() ? values[j] : std::numeric_limits<double>::quiet_NaN());
  }
  return e;
}

// s and v from the referrals at `rows` (each a row of `e`).
std::pair<double, double> ShareAndValue(const RefereeEvidence& e, const std::vector<uint32_t>& rows) {
  double active = 0, sum = 0, known = 0;
  for (uint32_t r : rows) {
    active += e.active[r];
    if (!std::isnan(e.value[r])) {
      sum += e.value[r];
      known += 1;
    }
  }
  return {rows.empty() ? 0 : active / rows.size(), known > 0 ? sum / known : 0};
}

}  // namespace

absl::StatusOr<ReferralForecast> ForecastReferralValue(const Tables& t,
                                                       const ReferralForecastOptions& o) {
  if (absl::Status s = CheckOptions(o); !s.ok()) return s;
  const FieldPath& at = o.names;
  try {
    ReferralForecast out;
    out.as_of = o.as_of != kNoTime ? o.as_of : LatestTime(t);
    if (out.as_of == kNoTime)
      return absl::FailedPreconditionError("no referral or transaction to take as_of from");
    const size_t n = t.customers.ids.size();
    const std::vector<int64_t> first_purchase = FirstPurchases(t);
    const std::vector<int64_t> start = Starts(t, first_purchase);

    // Referral histories of the customers born by as_of, in weeks.
    std::vector<uint32_t> fitted;  // dense customer of each row
    std::vector<uint32_t> row_of(n, UINT32_MAX);
    std::vector<double> x, t_x, T;
    for (size_t c = 0; c < n; ++c) {
      if (start[c] == kNoTime || start[c] > out.as_of) continue;
      row_of[c] = static_cast<uint32_t>(fitted.size());
      fitted.push_back(static_cast<uint32_t>(c));
      x.push_back(0);
      t_x.push_back(0);
      T.push_back((out.as_of - start[c]) / kSecondsPerWeek);
    }
    if (fitted.empty())
      return absl::FailedPreconditionError("no customer started before as_of");
    const ReferralTable& rt = t.referrals;
    for (size_t r = 0; r < rt.referrer.size(); ++r) {
      const uint32_t row = row_of[rt.referrer[r]];
      if (!rt.converted[r] || rt.time[r] > out.as_of || row == UINT32_MAX) continue;
      const double w = (rt.time[r] - start[rt.referrer[r]]) / kSecondsPerWeek;
      if (w <= 0) continue;  // on or before her start: not a repeat event
      x[row] += 1;
      t_x[row] = std::max(t_x[row], w);
    }
    const size_t m = fitted.size();
    const RefereeEvidence ev = Referees(t, out.as_of, o.referee_value, first_purchase);
    if (ev.active.empty())
      return absl::FailedPreconditionError(
          "no converted referral before as_of names its referee: the share who would have "
          "joined anyway cannot be estimated");

    MemoryReservation memory(o.memory);
    const double bytes = static_cast<double>(o.draws) * (48 + 8.0 * std::min(m, kChunk)) +
                         8.0 * (static_cast<double>(m) + ev.active.size());
    if (absl::Status s = memory.Reserve(bytes, at("draws"), absl::StrCat(
            "the bootstrap of ", o.draws, " draws over ", m, " customers"));
        !s.ok())
      return s;

    value::FitOptions fo;
    fo.standard_errors = false;
    auto fit = value::FitBgNbd({x, t_x, T, {}}, fo);
    if (!fit.ok()) return fit.status();
    out.model = fit->params;
    out.log_likelihood = fit->report.log_likelihood;
    out.customers_fitted = static_cast<uint32_t>(m);
    const double horizon = o.horizon_days / 7;
    std::vector<double> expected(m);
    if (absl::Status s = value::BgNbdExpectedPurchases(out.model, {x, t_x, T, {}}, horizon,
                                                       absl::MakeSpan(expected));
        !s.ok())
      return s;

    std::vector<uint32_t> all(ev.active.size());
    for (uint32_t r = 0; r < all.size(); ++r) all[r] = r;
    const auto [share, referee_value] = ShareAndValue(ev, all);
    out.referees_seen = static_cast<uint32_t>(all.size());
    for (uint8_t a : ev.active) out.referees_already_active += a;
    const cocreation::Interval w = cocreation::Wilson(
        out.referees_already_active, all.size(), cocreation::ZForConfidence(o.confidence));
    out.joined_anyway_share = share;
    out.joined_anyway_low = w.low;
    out.joined_anyway_high = w.high;
    out.referee_value = referee_value;
    for (double v : ev.value) out.referee_values_known += !std::isnan(v);
    const double per_referral = (1 - share) * (referee_value + o.acquisition_cost);

    // The bootstrap: customers (as weights) for the model, referrals for s
    // and v. The refits start from the point estimate.
    Rng rng(o.seed, 0x726566657272616cULL);
    std::vector<value::BgNbdParams> model(o.draws);
    std::vector<double> factor(o.draws), referee_value_draw(o.draws);
    std::vector<double> weight(m);
    std::vector<uint32_t> rows(all.size());
    fo.initial = {out.model.r, out.model.alpha, out.model.a, out.model.b};
    for (uint32_t d = 0; d < o.draws; ++d) {
      std::fill(weight.begin(), weight.end(), 0.0);
      for (size_t i = 0; i < m; ++i) weight[rng.Below(m)] += 1;
      auto refit = value::FitBgNbd({x, t_x, T, weight}, fo);
      model[d] = refit.ok() ? refit->params : out.model;
      for (uint32_t& r : rows) r = static_cast<uint32_t>(rng.Below(all.size()));
      const auto [s, v] = ShareAndValue(ev, rows);
      factor[d] = (1 - s) * (v + o.acquisition_cost);
      referee_value_draw[d] = v;
    }

    out.expected_referrals.assign(n, 0);
    out.crv.assign(n, 0);
    out.crv_low.assign(n, 0);
    out.crv_high.assign(n, 0);
    const double tail = (1 - o.confidence) / 2;
    std::vector<double> totals(o.draws, 0), draw(o.draws);
    std::vector<double> chunk;
    for (size_t begin = 0; begin < m; begin += kChunk) {
      const size_t size = std::min(kChunk, m - begin);
      const value::CustomerData part{absl::MakeConstSpan(x).subspan(begin, size),
                                     absl::MakeConstSpan(t_x).subspan(begin, size),
                                     absl::MakeConstSpan(T).subspan(begin, size), {}};
      chunk.assign(size * o.draws, 0);
      for (uint32_t d = 0; d < o.draws; ++d) {
        if (absl::Status s = value::BgNbdExpectedPurchases(
                model[d], part, horizon, absl::MakeSpan(chunk).subspan(d * size, size));
            !s.ok())
          return s;
        for (size_t i = 0; i < size; ++i) {
          chunk[d * size + i] *= factor[d];
          totals[d] += chunk[d * size + i];
        }
      }
      for (size_t i = 0; i < size; ++i) {
        const uint32_t c = fitted[begin + i];
        for (uint32_t d = 0; d < o.draws; ++d) draw[d] = chunk[d * size + i];
        out.expected_referrals[c] = expected[begin + i];
        out.crv[c] = expected[begin + i] * per_referral;
        out.crv_low[c] = Percentile(draw, tail);
        out.crv_high[c] = Percentile(draw, 1 - tail);
        out.total += out.crv[c];
      }
    }
    out.referee_value_low = Percentile(referee_value_draw, tail);
    out.referee_value_high = Percentile(referee_value_draw, 1 - tail);
    out.total_low = Percentile(totals, tail);
    out.total_high = Percentile(totals, 1 - tail);
    return out;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("ForecastReferralValue: out of memory");
  }
}

}  // namespace mitra::ladder
