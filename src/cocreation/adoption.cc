#include "mitra/cocreation/adoption.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"
#include "mitra/cocreation/credit.h"
#include "mitra/cocreation/feedback.h"
#include "mitra/cocreation/stats.h"

namespace mitra::cocreation {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Decision i of the list `list` ("decisions").
struct DecisionAt {
  absl::string_view list;
  size_t i;
};

absl::Status Invalid(const DecisionAt& i, absl::string_view field, const std::string& problem) {
  return absl::InvalidArgumentError(absl::StrCat(i.list, "[", i.i, "].", field, ": ", problem));
}

absl::Status CheckDecision(const Tables& t, const Decision& d, const DecisionAt& i) {
  if (d.program >= t.programs.ids.size()) return Invalid(i, "program_id", "required");
  if (d.product != kNoIndex && d.product >= t.products.ids.size())
    return Invalid(i, "product_id", "out of range");
  if (!std::isnan(d.value) && !(std::isfinite(d.value) && d.value >= 0))
    return Invalid(i, "value", absl::StrCat("must be finite and >= 0, got ", d.value));
  if (d.decided == kNoTime) return Invalid(i, "decided_unix_seconds", "required");
  if (d.effective != kNoTime && d.effective < d.decided)
    return Invalid(i, "effective_unix_seconds", "before the decision");
  for (size_t k = 0; k < d.contributors.size(); ++k) {
    const std::string at = absl::StrCat("contributor_customer_ids[", k, "]");
    if (d.contributors[k] >= t.customers.ids.size())
      return Invalid(i, at, absl::StrCat("index ", d.contributors[k], " out of range"));
    for (size_t j = 0; j < k; ++j)
      if (d.contributors[j] == d.contributors[k])
        return Invalid(i, at, absl::StrCat("listed twice (as [", j, "])"));
  }
  if (!d.weights.empty()) {
    if (d.weights.size() != d.contributors.size())
      return Invalid(i, "contributor_weights",
                     absl::StrCat("must be empty or one per contributor (", d.contributors.size(),
                                  "), got ", d.weights.size()));
    for (size_t k = 0; k < d.weights.size(); ++k)
      if (!(std::isfinite(d.weights[k]) && d.weights[k] >= 0))
        return Invalid(i, absl::StrCat("contributor_weights[", k, "]"),
                       absl::StrCat("must be finite and >= 0, got ", d.weights[k]));
  }
  if (d.given) {
    const BeforeAfter& m = *d.given;
    auto mean_ok = [](double v, uint64_t n) { return n == 0 || std::isfinite(v); };
    auto sd_ok = [](double v) { return std::isnan(v) || (std::isfinite(v) && v >= 0); };
    if (!mean_ok(m.before_mean, m.before_n) || !mean_ok(m.after_mean, m.after_n))
      return Invalid(i, "measure", "a mean must be finite where its count is > 0");
    if (!sd_ok(m.before_sd) || !sd_ok(m.after_sd))
      return Invalid(i, "measure", "a standard deviation must be finite and >= 0 (or absent)");
  }
  return absl::OkStatus();
}

struct Sums {
  uint64_t n = 0;
  double sum = 0, sum2 = 0;
  void Add(double x) { ++n, sum += x, sum2 += x * x; }
  double Mean() const { return n ? sum / static_cast<double>(n) : kNaN; }
  double Sd() const {
    if (n < 2) return kNaN;
    const double nn = static_cast<double>(n);
    return std::sqrt(std::max(0.0, (sum2 - sum * sum / nn) / (nn - 1)));
  }
};

// The interval of after - before from two summaries (Welch), when both
// sides have a standard deviation and at least 2 values.
void Welch(const BeforeAfter& m, double confidence, DecisionOutcome* out) {
  out->difference = m.after_mean - m.before_mean;
  if (m.before_n < 2 || m.after_n < 2 || std::isnan(m.before_sd) || std::isnan(m.after_sd)) return;
  const double v1 = m.before_sd * m.before_sd, v2 = m.after_sd * m.after_sd;
  const double n1 = static_cast<double>(m.before_n), n2 = static_cast<double>(m.after_n);
  const double se = std::sqrt(v1 / n1 + v2 / n2);
  out->df = WelchDf(v1, n1, v2, n2);
  const double t = se > 0 ? StudentTQuantile((1 + confidence) / 2, out->df) : 0;
  out->low = out->difference - t * se;
  out->high = out->difference + t * se;
}

}  // namespace

absl::Status CheckDecisions(const Tables& t, absl::Span<const Decision> decisions,
                            absl::string_view list) {
  for (size_t i = 0; i < decisions.size(); ++i)
    if (absl::Status s = CheckDecision(t, decisions[i], {list, i}); !s.ok()) return s;
  return absl::OkStatus();
}

absl::StatusOr<AdoptionSummary> TrackAdoption(const Tables& t, absl::Span<const Decision> decisions,
                                              const AdoptionOptions& options) {
  if (absl::Status s = CheckRange(options.confidence, options.names("confidence"),
                                  options.confidence > 0 && options.confidence < 1, "in (0, 1)");
      !s.ok())
    return s;
  if (absl::Status s = CheckDecisions(t, decisions, options.names("decisions")); !s.ok()) return s;

  AdoptionSummary out;
  out.z = ZForConfidence(options.confidence);
  const FeedbackTable& fb = t.feedback;
  const ProgramTable& pr = t.programs;
  std::map<Index, std::unordered_set<Index>> answered;  // program -> customers
  std::map<Index, ProgramAdoption> programs;
  for (const Decision& d : decisions) {
    DecisionOutcome o;
    auto [it, added] = answered.try_emplace(d.program);
    if (added)
      for (size_t r = 0; r < fb.program.size(); ++r)
        if (fb.program[r] == d.program) it->second.insert(fb.customer[r]);
    for (Index c : d.contributors) o.contributors_with_feedback += it->second.count(c) > 0;

    if (d.given) {
      o.source = MeasureSource::kGiven;
      o.measure = *d.given;
      Welch(o.measure, options.confidence, &o);
    } else {
      const Index product = d.product != kNoIndex ? d.product : pr.product[d.program];
      const int64_t effective = d.effective != kNoTime ? d.effective : d.decided;
      double lo, hi;
      ProgramScale(pr, d.program, &lo, &hi);
      const double width = hi > lo ? hi - lo : 1;
      Sums before, after;
      uint64_t counts[2][3] = {{0, 0, 0}, {0, 0, 0}};  // [after][promoter, passive, detractor]
      for (size_t r = 0; r < fb.program.size(); ++r) {
        const Index p = fb.program[r];
        if (product != kNoIndex) {
          const Index rp = fb.product[r] != kNoIndex ? fb.product[r] : pr.product[p];
          if (rp != product) continue;
        } else if (p != d.program) {
          continue;
        }
        const bool is_after = fb.time[r] >= effective;
        if (d.attribute.empty()) {
          const double wr = fb.would_recommend[r];
          if (std::isnan(wr)) continue;
          ++counts[is_after][wr >= 9 ? 0 : wr >= 7 ? 1 : 2];
          continue;
        }
        double rlo, rhi;
        ProgramScale(pr, p, &rlo, &rhi);
        const double rwidth = rhi > rlo ? rhi - rlo : 1;
        fb.ratings.ForEach(r, [&](std::string_view name, double v) {
          if (name != d.attribute) return;
          (is_after ? after : before).Add(lo + (v - rlo) / rwidth * width);
        });
      }
      if (d.attribute.empty()) {
        const NpsEstimate b = Nps(counts[0][0], counts[0][1], counts[0][2], out.z);
        const NpsEstimate a = Nps(counts[1][0], counts[1][1], counts[1][2], out.z);
        o.measure = {b.nps, std::sqrt(b.variance * b.n), b.n, a.nps, std::sqrt(a.variance * a.n), a.n};
        if (b.n > 0 || a.n > 0) o.source = MeasureSource::kComputed;
        if (b.n > 0 && a.n > 0) {
          o.difference = a.nps - b.nps;
          const double se = std::sqrt(a.variance + b.variance);
          o.low = o.difference - out.z * se;
          o.high = o.difference + out.z * se;
        }
      } else {
        o.measure = {before.Mean(), before.Sd(), before.n, after.Mean(), after.Sd(), after.n};
        if (before.n > 0 || after.n > 0) o.source = MeasureSource::kComputed;
        Welch(o.measure, options.confidence, &o);
      }
    }
    o.improved = !std::isnan(o.low) && o.low > 0;

    ProgramAdoption& pa = programs[d.program];
    pa.program = d.program;
    ++pa.decisions;
    if (d.adopted) {
      ++pa.adopted;
      if (!std::isnan(d.value)) pa.value_adopted += d.value;
      pa.improved += o.improved;
    } else {
      ++pa.rejected;
    }
    out.decisions.push_back(o);
  }
  for (auto& [p, pa] : programs) {
    pa.adoption_rate = static_cast<double>(pa.adopted) / pa.decisions;
    out.programs.push_back(pa);
  }
  absl::StatusOr<std::vector<double>> credit =
      CoCreationCredit(t.customers.ids.size(), AdoptedChanges(decisions));
  if (!credit.ok()) return credit.status();  // CheckDecisions rules this out
  out.credit = *std::move(credit);
  return out;
}

}  // namespace mitra::cocreation
