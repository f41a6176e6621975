#include "mitra/cocreation/feedback.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/request_errors.h"
#include "absl/strings/str_cat.h"
#include "rating_keys.h"

namespace mitra::cocreation {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

absl::Status Check(const FeedbackOptions& o) {
  return CheckRanges(
      o.names,
      {{"prior_weight", o.prior_weight, o.prior_weight >= 0, "finite and >= 0"},
       // NaN: the group's grand mean.
       {"prior_mean", std::isnan(o.prior_mean) ? 0 : o.prior_mean, true, "finite"},
       {"top_box", o.top_box, o.top_box > 0 && o.top_box <= 1, "in (0, 1]"},
       {"confidence", o.confidence, o.confidence > 0 && o.confidence < 1, "in (0, 1)"},
       {"fdr", o.fdr, o.fdr > 0 && o.fdr < 1, "in (0, 1)"},
       {"margin", o.margin, o.margin >= 0 && o.margin < 1, "in [0, 1)"},
       {"bias_shrinkage", o.bias_shrinkage, o.bias_shrinkage >= 0, "finite and >= 0"}});
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

// Per program: scale origin and width (a degenerate scale counts as width 1).
struct Scales {
  std::vector<double> lo, width;
  explicit Scales(const ProgramTable& pr) : lo(pr.ids.size()), width(pr.ids.size()) {
    for (Index p = 0; p < pr.ids.size(); ++p) {
      double a, b;
      ProgramScale(pr, p, &a, &b);
      lo[p] = a;
      width[p] = b > a ? b - a : 1;
    }
  }
  double ToUnit(Index p, double v) const { return (v - lo[p]) / width[p]; }
};

// Groups (program, product) in first-seen order, and each row's group.
struct RowGroups {
  std::vector<std::pair<Index, Index>> key;
  std::vector<uint32_t> of_row;

  RowGroups(const FeedbackTable& fb, const ProgramTable& pr) : of_row(fb.program.size()) {
    std::vector<std::vector<std::pair<Index, uint32_t>>> groups_of_program(pr.ids.size());
    auto group_of = [&](Index p, Index product) {
      for (const auto& [q, g] : groups_of_program[p])
        if (q == product) return g;
      const uint32_t g = static_cast<uint32_t>(key.size());
      key.emplace_back(p, product);
      groups_of_program[p].emplace_back(product, g);
      return g;
    };
    Index last_program = kNoIndex, last_product = kNoIndex;
    uint32_t last_group = 0;
    for (size_t r = 0; r < of_row.size(); ++r) {
      const Index p = fb.program[r];
      const Index product = fb.product[r] != kNoIndex ? fb.product[r] : pr.product[p];
      if (p != last_program || product != last_product) {  // runs of one group: one lookup
        last_group = group_of(p, product);
        last_program = p;
        last_product = product;
      }
      of_row[r] = last_group;
    }
  }
  size_t size() const { return key.size(); }
};

// The sums of one aggregation: per (group, attribute) cell and per group.
class Tally {
 public:
  Tally(const Tables& t, const FeedbackOptions& o)
      : fb_(t.feedback), o_(o), keys_(fb_.ratings), K_(keys_.size()), scales_(t.programs),
        groups_(fb_, t.programs), cells_(groups_.size() * K_), responses_(groups_.size(), 0),
        promoters_(groups_.size(), 0), passives_(groups_.size(), 0),
        detractors_(groups_.size(), 0) {}

  // Pass 1: sums per cell, NPS counts, responses; pass 2: each reviewer's
  // offset; pass 3: the corrected sums.
  void Run(size_t num_customers) {
    for (size_t r = 0; r < fb_.program.size(); ++r) AddRow(r);
    const std::vector<double> offset = ReviewerOffsets(num_customers);
    for (size_t r = 0; r < fb_.program.size(); ++r) AddCorrected(r, offset[fb_.customer[r]]);
  }

  bool paired() const {
    return o_.baseline_program == kNoIndex && o_.baseline_product == kNoIndex;
  }
  const RatingKeys& keys() const { return keys_; }
  size_t K() const { return K_; }
  const Scales& scales() const { return scales_; }
  const RowGroups& groups() const { return groups_; }
  const Cell* cells_of(uint32_t g) const { return cells_.data() + static_cast<size_t>(g) * K_; }
  uint64_t responses(uint32_t g) const { return responses_[g]; }
  NpsEstimate Nps(uint32_t g, double z) const {
    return cocreation::Nps(promoters_[g], passives_[g], detractors_[g], z);
  }

 private:
  Cell* cells_of(uint32_t g) { return cells_.data() + static_cast<size_t>(g) * K_; }

  void AddRow(size_t r) {
    const uint32_t g = groups_.of_row[r];
    const Index p = fb_.program[r];
    ++responses_[g];
    Cell* row_cells = cells_of(g);
    answer_.clear();
    double total = 0;
    fb_.ratings.ForEach(r, [&](std::string_view name, double v) {
      const uint32_t k = keys_.Of(name);
      const double x = scales_.ToUnit(p, v);
      Cell& c = row_cells[k];
      c.raw.Add(x);
      c.positives += x >= o_.top_box - 1e-12;
      if (paired()) {
        answer_.emplace_back(k, x);
        total += x;
      }
    });
    if (paired() && answer_.size() >= 2) {
      const double others = static_cast<double>(answer_.size() - 1);
      for (const auto& [k, x] : answer_) row_cells[k].paired.Add(x - (total - x) / others);
    }
    const double wr = fb_.would_recommend[r];
    if (!std::isnan(wr)) {
      if (wr >= 9) ++promoters_[g];
      else if (wr >= 7) ++passives_[g];
      else ++detractors_[g];
    }
  }

  // Each reviewer's offset, shrunk towards 0 (Koren's baseline predictor
  // b_u = sum (x - mu_item) / (lambda + n_u)).
  std::vector<double> ReviewerOffsets(size_t num_customers) const {
    std::vector<double> offset(num_customers, 0.0);
    std::vector<uint32_t> rated(num_customers, 0);
    std::vector<double> item_mean(cells_.size());
    for (size_t i = 0; i < cells_.size(); ++i) item_mean[i] = cells_[i].raw.Mean();
    for (size_t r = 0; r < fb_.program.size(); ++r) {
      const Index p = fb_.program[r], c = fb_.customer[r];
      const double* means = item_mean.data() + static_cast<size_t>(groups_.of_row[r]) * K_;
      fb_.ratings.ForEach(r, [&](std::string_view name, double v) {
        offset[c] += scales_.ToUnit(p, v) - means[keys_.Of(name)];
        ++rated[c];
      });
    }
    for (size_t c = 0; c < num_customers; ++c)
      if (rated[c]) offset[c] /= o_.bias_shrinkage + rated[c];
    return offset;
  }

  void AddCorrected(size_t r, double b) {
    const Index p = fb_.program[r];
    Cell* row_cells = cells_of(groups_.of_row[r]);
    fb_.ratings.ForEach(r, [&](std::string_view name, double v) {
      row_cells[keys_.Of(name)].corrected += scales_.ToUnit(p, v) - b;
    });
  }

  const FeedbackTable& fb_;
  const FeedbackOptions& o_;
  const RatingKeys keys_;
  const size_t K_;
  const Scales scales_;
  const RowGroups groups_;
  std::vector<Cell> cells_;
  std::vector<uint64_t> responses_, promoters_, passives_, detractors_;
  std::vector<std::pair<uint32_t, double>> answer_;  // (key, x) of one row
};

// The groups reported, in (program, product) order.
std::vector<uint32_t> ReportedGroups(const RowGroups& groups, const FeedbackOptions& o) {
  std::vector<uint32_t> reported;
  for (uint32_t g = 0; g < groups.size(); ++g) {
    const auto [p, product] = groups.key[g];
    if (o.program != kNoIndex && p != o.program) continue;
    if (o.product != kNoIndex && product != o.product) continue;
    reported.push_back(g);
  }
  std::sort(reported.begin(), reported.end(),
            [&](uint32_t a, uint32_t b) { return groups.key[a] < groups.key[b]; });
  return reported;
}

// Distinct respondents of the reported groups: rows bucketed by group,
// then a stamp per customer.
std::vector<uint64_t> CountRespondents(const FeedbackTable& fb, const RowGroups& groups,
                                       const std::vector<uint32_t>& reported,
                                       size_t num_customers) {
  const size_t G = groups.size(), rows = groups.of_row.size();
  std::vector<uint64_t> respondents(G, 0);
  std::vector<uint32_t> start(G + 1, 0);
  for (size_t r = 0; r < rows; ++r) ++start[groups.of_row[r] + 1];
  for (size_t g = 0; g < G; ++g) start[g + 1] += start[g];
  std::vector<uint32_t> order(rows), fill(start.begin(), start.end() - 1);
  for (size_t r = 0; r < rows; ++r) order[fill[groups.of_row[r]]++] = static_cast<uint32_t>(r);
  std::vector<uint32_t> stamp(num_customers, UINT32_MAX);
  for (uint32_t g : reported) {
    for (uint32_t i = start[g]; i < start[g + 1]; ++i) {
      const Index c = fb.customer[order[i]];
      if (stamp[c] != g) stamp[c] = g, ++respondents[g];
    }
  }
  return respondents;
}

// The attributes of group g: the program's list, then others rated here,
// by name; (name, key or UINT32_MAX).
std::vector<std::pair<std::string, uint32_t>> GroupAttributes(const ProgramTable& pr,
                                                              const Tally& tally, Index p,
                                                              uint32_t g) {
  std::vector<std::pair<std::string, uint32_t>> attrs;
  std::vector<bool> listed(tally.K(), false);
  pr.rated_attributes.ForEach(p, [&](std::string_view name, double) {
    const uint32_t k = tally.keys().Find(name);
    attrs.emplace_back(name, k);
    if (k != UINT32_MAX) listed[k] = true;
  });
  std::vector<std::pair<std::string, uint32_t>> extra;
  const Cell* row_cells = tally.cells_of(g);
  for (uint32_t k = 0; k < tally.K(); ++k)
    if (!listed[k] && row_cells[k].raw.n > 0) extra.emplace_back(tally.keys().Name(k), k);
  std::sort(extra.begin(), extra.end());
  attrs.insert(attrs.end(), extra.begin(), extra.end());
  return attrs;
}

void SetTest(const TTest& tt, AttributeFeedback& a) {
  a.statistic = tt.statistic;
  a.df = tt.df;
  a.p_value = tt.p_value;
}

// Paired: the attribute against the other ratings of the same answers.
void PairedTest(const Cell& c, double w, double margin, AttributeFeedback& a) {
  const Sums& d = c.paired;
  if (d.n < 2) return;
  a.tested = true;
  a.baseline_n = d.n;
  a.difference = w * d.Mean();
  // The mean of the other ratings of the same answers.
  a.baseline_mean = a.mean - a.difference;
  SetTest(OneSampleLowerTest(d.Mean(), d.Variance(), static_cast<double>(d.n), margin), a);
}

// Against a baseline: the same attribute in the baseline program's (or
// product's) other groups (Welch).
void BaselineTest(const Tally& tally, const FeedbackOptions& o, uint32_t g, uint32_t k,
                  double origin, double w, AttributeFeedback& a) {
  const Sums& raw = tally.cells_of(g)[k].raw;
  const Index p = tally.groups().key[g].first;
  Sums base;
  for (uint32_t h = 0; h < tally.groups().size(); ++h) {
    if (h == g) continue;
    const auto [bp, bprod] = tally.groups().key[h];
    const bool program_ok = o.baseline_program != kNoIndex ? bp == o.baseline_program : bp == p;
    const bool product_ok = o.baseline_product == kNoIndex || bprod == o.baseline_product;
    if (program_ok && product_ok) base.Add(tally.cells_of(h)[k].raw);
  }
  if (raw.n < 2 || base.n < 2) return;
  const double mx = raw.Mean();
  a.tested = true;
  a.baseline_n = base.n;
  a.baseline_mean = origin + w * base.Mean();
  a.difference = w * (mx - base.Mean());
  SetTest(WelchLowerTest(mx, raw.Variance(), static_cast<double>(raw.n), base.Mean(),
                         base.Variance(), static_cast<double>(base.n), o.margin),
          a);
}

// One attribute of group g (key k, or UINT32_MAX when never rated).
AttributeFeedback Attribute(const Tally& tally, const FeedbackOptions& o, const GroupFeedback& gf,
                            uint32_t g, const std::string& name, uint32_t k, double z) {
  const Index p = gf.program;
  const double origin = tally.scales().lo[p], w = tally.scales().width[p];
  AttributeFeedback a;
  a.attribute = name;
  static const Cell kEmpty;
  const Cell& c = k == UINT32_MAX ? kEmpty : tally.cells_of(g)[k];
  a.n = c.raw.n;
  a.mean = origin + w * c.raw.Mean();
  a.sd = w * std::sqrt(c.raw.Variance());
  a.bayesian_average =
      BayesianAverage(static_cast<double>(a.n), a.n ? a.mean : 0, o.prior_weight, gf.prior_mean);
  a.positives = c.positives;
  a.positive_share = a.n ? static_cast<double>(c.positives) / static_cast<double>(a.n) : kNaN;
  a.wilson = Wilson(c.positives, a.n, z);
  a.corrected_mean = a.n ? origin + w * c.corrected / static_cast<double>(a.n) : kNaN;
  if (k == UINT32_MAX) return a;
  if (tally.paired())
    PairedTest(c, w, o.margin, a);
  else
    BaselineTest(tally, o, g, k, origin, w, a);
  return a;
}

// Group g's summary: its counts, prior, NPS and attributes, the attributes'
// tests adjusted by Benjamini-Hochberg.
GroupFeedback Group(const Tables& t, const FeedbackOptions& o, const Tally& tally, uint32_t g,
                    uint64_t respondents, double z) {
  const auto [p, product] = tally.groups().key[g];
  GroupFeedback gf;
  gf.program = p;
  gf.product = product;
  gf.responses = tally.responses(g);
  gf.respondents = respondents;
  ProgramScale(t.programs, p, &gf.rating_min, &gf.rating_max);
  const double origin = tally.scales().lo[p], w = tally.scales().width[p];
  gf.top_box_rating = origin + o.top_box * w;
  gf.prior_weight = o.prior_weight;
  Sums all;
  for (size_t k = 0; k < tally.K(); ++k) all.Add(tally.cells_of(g)[k].raw);
  gf.prior_mean = !std::isnan(o.prior_mean) ? o.prior_mean : origin + w * all.Mean();
  gf.nps = tally.Nps(g, z);
  std::vector<double> p_values;
  for (const auto& [name, k] : GroupAttributes(t.programs, tally, p, g)) {
    AttributeFeedback a = Attribute(tally, o, gf, g, name, k, z);
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
  return gf;
}

}  // namespace

void ProgramScale(const ProgramTable& programs, Index program, double* lo, double* hi) {
  *lo = programs.rating_min[program];
  *hi = programs.rating_max[program];
  if (*lo == 0 && *hi == 0) *lo = 1, *hi = 5;
}

absl::StatusOr<FeedbackSummary> AggregateFeedback(const Tables& t, const FeedbackOptions& o) {
  if (absl::Status s = Check(o); !s.ok()) return s;
  const size_t num_customers = t.customers.ids.size();
  Tally tally(t, o);
  tally.Run(num_customers);
  const std::vector<uint32_t> reported = ReportedGroups(tally.groups(), o);
  const std::vector<uint64_t> respondents =
      CountRespondents(t.feedback, tally.groups(), reported, num_customers);
  FeedbackSummary out;
  out.z = ZForConfidence(o.confidence);
  for (uint32_t g : reported) out.groups.push_back(Group(t, o, tally, g, respondents[g], out.z));
  return out;
}

}  // namespace mitra::cocreation
