#include "mitra/cocreation/feedback.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rating_keys.h"

namespace mitra::cocreation {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

absl::Status Invalid(const char* option, double v, const char* range) {
  return absl::InvalidArgumentError(absl::StrCat(option, ": must be ", range, ", got ", v));
}

absl::Status Check(const FeedbackOptions& o) {
  if (!(std::isfinite(o.prior_weight) && o.prior_weight >= 0))
    return Invalid("prior_weight", o.prior_weight, "finite and >= 0");
  if (!std::isnan(o.prior_mean) && !std::isfinite(o.prior_mean))
    return Invalid("prior_mean", o.prior_mean, "finite");
  if (!(o.top_box > 0 && o.top_box <= 1)) return Invalid("top_box", o.top_box, "in (0, 1]");
  if (!(o.confidence > 0 && o.confidence < 1))
    return Invalid("confidence", o.confidence, "in (0, 1)");
  if (!(o.fdr > 0 && o.fdr < 1)) return Invalid("fdr", o.fdr, "in (0, 1)");
  if (!(o.margin >= 0 && o.margin < 1)) return Invalid("margin", o.margin, "in [0, 1)");
  if (!(std::isfinite(o.bias_shrinkage) && o.bias_shrinkage >= 0))
    return Invalid("bias_shrinkage", o.bias_shrinkage, "finite and >= 0");
  return absl::OkStatus();
}

// Running sums of values on the 0..1 scale.
struct Sums {
  uint64_t n = 0;
  double sum = 0, sum2 = 0;
  void Add(double x) {
    ++n;
    sum += x;
    sum2 += x * x;
  }
  void Add(const Sums& o) {
    n += o.n;
    sum += o.sum;
    sum2 += o.sum2;
  }
  double Mean() const { return n ? sum / static_cast<double>(n) : kNaN; }
  double Variance() const {
    if (n < 2) return kNaN;
    const double nn = static_cast<double>(n);
    return std::max(0.0, (sum2 - sum * sum / nn) / (nn - 1));
  }
};

struct Cell {
  Sums raw;          // x
  Sums paired;       // d = x - mean of the answer's other ratings
  double corrected = 0;  // sum of x - b_u
  uint64_t positives = 0;
};

}  // namespace

void ProgramScale(const ProgramTable& programs, Index program, double* lo, double* hi) {
  *lo = programs.rating_min[program];
  *hi = programs.rating_max[program];
  if (*lo == 0 && *hi == 0) *lo = 1, *hi = 5;
}

absl::StatusOr<FeedbackSummary> AggregateFeedback(const Tables& t, const FeedbackOptions& o) {
  if (absl::Status s = Check(o); !s.ok()) return s;
  const FeedbackTable& fb = t.feedback;
  const ProgramTable& pr = t.programs;
  const size_t rows = fb.program.size(), num_programs = pr.ids.size();
  const RatingKeys keys(fb.ratings);
  const size_t K = keys.size();
  const bool paired = o.baseline_program == kNoIndex && o.baseline_product == kNoIndex;

  // Per program: scale origin and width (a degenerate scale counts as width 1).
  std::vector<double> lo(num_programs), width(num_programs);
  for (Index p = 0; p < num_programs; ++p) {
    double a, b;
    ProgramScale(pr, p, &a, &b);
    lo[p] = a;
    width[p] = b > a ? b - a : 1;
  }

  // Groups (program, product) in first-seen order; the row's group.
  std::vector<std::pair<Index, Index>> group_key;
  std::vector<std::vector<std::pair<Index, uint32_t>>> groups_of_program(num_programs);
  std::vector<uint32_t> row_group(rows);
  auto group_of = [&](Index p, Index product) {
    for (const auto& [q, g] : groups_of_program[p])
      if (q == product) return g;
    const uint32_t g = static_cast<uint32_t>(group_key.size());
    group_key.emplace_back(p, product);
    groups_of_program[p].emplace_back(product, g);
    return g;
  };
  Index last_program = kNoIndex, last_product = kNoIndex;
  uint32_t last_group = 0;
  for (size_t r = 0; r < rows; ++r) {
    const Index p = fb.program[r];
    const Index product = fb.product[r] != kNoIndex ? fb.product[r] : pr.product[p];
    if (p != last_program || product != last_product) {
      last_group = group_of(p, product);
      last_program = p;
      last_product = product;
    }
    row_group[r] = last_group;
  }
  const size_t G = group_key.size();

  // Pass 1: sums per (group, attribute) cell, NPS counts, responses.
  std::vector<Cell> cells(G * K);
  std::vector<uint64_t> responses(G, 0), promoters(G, 0), passives(G, 0), detractors(G, 0);
  std::vector<double> top_box_x(num_programs);
  for (Index p = 0; p < num_programs; ++p) top_box_x[p] = o.top_box;
  std::vector<std::pair<uint32_t, double>> answer;  // (key, x) of one row
  for (size_t r = 0; r < rows; ++r) {
    const uint32_t g = row_group[r];
    const Index p = fb.program[r];
    const double origin = lo[p], w = width[p], top = top_box_x[p];
    ++responses[g];
    Cell* row_cells = cells.data() + static_cast<size_t>(g) * K;
    answer.clear();
    double total = 0;
    fb.ratings.ForEach(r, [&](const std::string& name, double v) {
      const uint32_t k = keys.Of(name);
      const double x = (v - origin) / w;
      Cell& c = row_cells[k];
      c.raw.Add(x);
      c.positives += x >= top - 1e-12;
      if (paired) {
        answer.emplace_back(k, x);
        total += x;
      }
    });
    if (paired && answer.size() >= 2) {
      const double others = static_cast<double>(answer.size() - 1);
      for (const auto& [k, x] : answer) row_cells[k].paired.Add(x - (total - x) / others);
    }
    const double wr = fb.would_recommend[r];
    if (!std::isnan(wr)) {
      if (wr >= 9) ++promoters[g];
      else if (wr >= 7) ++passives[g];
      else ++detractors[g];
    }
  }

  // Pass 2: each reviewer's offset, shrunk towards 0 (Koren's baseline
  // predictor b_u = sum (x - mu_item) / (lambda + n_u)).
  const size_t num_customers = t.customers.ids.size();
  std::vector<double> offset(num_customers, 0.0);
  std::vector<uint32_t> rated(num_customers, 0);
  std::vector<double> item_mean(G * K);
  for (size_t i = 0; i < G * K; ++i) item_mean[i] = cells[i].raw.Mean();
  for (size_t r = 0; r < rows; ++r) {
    const Index p = fb.program[r], c = fb.customer[r];
    const double* means = item_mean.data() + static_cast<size_t>(row_group[r]) * K;
    const double origin = lo[p], w = width[p];
    fb.ratings.ForEach(r, [&](const std::string& name, double v) {
      offset[c] += (v - origin) / w - means[keys.Of(name)];
      ++rated[c];
    });
  }
  for (size_t c = 0; c < num_customers; ++c)
    if (rated[c]) offset[c] /= o.bias_shrinkage + rated[c];
  // Pass 3: the corrected sums.
  for (size_t r = 0; r < rows; ++r) {
    const Index p = fb.program[r];
    const double b = offset[fb.customer[r]];
    Cell* row_cells = cells.data() + static_cast<size_t>(row_group[r]) * K;
    const double origin = lo[p], w = width[p];
    fb.ratings.ForEach(r, [&](const std::string& name, double v) {
      row_cells[keys.Of(name)].corrected += (v - origin) / w - b;
    });
  }

  // The groups reported, in (program, product) order, none last.
  std::vector<uint32_t> reported;
  for (uint32_t g = 0; g < G; ++g) {
    const auto [p, product] = group_key[g];
    if (o.program != kNoIndex && p != o.program) continue;
    if (o.product != kNoIndex && product != o.product) continue;
    reported.push_back(g);
  }
  std::sort(reported.begin(), reported.end(),
            [&](uint32_t a, uint32_t b) { return group_key[a] < group_key[b]; });

  // Distinct respondents of the reported groups: rows bucketed by group,
  // then a stamp per customer.
  std::vector<uint64_t> respondents(G, 0);
  {
    std::vector<uint32_t> start(G + 1, 0);
    for (size_t r = 0; r < rows; ++r) ++start[row_group[r] + 1];
    for (size_t g = 0; g < G; ++g) start[g + 1] += start[g];
    std::vector<uint32_t> order(rows), fill(start.begin(), start.end() - 1);
    for (size_t r = 0; r < rows; ++r) order[fill[row_group[r]]++] = static_cast<uint32_t>(r);
    std::vector<uint32_t> stamp(num_customers, UINT32_MAX);
    for (uint32_t g : reported) {
      for (uint32_t i = start[g]; i < start[g + 1]; ++i) {
        const Index c = fb.customer[order[i]];
        if (stamp[c] != g) stamp[c] = g, ++respondents[g];
      }
    }
  }

  FeedbackSummary out;
  out.z = ZForConfidence(o.confidence);
  for (uint32_t g : reported) {
    const auto [p, product] = group_key[g];
    GroupFeedback gf;
    gf.program = p;
    gf.product = product;
    gf.responses = responses[g];
    gf.respondents = respondents[g];
    ProgramScale(pr, p, &gf.rating_min, &gf.rating_max);
    const double origin = lo[p], w = width[p];
    gf.top_box_rating = origin + o.top_box * w;
    gf.prior_weight = o.prior_weight;
    const Cell* row_cells = cells.data() + static_cast<size_t>(g) * K;
    Sums all;
    for (size_t k = 0; k < K; ++k) all.Add(row_cells[k].raw);
    gf.prior_mean = !std::isnan(o.prior_mean) ? o.prior_mean : origin + w * all.Mean();
    gf.nps = Nps(promoters[g], passives[g], detractors[g], out.z);

    // The attributes: the program's list, then others rated here, by name.
    std::vector<std::pair<std::string, uint32_t>> attrs;  // (name, key or UINT32_MAX)
    std::vector<bool> listed(K, false);
    pr.rated_attributes.ForEach(p, [&](const std::string& name, double) {
      const uint32_t k = keys.Find(name);
      attrs.emplace_back(name, k);
      if (k != UINT32_MAX) listed[k] = true;
    });
    std::vector<std::pair<std::string, uint32_t>> extra;
    for (uint32_t k = 0; k < K; ++k)
      if (!listed[k] && row_cells[k].raw.n > 0) extra.emplace_back(keys.Name(k), k);
    std::sort(extra.begin(), extra.end());
    attrs.insert(attrs.end(), extra.begin(), extra.end());

    std::vector<double> p_values;
    for (const auto& [name, k] : attrs) {
      AttributeFeedback a;
      a.attribute = name;
      static const Cell kEmpty;
      const Cell& c = k == UINT32_MAX ? kEmpty : row_cells[k];
      a.n = c.raw.n;
      const double mx = c.raw.Mean();
      a.mean = origin + w * mx;
      a.sd = w * std::sqrt(c.raw.Variance());
      a.bayesian_average =
          BayesianAverage(static_cast<double>(a.n), a.n ? a.mean : 0, o.prior_weight, gf.prior_mean);
      a.positives = c.positives;
      a.positive_share = a.n ? static_cast<double>(c.positives) / static_cast<double>(a.n) : kNaN;
      a.wilson = Wilson(c.positives, a.n, out.z);
      a.corrected_mean = a.n ? origin + w * c.corrected / static_cast<double>(a.n) : kNaN;

      if (k != UINT32_MAX && paired) {
        const Sums& d = c.paired;
        if (d.n >= 2) {
          a.tested = true;
          a.baseline_n = d.n;
          a.difference = w * d.Mean();
          // The mean of the other ratings of the same answers.
          a.baseline_mean = a.mean - a.difference;
          const TTest tt = OneSampleLowerTest(d.Mean(), d.Variance(), static_cast<double>(d.n), o.margin);
          a.statistic = tt.statistic;
          a.df = tt.df;
          a.p_value = tt.p_value;
        }
      } else if (k != UINT32_MAX) {
        Sums base;
        for (uint32_t h = 0; h < G; ++h) {
          if (h == g) continue;
          const auto [bp, bprod] = group_key[h];
          const bool program_ok = o.baseline_program != kNoIndex ? bp == o.baseline_program : bp == p;
          const bool product_ok = o.baseline_product == kNoIndex || bprod == o.baseline_product;
          if (program_ok && product_ok) base.Add(cells[static_cast<size_t>(h) * K + k].raw);
        }
        if (c.raw.n >= 2 && base.n >= 2) {
          a.tested = true;
          a.baseline_n = base.n;
          a.baseline_mean = origin + w * base.Mean();
          a.difference = w * (mx - base.Mean());
          const TTest tt = WelchLowerTest(mx, c.raw.Variance(), static_cast<double>(c.raw.n),
                                          base.Mean(), base.Variance(), static_cast<double>(base.n),
                                          o.margin);
          a.statistic = tt.statistic;
          a.df = tt.df;
          a.p_value = tt.p_value;
        }
      }
      p_values.push_back(a.tested ? a.p_value : kNaN);
      gf.attributes.push_back(std::move(a));
    }
    const BhResult bh = BenjaminiHochberg(p_values, o.fdr);
    gf.tests = bh.tests;
    for (size_t i = 0; i < gf.attributes.size(); ++i) {
      gf.attributes[i].q_value = bh.adjusted[i];
      gf.attributes[i].significantly_worse = bh.rejected[i];
      gf.flagged += bh.rejected[i];
    }
    out.groups.push_back(std::move(gf));
  }
  return out;
}

}  // namespace mitra::cocreation
