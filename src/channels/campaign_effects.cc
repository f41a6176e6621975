#include "mitra/channels/campaign_effects.h"

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

namespace mitra::channels {
namespace {

constexpr uint32_t kMaxDraws = 1000000;

std::string Item(const FieldPath& at, absl::string_view list, size_t i) {
  return absl::StrCat(at(list), "[", i, "]");
}

absl::Status CheckPanel(const OutcomePanel& p, const FieldPath& at) {
  if (p.values.size() != static_cast<uint64_t>(p.units) * p.periods)
    return Invalid(at("panel.values"),
                   absl::StrCat(p.values.size(), " values, but units x periods is ",
                                static_cast<uint64_t>(p.units) * p.periods));
  for (size_t i = 0; i < p.values.size(); ++i)
    if (std::isinf(p.values[i]))
      return Invalid(absl::StrCat(at("panel.values"), "[", i, "]"),
                     "must be finite or NaN (not observed)");
  return absl::OkStatus();
}

absl::Status CheckCampaign(const Campaign& c, const std::string& at, const OutcomePanel& p) {
  if (c.start < 1)
    return Invalid(at + ".start", "must be >= 1 (a baseline period comes before it), got 0");
  if (c.end <= c.start)
    return Invalid(at + ".end", absl::StrCat("must be > start (", c.start, "), got ", c.end));
  if (c.end > p.periods)
    return Invalid(at + ".end",
                   absl::StrCat("must be <= the panel's periods (", p.periods, "), got ", c.end));
  if (absl::Status s = CheckPositiveMoney(c.spend, at + ".spend"); !s.ok()) return s;
  std::vector<uint8_t> seen(p.units, 0);
  for (size_t i = 0; i < c.treated.size(); ++i) {
    const std::string field = absl::StrCat(at, ".treated[", i, "]");
    if (c.treated[i] >= p.units)
      return Invalid(field, absl::StrCat("unit ", c.treated[i], " out of range (", p.units,
                                         " units)"));
    if (seen[c.treated[i]]++) return Invalid(field, absl::StrCat("unit ", c.treated[i],
                                                                 " listed twice"));
  }
  for (size_t i = 0; i < c.not_comparable.size(); ++i)
    if (c.not_comparable[i] >= p.units)
      return Invalid(absl::StrCat(at, ".not_comparable[", i, "]"),
                     absl::StrCat("unit ", c.not_comparable[i], " out of range (", p.units,
                                  " units)"));
  return absl::OkStatus();
}

// Mean of a unit's observed outcomes over [from, to); NaN when none.
double WindowMean(const OutcomePanel& p, uint32_t unit, uint32_t from, uint32_t to) {
  const double* row = p.values.data() + static_cast<uint64_t>(unit) * p.periods;
  double sum = 0;
  uint32_t n = 0;
  for (uint32_t t = from; t < to; ++t)
    if (!std::isnan(row[t])) {
      sum += row[t];
      ++n;
    }
  return n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

struct Moments {
  double n = 0, mean = 0, m2 = 0;  // Welford
  void Add(double x) {
    n += 1;
    const double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  double Variance() const { return n > 1 ? m2 / (n - 1) : 0; }
};

// The first period of campaign c's baseline.
uint32_t BaselineStart(const Campaign& c, uint32_t baseline_periods) {
  return baseline_periods == 0 || baseline_periods >= c.start ? 0 : c.start - baseline_periods;
}

}  // namespace

absl::StatusOr<std::vector<CampaignEffect>> EstimateCampaignEffects(
    const OutcomePanel& panel, const std::vector<Campaign>& campaigns,
    const CampaignEffectOptions& o) {
  const FieldPath& at = o.names;
  if (absl::Status s = CheckConfidence(o.confidence, at("confidence")); !s.ok()) return s;
  if (absl::Status s = CheckPanel(panel, at); !s.ok()) return s;
  for (size_t i = 0; i < campaigns.size(); ++i)
    if (absl::Status s = CheckCampaign(campaigns[i], Item(at, "campaigns", i), panel); !s.ok())
      return s;
  try {
    std::vector<CampaignEffect> out;
    out.reserve(campaigns.size());
    // 0: untreated in the window, 1: treated by this campaign, 2: by another.
    std::vector<uint8_t> role(panel.units);
    for (size_t i = 0; i < campaigns.size(); ++i) {
      const Campaign& c = campaigns[i];
      const uint32_t from = BaselineStart(c, o.baseline_periods);
      std::fill(role.begin(), role.end(), 0);
      for (size_t j = 0; j < campaigns.size(); ++j) {
        const Campaign& d = campaigns[j];
        const bool overlaps = o.never_treated_comparison ||
                              (BaselineStart(d, o.baseline_periods) < c.end && from < d.end);
        if (j == i || !overlaps) continue;
        for (uint32_t u : d.treated) role[u] = 2;
      }
      for (uint32_t u : c.not_comparable) role[u] = 2;
      for (uint32_t u : c.treated) role[u] = 1;
      // Common support: the treated units' range of baseline levels.
      double lo = -std::numeric_limits<double>::infinity(), hi = -lo;
      if (o.common_support) {
        std::swap(lo, hi);
        for (uint32_t u : c.treated) {
          const double pre = WindowMean(panel, u, from, c.start);
          if (std::isnan(pre)) continue;
          lo = std::min(lo, pre);
          hi = std::max(hi, pre);
        }
        // Within a factor of two of it: a handful of treated units spans
        // too narrow a range to leave comparison units otherwise.
        lo = lo > 0 ? lo / 2 : 2 * lo;
        hi = hi > 0 ? 2 * hi : hi / 2;
      }
      Moments treated, comparison;
      for (uint32_t u = 0; u < panel.units; ++u) {
        if (role[u] == 2) continue;
        const double pre = WindowMean(panel, u, from, c.start);
        const double post = WindowMean(panel, u, c.start, c.end);
        if (std::isnan(pre) || std::isnan(post)) continue;
        if (role[u] == 0 && (pre < lo || pre > hi)) continue;
        (role[u] == 1 ? treated : comparison).Add(post - pre);
      }
      const std::string name = Item(at, "campaigns", i);
      CampaignEffect e;
      e.treated_units = static_cast<uint32_t>(treated.n);
      e.comparison_units = static_cast<uint32_t>(comparison.n);
      e.periods = c.end - c.start;
      if (treated.n < 2 || comparison.n < 2) {
        std::string why = absl::StrCat(
            "needs two treated and two comparison units observed before and during it, has ",
            treated.n, " and ", comparison.n);
        if (!o.skip_unmeasurable) return absl::FailedPreconditionError(name + ": " + why);
        e.estimated = false;
        e.note = std::move(why);
        out.push_back(std::move(e));
        continue;
      }
      e.effect = treated.mean - comparison.mean;
      const double vt = treated.Variance() / treated.n, vc = comparison.Variance() / comparison.n;
      e.std_error = std::sqrt(vt + vc);
      // Welch-Satterthwaite; with no spread at all the interval is a point.
      const double denom = vt * vt / (treated.n - 1) + vc * vc / (comparison.n - 1);
      e.degrees_of_freedom = denom > 0 ? (vt + vc) * (vt + vc) / denom : treated.n + comparison.n - 2;
      const double t = cocreation::StudentTQuantile((1 + o.confidence) / 2, e.degrees_of_freedom);
      e.ci_low = e.effect - t * e.std_error;
      e.ci_high = e.effect + t * e.std_error;
      const double scale = static_cast<double>(e.treated_units) * e.periods;
      e.total = e.effect * scale;
      e.total_std_error = e.std_error * scale;
      e.total_ci_low = e.ci_low * scale;
      e.total_ci_high = e.ci_high * scale;
      e.return_per_spend = e.total / c.spend;
      out.push_back(e);
    }
    return out;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("EstimateCampaignEffects: out of memory");
  }
}

namespace {

struct Point {
  double x, y, w;
};

// For a given b, the a >= 0 that minimises sum w (y - a g)^2 with
// g = 1 - e^(-b x), and that sum.
std::pair<double, double> BestA(const std::vector<Point>& pts, double b) {
  double sgy = 0, sgg = 0;
  for (const Point& p : pts) {
    const double g = -std::expm1(-b * p.x);
    sgy += p.w * g * p.y;
    sgg += p.w * g * g;
  }
  const double a = sgg > 0 ? std::max(0.0, sgy / sgg) : 0.0;
  double sse = 0;
  for (const Point& p : pts) {
    const double r = p.y - a * -std::expm1(-b * p.x);
    sse += p.w * r * r;
  }
  return {a, sse};
}

struct Fit {
  double a, b;
  bool at_low_end;
};

// Weighted least squares over log b: a grid across the range the spends
// can resolve (b x from 1e-3 at the largest spend to 1e3 at the smallest),
// then golden-section search around the best grid point.
Fit FitCurve(const std::vector<Point>& pts, double min_x, double max_x) {
  const double lo = std::log(1e-3 / max_x), hi = std::log(1e3 / min_x);
  constexpr int kGrid = 120;
  int best = 0;
  double best_sse = std::numeric_limits<double>::infinity();
  for (int i = 0; i <= kGrid; ++i) {
    const double sse = BestA(pts, std::exp(lo + (hi - lo) * i / kGrid)).second;
    if (sse < best_sse) {
      best_sse = sse;
      best = i;
    }
  }
  double l = lo + (hi - lo) * std::max(0, best - 1) / kGrid;
  double h = lo + (hi - lo) * std::min(kGrid, best + 1) / kGrid;
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double c = h - phi * (h - l), d = l + phi * (h - l);
  double fc = BestA(pts, std::exp(c)).second, fd = BestA(pts, std::exp(d)).second;
  for (int it = 0; it < 60; ++it) {
    if (fc < fd) {
      h = d;
      d = c;
      fd = fc;
      c = h - phi * (h - l);
      fc = BestA(pts, std::exp(c)).second;
    } else {
      l = c;
      c = d;
      fc = fd;
      d = l + phi * (h - l);
      fd = BestA(pts, std::exp(d)).second;
    }
  }
  const double b = std::exp((l + h) / 2);
  return {BestA(pts, b).first, b, best == 0};
}

}  // namespace

absl::StatusOr<RouteCurve> FitRouteCurve(const std::vector<Campaign>& campaigns,
                                         const std::vector<CampaignEffect>& effects, CampaignRoute route,
                                         const RouteCurveOptions& o) {
  const FieldPath& at = o.names;
  if (effects.size() != campaigns.size())
    return Invalid(at("effects"), absl::StrCat(effects.size(), " values, but there are ",
                                               campaigns.size(), " campaigns"));
  if (absl::Status s = CheckCount(o.draws, 1, kMaxDraws, at("draws")); !s.ok()) return s;
  if (absl::Status s = CheckConfidence(o.confidence, at("confidence")); !s.ok()) return s;
  std::vector<Point> pts;
  std::vector<double> sd;
  double min_x = std::numeric_limits<double>::infinity(), max_x = 0;
  for (size_t i = 0; i < campaigns.size(); ++i) {
    if (campaigns[i].route != route) continue;
    if (absl::Status s = CheckPositiveMoney(campaigns[i].spend,
                                            absl::StrCat(Item(at, "campaigns", i), ".spend"));
        !s.ok())
      return s;
    const CampaignEffect& e = effects[i];
    if (!std::isfinite(e.total) || !std::isfinite(e.total_std_error) || e.total_std_error < 0)
      return Invalid(absl::StrCat(Item(at, "effects", i), ".total"),
                     "must be finite with a finite standard error >= 0");
    // Weights 1 / variance; an exact total (no spread) weighs as the most
    // precise one seen, not infinitely.
    pts.push_back({campaigns[i].spend, e.total, e.total_std_error});
    sd.push_back(e.total_std_error);
    min_x = std::min(min_x, campaigns[i].spend);
    max_x = std::max(max_x, campaigns[i].spend);
  }
  const char* name = route == CampaignRoute::kChain ? "chain" : "community";
  if (pts.empty() || !(max_x > min_x))
    return absl::FailedPreconditionError(absl::StrCat(
        "the ", name, " route's campaigns have ", pts.empty() ? "no" : "one",
        " distinct spend; a saturating response needs two"));
  double min_sd = std::numeric_limits<double>::infinity();
  for (double s : sd)
    if (s > 0) min_sd = std::min(min_sd, s);
  if (!std::isfinite(min_sd)) min_sd = 1;
  for (Point& p : pts) p.w = 1 / std::pow(std::max(p.w, min_sd), 2);

  try {
    RouteCurve out;
    out.route = route;
    out.campaigns = static_cast<uint32_t>(pts.size());
    const Fit fit = FitCurve(pts, min_x, max_x);
    out.a = fit.a;
    out.b = fit.b;
    out.saturation_identified = !fit.at_low_end;
    out.draw_a.resize(o.draws);
    out.draw_b.resize(o.draws);
    // One stream per route, so that two routes' draws are independent.
    Rng rng(o.seed, 0x63616d706169676eULL + static_cast<uint64_t>(route));
    std::vector<Point> drawn = pts;
    for (uint32_t d = 0; d < o.draws; ++d) {
      for (size_t i = 0; i < pts.size(); ++i) drawn[i].y = pts[i].y + sd[i] * NormalDraw(rng);
      const Fit f = FitCurve(drawn, min_x, max_x);
      out.draw_a[d] = f.a;
      out.draw_b[d] = f.b;
    }
    const double tail = (1 - o.confidence) / 2;
    // Copies: the draws stay paired (a[d], b[d]) for the ranking.
    std::vector<double> a = out.draw_a, b = out.draw_b;
    out.a_low = Percentile(a, tail);
    out.a_high = Percentile(a, 1 - tail);
    out.b_low = Percentile(b, tail);
    out.b_high = Percentile(b, 1 - tail);
    return out;
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("FitRouteCurve: out of memory");
  }
}

absl::StatusOr<double> ProbabilityFirstReturnsMore(const RouteCurve& first,
                                                   const RouteCurve& second, double spend) {
  if (absl::Status s = CheckPositiveMoney(spend, "spend"); !s.ok()) return s;
  if (first.draw_a.size() != second.draw_a.size() || first.draw_a.empty())
    return Invalid("second", absl::StrCat(second.draw_a.size(), " draws, but first has ",
                                          first.draw_a.size(), " (needs the same, > 0)"));
  size_t more = 0;
  for (size_t d = 0; d < first.draw_a.size(); ++d) {
    const double f = first.draw_a[d] * -std::expm1(-first.draw_b[d] * spend);
    const double s = second.draw_a[d] * -std::expm1(-second.draw_b[d] * spend);
    more += f > s;
  }
  return static_cast<double>(more) / first.draw_a.size();
}

}  // namespace mitra::channels
